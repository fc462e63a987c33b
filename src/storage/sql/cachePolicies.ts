/** Which repository reads the store's `ReadCache` serves (see readCache.ts); every other method is a write. */
import type { AccountRepository, ApiKeyRepository, UserRepository, WebhookConfigRepository } from '../../domain/ports.js';
import type { CachePolicy } from './readCache.js';

/**
 * Accounts: `get` runs on every authenticated v6 request that presents a meeting. `getForUpdate` must read
 * (and lock) the row itself, so it passes through; it writes nothing.
 */
export const accountsPolicy: CachePolicy<AccountRepository> = { name: 'accounts', cached: ['get'], passThrough: ['list', 'getForUpdate', 'getForShare'] };

/** Users: the acting user of every request, and the lookups of the sign-in and token routes. */
export const usersPolicy: CachePolicy<UserRepository> = {
  name: 'users',
  cached: ['get', 'getByEmail', 'getByIcsToken', 'getByLoginName', 'getByUnionId', 'getByHuaweiUuid', 'getByDirectoryNumber'],
  passThrough: ['list', 'count'],
};

/** API keys: `getByHash` authenticates every v6 request (unknown hashes are cached as misses too, bounded). */
export const apiKeysPolicy: CachePolicy<ApiKeyRepository> = { name: 'apiKeys', cached: ['getByHash', 'get'], passThrough: ['listByAccount', 'listInstance'] };

/** Webhook configuration: read by every meeting change that writes an event. */
export const webhookConfigPolicy: CachePolicy<WebhookConfigRepository> = { name: 'webhookConfig', cached: ['get', 'list'], passThrough: [] };
