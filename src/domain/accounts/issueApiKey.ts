import { createHash } from 'node:crypto';
import type { Deps } from '../deps.js';
import type { Repositories } from '../ports.js';
import type { ApiKey, KeyLevel, KeyPermission } from './ApiKey.js';

/** What a new key is for. */
export interface IssueApiKeyInput {
  level: KeyLevel;
  /** Required for account-level keys. */
  accountId: string | null;
  permissions: KeyPermission[];
  name: string;
  /** Use this secret instead of generating one (CONVENE_INSTANCE_API_KEY, bootstrap files). */
  secret?: string;
}

/** SHA-256 hex of a key secret: the only form in which keys are stored (webmeeting-v6 §3.1). */
export function hashKeySecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * Stores a new API key inside the caller's transaction and returns it with its secret, which is shown
 * once and never stored (43 base64url characters = 32 random bytes, §12.3).
 */
export async function issueApiKey(tx: Repositories, deps: Pick<Deps, 'ids' | 'clock'>, input: IssueApiKeyInput): Promise<{ key: ApiKey; secret: string }> {
  const secret = input.secret ?? deps.ids.secret(32);
  const key: ApiKey = {
    id: deps.ids.objectId(),
    level: input.level,
    accountId: input.level === 'account' ? input.accountId : null,
    permissions: [...new Set(input.permissions)],
    name: input.name,
    hash: hashKeySecret(secret),
    createdAt: deps.clock.now(),
    revokedAt: null,
  };
  await tx.apiKeys.insert(key);
  return { key, secret };
}

/**
 * Makes sure an instance key with this secret exists and is active (idempotent; used for
 * CONVENE_INSTANCE_API_KEY and bootstrap files). Returns the key record.
 */
export async function ensureInstanceKey(tx: Repositories, deps: Pick<Deps, 'ids' | 'clock'>, secret: string, name: string): Promise<ApiKey> {
  const existing = await tx.apiKeys.getByHash(hashKeySecret(secret));
  if (existing && existing.revokedAt === null && existing.level === 'instance') return existing;
  if (existing) {
    // The same secret was revoked or belonged to an account key: configuration wins, but never silently
    // widens an account key. Refuse instead.
    if (existing.level !== 'instance') throw new Error(`the configured instance key "${name}" is already an account-level key`);
  }
  return (await issueApiKey(tx, deps, { level: 'instance', accountId: null, permissions: ['account', 'meeting'], name, secret })).key;
}
