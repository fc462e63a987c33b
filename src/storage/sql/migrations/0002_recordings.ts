/**
 * 0002_recordings: the `recordings` table behind webmeeting-v6 E41/E42 (§12.4). Same rules as 0001: only
 * `text`, `integer` and `bigint`, so the DDL runs unchanged on SQLite and PostgreSQL, and every name is
 * spelled out here because a migration is a frozen snapshot.
 */
import type { Kysely, Migration } from 'kysely';

/** Creates `recordings` and the index that lists a meeting's recordings in order. */
async function up(db: Kysely<unknown>): Promise<void> {
  // No foreign keys, as for meetings: a recording outlives the tombstoning of its meeting and the deletion of
  // its account until the recording module removes its file and row together.
  await db.schema
    .createTable('recordings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('meeting_id', 'text', (c) => c.notNull())
    .addColumn('recurrence_id', 'bigint')
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('ended_at', 'bigint', (c) => c.notNull())
    .addColumn('duration_seconds', 'integer', (c) => c.notNull())
    // bigint: recordings of long meetings pass 2 GiB, beyond a 32-bit integer.
    .addColumn('size_bytes', 'bigint', (c) => c.notNull())
    .addColumn('mime_type', 'text', (c) => c.notNull())
    .addColumn('storage_path', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('recordings_meeting_id_idx').on('recordings').columns(['meeting_id', 'started_at', 'id']).execute();
}

/** Drops the table (its index goes with it). */
async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('recordings').ifExists().execute();
}

/** The recordings migration. */
export const migration0002Recordings: Migration = { up, down };
