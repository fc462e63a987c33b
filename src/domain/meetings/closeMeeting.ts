/** Closing the running occurrence of a meeting by hand (webmeeting-v6 §8.7, E31/E32). */
import type { Account } from '../accounts/Account.js';
import type { Actor } from '../accounts/policies.js';
import type { Deps } from '../deps.js';
import { recordEvent } from '../webhooks/recordEvent.js';
import type { Meeting } from './Meeting.js';
import { loadMeetingAccount, loadMeetingFor } from './meetingView.js';
import { meetingState, windowAt } from './state.js';

/**
 * Sets `dtClosedAt = now` on an open meeting and records onMeetingClosed (with the occurrence's
 * `recurrenceId` for a recurring series) in the same transaction. A meeting that is not open, or already
 * closed, is left as it is: the call is idempotent and records nothing. Allowed on expired accounts.
 * Ending the live conference is the realtime module's reaction to the event, not part of this write.
 * @returns the meeting and whether this call closed it.
 * @throws DomainError meeting.not_found, permission.denied.
 */
export async function closeMeeting(deps: Deps, actor: Actor, input: { /** 24-hex meeting id. */ id: string }): Promise<{ meeting: Meeting; account: Account; closed: boolean }> {
  const result = await deps.store.transaction(async (tx) => {
    const now = deps.clock.now();
    const meeting = await loadMeetingFor(tx, actor, input.id);
    const account = await loadMeetingAccount(tx, meeting);
    if (!meetingState(meeting, account, deps.settings, now).isOpen) return { meeting, account, closed: false };
    const window = windowAt(meeting, account, deps.settings, now);
    const closed: Meeting = { ...meeting, dtClosedAt: now, updatedAt: now };
    await tx.meetings.update(closed);
    await recordEvent(tx, deps, {
      event: 'onMeetingClosed',
      meeting: closed,
      payload: deps.renderWebhookPayload('onMeetingClosed', { meeting: closed, account }),
      recurrenceId: closed.isRecurring && window ? window.occurrence.recurrenceId : null,
    });
    return { meeting: closed, account, closed: true };
  });
  if (result.closed) deps.notifyOutbox();
  return result;
}
