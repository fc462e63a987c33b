import type { Deps } from '../deps.js';
import { DomainError } from '../errors.js';
import type { ApiKey, KeyPermission } from './ApiKey.js';
import { issueApiKey } from './issueApiKey.js';
import { requireAccountAccess, requireInstance, type Actor } from './policies.js';

/** Input of createAccountKey (webmeeting-v6 E12), already validated by the dialect. */
export interface CreateAccountKeyInput {
  /** 1..100 characters. */
  name: string;
  /** Non-empty subset of account / meeting. */
  permissions: KeyPermission[];
}

/**
 * Creates an account-level API key (webmeeting-v6 E12, §12.3). Only instance keys may do this. The secret is
 * returned once and never stored (only its hash is).
 * @throws DomainError permission.denied (-3: not instance level, or the acting user is of another account),
 *   account.not_found (-5).
 */
export async function createAccountKey(deps: Deps, actor: Actor, accountId: string, input: CreateAccountKeyInput): Promise<{ key: ApiKey; secret: string }> {
  requireInstance(actor);
  requireAccountAccess(actor, accountId);
  return deps.store.transaction(async (tx) => {
    if (!(await tx.accounts.get(accountId, accountId))) {
      throw new DomainError('account.not_found', 'account not found', [{ field: 'path.accountId', code: 'notFound', message: 'no such account' }]);
    }
    return issueApiKey(tx, deps, { level: 'account', accountId, permissions: input.permissions, name: input.name });
  });
}
