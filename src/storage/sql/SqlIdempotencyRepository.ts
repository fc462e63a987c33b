/** Idempotency records (webmeeting-v6 §5) on Kysely (one implementation for every engine). */
import type { Kysely } from 'kysely';
import type { IdempotencyRecord, IdempotencyRepository } from '../../domain/ports.js';
import type { SqlCapabilities } from './capabilities.js';
import { affected } from './rows.js';
import type { Database, IdempotencyKeysTable } from './schema.js';

/** IdempotencyRecord → row. */
export function idempotencyToRow(r: IdempotencyRecord): IdempotencyKeysTable {
  return {
    api_key_id: r.apiKeyId,
    key: r.key,
    fingerprint: r.fingerprint,
    state: r.state,
    http_status: r.httpStatus,
    response_body: r.responseBody,
    created_at: r.createdAt,
    expires_at: r.expiresAt,
  };
}

/** Row → IdempotencyRecord. */
export function idempotencyFromRow(r: IdempotencyKeysTable): IdempotencyRecord {
  return {
    apiKeyId: r.api_key_id,
    key: r.key,
    fingerprint: r.fingerprint,
    state: r.state as IdempotencyRecord['state'],
    httpStatus: r.http_status,
    responseBody: r.response_body,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
  };
}

/** `IdempotencyRepository` over a `Kysely<Database>` or a `Transaction<Database>`. */
export class SqlIdempotencyRepository implements IdempotencyRepository {
  readonly #db: Kysely<Database>;

  /** `caps` is unused today; every repository takes it so the factory stays uniform. */
  constructor(db: Kysely<Database>, _caps: SqlCapabilities) {
    this.#db = db;
  }

  /** The record of (apiKeyId, key), expired or not (the caller compares `expiresAt`). */
  async get(apiKeyId: string, key: string): Promise<IdempotencyRecord | undefined> {
    const row = await this.#db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('api_key_id', '=', apiKeyId)
      .where('key', '=', key)
      .executeTakeFirst();
    return row && idempotencyFromRow(row);
  }

  /**
   * Inserts `r`; returns false when a live record for (apiKeyId, key) exists. The primary key decides, through
   * `INSERT … ON CONFLICT`, which never raises: on PostgreSQL a raised unique violation would abort the
   * caller's transaction. A record that expired at or before `r.createdAt` is replaced (the key is free again
   * after its window, webmeeting-v6 §5.2).
   */
  async tryInsert(r: IdempotencyRecord): Promise<boolean> {
    const row = idempotencyToRow(r);
    const { api_key_id: _a, key: _k, ...rest } = row;
    const inserted = await this.#db
      .insertInto('idempotency_keys')
      .values(row)
      .onConflict((oc) =>
        oc
          .columns(['api_key_id', 'key'])
          .doUpdateSet(rest)
          .where('idempotency_keys.expires_at', '<=', r.createdAt),
      )
      .returning('key')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  /** Marks the record done with the response to replay. */
  async complete(apiKeyId: string, key: string, httpStatus: number, responseBody: string): Promise<void> {
    await this.#db
      .updateTable('idempotency_keys')
      .set({ state: 'done', http_status: httpStatus, response_body: responseBody })
      .where('api_key_id', '=', apiKeyId)
      .where('key', '=', key)
      .execute();
  }

  /** Releases the key (failures that must not be replayed, webmeeting-v6 §5.3). */
  async delete(apiKeyId: string, key: string): Promise<void> {
    await this.#db.deleteFrom('idempotency_keys').where('api_key_id', '=', apiKeyId).where('key', '=', key).execute();
  }

  /**
   * Deletes records with `expiresAt ≤ now` (those `tryInsert` would replace anyway); with `limit`, at most that
   * many, oldest expiry first. Returns how many.
   */
  async deleteExpired(now: number, limit?: number): Promise<number> {
    const r = await this.#db
      .deleteFrom('idempotency_keys')
      .$if(limit === undefined, (q) => q.where('expires_at', '<=', now))
      .$if(limit !== undefined, (q) =>
        q.where(({ eb, refTuple, selectFrom }) =>
          eb(
            refTuple('api_key_id', 'key'),
            'in',
            selectFrom('idempotency_keys as k')
              .select(['k.api_key_id', 'k.key'])
              .where('k.expires_at', '<=', now)
              .orderBy('k.expires_at')
              .limit(limit ?? 0)
              .$asTuple('api_key_id', 'key'),
          ),
        ),
      )
      .executeTakeFirst();
    return affected(r.numDeletedRows);
  }
}
