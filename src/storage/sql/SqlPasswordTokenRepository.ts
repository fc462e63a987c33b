/** Password-set tokens on Kysely (one implementation for every engine). */
import type { Kysely } from 'kysely';
import type { PasswordTokenRepository } from '../../domain/ports.js';
import type { SqlCapabilities } from './capabilities.js';
import { affected } from './rows.js';
import type { Database } from './schema.js';

/** `PasswordTokenRepository` over a `Kysely<Database>` or a `Transaction<Database>`. */
export class SqlPasswordTokenRepository implements PasswordTokenRepository {
  readonly #db: Kysely<Database>;

  /** `caps` is unused today; every repository takes it so the factory stays uniform. */
  constructor(db: Kysely<Database>, _caps: SqlCapabilities) {
    this.#db = db;
  }

  /** Stores a token hash for a user (the user must exist; deleting the user deletes the token). */
  async insert(t: { tokenHash: string; userId: string; expiresAt: number; createdAt: number }): Promise<void> {
    await this.#db
      .insertInto('password_tokens')
      .values({ token_hash: t.tokenHash, user_id: t.userId, expires_at: t.expiresAt, created_at: t.createdAt })
      .execute();
  }

  /**
   * Consumes the token: deletes it and returns its user when it had not expired (`expiresAt > now`).
   * DELETE … RETURNING makes the take atomic, so two concurrent takes cannot both succeed; an expired token is
   * deleted too, since it can never be used again.
   */
  async take(tokenHash: string, now: number): Promise<{ userId: string } | undefined> {
    const row = await this.#db
      .deleteFrom('password_tokens')
      .where('token_hash', '=', tokenHash)
      .returning(['user_id', 'expires_at'])
      .executeTakeFirst();
    if (row === undefined || row.expires_at <= now) return undefined;
    return { userId: row.user_id };
  }

  /** Deletes at most `limit` tokens with `expiresAt ≤ now` (never usable again), oldest expiry first. */
  async pruneExpired(now: number, limit: number): Promise<number> {
    const r = await this.#db
      .deleteFrom('password_tokens')
      .where('token_hash', 'in', (eb) =>
        eb.selectFrom('password_tokens as t').select('t.token_hash').where('t.expires_at', '<=', now).orderBy('t.expires_at').limit(limit),
      )
      .executeTakeFirst();
    return affected(r.numDeletedRows);
  }
}
