import { conferenceSnapshot, recordLive } from './liveEffects.js';
import { mutateLive, saveLeg } from './mutateLive.js';
import type { LiveDeps } from './ports.js';
import type { Conference, LiveActor } from './types.js';

/** Input of muteAll. */
export interface MuteAllInput {
  meetingId: string;
  muted: boolean;
  /** With `muted`: whether participants may unmute themselves (default true). */
  allowUnmuteByOneself?: boolean;
}

/**
 * Mute-all (huawei-meeting.md §6.13): every live leg except the chair is muted and later joiners too;
 * unmute-all leaves the mode and lifts every host-imposed mute (self-mutes stay).
 */
export function muteAll(deps: LiveDeps, actor: LiveActor, input: MuteAllInput): Promise<Conference> {
  return mutateLive(deps, actor, input.meetingId, 'mute everyone', async (tx, ctx, fx) => {
    ctx.conference = { ...ctx.conference, muteAll: input.muted, allowUnmuteByOneself: input.muted ? (input.allowUnmuteByOneself ?? true) : true };
    await tx.conferences.update(ctx.conference);
    await recordLive(tx, deps, ctx, null, ['conference.updated'], fx, { ...conferenceSnapshot(ctx.conference), change: 'muteAll' });
    for (const p of await tx.participants.list(ctx.conference.id, { liveOnly: true })) {
      if (input.muted && p.role !== 'host' && !p.muted) await saveLeg(tx, deps, ctx, { ...p, muted: true, mutedByHost: true }, fx, { change: 'mute', by: 'all' });
      if (!input.muted && p.mutedByHost) await saveLeg(tx, deps, ctx, { ...p, muted: false, mutedByHost: false }, fx, { change: 'mute', by: 'all' });
    }
    return ctx.conference;
  });
}
