/**
 * 0003_live: storage of the live conference engine (conferences, participant legs, rosters, the live event log)
 * and of the dialect credentials (meeting passwords, access and control tokens, app credentials, replay nonces,
 * sign-in failure counters); users gain a directory number and a phone.
 *
 * Same rules as 0001: only `text`, `integer` and `bigint`, so the DDL runs unchanged on SQLite and PostgreSQL;
 * every name is spelled out here because a migration is a frozen snapshot (the PostgreSQL error codec matches
 * unique violations by these names). The directory-number backfill runs through Kysely, in JS, for the same
 * reason: one code path for both engines.
 */
import { randomInt } from 'node:crypto';
import { sql, type Kysely, type Migration } from 'kysely';

/** The part of the users table this migration reads and writes, as it is at this point of history. */
interface BackfillSchema {
  users: { id: string; directory_number: string };
}

/** `+99` and 12 random digits (huawei-meeting.md §3.5), as `newUser` assigns them. */
function directoryNumber(): string {
  let s = '+99';
  for (let i = 0; i < 12; i++) s += String(randomInt(0, 10));
  return s;
}

/** Creates the live and credential tables, adds the users' columns and gives every existing user a number. */
async function up(db: Kysely<unknown>): Promise<void> {
  // No foreign keys to meetings or accounts, as for meetings themselves: a conference, its legs, roster and
  // events stay with a tombstoned meeting, and credentials are revoked (not deleted) with their user or app.
  await db.schema
    .createTable('conferences')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('meeting_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('ended_at', 'bigint')
    .addColumn('end_reason', 'text')
    .addColumn('locked', 'integer', (c) => c.notNull())
    .addColumn('mute_all', 'integer', (c) => c.notNull())
    .addColumn('allow_unmute_by_oneself', 'integer', (c) => c.notNull())
    .addColumn('max_participants', 'integer', (c) => c.notNull())
    .addColumn('started_by_user_id', 'text')
    .execute();
  // getLatest() reads a meeting's conferences newest first.
  await db.schema.createIndex('conferences_meeting_id_idx').on('conferences').columns(['meeting_id', 'started_at']).execute();
  // At most one running conference per meeting: two concurrent starts cannot both commit.
  await db.schema
    .createIndex('conferences_running_meeting_id_key')
    .on('conferences')
    .column('meeting_id')
    .unique()
    .where(sql.ref('ended_at'), 'is', null)
    .execute();

  await db.schema
    .createTable('participants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('conference_id', 'text', (c) => c.notNull().references('conferences.id'))
    .addColumn('meeting_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('roster_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('phone', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('progress', 'text')
    .addColumn('reason', 'text')
    .addColumn('sip_status_code', 'integer')
    .addColumn('reject_description', 'text')
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('muted', 'integer', (c) => c.notNull())
    .addColumn('muted_by_host', 'integer', (c) => c.notNull())
    .addColumn('hand_raised', 'integer', (c) => c.notNull())
    .addColumn('video', 'integer', (c) => c.notNull())
    .addColumn('invited', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('joined_at', 'bigint')
    .addColumn('ended_at', 'bigint')
    .addColumn('network', 'text')
    .execute();
  await db.schema
    .createIndex('participants_conference_id_idx')
    .on('participants')
    .columns(['conference_id', 'created_at'])
    .execute();
  await db.schema.createIndex('participants_user_id_idx').on('participants').column('user_id').execute();

  await db.schema
    .createTable('roster_entries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('meeting_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('phone', 'text')
    .addColumn('email', 'text')
    .addColumn('sms', 'text')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('host_role', 'integer', (c) => c.notNull())
    .addColumn('join_muted', 'integer', (c) => c.notNull())
    .addColumn('dept_uuid', 'text')
    .addColumn('dept_name', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('roster_entries_meeting_id_idx').on('roster_entries').columns(['meeting_id', 'position']).execute();

  await db.schema
    .createTable('live_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('meeting_id', 'text', (c) => c.notNull())
    .addColumn('conference_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('participant_id', 'text')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'bigint', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    // Every live event takes its own number from meetings.event_seq (shared with the webhook outbox), so a
    // number is never reused; the key also serves list(meetingId, afterSeq).
    .addUniqueConstraint('live_events_meeting_id_seq_key', ['meeting_id', 'seq'])
    .execute();

  await db.schema
    .createTable('meeting_secrets')
    .addColumn('meeting_id', 'text', (c) => c.primaryKey())
    .addColumn('chair_password', 'text', (c) => c.notNull())
    .addColumn('guest_password', 'text', (c) => c.notNull())
    .execute();

  // Tokens are stored only as SHA-256 hex; the hash is the key.
  await db.schema
    .createTable('access_tokens')
    .addColumn('hash', 'text', (c) => c.primaryKey())
    .addColumn('dialect', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('app_id', 'text')
    .addColumn('client_type', 'integer')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .addColumn('last_used_ip', 'text')
    .execute();
  await db.schema.createIndex('access_tokens_user_id_idx').on('access_tokens').columns(['user_id', 'dialect']).execute();
  // revokeByApp() when an app credential is revoked.
  await db.schema.createIndex('access_tokens_app_id_idx').on('access_tokens').column('app_id').execute();

  await db.schema
    .createTable('control_tokens')
    .addColumn('hash', 'text', (c) => c.primaryKey())
    .addColumn('meeting_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('role', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('created_ip', 'text')
    .execute();
  await db.schema.createIndex('control_tokens_meeting_id_idx').on('control_tokens').columns(['meeting_id', 'created_at']).execute();

  await db.schema
    .createTable('app_credentials')
    .addColumn('app_id', 'text', (c) => c.primaryKey())
    .addColumn('dialect', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    // Huawei app keys, sealed with CONVENE_SECRET_KEY (they must be read back for HMAC).
    .addColumn('secret_sealed', 'text')
    // DingTalk app secrets, only compared: SHA-256 hex.
    .addColumn('secret_hash', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();

  // The primary key decides which of two requests with the same nonce goes through.
  await db.schema
    .createTable('auth_nonces')
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('auth_nonces_pkey', ['app_id', 'nonce'])
    .execute();

  await db.schema
    .createTable('auth_failures')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('auth_failures_key_idx').on('auth_failures').columns(['key', 'at']).execute();

  // NOT NULL needs a default to be added to a filled table (SQLite cannot add the constraint later); the
  // backfill below replaces every '' before the unique index exists, and repositories always write a number.
  await db.schema.alterTable('users').addColumn('directory_number', 'text', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.alterTable('users').addColumn('phone', 'text').execute();
  await backfillDirectoryNumbers(db as unknown as Kysely<BackfillSchema>);
  await db.schema.createIndex('users_directory_number_key').on('users').column('directory_number').unique().execute();
}

/** Gives every user without a directory number a fresh one, distinct from every other user's. */
async function backfillDirectoryNumbers(db: Kysely<BackfillSchema>): Promise<void> {
  const rows = await db.selectFrom('users').select(['id', 'directory_number']).execute();
  const taken = new Set(rows.map((r) => r.directory_number).filter((n) => n !== ''));
  for (const { id } of rows.filter((r) => r.directory_number === '')) {
    let number = directoryNumber();
    while (taken.has(number)) number = directoryNumber();
    taken.add(number);
    await db.updateTable('users').set({ directory_number: number }).where('id', '=', id).execute();
  }
}

/** Drops everything `up` created, children before parents. */
async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('users_directory_number_key').ifExists().execute();
  await db.schema.alterTable('users').dropColumn('phone').execute();
  await db.schema.alterTable('users').dropColumn('directory_number').execute();
  for (const table of [
    'auth_failures',
    'auth_nonces',
    'app_credentials',
    'control_tokens',
    'access_tokens',
    'meeting_secrets',
    'live_events',
    'roster_entries',
    'participants',
    'conferences',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}

/** The live conference and dialect credentials migration. */
export const migration0003Live: Migration = { up, down };
