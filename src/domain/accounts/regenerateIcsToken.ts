import type { Deps } from '../deps.js';
import { requireUserRight, scopeOf, type Actor } from './policies.js';
import { userNotFound } from './updateUser.js';
import type { User } from './User.js';

/**
 * Replaces a user's personal ICS token (webmeeting-v6 E19): the old feed URL answers 404 from the commit on.
 * A non-admin acting user may do this only for their own record.
 * @throws DomainError user.not_found (-5), permission.denied (-3).
 */
export async function regenerateIcsToken(deps: Deps, actor: Actor, userId: string): Promise<User> {
  return deps.store.transaction(async (tx) => {
    const user = await tx.users.get(scopeOf(actor), userId);
    if (!user) throw userNotFound();
    requireUserRight(actor, user);
    const next: User = { ...user, icsToken: deps.ids.icsToken(), updatedAt: deps.clock.now() };
    await tx.users.update(next);
    return next;
  });
}
