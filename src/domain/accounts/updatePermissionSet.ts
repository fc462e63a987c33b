import type { Deps } from '../deps.js';
import { DomainError } from '../errors.js';
import { permissionFlagDefaults, type PermissionFlags, type PermissionSet } from './PermissionSet.js';
import { requireAccountAdmin, scopeOf, type Actor } from './policies.js';

/** Input of updatePermissionSet (webmeeting-v6 E48): every field optional; absent fields keep their values. */
export interface UpdatePermissionSetInput extends Partial<PermissionFlags> {
  /** 1..100 characters. */
  name?: string;
}

/** The -5 answer for a permission-set id. */
export function permissionSetNotFound(): DomainError {
  return new DomainError('permission_set.not_found', 'permission set not found', [{ field: 'path.permissionId', code: 'notFound', message: 'no such permission set' }]);
}

/**
 * Updates a meeting-permission set (webmeeting-v6 E48). Admin-only. Meetings that use the set pick the new
 * flags up when their effective permissions are next resolved, so no meeting row changes.
 * @throws DomainError permission_set.not_found (-5, also for another account's set), permission.denied (-3).
 */
export async function updatePermissionSet(deps: Deps, actor: Actor, permissionId: string, input: UpdatePermissionSetInput): Promise<PermissionSet> {
  return deps.store.transaction(async (tx) => {
    const current = await tx.permissionSets.get(scopeOf(actor), permissionId);
    if (!current) throw permissionSetNotFound();
    requireAccountAdmin(actor, current.accountId);
    const next: PermissionSet = { ...current, updatedAt: deps.clock.now() };
    if (input.name !== undefined) next.name = input.name;
    for (const k of Object.keys(permissionFlagDefaults) as Array<keyof PermissionFlags>) {
      const v = input[k];
      if (v !== undefined) next[k] = v;
    }
    await tx.permissionSets.update(next);
    return next;
  });
}
