/** Instance settings on Kysely (one implementation for every engine). */
import type { Kysely } from 'kysely';
import type { SettingsRepository } from '../../domain/ports.js';
import type { SqlCapabilities } from './capabilities.js';
import type { Database } from './schema.js';

/** `SettingsRepository` over a `Kysely<Database>` or a `Transaction<Database>`. */
export class SqlSettingsRepository implements SettingsRepository {
  readonly #db: Kysely<Database>;

  /** `caps` is unused today; every repository takes it so the factory stays uniform. */
  constructor(db: Kysely<Database>, _caps: SqlCapabilities) {
    this.#db = db;
  }

  /** The value stored under `key`. */
  async get(key: string): Promise<string | undefined> {
    const row = await this.#db.selectFrom('instance_settings').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value;
  }

  /** Stores `value` under `key`, replacing any previous value. */
  async set(key: string, value: string): Promise<void> {
    await this.#db
      .insertInto('instance_settings')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  }

  /**
   * Stores `value` unless `key` exists, and returns the stored value either way. `ON CONFLICT DO NOTHING`
   * makes the first writer win even when two processes initialise the same secret at once.
   */
  async getOrInit(key: string, value: string): Promise<string> {
    await this.#db
      .insertInto('instance_settings')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    const stored = await this.get(key);
    // Unreachable unless the row was deleted in between; fall back to what we tried to store.
    return stored ?? value;
  }
}
