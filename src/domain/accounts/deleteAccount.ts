import type { Deps } from '../deps.js';
import { DomainError } from '../errors.js';
import { recordEvent } from '../webhooks/recordEvent.js';
import { requireInstance, type Actor } from './policies.js';

/**
 * Deletes an account with everything in it, in one transaction (webmeeting-v6 E5, §6.3): every meeting is
 * tombstoned with one onMeetingDeleted event (payload = the meeting just before deletion), then the users
 * (their ICS tokens stop working), rooms, permission sets and account keys go, then the account row.
 * @throws DomainError permission.denied (not instance level), account.not_found.
 */
export async function deleteAccount(deps: Deps, actor: Actor, accountId: string): Promise<{ id: string; deleted: true }> {
  requireInstance(actor);
  await deps.store.transaction(async (tx) => {
    const account = await tx.accounts.get(accountId, accountId);
    if (!account) throw new DomainError('account.not_found', 'account not found', [{ field: 'path.accountId', code: 'notFound', message: 'no such account' }]);
    const now = deps.clock.now();
    for (const meeting of await tx.meetings.find({ scope: accountId, accountId })) {
      const payload = deps.renderWebhookPayload('onMeetingDeleted', { meeting, account });
      meeting.deletedAt = now;
      meeting.updatedAt = now;
      await tx.meetings.update(meeting);
      await recordEvent(tx, deps, { event: 'onMeetingDeleted', meeting, payload });
    }
    // Children before the account row: its foreign keys have no ON DELETE, so a forgotten child fails loudly.
    await tx.users.deleteByAccount(accountId);
    await tx.rooms.deleteByAccount(accountId);
    await tx.permissionSets.deleteByAccount(accountId);
    await tx.apiKeys.deleteByAccount(accountId);
    await tx.accounts.delete(accountId);
  });
  deps.notifyOutbox();
  return { id: accountId, deleted: true };
}
