/** Loading a live conference for a command, with the checks every live command shares. */
import { DomainError } from '../errors.js';
import type { Repositories } from '../ports.js';
import { advance, type LegSignal } from './Participant.js';
import { recordLive, type Effects, type LiveContext } from './liveEffects.js';
import type { LiveDeps } from './ports.js';
import type { DisconnectReason, LiveActor, Participant } from './types.js';

/** The meeting and account of `meetingId` as the actor may see them (another account's meeting is "not found"). */
export async function loadMeetingForLive(tx: Repositories, actor: LiveActor, meetingId: string): Promise<Omit<LiveContext, 'conference'>> {
  if (actor.meetingId !== null && actor.meetingId !== meetingId) throw new DomainError('conference.control_denied', 'this credential is bound to another meeting');
  const meeting = await tx.meetings.get(actor.accountId, meetingId);
  const account = meeting && (await tx.accounts.get(actor.accountId, meeting.accountId));
  if (!meeting || !account) throw new DomainError('meeting.not_found', `meeting ${meetingId} not found`);
  return { meeting, account };
}

/** The running conference of the meeting, or the state error the dialects render (not started / ended). */
export async function loadRunning(tx: Repositories, actor: LiveActor, meetingId: string): Promise<LiveContext> {
  const base = await loadMeetingForLive(tx, actor, meetingId);
  const conference = await tx.conferences.getRunning(meetingId);
  if (!conference) {
    const latest = await tx.conferences.getLatest(meetingId);
    if (latest) throw new DomainError('conference.ended', `conference of meeting ${meetingId} has ended`);
    throw new DomainError('conference.not_started', `conference of meeting ${meetingId} has not started`);
  }
  return { ...base, conference };
}

/** Chair-level control (huawei-meeting.md §6.1: a guest token may not). */
export function requireControl(actor: LiveActor, verb: string): void {
  if (!actor.canControl) throw new DomainError('conference.control_denied', `a guest cannot ${verb}`);
}

/** A leg of the conference by pid, or participant.not_found naming it. */
export async function loadLeg(tx: Repositories, ctx: LiveContext, pid: string): Promise<Participant> {
  const p = await tx.participants.get(ctx.conference.id, pid);
  if (!p) throw new DomainError('participant.not_found', `participant ${pid} is not in this conference`, [{ field: 'participantID', code: 'notFound', message: pid }]);
  return p;
}

/** Applies a signal to a leg inside `tx`, persists it and records its events; returns the new leg or null when it did not apply. */
export async function applySignal(tx: Repositories, deps: LiveDeps, ctx: LiveContext, p: Participant, s: LegSignal, fx: Effects): Promise<Participant | null> {
  const t = advance(p, s, deps.clock.now());
  if (!t) return null;
  await tx.participants.update(t.next);
  await recordLive(tx, deps, ctx, t.next, t.events, fx);
  return t.next;
}

/**
 * Ends a leg for `reason` (removal, end of meeting) and queues what the networks must do: withdraw a
 * ringing app call, CANCEL or BYE a phone leg. Browser/app sessions are closed by the publisher when it
 * sees the participant.left / participant.failed event.
 */
export async function endLeg(tx: Repositories, deps: LiveDeps, ctx: LiveContext, p: Participant, reason: DisconnectReason, fx: Effects): Promise<Participant | null> {
  const wasCalling = p.state === 'calling' || p.state === 'invited';
  const next = await applySignal(tx, deps, ctx, p, { kind: 'ended', reason }, fx);
  if (!next) return null;
  if (p.kind === 'phone' || p.kind === 'sip') fx.hangups.push({ participantId: p.id, reason });
  else if (p.kind === 'app' && wasCalling) fx.ringCancels.push({ participantId: p.id, why: reason === 'MEETING_ENDED' ? 'meeting_ended' : 'cancelled' });
  return next;
}
