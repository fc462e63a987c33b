/**
 * Plumbing shared by the live commands: recording live events (and their webhook counterparts) inside the
 * transaction, and carrying out the side effects (publish, ring, dial, hang up) only after commit
 * (ARCHITECTURE.md §5: no network I/O inside a unit of work).
 */
import type { Account } from '../accounts/Account.js';
import type { Meeting } from '../meetings/Meeting.js';
import type { Repositories } from '../ports.js';
import { recordEvent } from '../webhooks/recordEvent.js';
import type { LiveDeps, OutgoingCall, RingRequest } from './ports.js';
import type { Conference, DisconnectReason, LiveEvent, LiveEventType, Participant } from './types.js';

/** Side effects collected during a transaction, run by `runEffects` after it committed. */
export interface Effects {
  events: LiveEvent[];
  dials: OutgoingCall[];
  rings: RingRequest[];
  hangups: Array<{ participantId: string; reason: DisconnectReason }>;
  ringCancels: Array<{ participantId: string; why: 'cancelled' | 'meeting_ended' | 'timeout' }>;
}

/** An empty effects list. */
export function noEffects(): Effects {
  return { events: [], dials: [], rings: [], hangups: [], ringCancels: [] };
}

/** The meeting context every live event needs. */
export interface LiveContext {
  meeting: Meeting;
  account: Account;
  conference: Conference;
}

/** The participant snapshot stored in events and shown on realtime rosters. */
export function participantSnapshot(p: Participant): Record<string, unknown> {
  return {
    participantId: p.id,
    name: p.name,
    kind: p.kind,
    userId: p.userId,
    phone: p.phone,
    state: p.state,
    progress: p.progress,
    reason: p.reason,
    sipStatusCode: p.sipStatusCode,
    role: p.role,
    muted: p.muted,
    mutedByHost: p.mutedByHost,
    handRaised: p.handRaised,
    video: p.video,
    network: p.network,
    rejectDescription: p.rejectDescription,
  };
}

/** Conference snapshot for conference.* events. */
export function conferenceSnapshot(c: Conference): Record<string, unknown> {
  return {
    conferenceId: c.id,
    meetingId: c.meetingId,
    startedAt: c.startedAt,
    endedAt: c.endedAt,
    endReason: c.endReason,
    locked: c.locked,
    muteAll: c.muteAll,
    allowUnmuteByOneself: c.allowUnmuteByOneself,
  };
}

/** v6 presence reasons (webmeeting-v6 §11.1) for onMeetingLeft. */
function presenceReason(p: Participant): string {
  switch (p.reason) {
    case 'PARTICIPANT_REMOVED':
      return 'kicked';
    case 'MEETING_ENDED':
      return 'meetingEnded';
    case 'CONNECTION_LOST':
    case 'MEDIA_FAILURE':
      return 'networkLost';
    default:
      return p.kind === 'phone' || p.kind === 'sip' ? 'hungUp' : 'left';
  }
}

/**
 * Records `types` for one participant (or the conference when `p` is null) inside `tx`: each event takes
 * the meeting's next sequence number, and `participant.joined` / `participant.left` (of a leg that had
 * joined) also record the v6 onMeetingJoined / onMeetingLeft webhook events (webmeeting-v6 §11.1: a leave
 * is never sent without its join; a join that never completed sends nothing).
 */
export async function recordLive(
  tx: Repositories,
  deps: LiveDeps,
  ctx: LiveContext,
  p: Participant | null,
  types: LiveEventType[],
  fx: Effects,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const now = deps.clock.now();
  for (const type of types) {
    const seq = await tx.meetings.nextSequence(ctx.meeting.id);
    const event: LiveEvent = {
      id: deps.ids.objectId(),
      meetingId: ctx.meeting.id,
      conferenceId: ctx.conference.id,
      accountId: ctx.meeting.accountId,
      participantId: p?.id ?? null,
      type,
      data: { ...(p ? participantSnapshot(p) : conferenceSnapshot(ctx.conference)), ...extra },
      occurredAt: now,
      seq,
    };
    await tx.liveEvents.insert(event);
    fx.events.push(event);
    if (p && (type === 'participant.joined' || (type === 'participant.left' && p.joinedAt !== null))) {
      const presence = {
        participant: {
          participantId: p.id,
          sessionId: p.id,
          name: p.name,
          email: null,
          phone: p.phone,
          userId: p.userId,
          isModerator: p.role !== 'attendee',
          via: p.kind === 'phone' ? 'phone' : p.kind === 'sip' ? 'sip' : 'web',
        },
        timestamp: new Date(now).toISOString(),
        ...(type === 'participant.left' ? { reason: presenceReason(p), durationSeconds: Math.max(0, Math.round((now - (p.joinedAt ?? now)) / 1000)) } : {}),
        ...(p.network === 'simulated' ? { network: 'simulated' } : {}),
      };
      const event = type === 'participant.joined' ? 'onMeetingJoined' : 'onMeetingLeft';
      await recordEvent(tx, deps, {
        event,
        meeting: ctx.meeting,
        payload: deps.renderWebhookPayload(event, { meeting: ctx.meeting, account: ctx.account, extra: presence }),
        occurredAt: now,
      });
    }
  }
}

/** Carries out the effects after commit. Failures of one effect never stop the others. */
export function runEffects(deps: LiveDeps, fx: Effects): void {
  if (fx.events.length > 0) safe(() => deps.publisher.publish(fx.events));
  for (const c of fx.ringCancels) safe(() => deps.ringer.cancel(c.participantId, c.why));
  for (const h of fx.hangups) safe(() => deps.dialer.hangup(h.participantId, h.reason));
  for (const r of fx.rings) safe(() => deps.ringer.ring(r));
  for (const d of fx.dials) safe(() => deps.dialer.dial(d));
  if (fx.events.length > 0) deps.notifyOutbox();
}

function safe(fn: () => void): void {
  try {
    fn();
  } catch {
    // A failing adapter must not undo a committed change; adapters log their own failures.
  }
}
