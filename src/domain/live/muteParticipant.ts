import { liveLeg, mutateLive, saveLeg } from './mutateLive.js';
import type { LiveDeps } from './ports.js';
import type { LiveActor, Participant } from './types.js';

/** Input of muteParticipant. */
export interface MuteParticipantInput {
  meetingId: string;
  participantId: string;
  muted: boolean;
}

/**
 * Host mute/unmute of one live leg (huawei-meeting.md §6.12): the server stops forwarding its audio; a leg
 * still calling keeps the setting for when it joins. Unmuting lifts the host mute.
 * @throws participant.not_found, participant.not_live, conference.*
 */
export function muteParticipant(deps: LiveDeps, actor: LiveActor, input: MuteParticipantInput): Promise<Participant> {
  return mutateLive(deps, actor, input.meetingId, 'mute participants', async (tx, ctx, fx) => {
    const p = await liveLeg(tx, ctx, input.participantId);
    return saveLeg(tx, deps, ctx, { ...p, muted: input.muted, mutedByHost: input.muted }, fx, { change: 'mute', by: 'host' });
  });
}
