/** Deleting a meeting, the whole series (webmeeting-v6 §8.6). */
import type { Actor } from '../accounts/policies.js';
import type { Deps } from '../deps.js';
import { recordEvent } from '../webhooks/recordEvent.js';
import { queueMeetingMails } from './invitationMails.js';
import type { Meeting } from './Meeting.js';
import { loadMeetingAccount, loadMeetingFor } from './meetingView.js';

/** Input of deleteMeeting. */
export interface DeleteMeetingInput {
  /** 24-hex meeting id. */
  id: string;
  /** Send iTIP CANCEL mails (STATUS:CANCELLED, SEQUENCE + 1) to the invited participants. */
  notify: boolean;
}

/**
 * Soft-deletes a meeting: the row stays as a tombstone (it keeps the public codes reserved and the event
 * sequence alive) and disappears from reads, lists and feeds. One transaction writes the tombstone, an
 * onMeetingDeleted event whose payload is the meeting as it was just before, and with `notify` the
 * cancellations. Allowed on expired accounts (§2.3 -8).
 * @throws DomainError meeting.not_found (also when already deleted), permission.denied.
 */
export async function deleteMeeting(deps: Deps, actor: Actor, input: DeleteMeetingInput): Promise<{ id: string; deleted: true }> {
  await deps.store.transaction(async (tx) => {
    const now = deps.clock.now();
    const current = await loadMeetingFor(tx, actor, input.id);
    const account = await loadMeetingAccount(tx, current);
    const payload = deps.renderWebhookPayload('onMeetingDeleted', { meeting: current, account });
    // The tombstone carries the SEQUENCE its CANCEL was sent with, so a later feed can never undercut it.
    const tombstone: Meeting = { ...current, deletedAt: now, updatedAt: now, icalSequence: current.icalSequence + 1 };
    await tx.meetings.update(tombstone);
    await recordEvent(tx, deps, { event: 'onMeetingDeleted', meeting: tombstone, payload });
    if (input.notify) await queueMeetingMails(tx, deps, { meeting: current, account, kind: 'cancellation', recipients: current.invitedParticipants });
  });
  deps.notifyOutbox();
  return { id: input.id, deleted: true };
}
