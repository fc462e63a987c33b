import { conferenceSnapshot, recordLive } from './liveEffects.js';
import { mutateLive, presentLeg } from './mutateLive.js';
import type { LiveDeps } from './ports.js';
import type { Conference, LiveActor } from './types.js';

/** Input of setFocus. */
export interface SetFocusInput {
  meetingId: string;
  /** The leg everyone should see, or null to end the focus. */
  participantId: string | null;
}

/**
 * Pins every participant's layout on one leg that is in the meeting, or ends the focus (DingTalk `focus`,
 * dingtalk-conference.md §6.12). One focus at a time: a new one replaces the old. Idempotent; the
 * conference.updated event tells the clients (with `change: 'focus'`).
 * @throws participant.not_found, participant.not_live, participant.state_illegal, conference.*
 */
export function setFocus(deps: LiveDeps, actor: LiveActor, input: SetFocusInput): Promise<Conference> {
  return mutateLive(deps, actor, input.meetingId, 'set the focus', async (tx, ctx, fx) => {
    if (input.participantId !== null) await presentLeg(tx, ctx, input.participantId);
    if ((ctx.conference.focusParticipantId ?? null) === input.participantId) return ctx.conference;
    ctx.conference = { ...ctx.conference, focusParticipantId: input.participantId };
    await tx.conferences.update(ctx.conference);
    await recordLive(tx, deps, ctx, null, ['conference.updated'], fx, { ...conferenceSnapshot(ctx.conference), change: 'focus', focusParticipantId: input.participantId });
    return ctx.conference;
  });
}
