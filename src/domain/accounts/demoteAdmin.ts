import type { Deps } from '../deps.js';
import { requireAccountAdmin, type Actor } from './policies.js';
import { requireAnotherAdmin, userNotFound } from './updateUser.js';
import type { User } from './User.js';

/**
 * Turns an admin of the account back into an organizer (webmeeting-v6 E8). Demoting a non-admin changes
 * nothing and returns the user.
 * @throws DomainError permission.denied (-3), user.not_found (-5: not a user of this account),
 *   user.last_admin (-12).
 */
export async function demoteAdmin(deps: Deps, actor: Actor, accountId: string, userId: string): Promise<User> {
  requireAccountAdmin(actor, accountId);
  return deps.store.transaction(async (tx) => {
    const user = await tx.users.get(accountId, userId);
    if (!user) throw userNotFound();
    if (!user.isAdmin) return user;
    await requireAnotherAdmin(tx, accountId);
    const next: User = { ...user, isAdmin: false, updatedAt: deps.clock.now() };
    await tx.users.update(next);
    return next;
  });
}
