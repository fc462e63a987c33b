/** Replay nonces of signed app requests on Kysely (one implementation for every engine). */
import type { Kysely } from 'kysely';
import type { NonceRepository } from '../../domain/credentials/ports.js';
import type { SqlCapabilities } from './capabilities.js';
import { affected } from './rows.js';
import type { Database } from './schema.js';

/** `NonceRepository` over a `Kysely<Database>` or a `Transaction<Database>`. */
export class SqlNonceRepository implements NonceRepository {
  readonly #db: Kysely<Database>;

  /** `caps` is unused today; every repository takes it so the factory stays uniform. */
  constructor(db: Kysely<Database>, _caps: SqlCapabilities) {
    this.#db = db;
  }

  /**
   * Records (appId, nonce) until `expiresAt`; false when it is recorded and not expired at `now`. The primary
   * key decides through `INSERT … ON CONFLICT`, which never raises (a raised unique violation would abort the
   * caller's PostgreSQL transaction), so concurrent uses of one nonce see exactly one true. A record that
   * expired at or before `now` is replaced, as idempotency keys are.
   */
  async tryUse(appId: string, nonce: string, expiresAt: number, now: number): Promise<boolean> {
    const inserted = await this.#db
      .insertInto('auth_nonces')
      .values({ app_id: appId, nonce, expires_at: expiresAt })
      .onConflict((oc) =>
        oc
          .columns(['app_id', 'nonce'])
          .doUpdateSet({ expires_at: expiresAt })
          .where('auth_nonces.expires_at', '<=', now),
      )
      .returning('nonce')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  /**
   * Deletes at most `limit` records with `expiresAt ≤ now`, oldest expiry first. The batch is chosen by key in a
   * subquery because neither engine portably supports `DELETE … LIMIT`.
   */
  async pruneExpired(now: number, limit: number): Promise<number> {
    const r = await this.#db
      .deleteFrom('auth_nonces')
      .where(({ eb, refTuple, selectFrom }) =>
        eb(
          refTuple('app_id', 'nonce'),
          'in',
          selectFrom('auth_nonces as n')
            .select(['n.app_id', 'n.nonce'])
            .where('n.expires_at', '<=', now)
            .orderBy('n.expires_at')
            .limit(limit)
            .$asTuple('app_id', 'nonce'),
        ),
      )
      .executeTakeFirst();
    return affected(r.numDeletedRows);
  }
}
