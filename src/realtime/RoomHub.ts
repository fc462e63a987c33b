/**
 * The registry of realtime sessions (ARCHITECTURE.md §4.8): every socket, the sockets of each user (a user may
 * have several devices), the one socket that carries each participant leg, and one room per running
 * conference with the sockets of its legs. It also owns the reconnect grace (media-and-sip.md §1.4): a socket
 * that drops while carrying a connected leg puts the leg in `reconnecting`; unless the same user joins the same
 * meeting again within the grace period, the leg ends CONNECTION_LOST.
 */
import type { CallProgressInput } from '../domain/live/recordCallProgress.js';
import type { Participant } from '../domain/live/types.js';
import { EnhancedEventEmitter, silentLogger, type RealtimeLogger } from './enhancedEvents.js';
import type { ConferenceState } from './protocol.js';
import type { Session, SessionBinding } from './Session.js';

/** Reports progress to the domain: `recordCallProgress` bound to LiveDeps (a callback, to avoid a cycle). */
export type ReportProgress = (input: CallProgressInput) => Promise<Participant | undefined>;

/** Options of RoomHub. */
export interface RoomHubOptions {
  report: ReportProgress;
  logger?: RealtimeLogger;
  /**
   * How long a dropped socket's leg stays `reconnecting` before it ends CONNECTION_LOST. Default 15 s
   * (media-and-sip.md §1.4): long enough for a phone to switch networks or a tab to reload.
   */
  reconnectGraceMs?: number;
  /**
   * Every this often each socket is pinged, and a socket from which nothing arrived since the previous ping is
   * dropped (then handled as a lost connection): without it a peer that vanished without closing TCP (power
   * loss, a NAT timeout) would look connected forever. Default 30 s; 0 disables.
   */
  heartbeatMs?: number;
}

/** The sockets of one running conference. */
export interface Room {
  readonly conferenceId: string;
  readonly meetingId: string;
  readonly sessions: Set<Session>;
  /** Lock and mute-all, kept current from conference.updated events (for `media.muted.allowUnmute`). */
  state: ConferenceState;
}

/** Observer events of the hub. */
export type RoomHubObserverEvents = {
  newsession: [Session];
  close: [];
};

interface Grace {
  userId: string;
  timer: NodeJS.Timeout;
  /** The connection_lost report, awaited by a rejoin so that it cannot land after the rejoin. */
  lost: Promise<void>;
  /** The grace ran out while a join of the same user was in flight; decided when that join finishes. */
  expired: boolean;
}

const NO_SESSIONS: ReadonlySet<Session> = new Set();

/** Realtime sessions, users, legs and rooms. */
export class RoomHub {
  readonly observer: EnhancedEventEmitter<RoomHubObserverEvents>;
  readonly #report: ReportProgress;
  readonly #logger: RealtimeLogger;
  readonly #graceMs: number;
  readonly #heartbeatMs: number;
  #heartbeat: NodeJS.Timeout | null = null;
  readonly #sessions = new Set<Session>();
  readonly #byUser = new Map<string, Set<Session>>();
  readonly #byPid = new Map<string, Session>();
  readonly #rooms = new Map<string, Room>();
  readonly #graces = new Map<string, Grace>();
  /** Joins in flight per user: a grace that expires meanwhile waits for them. */
  readonly #holds = new Map<string, number>();
  #closed = false;

  constructor({ report, logger = silentLogger, reconnectGraceMs = 15_000, heartbeatMs = 30_000 }: RoomHubOptions) {
    this.#report = report;
    this.#logger = logger;
    this.#graceMs = reconnectGraceMs;
    this.#heartbeatMs = heartbeatMs;
    this.observer = new EnhancedEventEmitter(logger);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Number of open sockets (authenticated or not). */
  get sessionCount(): number {
    return this.#sessions.size;
  }

  /** Registers a new socket; refused with 1001 once the hub is closed. */
  add(s: Session): void {
    if (this.#closed) {
      s.shutdown();
      return;
    }
    this.#sessions.add(s);
    if (!this.#heartbeat && this.#heartbeatMs > 0) {
      // One timer for all sockets rather than one per socket.
      this.#heartbeat = setInterval(() => {
        for (const x of [...this.#sessions]) x.heartbeat();
      }, this.#heartbeatMs);
      this.#heartbeat.unref();
    }
    this.observer.safeEmit('newsession', s);
  }

  /** Indexes an authenticated session under its user. */
  authenticated(s: Session): void {
    const userId = s.userId;
    if (!userId || s.closed) return;
    let set = this.#byUser.get(userId);
    if (!set) this.#byUser.set(userId, (set = new Set()));
    set.add(s);
  }

  /** The authenticated sockets of a user. */
  sessionsOfUser(userId: string): ReadonlySet<Session> {
    return this.#byUser.get(userId) ?? NO_SESSIONS;
  }

  /** The socket carrying a leg, if any. */
  sessionOf(participantId: string): Session | undefined {
    return this.#byPid.get(participantId);
  }

  /** The room of a running conference, if any socket is in it. */
  room(conferenceId: string): Room | undefined {
    return this.#rooms.get(conferenceId);
  }

  /**
   * Binds a socket to a leg and puts it in the conference's room. A socket that carried the leg before is
   * replaced (session.ended SESSION_REPLACED, close 4003, media-and-sip.md §2.1); a reconnect grace of the leg
   * is over. A socket that closed while its join was in flight counts as lost at once.
   */
  bind(s: Session, b: SessionBinding, state: ConferenceState): void {
    const old = this.#byPid.get(b.participantId);
    if (old && old !== s) old.end('SESSION_REPLACED', 4003);
    if (s.binding) this.unbind(s);
    this.#clearGrace(b.participantId);
    s.setBinding(b);
    this.#byPid.set(b.participantId, s);
    let room = this.#rooms.get(b.conferenceId);
    if (!room) this.#rooms.set(b.conferenceId, (room = { conferenceId: b.conferenceId, meetingId: b.meetingId, sessions: new Set(), state: { ...state } }));
    room.sessions.add(s);
    if (s.closed) this.sessionClosed(s, true);
  }

  /** Removes a socket's binding (its room is dropped when empty). */
  unbind(s: Session): void {
    const b = s.binding;
    if (!b) return;
    s.setBinding(null);
    if (this.#byPid.get(b.participantId) === s) this.#byPid.delete(b.participantId);
    const room = this.#rooms.get(b.conferenceId);
    if (room) {
      room.sessions.delete(s);
      if (room.sessions.size === 0) this.#rooms.delete(b.conferenceId);
    }
  }

  /** Called by a session when it is over; `lost` when its socket dropped without the server ending it. */
  sessionClosed(s: Session, lost: boolean): void {
    this.#sessions.delete(s);
    const userId = s.userId;
    if (userId) {
      const set = this.#byUser.get(userId);
      set?.delete(s);
      if (set?.size === 0) this.#byUser.delete(userId);
    }
    const b = s.binding;
    this.unbind(s);
    if (lost && b && userId && !this.#closed) this.#startGrace(b.participantId, userId);
  }

  /** A join of `userId` starts: graces of the user that run out meanwhile wait for `releaseGraces`. */
  holdGraces(userId: string): void {
    this.#holds.set(userId, (this.#holds.get(userId) ?? 0) + 1);
  }

  /** The join finished: graces that ran out meanwhile and were not taken over end their legs now. */
  releaseGraces(userId: string): void {
    const n = (this.#holds.get(userId) ?? 1) - 1;
    if (n > 0) {
      this.#holds.set(userId, n);
      return;
    }
    this.#holds.delete(userId);
    for (const [pid, g] of this.#graces) if (g.userId === userId && g.expired) this.#endLost(pid);
  }

  /** Resolves when every connection_lost report of the user's dropped sockets has been recorded. */
  async settleLost(userId: string): Promise<void> {
    const pending = [...this.#graces.values()].filter((g) => g.userId === userId).map((g) => g.lost);
    await Promise.all(pending);
  }

  /** Closes every socket (session.ended SERVER_SHUTDOWN, 1001) and stops the grace timers. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    for (const g of this.#graces.values()) clearTimeout(g.timer);
    this.#graces.clear();
    for (const s of [...this.#sessions]) s.shutdown();
    this.observer.safeEmit('close');
  }

  #startGrace(participantId: string, userId: string): void {
    this.#clearGrace(participantId);
    const lost = this.#report({ participantId, signal: { kind: 'connection_lost' } }).then(
      () => undefined,
      (err: unknown) => this.#logger.error({ err, participantId }, 'recording a lost connection failed'),
    );
    const timer = setTimeout(() => {
      const g = this.#graces.get(participantId);
      if (!g) return;
      if ((this.#holds.get(userId) ?? 0) > 0) g.expired = true;
      else this.#endLost(participantId);
    }, this.#graceMs);
    this.#graces.set(participantId, { userId, timer, lost, expired: false });
  }

  #clearGrace(participantId: string): void {
    const g = this.#graces.get(participantId);
    if (!g) return;
    clearTimeout(g.timer);
    this.#graces.delete(participantId);
  }

  #endLost(participantId: string): void {
    this.#clearGrace(participantId);
    // Someone took the leg over in the meantime: it is not lost.
    if (this.#byPid.has(participantId)) return;
    this.#report({ participantId, signal: { kind: 'ended', reason: 'CONNECTION_LOST' } }).catch((err: unknown) =>
      this.#logger.error({ err, participantId }, 'ending a lost leg failed'),
    );
  }
}
