import type { Deps } from '../deps.js';
import { DomainError } from '../errors.js';
import { requireAccountAdmin, type Actor } from './policies.js';
import type { User } from './User.js';

/**
 * Makes an existing organizer of the account an admin (webmeeting-v6 E7 with `{userId}`). Promoting an
 * admin again changes nothing and returns the user.
 * @throws DomainError permission.denied (-3), validation.failed with `unknownReference` on `userId`
 *   (no such user in this account).
 */
export async function promoteAdmin(deps: Deps, actor: Actor, accountId: string, userId: string): Promise<User> {
  requireAccountAdmin(actor, accountId);
  return deps.store.transaction(async (tx) => {
    const user = await tx.users.get(accountId, userId);
    if (!user) throw new DomainError('validation.failed', 'Data not valid', [{ field: 'userId', code: 'unknownReference', message: 'no user with this id in the account' }]);
    if (user.isAdmin) return user;
    const next: User = { ...user, isAdmin: true, updatedAt: deps.clock.now() };
    await tx.users.update(next);
    return next;
  });
}
