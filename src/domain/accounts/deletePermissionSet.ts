import type { Deps } from '../deps.js';
import { DomainError } from '../errors.js';
import { recordEvent } from '../webhooks/recordEvent.js';
import { requireAccountAdmin, scopeOf, type Actor } from './policies.js';
import { permissionSetNotFound } from './updatePermissionSet.js';

/**
 * Deletes a meeting-permission set (webmeeting-v6 E49, §12.1). In the same transaction, every meeting that
 * named it gets `meetingPermissionId: null` with one onMeetingUpdated event, and the account default that
 * named it becomes null. Admin-only.
 * @throws DomainError permission_set.not_found (-5, also for another account's set), permission.denied (-3).
 */
export async function deletePermissionSet(deps: Deps, actor: Actor, permissionId: string): Promise<{ id: string; deleted: true }> {
  await deps.store.transaction(async (tx) => {
    const set = await tx.permissionSets.get(scopeOf(actor), permissionId);
    if (!set) throw permissionSetNotFound();
    requireAccountAdmin(actor, set.accountId);
    const account = await tx.accounts.get(set.accountId, set.accountId);
    if (!account) throw new DomainError('account.not_found', 'account not found');
    const now = deps.clock.now();
    if (account.defaultMeetingPermissions === set.id) {
      account.defaultMeetingPermissions = null;
      account.updatedAt = now;
      await tx.accounts.update(account);
    }
    // The repository has no filter by permission set; an account's meetings are few enough to scan here.
    for (const meeting of await tx.meetings.find({ scope: set.accountId, accountId: set.accountId })) {
      if (meeting.meetingPermissionId !== set.id) continue;
      meeting.meetingPermissionId = null;
      meeting.updatedAt = now;
      await tx.meetings.update(meeting);
      await recordEvent(tx, deps, { event: 'onMeetingUpdated', meeting, payload: deps.renderWebhookPayload('onMeetingUpdated', { meeting, account }) });
    }
    await tx.permissionSets.delete(set.accountId, set.id);
  });
  deps.notifyOutbox();
  return { id: permissionId, deleted: true };
}
