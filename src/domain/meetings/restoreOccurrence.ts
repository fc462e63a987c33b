/** E37: drop one occurrence's exception (webmeeting-v6 §9.4). */
import { isExpired, type Account } from '../accounts/Account.js';
import type { Actor } from '../accounts/policies.js';
import type { Deps } from '../deps.js';
import { DomainError, throwIfInvalid } from '../errors.js';
import type { Meeting } from './Meeting.js';
import { loadMeetingAccount, loadMeetingFor } from './meetingView.js';
import { findInRuleSet } from './recurrence.js';
import { commitOccurrenceChange, locateOccurrence, notRecurringIssues, type OccurrenceTarget } from './setOccurrenceOverride.js';
import { horizonEndAt, seriesOf } from './state.js';

/** Input of {@link restoreOccurrence}. */
export type RestoreOccurrenceInput = OccurrenceTarget;

/**
 * Removes the exception of one occurrence, so it takes the series values again; with `notify` the
 * participants get a METHOD:REQUEST for that instance. Without an exception the call is idempotent: nothing
 * is written (no icalSequence change, no event, no mail) and `changed` is false.
 * @throws DomainError meeting.not_found, permission.denied, validation.failed (notRecurring), account.expired,
 *   occurrence.not_found, meeting.state_conflict (the occurrence has started).
 */
export async function restoreOccurrence(deps: Deps, actor: Actor, input: RestoreOccurrenceInput): Promise<{ meeting: Meeting; account: Account; changed: boolean }> {
  const result = await deps.store.transaction(async (tx) => {
    const existing = await loadMeetingFor(tx, actor, input.meetingId, 'path.id');
    if (existing.occurrenceExceptions.some((e) => e.recurrenceId === input.recurrenceId)) {
      const located = await locateOccurrence(tx, deps, actor, input);
      const exceptions = located.meeting.occurrenceExceptions.filter((e) => e.recurrenceId !== located.originalStart);
      await commitOccurrenceChange(tx, deps, located, input, { exceptions, method: 'REQUEST' });
      return { meeting: located.meeting, account: located.account, changed: true };
    }
    // Nothing to restore: still the §3.3 checks, but no "started" refusal, since nothing is edited.
    throwIfInvalid(notRecurringIssues(existing));
    const account = await loadMeetingAccount(tx, existing);
    const now = deps.clock.now();
    if (isExpired(account, now)) throw new DomainError('account.expired', 'the account has expired');
    if (!findInRuleSet(seriesOf(existing), input.recurrenceId, horizonEndAt(deps.settings, now))) {
      throw new DomainError('occurrence.not_found', 'no such occurrence', [
        { field: 'path.recurrenceId', code: 'notFound', message: 'the meeting has no occurrence with this original start' },
      ]);
    }
    return { meeting: existing, account, changed: false };
  });
  if (result.changed) deps.notifyOutbox();
  return result;
}
