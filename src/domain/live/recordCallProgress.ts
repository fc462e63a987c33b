import type { Repositories } from '../ports.js';
import { applySignal } from './liveContext.js';
import { noEffects, recordLive, runEffects, type Effects, type LiveContext } from './liveEffects.js';
import type { LegSignal } from './Participant.js';
import type { LiveDeps } from './ports.js';
import type { Participant } from './types.js';

/** Input of recordCallProgress. */
export interface CallProgressInput {
  /** The leg's pid. */
  participantId: string;
  /** What the network or client reported. */
  signal: LegSignal;
}

/**
 * The only way adapters (the dialers, the ringer, realtime sessions) report progress (ARCHITECTURE.md §1).
 * Late or duplicate reports are no-ops. A leg that reaches `connected` takes the chair when it was invited
 * as host (or is the organizer) and the meeting has none (huawei-meeting.md §3.3).
 * @returns the leg after the change, or undefined when the leg is unknown or its conference has ended.
 */
export async function recordCallProgress(deps: LiveDeps, input: CallProgressInput): Promise<Participant | undefined> {
  const fx = noEffects();
  const out = await deps.store.transaction(async (tx) => {
    const p = await tx.participants.getById(input.participantId);
    if (!p) return undefined;
    const conference = await tx.conferences.get(p.accountId, p.conferenceId);
    const meeting = await tx.meetings.getAny(p.accountId, p.meetingId);
    const account = await tx.accounts.get(p.accountId, p.accountId);
    if (!conference || !meeting || !account) return undefined;
    const ctx: LiveContext = { meeting, account, conference };
    // A conference that ended already ended its legs; reports arriving afterwards change nothing.
    if (conference.endedAt !== null && input.signal.kind !== 'ended') return p;
    const next = await applySignal(tx, deps, ctx, p, input.signal, fx);
    if (!next) return p;
    if (next.state === 'connected' && p.state !== 'connected' && p.state !== 'reconnecting') return takeChairIfDue(tx, deps, ctx, next, fx);
    return next;
  });
  runEffects(deps, fx);
  return out;
}

/**
 * Gives the chair to a leg that just reached `connected` when it was invited as host (or is the organizer)
 * and no other live leg holds it (huawei-meeting.md §3.3). Shared with joinConference.
 */
export async function takeChairIfDue(tx: Repositories, deps: LiveDeps, ctx: LiveContext, p: Participant, fx: Effects): Promise<Participant> {
  const entry = p.rosterId ? await tx.roster.get(ctx.meeting.id, p.rosterId) : undefined;
  const isOrganizer = p.userId !== null && p.userId === ctx.meeting.addedByUserId;
  if (!entry?.hostRole && !isOrganizer) return p;
  const live = await tx.participants.list(ctx.conference.id, { liveOnly: true });
  if (live.some((o) => o.id !== p.id && o.role === 'host')) return p;
  const next: Participant = { ...p, role: 'host', muted: false, mutedByHost: false };
  await tx.participants.update(next);
  await recordLive(tx, deps, ctx, next, ['participant.updated'], fx, { change: 'role' });
  return next;
}
