import { DomainError } from '../errors.js';
import { endLeg, loadLeg, loadRunning, requireControl } from './liveContext.js';
import { noEffects, runEffects } from './liveEffects.js';
import type { LiveDeps } from './ports.js';
import type { LiveActor, Participant } from './types.js';

/** Input of disconnectParticipants. */
export interface DisconnectParticipantsInput {
  meetingId: string;
  /** pids (duplicates are acted on once). */
  participantIds: string[];
}

/**
 * Hangs up legs of the running conference with PARTICIPANT_REMOVED (huawei-meeting.md §6.10): ringing app
 * calls are withdrawn, phones get CANCEL/BYE, sessions are told and closed by the publisher. Every pid must
 * belong to this conference (otherwise nothing happens); legs that already ended are left alone.
 * @throws participant.not_found (naming the first unknown pid), conference.*, conference.control_denied
 */
export async function disconnectParticipants(deps: LiveDeps, actor: LiveActor, input: DisconnectParticipantsInput): Promise<Participant[]> {
  requireControl(actor, 'hang up participants');
  if (input.participantIds.length === 0) throw new DomainError('validation.failed', 'Data not valid', [{ field: 'participantIds', code: 'minLength', message: 'participant list is empty' }]);
  const fx = noEffects();
  const ended = await deps.store.transaction(async (tx) => {
    const ctx = await loadRunning(tx, actor, input.meetingId);
    const legs: Participant[] = [];
    for (const pid of [...new Set(input.participantIds)]) legs.push(await loadLeg(tx, ctx, pid));
    const out: Participant[] = [];
    for (const p of legs) {
      const next = await endLeg(tx, deps, ctx, p, 'PARTICIPANT_REMOVED', fx);
      out.push(next ?? p);
    }
    return out;
  });
  runEffects(deps, fx);
  return ended;
}
