import type { Deps } from '../deps.js';
import { DomainError } from '../errors.js';
import { recordEvent } from '../webhooks/recordEvent.js';
import { requireAccountAdmin, scopeOf, type Actor } from './policies.js';
import { displayName } from './User.js';
import { requireAnotherAdmin, userNotFound } from './updateUser.js';

/** Input of deleteUser (webmeeting-v6 E18). */
export interface DeleteUserInput {
  /**
   * Another user of the same account who takes over the deleted user's meetings that have not ended
   * (onMeetingUpdated each). Absent: those meetings are deleted (onMeetingDeleted each).
   */
  transferMeetingsTo?: string;
}

/**
 * Deletes an organizer in one transaction (webmeeting-v6 E18, §7.3). Their meetings that have not ended
 * (series end null or in the future) move to `transferMeetingsTo` or are deleted; ended meetings keep their
 * `addedBy*` snapshot. The user's ICS token and password tokens stop working with the row.
 * Admin-only: a non-admin acting user gets -3.
 * @throws DomainError user.not_found (-5), permission.denied (-3), validation.failed with `unknownReference`
 *   on `query.transferMeetingsTo` (not another user of the account), user.last_admin (-12).
 */
export async function deleteUser(deps: Deps, actor: Actor, userId: string, input: DeleteUserInput = {}): Promise<{ id: string; deleted: true }> {
  await deps.store.transaction(async (tx) => {
    const user = await tx.users.get(scopeOf(actor), userId);
    if (!user) throw userNotFound();
    requireAccountAdmin(actor, user.accountId);
    const target = input.transferMeetingsTo === undefined ? undefined : await tx.users.get(user.accountId, input.transferMeetingsTo);
    if (input.transferMeetingsTo !== undefined && (!target || target.id === user.id)) {
      throw new DomainError('validation.failed', 'Data not valid', [
        { field: 'query.transferMeetingsTo', code: 'unknownReference', message: 'must name another user of the same account' },
      ]);
    }
    if (user.isAdmin) await requireAnotherAdmin(tx, user.accountId);
    const account = await tx.accounts.get(user.accountId, user.accountId);
    if (!account) throw new DomainError('account.not_found', 'account not found');

    const now = deps.clock.now();
    const meetings = await tx.meetings.find({ scope: user.accountId, accountId: user.accountId, addedByUserId: user.id, endsAfter: now });
    for (const meeting of meetings) {
      if (target) {
        meeting.addedByUserId = target.id;
        meeting.addedByUserEmail = target.email;
        meeting.addedByUserName = displayName(target);
        // ORGANIZER changes in every calendar copy, so clients must see a new SEQUENCE (RFC 5545 §3.8.7.4).
        meeting.icalSequence += 1;
        meeting.updatedAt = now;
        await tx.meetings.update(meeting);
        await recordEvent(tx, deps, { event: 'onMeetingUpdated', meeting, payload: deps.renderWebhookPayload('onMeetingUpdated', { meeting, account }) });
      } else {
        // The payload is the meeting as it was just before deletion (§11.1).
        const payload = deps.renderWebhookPayload('onMeetingDeleted', { meeting, account });
        meeting.deletedAt = now;
        meeting.updatedAt = now;
        await tx.meetings.update(meeting);
        await recordEvent(tx, deps, { event: 'onMeetingDeleted', meeting, payload });
      }
    }
    await tx.users.delete(user.accountId, user.id);
  });
  deps.notifyOutbox();
  return { id: userId, deleted: true };
}
