import { DomainError } from '../errors.js';
import { mutateLive, presentLeg, saveLeg } from './mutateLive.js';
import type { LiveDeps } from './ports.js';
import type { LiveActor, Participant } from './types.js';

/** Input of setChair. */
export interface SetChairInput {
  meetingId: string;
  participantId: string;
  /** true: make this leg the chair (host); false: release the chair it holds. */
  apply: boolean;
}

/**
 * Hands the chair to a leg in the meeting, or releases it (huawei-meeting.md §6.15). One chair at most;
 * becoming chair clears the co-host flag. Password checks (chairmanPwd) are the dialect's business.
 * @throws participant.state_illegal (not in the meeting / not the chair), conference.no_chair
 */
export function setChair(deps: LiveDeps, actor: LiveActor, input: SetChairInput): Promise<Participant> {
  return mutateLive(deps, actor, input.meetingId, 'change the chair', async (tx, ctx, fx) => {
    const p = await presentLeg(tx, ctx, input.participantId);
    const live = await tx.participants.list(ctx.conference.id, { liveOnly: true });
    if (!input.apply) {
      if (!live.some((o) => o.role === 'host')) throw new DomainError('conference.no_chair', 'the conference has no chair');
      if (p.role !== 'host') throw new DomainError('participant.state_illegal', `participant ${p.id} is not the chair`);
      return saveLeg(tx, deps, ctx, { ...p, role: 'attendee' }, fx, { change: 'role' });
    }
    if (p.role === 'host') return p;
    for (const o of live) if (o.role === 'host') await saveLeg(tx, deps, ctx, { ...o, role: 'attendee' }, fx, { change: 'role' });
    return saveLeg(tx, deps, ctx, { ...p, role: 'host', handRaised: false }, fx, { change: 'role' });
  });
}
