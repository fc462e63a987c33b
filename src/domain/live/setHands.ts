import { DomainError } from '../errors.js';
import { loadLeg } from './liveContext.js';
import { liveLeg, mutateLive, saveLeg } from './mutateLive.js';
import type { LiveDeps } from './ports.js';
import { isLive, type LiveActor, type Participant } from './types.js';

/** Input of setHands. */
export interface SetHandsInput {
  meetingId: string;
  /** One pid (raise/lower one hand) or several ("hands down"). Duplicates are acted on once. */
  participantIds: string[];
  raised: boolean;
  /** Skip legs that have ended instead of refusing them (Huawei H19 batch "hands down", huawei-meeting.md §6.18). */
  skipEnded?: boolean;
}

/**
 * Raises or lowers hands (huawei-meeting.md §6.18). Every pid must be a live leg (or, with `skipEnded`, a leg
 * of this conference); the chair cannot raise a hand.
 * @throws participant.not_found / participant.not_live, participant.chair_cannot_raise_hand
 */
export function setHands(deps: LiveDeps, actor: LiveActor, input: SetHandsInput): Promise<Participant[]> {
  return mutateLive(deps, actor, input.meetingId, 'change hands', async (tx, ctx, fx) => {
    const legs: Participant[] = [];
    for (const pid of [...new Set(input.participantIds)]) {
      if (input.skipEnded) {
        const p = await loadLeg(tx, ctx, pid);
        if (isLive(p)) legs.push(p);
      } else legs.push(await liveLeg(tx, ctx, pid));
    }
    if (input.raised && legs.some((p) => p.role === 'host')) throw new DomainError('participant.chair_cannot_raise_hand', 'the chair cannot raise a hand');
    const out: Participant[] = [];
    for (const p of legs) out.push(p.handRaised === input.raised ? p : await saveLeg(tx, deps, ctx, { ...p, handRaised: input.raised }, fx, { change: 'hand' }));
    return out;
  });
}
