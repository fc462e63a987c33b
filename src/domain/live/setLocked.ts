import { conferenceSnapshot, recordLive } from './liveEffects.js';
import { mutateLive } from './mutateLive.js';
import type { LiveDeps } from './ports.js';
import type { Conference, LiveActor } from './types.js';

/** Input of setLocked. */
export interface SetLockedInput {
  meetingId: string;
  locked: boolean;
}

/** Locks or unlocks the conference against uninvited joins (invitations still get in; huawei-meeting.md §6.14). */
export function setLocked(deps: LiveDeps, actor: LiveActor, input: SetLockedInput): Promise<Conference> {
  return mutateLive(deps, actor, input.meetingId, 'lock the conference', async (tx, ctx, fx) => {
    ctx.conference = { ...ctx.conference, locked: input.locked };
    await tx.conferences.update(ctx.conference);
    await recordLive(tx, deps, ctx, null, ['conference.updated'], fx, { ...conferenceSnapshot(ctx.conference), change: 'lock' });
    return ctx.conference;
  });
}
