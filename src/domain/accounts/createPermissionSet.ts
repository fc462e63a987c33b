import type { Deps } from '../deps.js';
import { DomainError } from '../errors.js';
import { permissionFlagDefaults, type PermissionFlags, type PermissionSet } from './PermissionSet.js';
import { requireAccountAdmin, type Actor } from './policies.js';

/** Input of createPermissionSet (webmeeting-v6 E46, §12.1); absent flags take their defaults. */
export interface CreatePermissionSetInput extends Partial<PermissionFlags> {
  /** 1..100 characters. */
  name: string;
}

/**
 * Creates a meeting-permission set of an account (webmeeting-v6 E46). Admin-only.
 * @throws DomainError permission.denied (-3), account.not_found (-5).
 */
export async function createPermissionSet(deps: Deps, actor: Actor, accountId: string, input: CreatePermissionSetInput): Promise<PermissionSet> {
  requireAccountAdmin(actor, accountId);
  return deps.store.transaction(async (tx) => {
    if (!(await tx.accounts.get(accountId, accountId))) {
      throw new DomainError('account.not_found', 'account not found', [{ field: 'path.accountId', code: 'notFound', message: 'no such account' }]);
    }
    const now = deps.clock.now();
    const flags = { ...permissionFlagDefaults } as PermissionFlags;
    for (const k of Object.keys(permissionFlagDefaults) as Array<keyof PermissionFlags>) {
      const v = input[k];
      if (v !== undefined) flags[k] = v;
    }
    const set: PermissionSet = { id: deps.ids.objectId(), accountId, name: input.name, ...flags, createdAt: now, updatedAt: now };
    await tx.permissionSets.insert(set);
    return set;
  });
}
