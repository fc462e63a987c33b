/**
 * 0001_init: the initial schema. Written with Kysely's schema builder using only `text`, `integer` and `bigint`,
 * so the same DDL runs on SQLite and PostgreSQL.
 *
 * It takes `Kysely<unknown>`: a migration must not depend on today's `Database` type, which later migrations change.
 * A migration is a frozen snapshot: it spells out every name itself instead of importing constants that may
 * change later. Constraint names matter: the PostgreSQL error codec matches unique violations by them.
 */
import type { Kysely, Migration } from 'kysely';

/** Creates every table, constraint and index of the initial schema. */
async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('instance_settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('account_type', 'text', (c) => c.notNull())
    .addColumn('paid_until', 'bigint')
    .addColumn('number_of_meetings', 'integer', (c) => c.notNull())
    .addColumn('number_of_meeting_organizers', 'integer', (c) => c.notNull())
    .addColumn('number_of_meeting_rooms', 'integer', (c) => c.notNull())
    .addColumn('ice_candidates_to_filter', 'text', (c) => c.notNull())
    .addColumn('custom_dial_in_numbers', 'text', (c) => c.notNull())
    .addColumn('display_standard_dial_in_numbers_in_invite', 'integer', (c) => c.notNull())
    .addColumn('default_meeting_permissions', 'text')
    .addColumn('default_meeting_type', 'text', (c) => c.notNull())
    .addColumn('default_meeting_has_dialin', 'integer', (c) => c.notNull())
    .addColumn('default_meeting_has_recording', 'integer', (c) => c.notNull())
    .addColumn('auto_extend_meetings', 'integer', (c) => c.notNull())
    .addColumn('auto_delete_meetings_after_x_days', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('accounts_created_at_idx').on('accounts').columns(['created_at', 'id']).execute();

  // Children of an account reference it without ON DELETE: AccountRepository.delete expects callers to remove
  // them first, and the foreign key turns a forgotten child into an error instead of an orphan.
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('first_name', 'text', (c) => c.notNull())
    .addColumn('last_name', 'text', (c) => c.notNull())
    .addColumn('external_user_id', 'text')
    .addColumn('preferred_language', 'text', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('additional_timezones', 'text', (c) => c.notNull())
    .addColumn('is_admin', 'integer', (c) => c.notNull())
    .addColumn('ics_token', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text')
    .addColumn('huawei_user_uuid', 'text', (c) => c.notNull())
    .addColumn('login_name', 'text', (c) => c.notNull())
    .addColumn('union_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('users_email_key', ['email'])
    .addUniqueConstraint('users_ics_token_key', ['ics_token'])
    .addUniqueConstraint('users_login_name_key', ['login_name'])
    .addUniqueConstraint('users_huawei_user_uuid_key', ['huawei_user_uuid'])
    // Leads with account_id, so it also serves every "users of an account" query.
    .addUniqueConstraint('users_account_id_union_id_key', ['account_id', 'union_id'])
    .execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.references('accounts.id'))
    .addColumn('permissions', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .addUniqueConstraint('api_keys_hash_key', ['hash'])
    .execute();
  await db.schema.createIndex('api_keys_account_id_idx').on('api_keys').column('account_id').execute();

  await db.schema
    .createTable('rooms')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('room_index', 'integer', (c) => c.notNull())
    .addColumn('is_active', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rooms_account_id_idx').on('rooms').columns(['account_id', 'room_index']).execute();

  await db.schema
    .createTable('permission_sets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('flags', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('permission_sets_account_id_idx').on('permission_sets').column('account_id').execute();

  // No foreign keys: meetings are tombstoned, never hard-deleted, and a tombstone outlives its account, room
  // and organizer (it keeps the public codes reserved and the event sequence alive).
  await db.schema
    .createTable('meetings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('meeting_number', 'text', (c) => c.notNull())
    .addColumn('conference_id', 'text', (c) => c.notNull())
    .addColumn('room_code', 'text', (c) => c.notNull())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('start_local', 'text', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('duration_min', 'integer', (c) => c.notNull())
    .addColumn('start_time', 'bigint', (c) => c.notNull())
    .addColumn('end_time', 'bigint', (c) => c.notNull())
    .addColumn('series_end', 'bigint')
    .addColumn('meeting_type', 'text', (c) => c.notNull())
    .addColumn('room_id', 'text', (c) => c.notNull())
    .addColumn('is_recurring', 'integer', (c) => c.notNull())
    .addColumn('recurring', 'text', (c) => c.notNull())
    .addColumn('is_recorded', 'integer', (c) => c.notNull())
    .addColumn('is_dialin', 'integer', (c) => c.notNull())
    .addColumn('invited_participants', 'text', (c) => c.notNull())
    .addColumn('agenda', 'text', (c) => c.notNull())
    .addColumn('documents', 'text', (c) => c.notNull())
    .addColumn('meeting_permission_id', 'text')
    .addColumn('video_resolution', 'text', (c) => c.notNull())
    .addColumn('dt_closed_at', 'bigint')
    .addColumn('added_by_user_id', 'text', (c) => c.notNull())
    .addColumn('added_by_user_email', 'text', (c) => c.notNull())
    .addColumn('added_by_user_name', 'text', (c) => c.notNull())
    .addColumn('private_data_visible', 'integer', (c) => c.notNull())
    .addColumn('ical_sequence', 'integer', (c) => c.notNull())
    .addColumn('ics_token', 'text', (c) => c.notNull())
    .addColumn('dial_in_conference_room', 'text')
    .addColumn('dial_in_pin', 'text')
    .addColumn('is_demo', 'integer', (c) => c.notNull())
    .addColumn('is_promo', 'integer', (c) => c.notNull())
    .addColumn('occurrence_exceptions', 'text', (c) => c.notNull())
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('event_seq', 'bigint', (c) => c.notNull())
    .addColumn('deleted_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    // Public codes are unique over all rows, tombstones included (webmeeting-v6 §2.4): a deleted meeting's
    // number must never start reaching a new meeting.
    .addUniqueConstraint('meetings_meeting_number_key', ['meeting_number'])
    .addUniqueConstraint('meetings_conference_id_key', ['conference_id'])
    .addUniqueConstraint('meetings_room_code_key', ['room_code'])
    .addUniqueConstraint('meetings_ics_token_key', ['ics_token'])
    .execute();
  await db.schema.createIndex('meetings_account_id_idx').on('meetings').column('account_id').execute();
  await db.schema.createIndex('meetings_added_by_user_id_idx').on('meetings').column('added_by_user_id').execute();
  await db.schema.createIndex('meetings_room_id_idx').on('meetings').column('room_id').execute();
  await db.schema.createIndex('meetings_start_time_idx').on('meetings').columns(['start_time', 'id']).execute();

  // No foreign key to meetings: the outbox keeps events of meetings whatever happens to their rows.
  await db.schema
    .createTable('outbox_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('meeting_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('meeting_number', 'text', (c) => c.notNull())
    .addColumn('sequence', 'bigint', (c) => c.notNull())
    .addColumn('occurred_at', 'bigint', (c) => c.notNull())
    .addColumn('recurrence_id', 'bigint')
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    // A per-meeting sequence number is never reused (webmeeting-v6 §11.3.3).
    .addUniqueConstraint('outbox_events_meeting_id_sequence_key', ['meeting_id', 'sequence'])
    .execute();
  await db.schema.createIndex('outbox_events_created_at_idx').on('outbox_events').columns(['created_at', 'id']).execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull().references('outbox_events.id'))
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('meeting_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('meeting_number', 'text', (c) => c.notNull())
    .addColumn('recurrence_id', 'bigint')
    .addColumn('sequence', 'bigint', (c) => c.notNull())
    .addColumn('occurred_at', 'bigint', (c) => c.notNull())
    .addColumn('payload_format', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('ordering_url', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempt_count', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'bigint')
    .addColumn('first_attempt_done', 'integer', (c) => c.notNull())
    .addColumn('last_http_status', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('locked_until', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('completed_at', 'bigint')
    .execute();
  // claimDue scans pending rows by due time …
  await db.schema
    .createIndex('webhook_deliveries_due_idx')
    .on('webhook_deliveries')
    .columns(['status', 'next_attempt_at'])
    .execute();
  // … and its NOT EXISTS ordering check probes earlier rows of the same (meeting, URL).
  await db.schema
    .createIndex('webhook_deliveries_ordering_idx')
    .on('webhook_deliveries')
    .columns(['meeting_id', 'ordering_url', 'sequence'])
    .execute();
  await db.schema.createIndex('webhook_deliveries_created_at_idx').on('webhook_deliveries').columns(['created_at', 'id']).execute();
  await db.schema.createIndex('webhook_deliveries_event_id_idx').on('webhook_deliveries').column('event_id').execute();

  await db.schema
    .createTable('webhook_attempts')
    .addColumn('delivery_id', 'text', (c) => c.notNull().references('webhook_deliveries.id').onDelete('cascade'))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('webhook_timestamp', 'bigint', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('http_status', 'integer')
    .addColumn('error', 'text')
    .addColumn('response_excerpt', 'text')
    .addPrimaryKeyConstraint('webhook_attempts_pkey', ['delivery_id', 'attempt'])
    .execute();

  await db.schema
    .createTable('webhook_config')
    .addColumn('event', 'text', (c) => c.primaryKey())
    .addColumn('url', 'text')
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('api_key', 'text')
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('payload_format', 'text', (c) => c.notNull())
    .addColumn('signing_secret', 'text', (c) => c.notNull())
    .addColumn('previous_secret', 'text')
    .addColumn('previous_secret_valid_until', 'bigint')
    .addColumn('disabled_reason', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  // The primary key is what makes "exactly one execution" hold under concurrency (webmeeting-v6 §5.3).
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('api_key_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('http_status', 'integer')
    .addColumn('response_body', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pkey', ['api_key_id', 'key'])
    .execute();
  await db.schema.createIndex('idempotency_keys_expires_at_idx').on('idempotency_keys').column('expires_at').execute();

  await db.schema
    .createTable('mail_outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('template', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('ics_attachment', 'text')
    .addColumn('ics_method', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('sent_at', 'bigint')
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('mail_outbox_due_idx').on('mail_outbox').columns(['sent_at', 'next_attempt_at']).execute();
  await db.schema.createIndex('mail_outbox_to_address_idx').on('mail_outbox').column('to_address').execute();

  await db.schema
    .createTable('password_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    // Deleting a user voids the tokens that would set their password.
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}

/** Drops everything `up` created, children before parents. */
async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'password_tokens',
    'mail_outbox',
    'idempotency_keys',
    'webhook_config',
    'webhook_attempts',
    'webhook_deliveries',
    'outbox_events',
    'meetings',
    'permission_sets',
    'rooms',
    'api_keys',
    'users',
    'accounts',
    'instance_settings',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}

/** The initial schema migration. */
export const migration0001Init: Migration = { up, down };
