import type { Deps } from '../deps.js';
import { DomainError } from '../errors.js';
import type { Repositories } from '../ports.js';
import { emailTaken } from './createUser.js';
import { requireUserRight, scopeOf, type Actor } from './policies.js';
import type { User } from './User.js';

/** Input of updateUser (webmeeting-v6 E17, §7.2): every field optional; absent fields keep their values. */
export interface UpdateUserInput {
  /** Lower-case; a change re-checks instance-wide uniqueness. */
  email?: string;
  /** 1..100 characters. */
  firstName?: string;
  /** 1..100 characters. */
  lastName?: string;
  /** `en | de | fr | it`. */
  preferredLanguage?: string;
  /** IANA zone. */
  timezone?: string;
  /** Up to 10 IANA zones. */
  additionalTimezones?: string[];
  /** Up to 255 characters; null clears it. */
  externalUserId?: string | null;
  /** Only an admin (or a call without acting user) may change it; an unchanged value is always accepted. */
  isAdmin?: boolean;
}

/**
 * Updates a user (webmeeting-v6 E17) in one transaction. A non-admin acting user may update only their own
 * record and may not change `isAdmin` (§3.3).
 * @throws DomainError user.not_found (unknown, or another account's user for an account key),
 *   permission.denied (someone else's record as a non-admin), permission.forbidden_field (isAdmin changed by a
 *   non-admin), user.email_taken (-11), user.last_admin (demoting the account's last admin, -12).
 */
export async function updateUser(deps: Deps, actor: Actor, userId: string, input: UpdateUserInput): Promise<User> {
  return deps.store.transaction(async (tx) => {
    const current = await tx.users.get(scopeOf(actor), userId);
    if (!current) throw userNotFound();
    requireUserRight(actor, current);
    if (input.isAdmin !== undefined && input.isAdmin !== current.isAdmin && actor.user && !actor.user.isAdmin) {
      throw new DomainError('permission.forbidden_field', 'only an admin may change isAdmin', [{ field: 'isAdmin', code: 'forbiddenField', message: 'only an admin may change isAdmin' }]);
    }
    if (input.email !== undefined && input.email !== current.email) {
      const other = await tx.users.getByEmail('*', input.email);
      if (other && other.id !== current.id) throw emailTaken();
    }
    if (input.isAdmin === false && current.isAdmin) await requireAnotherAdmin(tx, current.accountId);
    const next: User = { ...current, updatedAt: deps.clock.now() };
    for (const [k, v] of Object.entries(input) as Array<[keyof UpdateUserInput, unknown]>) {
      if (v !== undefined) (next as unknown as Record<string, unknown>)[k] = v;
    }
    // A login name that is still the old email follows the email, so the old address can be reused by a new
    // user without colliding with the instance-wide unique login name (newUser defaults it to the email).
    if (next.email !== current.email && current.loginName === current.email && !(await tx.users.getByLoginName(next.email))) next.loginName = next.email;
    try {
      await tx.users.update(next);
    } catch (e) {
      // A concurrent change to the same email loses the unique-constraint race: still -11 with the field named.
      if (e instanceof DomainError && e.code === 'user.email_taken') throw emailTaken();
      throw e;
    }
    return next;
  });
}

/** The -5 answer for a user id. */
export function userNotFound(field = 'path.userId'): DomainError {
  return new DomainError('user.not_found', 'user not found', [{ field, code: 'notFound', message: 'no such user' }]);
}

/** Throws user.last_admin unless the account has at least two admins (the one leaving and another). */
export async function requireAnotherAdmin(tx: Repositories, accountId: string): Promise<void> {
  const { total } = await tx.users.list(accountId, { adminsOnly: true, offset: 0, limit: 1 });
  if (total <= 1) throw new DomainError('user.last_admin', 'the last admin of an account cannot be removed or demoted');
}
