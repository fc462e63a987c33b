/** E36: cancel one occurrence of a recurring meeting (webmeeting-v6 §9.4). */
import type { Account } from '../accounts/Account.js';
import type { Actor } from '../accounts/policies.js';
import type { Deps } from '../deps.js';
import type { Meeting } from './Meeting.js';
import { commitOccurrenceChange, conflict, locateOccurrence, type OccurrenceTarget } from './setOccurrenceOverride.js';

/** Input of {@link cancelOccurrence}. */
export type CancelOccurrenceInput = OccurrenceTarget;

/**
 * Cancels one occurrence: an existing override is replaced by the cancellation, which the feeds show as
 * EXDATE. COUNT still counts it (RFC 5545: EXDATE applies after COUNT), so the series keeps its end.
 * @throws DomainError meeting.not_found, permission.denied, validation.failed (notRecurring, 500 exceptions),
 *   account.expired, occurrence.not_found, meeting.state_conflict (started or already cancelled).
 */
export async function cancelOccurrence(deps: Deps, actor: Actor, input: CancelOccurrenceInput): Promise<{ meeting: Meeting; account: Account }> {
  const result = await deps.store.transaction(async (tx) => {
    const located = await locateOccurrence(tx, deps, actor, input);
    // §9.4 "the same refusals apply": cancelling a cancelled occurrence is -9, like overriding one.
    if (located.current?.isCancelled) throw conflict('the occurrence is already cancelled');
    const others = located.meeting.occurrenceExceptions.filter((e) => e.recurrenceId !== located.originalStart);
    const exceptions = [...others, { recurrenceId: located.originalStart, isCancelled: true, startTime: null, endTime: null, topic: null, agenda: null }];
    await commitOccurrenceChange(tx, deps, located, input, { exceptions, method: 'CANCEL' });
    return { meeting: located.meeting, account: located.account };
  });
  deps.notifyOutbox();
  return result;
}
