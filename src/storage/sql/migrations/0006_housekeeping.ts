/**
 * 0006_housekeeping: indexes on the instants the housekeeping job prunes by (docs/operations.md "What is kept
 * how long"). Each prune deletes a bounded batch of the oldest rows past a cutoff; without an index on that
 * instant every batch would scan and sort the whole table, so draining a large backlog would cost quadratic
 * time while holding the SQLite write lock for each statement.
 *
 * Index names are spelled out (a migration is a frozen snapshot); plain single-column indexes run unchanged on
 * SQLite and PostgreSQL. `idempotency_keys.expires_at` is indexed since 0001.
 */
import type { Kysely, Migration } from 'kysely';

/** [index name, table, column] created by this migration. */
const INDEXES: ReadonlyArray<readonly [string, string, string]> = [
  ['auth_nonces_expires_at_idx', 'auth_nonces', 'expires_at'],
  ['auth_failures_at_idx', 'auth_failures', 'at'],
  ['access_tokens_expires_at_idx', 'access_tokens', 'expires_at'],
  ['control_tokens_expires_at_idx', 'control_tokens', 'expires_at'],
  ['password_tokens_expires_at_idx', 'password_tokens', 'expires_at'],
  ['live_events_occurred_at_idx', 'live_events', 'occurred_at'],
  // Pending deliveries have no completed_at, so the finished ones past retention are one range scan.
  ['webhook_deliveries_completed_at_idx', 'webhook_deliveries', 'completed_at'],
];

/** Adds the prune indexes. */
export const migration0006Housekeeping: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const [name, table, column] of INDEXES) await db.schema.createIndex(name).on(table).column(column).execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    for (const [name] of INDEXES) await db.schema.dropIndex(name).ifExists().execute();
  },
};
