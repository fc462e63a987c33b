/**
 * 0005_dialin_releases: dial-in conference rooms given up by switching `isDialin` off stay quarantined for 30 days
 * (webmeeting-v6 §8.4 step 7, §8.10). The meeting row forgets the number when dial-in goes off, so the release is
 * kept in its own table; deleted meetings need no row, as their tombstones keep the number.
 *
 * Also indexes `meetings.dial_in_conference_room`: the uniqueness check becomes one indexed probe per drawn number
 * instead of reading every active meeting of the instance.
 *
 * Only `text` and `bigint`, no foreign key (meeting rows are tombstoned, never removed, like the outbox's), so the
 * DDL runs unchanged on SQLite and PostgreSQL; there is nothing to backfill (earlier releases were not recorded).
 */
import type { Kysely, Migration } from 'kysely';

/** Creates `dialin_releases` and the dial-in room index on `meetings`. */
export const migration0005DialinReleases: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('dialin_releases')
      .addColumn('conference_room', 'text', (c) => c.notNull())
      .addColumn('released_at', 'bigint', (c) => c.notNull())
      .addColumn('meeting_id', 'text', (c) => c.notNull())
      // Led by the room, so the key also serves the "released at or after `since`" probe of one room.
      .addPrimaryKeyConstraint('dialin_releases_pkey', ['conference_room', 'released_at', 'meeting_id'])
      .execute();
    await db.schema.createIndex('dialin_releases_released_at_idx').on('dialin_releases').column('released_at').execute();
    await db.schema.createIndex('meetings_dial_in_conference_room_idx').on('meetings').column('dial_in_conference_room').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('meetings_dial_in_conference_room_idx').execute();
    await db.schema.dropTable('dialin_releases').execute();
  },
};
