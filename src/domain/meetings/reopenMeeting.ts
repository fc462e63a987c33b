/** Undoing a manual close (webmeeting-v6 §8.7, E33). */
import type { Account } from '../accounts/Account.js';
import type { Actor } from '../accounts/policies.js';
import type { Deps } from '../deps.js';
import { DomainError } from '../errors.js';
import { recordEvent } from '../webhooks/recordEvent.js';
import type { Meeting } from './Meeting.js';
import { loadMeetingAccount, loadMeetingFor } from './meetingView.js';
import { currentOrLastWindow, windowAt } from './state.js';

/**
 * Clears `dtClosedAt` while the window of the closed occurrence lasts and records onMeetingUpdated. A
 * meeting that is inside a window and not closed is returned unchanged (a repeated reopen succeeds).
 * @returns the meeting and whether this call reopened it.
 * @throws DomainError meeting.state_conflict (-9) when the window has ended or nothing is running,
 *   meeting.not_found, permission.denied.
 */
export async function reopenMeeting(deps: Deps, actor: Actor, input: { /** 24-hex meeting id. */ id: string }): Promise<{ meeting: Meeting; account: Account; reopened: boolean }> {
  const result = await deps.store.transaction(async (tx) => {
    const now = deps.clock.now();
    const meeting = await loadMeetingFor(tx, actor, input.id);
    const account = await loadMeetingAccount(tx, meeting);
    const last = currentOrLastWindow(meeting, account, deps.settings, now);
    const closedNow = meeting.dtClosedAt !== null && last !== undefined && meeting.dtClosedAt >= last.start;
    if (!closedNow || last === undefined) {
      if (windowAt(meeting, account, deps.settings, now)) return { meeting, account, reopened: false };
      throw new DomainError('meeting.state_conflict', 'no closed occurrence of this meeting is still in its window', [
        { field: null, code: 'conflict', message: 'the meeting can only be reopened while the closed occurrence\u2019s window lasts' },
      ]);
    }
    if (now > last.end) {
      throw new DomainError('meeting.state_conflict', 'the window of the closed occurrence has ended', [
        { field: null, code: 'conflict', message: 'the meeting can only be reopened while the closed occurrence\u2019s window lasts' },
      ]);
    }
    const reopened: Meeting = { ...meeting, dtClosedAt: null, updatedAt: now };
    await tx.meetings.update(reopened);
    await recordEvent(tx, deps, { event: 'onMeetingUpdated', meeting: reopened, payload: deps.renderWebhookPayload('onMeetingUpdated', { meeting: reopened, account }) });
    return { meeting: reopened, account, reopened: true };
  });
  if (result.reopened) deps.notifyOutbox();
  return result;
}
