import { DomainError } from '../errors.js';
import { noEffects, runEffects, type LiveContext } from './liveEffects.js';
import { saveLeg } from './mutateLive.js';
import type { LiveDeps } from './ports.js';
import { isLive, type Participant } from './types.js';

/** Input of setOwnMute. */
export interface SetOwnMuteInput {
  /** The acting participant's own pid (from its realtime session). */
  participantId: string;
  muted: boolean;
}

/**
 * A participant mutes or unmutes itself (media-and-sip.md §2.3). Unmuting after a host mute in mute-all
 * without allowUnmuteByOneself is refused with a clear error, never accepted silently.
 * @throws participant.not_found, participant.not_live, participant.unmute_not_allowed
 */
export async function setOwnMute(deps: LiveDeps, input: SetOwnMuteInput): Promise<Participant> {
  const fx = noEffects();
  const out = await deps.store.transaction(async (tx) => {
    const p = await tx.participants.getById(input.participantId);
    if (!p) throw new DomainError('participant.not_found', 'no such participant');
    if (!isLive(p)) throw new DomainError('participant.not_live', 'participant has left');
    const conference = await tx.conferences.get(p.accountId, p.conferenceId);
    const meeting = await tx.meetings.getAny(p.accountId, p.meetingId);
    const account = await tx.accounts.get(p.accountId, p.accountId);
    if (!conference || !meeting || !account) throw new DomainError('participant.not_found', 'no such participant');
    // In mute-all without self-unmute, nobody but the chair unmutes themselves, whether the host's mute or
    // their own came first (huawei-meeting.md §6.13): the host lifts it with H12 or unmute-all.
    if (!input.muted && p.muted && conference.muteAll && !conference.allowUnmuteByOneself && p.role !== 'host') {
      throw new DomainError('participant.unmute_not_allowed', 'the host muted everyone and does not allow unmuting');
    }
    const ctx: LiveContext = { meeting, account, conference };
    return saveLeg(tx, deps, ctx, { ...p, muted: input.muted, mutedByHost: input.muted ? p.mutedByHost : false }, fx, { change: 'mute', by: 'self' });
  });
  runEffects(deps, fx);
  return out;
}
