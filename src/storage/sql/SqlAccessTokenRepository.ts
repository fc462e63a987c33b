/** Dialect bearer tokens (stored as SHA-256) on Kysely (one implementation for every engine). */
import type { Kysely } from 'kysely';
import type { AccessToken, AccessTokenRepository, CredentialDialect } from '../../domain/credentials/ports.js';
import type { SqlCapabilities } from './capabilities.js';
import { affected } from './rows.js';
import type { AccessTokensTable, Database } from './schema.js';

/** AccessToken → row. */
export function accessTokenToRow(t: AccessToken): AccessTokensTable {
  return {
    hash: t.hash,
    dialect: t.dialect,
    account_id: t.accountId,
    user_id: t.userId,
    app_id: t.appId,
    client_type: t.clientType,
    created_at: t.createdAt,
    expires_at: t.expiresAt,
    revoked_at: t.revokedAt,
    last_used_ip: t.lastUsedIp,
  };
}

/** Row → AccessToken. */
export function accessTokenFromRow(r: AccessTokensTable): AccessToken {
  return {
    hash: r.hash,
    dialect: r.dialect as CredentialDialect,
    accountId: r.account_id,
    userId: r.user_id,
    appId: r.app_id,
    clientType: r.client_type,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    lastUsedIp: r.last_used_ip,
  };
}

/** `AccessTokenRepository` over a `Kysely<Database>` or a `Transaction<Database>`. */
export class SqlAccessTokenRepository implements AccessTokenRepository {
  readonly #db: Kysely<Database>;

  /** `caps` is unused today; every repository takes it so the factory stays uniform. */
  constructor(db: Kysely<Database>, _caps: SqlCapabilities) {
    this.#db = db;
  }

  /** The token with this hash, revoked or expired included (the caller checks). */
  async get(hash: string): Promise<AccessToken | undefined> {
    const row = await this.#db.selectFrom('access_tokens').selectAll().where('hash', '=', hash).executeTakeFirst();
    return row && accessTokenFromRow(row);
  }

  /** Stores a token. */
  async insert(t: AccessToken): Promise<void> {
    await this.#db.insertInto('access_tokens').values(accessTokenToRow(t)).execute();
  }

  /** The user's tokens of `dialect` that are not revoked and not expired (`expiresAt > now`), oldest first. */
  async listLiveByUser(dialect: CredentialDialect, userId: string, now: number): Promise<AccessToken[]> {
    const rows = await this.#db
      .selectFrom('access_tokens')
      .selectAll()
      .where('user_id', '=', userId)
      .where('dialect', '=', dialect)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .orderBy('created_at')
      .orderBy('hash')
      .execute();
    return rows.map(accessTokenFromRow);
  }

  /** Revokes one token; a revoked token keeps its first revocation time. */
  async revoke(hash: string, at: number): Promise<void> {
    await this.#db
      .updateTable('access_tokens')
      .set({ revoked_at: at })
      .where('hash', '=', hash)
      .where('revoked_at', 'is', null)
      .execute();
  }

  /** Revokes every not yet revoked token of the user, in every dialect; returns how many. */
  async revokeByUser(userId: string, at: number): Promise<number> {
    const r = await this.#db
      .updateTable('access_tokens')
      .set({ revoked_at: at })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return affected(r.numUpdatedRows);
  }

  /** Revokes every not yet revoked token issued through the app; returns how many. */
  async revokeByApp(appId: string, at: number): Promise<number> {
    const r = await this.#db
      .updateTable('access_tokens')
      .set({ revoked_at: at })
      .where('app_id', '=', appId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return affected(r.numUpdatedRows);
  }

  /** Records the address the token was last used from. */
  async touch(hash: string, ip: string | null): Promise<void> {
    await this.#db.updateTable('access_tokens').set({ last_used_ip: ip }).where('hash', '=', hash).execute();
  }

  /** Deletes at most `limit` tokens with `expiresAt ≤ cutoff`, revoked or not, oldest expiry first. */
  async pruneExpired(cutoff: number, limit: number): Promise<number> {
    const r = await this.#db
      .deleteFrom('access_tokens')
      .where('hash', 'in', (eb) =>
        eb.selectFrom('access_tokens as t').select('t.hash').where('t.expires_at', '<=', cutoff).orderBy('t.expires_at').limit(limit),
      )
      .executeTakeFirst();
    return affected(r.numDeletedRows);
  }
}
