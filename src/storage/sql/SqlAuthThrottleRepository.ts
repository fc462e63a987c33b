/** Sign-in failure counters on Kysely (one implementation for every engine). */
import type { Kysely } from 'kysely';
import type { AuthThrottleRepository } from '../../domain/credentials/ports.js';
import type { SqlCapabilities } from './capabilities.js';
import { affected, toCount } from './rows.js';
import type { Database } from './schema.js';

/**
 * `AuthThrottleRepository` over a `Kysely<Database>` or a `Transaction<Database>`: one row per failure.
 * A failure at `at` is within the window at `now` when `at > now - windowMs`.
 */
export class SqlAuthThrottleRepository implements AuthThrottleRepository {
  readonly #db: Kysely<Database>;

  /** `caps` is unused today; every repository takes it so the factory stays uniform. */
  constructor(db: Kysely<Database>, _caps: SqlCapabilities) {
    this.#db = db;
  }

  /** Prunes the key's failures older than the window, records one at `now`, and returns the count within it. */
  async fail(key: string, now: number, windowMs: number): Promise<number> {
    await this.#db.deleteFrom('auth_failures').where('key', '=', key).where('at', '<=', now - windowMs).execute();
    await this.#db.insertInto('auth_failures').values({ key, at: now }).execute();
    return this.count(key, now, windowMs);
  }

  /** Failures of `key` within the window ending at `now`. */
  async count(key: string, now: number, windowMs: number): Promise<number> {
    const r = await this.#db
      .selectFrom('auth_failures')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('key', '=', key)
      .where('at', '>', now - windowMs)
      .executeTakeFirst();
    return toCount(r?.n);
  }

  /** Forgets every failure of `key` (a successful sign-in). */
  async clear(key: string): Promise<void> {
    await this.#db.deleteFrom('auth_failures').where('key', '=', key).execute();
  }

  /**
   * Deletes the failures recorded at or before `cutoff`, oldest first, about `limit` of them. The table has no
   * key to pick exactly `limit` rows by, so the batch ends at the instant of the `limit`-th oldest failure (or
   * at `cutoff` when fewer are due) and takes every failure up to it: ties at that instant make it larger.
   */
  async pruneExpired(cutoff: number, limit: number): Promise<number> {
    const r = await this.#db
      .deleteFrom('auth_failures')
      .where(({ eb, fn, selectFrom, val }) =>
        eb(
          'at',
          '<=',
          fn.coalesce(
            selectFrom('auth_failures as f')
              .select('f.at')
              .where('f.at', '<=', cutoff)
              .orderBy('f.at')
              .limit(1)
              .offset(Math.max(0, limit - 1)),
            val(cutoff),
          ),
        ),
      )
      .executeTakeFirst();
    return affected(r.numDeletedRows);
  }
}
