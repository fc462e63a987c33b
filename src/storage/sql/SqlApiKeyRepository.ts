/** API keys on Kysely (one implementation for every engine). */
import type { Kysely } from 'kysely';
import type { ApiKey, KeyLevel, KeyPermission } from '../../domain/accounts/ApiKey.js';
import type { ApiKeyRepository, Scope } from '../../domain/ports.js';
import type { SqlCapabilities } from './capabilities.js';
import { fromJson, isAccountScope, toJson } from './rows.js';
import type { ApiKeysTable, Database } from './schema.js';

/** ApiKey → row. */
export function apiKeyToRow(k: ApiKey): ApiKeysTable {
  return {
    id: k.id,
    level: k.level,
    account_id: k.accountId,
    permissions: toJson(k.permissions),
    name: k.name,
    hash: k.hash,
    created_at: k.createdAt,
    revoked_at: k.revokedAt,
  };
}

/** Row → ApiKey. */
export function apiKeyFromRow(r: ApiKeysTable): ApiKey {
  return {
    id: r.id,
    level: r.level as KeyLevel,
    accountId: r.account_id,
    permissions: fromJson<KeyPermission[]>(r.permissions),
    name: r.name,
    hash: r.hash,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
  };
}

/** `ApiKeyRepository` over a `Kysely<Database>` or a `Transaction<Database>`. */
export class SqlApiKeyRepository implements ApiKeyRepository {
  readonly #db: Kysely<Database>;

  /** `caps` is unused today; every repository takes it so the factory stays uniform. */
  constructor(db: Kysely<Database>, _caps: SqlCapabilities) {
    this.#db = db;
  }

  /** The key whose secret hashes to `hash`, revoked or not (the caller checks `revokedAt`). */
  async getByHash(hash: string): Promise<ApiKey | undefined> {
    const row = await this.#db.selectFrom('api_keys').selectAll().where('hash', '=', hash).executeTakeFirst();
    return row && apiKeyFromRow(row);
  }

  /** The key with `id`; an account scope sees only that account's keys (never instance keys). */
  async get(scope: Scope, id: string): Promise<ApiKey | undefined> {
    const row = await this.#db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', id)
      .$if(isAccountScope(scope), (q) => q.where('account_id', '=', scope))
      .executeTakeFirst();
    return row && apiKeyFromRow(row);
  }

  /** The account's keys, revoked ones included, oldest first. */
  async listByAccount(accountId: string): Promise<ApiKey[]> {
    const rows = await this.#db
      .selectFrom('api_keys')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(apiKeyFromRow);
  }

  /** Instance-level keys, revoked ones included, oldest first. */
  async listInstance(): Promise<ApiKey[]> {
    const rows = await this.#db
      .selectFrom('api_keys')
      .selectAll()
      .where('level', '=', 'instance')
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(apiKeyFromRow);
  }

  /** Inserts a key (the hash is unique). */
  async insert(key: ApiKey): Promise<void> {
    await this.#db.insertInto('api_keys').values(apiKeyToRow(key)).execute();
  }

  /** Marks the key revoked at `at`. Revoking again keeps the first revocation time. */
  async revoke(id: string, at: number): Promise<void> {
    await this.#db.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).execute();
  }

  /** Deletes every key of the account. */
  async deleteByAccount(accountId: string): Promise<void> {
    await this.#db.deleteFrom('api_keys').where('account_id', '=', accountId).execute();
  }
}
