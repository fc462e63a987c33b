/**
 * The Ringer port over the realtime channel (media-and-sip.md §7): an invited app user's call is offered on
 * every socket of the user, rings until the ring timeout, and is settled by the first accept or decline from
 * any device. Which device wins is decided here, synchronously, before anything is awaited, so two devices
 * accepting at once cannot both win; the domain is told through `report` (recordCallProgress).
 */
import { DomainError } from '../domain/errors.js';
import type { RingRequest, Ringer } from '../domain/live/ports.js';
import { silentLogger, type RealtimeLogger } from './enhancedEvents.js';
import type { CallCancelWhy, NotificationOf } from './protocol.js';
import type { ReportProgress, RoomHub } from './RoomHub.js';
import type { Session } from './Session.js';

type CallState = 'ringing' | 'answered' | 'declined' | 'expired' | 'cancelled';

interface Call {
  req: RingRequest;
  state: CallState;
  /** The ring timeout passed while a join of the user was in flight; decided when the join finishes. */
  due: boolean;
  /** Epoch ms. */
  expiresAt: number;
  timer: NodeJS.Timeout | null;
}

/** Options of RealtimeRinger. */
export interface RealtimeRingerOptions {
  hub: RoomHub;
  /** recordCallProgress bound to LiveDeps (taken as a callback: LiveDeps holds this ringer). */
  report: ReportProgress;
  logger?: RealtimeLogger;
  /** Time source for `expiresAt`; the ring timer itself is a real timer. Default Date.now. */
  now?: () => number;
  /**
   * How long a settled call is remembered, so that a late accept is answered `call.expired` or
   * `call.already_answered` rather than "unknown call". Default 10 minutes.
   */
  retainMs?: number;
}

/** Rings app users on their realtime sockets. */
export class RealtimeRinger implements Ringer {
  readonly #hub: RoomHub;
  readonly #report: ReportProgress;
  readonly #logger: RealtimeLogger;
  readonly #now: () => number;
  readonly #retainMs: number;
  readonly #calls = new Map<string, Call>();
  /** Joins in flight per user (a join may answer a ringing call, so the ring timeout must not overtake it). */
  readonly #holds = new Map<string, number>();
  #closed = false;

  constructor({ hub, report, logger = silentLogger, now = Date.now, retainMs = 600_000 }: RealtimeRingerOptions) {
    this.#hub = hub;
    this.#report = report;
    this.#logger = logger;
    this.#now = now;
    this.#retainMs = retainMs;
  }

  /** True when the user has at least one authenticated socket. */
  isOnline(userId: string): boolean {
    return this.#hub.sessionsOfUser(userId).size > 0;
  }

  /** Offers the call on every socket of the user and starts the ring timer. A repeated offer is ignored. */
  ring(req: RingRequest): void {
    if (this.#closed || this.#calls.has(req.participantId)) return;
    const call: Call = { req, state: 'ringing', due: false, expiresAt: this.#now() + req.ringTimeoutMs, timer: null };
    // The ring timeout (media-and-sip.md §1.4, default 60 s) comes from config through the request.
    call.timer = setTimeout(() => this.#expire(call), req.ringTimeoutMs);
    this.#calls.set(req.participantId, call);
    const msg = JSON.stringify(this.#incoming(call, req.ringTimeoutMs));
    for (const s of this.#hub.sessionsOfUser(req.userId)) s.sendRaw(msg);
  }

  /** Withdraws a ringing call from every socket of the user (removed by the host, meeting ended). */
  cancel(participantId: string, why: CallCancelWhy): void {
    const call = this.#calls.get(participantId);
    if (!call || call.state !== 'ringing') return;
    this.#settle(call, 'cancelled');
    this.#tell(call, why);
  }

  /** The calls still ringing for a user, as `call.incoming` with the time left (for a socket that just signed in). */
  pendingFor(userId: string): Array<NotificationOf<'call.incoming'>> {
    const out: Array<NotificationOf<'call.incoming'>> = [];
    for (const call of this.#calls.values()) if (call.state === 'ringing' && call.req.userId === userId) out.push(this.#incoming(call));
    return out;
  }

  /**
   * Checks and settles a device's answer to a call, synchronously: `ringing` only checks; `accept` and
   * `decline` settle the call (first one wins) and withdraw it from the user's other sockets
   * (`answered_elsewhere` / `declined_elsewhere`). Reporting to the domain is the caller's next step.
   * @throws participant.not_found (no such call for this user), call.already_answered, call.expired
   */
  claim(session: Session, callId: string, action: 'ringing' | 'accept' | 'decline'): RingRequest {
    const call = this.#calls.get(callId);
    if (!call || call.req.userId !== session.userId) throw new DomainError('participant.not_found', `no call ${callId} for this user`);
    if (call.state === 'answered') throw new DomainError('call.already_answered', 'the call was answered on another device');
    if (call.state !== 'ringing') throw new DomainError('call.expired', 'the call is no longer ringing');
    if (action === 'ringing') return call.req;
    this.#settle(call, action === 'accept' ? 'answered' : 'declined');
    this.#tell(call, action === 'accept' ? 'answered_elsewhere' : 'declined_elsewhere', session);
    return call.req;
  }

  /** The user answered by joining the meeting (joinConference outcome `answered`): settle and withdraw elsewhere. */
  answeredByJoin(participantId: string, session: Session): void {
    const call = this.#calls.get(participantId);
    if (!call || call.state !== 'ringing') return;
    this.#settle(call, 'answered');
    this.#tell(call, 'answered_elsewhere', session);
  }

  /**
   * A `meeting.join` of the user starts. Until `release`, the user's calls do not time out: a join may answer
   * one of them, and a NO_ANSWER recorded right after the join committed would end the leg it just connected.
   */
  hold(userId: string): void {
    this.#holds.set(userId, (this.#holds.get(userId) ?? 0) + 1);
  }

  /** The join finished: calls of the user whose timeout passed meanwhile and are still ringing time out now. */
  release(userId: string): void {
    const n = (this.#holds.get(userId) ?? 1) - 1;
    if (n > 0) {
      this.#holds.set(userId, n);
      return;
    }
    this.#holds.delete(userId);
    for (const call of [...this.#calls.values()]) if (call.req.userId === userId && call.due) this.#expire(call);
  }

  /** Stops every ring timer. Idempotent. */
  close(): void {
    this.#closed = true;
    for (const c of this.#calls.values()) if (c.timer) clearTimeout(c.timer);
    this.#calls.clear();
  }

  #incoming(call: Call, ringTimeoutMs = Math.max(0, call.expiresAt - this.#now())): NotificationOf<'call.incoming'> {
    const r = call.req;
    return {
      type: 'call.incoming',
      callId: r.participantId,
      meetingId: r.meetingId,
      subject: r.subject,
      inviter: { name: r.inviterName },
      media: { audio: true, video: true },
      ringTimeoutMs,
      expiresAt: call.expiresAt,
    };
  }

  #expire(call: Call): void {
    if (call.state !== 'ringing') return;
    if ((this.#holds.get(call.req.userId) ?? 0) > 0) {
      call.due = true;
      return;
    }
    this.#settle(call, 'expired');
    this.#tell(call, 'timeout');
    this.#report({ participantId: call.req.participantId, signal: { kind: 'ended', reason: 'NO_ANSWER' } }).catch((err: unknown) =>
      this.#logger.error({ err, participantId: call.req.participantId }, 'recording an unanswered call failed'),
    );
  }

  #settle(call: Call, state: CallState): void {
    call.state = state;
    if (call.timer) clearTimeout(call.timer);
    call.timer = setTimeout(() => {
      if (this.#calls.get(call.req.participantId) === call) this.#calls.delete(call.req.participantId);
    }, this.#retainMs);
    call.timer.unref();
  }

  #tell(call: Call, why: CallCancelWhy, except?: Session): void {
    const msg = JSON.stringify({ type: 'call.cancelled', callId: call.req.participantId, why } satisfies NotificationOf<'call.cancelled'>);
    for (const s of this.#hub.sessionsOfUser(call.req.userId)) if (s !== except) s.sendRaw(msg);
  }
}
