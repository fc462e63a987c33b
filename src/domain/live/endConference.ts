import { conferenceSnapshot, noEffects, recordLive, runEffects } from './liveEffects.js';
import { endLeg, loadRunning, requireControl } from './liveContext.js';
import type { LiveDeps } from './ports.js';
import type { Conference, DisconnectReason, LiveActor } from './types.js';

/** Input of endConference. */
export interface EndConferenceInput {
  meetingId: string;
  /** Why it ends; MEETING_ENDED for a host stop. */
  reason?: DisconnectReason;
}

/**
 * Ends the running conference: every live leg ends with MEETING_ENDED (ringing calls withdrawn, phones hung
 * up, sessions closed by the publisher), then conference.ended.
 * @throws conference.not_started / conference.ended when none runs; conference.control_denied for guests.
 */
export async function endConference(deps: LiveDeps, actor: LiveActor, input: EndConferenceInput): Promise<Conference> {
  requireControl(actor, 'stop the conference');
  const fx = noEffects();
  const reason = input.reason ?? 'MEETING_ENDED';
  const conference = await deps.store.transaction(async (tx) => {
    const ctx = await loadRunning(tx, actor, input.meetingId);
    for (const p of await tx.participants.list(ctx.conference.id, { liveOnly: true })) await endLeg(tx, deps, ctx, p, reason, fx);
    ctx.conference = { ...ctx.conference, endedAt: deps.clock.now(), endReason: reason };
    await tx.conferences.update(ctx.conference);
    await recordLive(tx, deps, ctx, null, ['conference.ended'], fx, conferenceSnapshot(ctx.conference));
    return ctx.conference;
  });
  runEffects(deps, fx);
  return conference;
}
