/**
 * 0004_focus: a conference may pin one participant leg as the focus everyone sees (DingTalk `focus`,
 * dingtalk-conference.md §6.12). Nullable `text`, so the DDL runs unchanged on SQLite and PostgreSQL and
 * existing rows need no backfill (null = no focus).
 */
import type { Kysely, Migration } from 'kysely';

/** Adds `conferences.focus_participant_id`. */
export const migration0004Focus: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('conferences').addColumn('focus_participant_id', 'text').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('conferences').dropColumn('focus_participant_id').execute();
  },
};
