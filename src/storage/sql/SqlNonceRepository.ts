/** Replay nonces of signed app requests on Kysely (one implementation for every engine). */
import type { Kysely } from 'kysely';
import type { NonceRepository } from '../../domain/credentials/ports.js';
import type { SqlCapabilities } from './capabilities.js';
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
}
