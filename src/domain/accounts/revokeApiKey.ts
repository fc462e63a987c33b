import type { Deps } from '../deps.js';
import { DomainError } from '../errors.js';
import type { ApiKey } from './ApiKey.js';
import { requireAccountAdmin, type Actor } from './policies.js';

/**
 * Revokes an account-level key of the account (webmeeting-v6 E13): from the commit on, the key answers -1.
 * Revoking a revoked key keeps its first revocation time. A key may revoke itself.
 * @throws DomainError permission.denied (-3), api_key.not_found (-5: no account-level key with this id in the
 *   account; instance keys are never reachable here).
 */
export async function revokeApiKey(deps: Deps, actor: Actor, accountId: string, keyId: string): Promise<ApiKey> {
  requireAccountAdmin(actor, accountId);
  return deps.store.transaction(async (tx) => {
    const key = await tx.apiKeys.get(accountId, keyId);
    if (!key || key.level !== 'account' || key.accountId !== accountId) {
      throw new DomainError('api_key.not_found', 'API key not found', [{ field: 'path.keyId', code: 'notFound', message: 'no such API key in this account' }]);
    }
    if (key.revokedAt === null) {
      key.revokedAt = deps.clock.now();
      await tx.apiKeys.revoke(key.id, key.revokedAt);
    }
    return key;
  });
}
