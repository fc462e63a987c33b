import { DomainError } from '../errors.js';
import { mutateLive, presentLeg, saveLeg } from './mutateLive.js';
import type { LiveDeps } from './ports.js';
import type { LiveActor, Participant } from './types.js';

/** Input of setCohost. */
export interface SetCohostInput {
  meetingId: string;
  participantId: string;
  cohost: boolean;
}

/** Sets or revokes a co-host (huawei-meeting.md §6.16). @throws participant.chair_cannot_be_cohost, participant.state_illegal */
export function setCohost(deps: LiveDeps, actor: LiveActor, input: SetCohostInput): Promise<Participant> {
  return mutateLive(deps, actor, input.meetingId, 'set co-hosts', async (tx, ctx, fx) => {
    const p = await presentLeg(tx, ctx, input.participantId);
    if (p.role === 'host') {
      if (!input.cohost) return p;
      throw new DomainError('participant.chair_cannot_be_cohost', 'the chair cannot be a co-host');
    }
    const role = input.cohost ? 'cohost' : 'attendee';
    if (p.role === role) return p;
    return saveLeg(tx, deps, ctx, { ...p, role }, fx, { change: 'role' });
  });
}
