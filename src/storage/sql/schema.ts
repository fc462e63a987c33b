/**
 * The Kysely view of Convene's relational schema (created by `migrations/0001_init.ts`).
 *
 * Storage rules shared by both engines, so that repositories need no per-engine codec:
 * - tables and columns are snake_case;
 * - instants are epoch milliseconds in `bigint` columns (PostgreSQL `int8` is parsed to a JS number by the
 *   postgres dialect; SQLite returns plain numbers);
 * - booleans are `integer` 0/1 on both engines (better-sqlite3 refuses to bind JS booleans, dependency-notes P6);
 * - arrays and nested objects are `text` holding JSON written and read by the repositories' mappers.
 */

/** 0 or 1: the stored form of a boolean on both engines. */
export type IntBool = 0 | 1;

/** `instance_settings`: small instance-wide key/value pairs. */
export interface InstanceSettingsTable {
  key: string;
  value: string;
}

/** `accounts`: tenants. */
export interface AccountsTable {
  id: string;
  name: string;
  account_type: string;
  paid_until: number | null;
  number_of_meetings: number;
  number_of_meeting_organizers: number;
  number_of_meeting_rooms: number;
  /** JSON string[]. */
  ice_candidates_to_filter: string;
  /** JSON DialInNumber[]. */
  custom_dial_in_numbers: string;
  display_standard_dial_in_numbers_in_invite: IntBool;
  default_meeting_permissions: string | null;
  default_meeting_type: string;
  default_meeting_has_dialin: IntBool;
  default_meeting_has_recording: IntBool;
  auto_extend_meetings: IntBool;
  auto_delete_meetings_after_x_days: number;
  created_at: number;
  updated_at: number;
}

/** `users`: meeting organizers and admins. */
export interface UsersTable {
  id: string;
  account_id: string;
  /** Stored lower-case; unique in the instance. */
  email: string;
  first_name: string;
  last_name: string;
  external_user_id: string | null;
  preferred_language: string;
  timezone: string;
  /** JSON string[]. */
  additional_timezones: string;
  is_admin: IntBool;
  ics_token: string;
  password_hash: string | null;
  huawei_user_uuid: string;
  login_name: string;
  union_id: string;
  /** `+99` + 12 digits; unique in the instance (migration 0003). */
  directory_number: string;
  phone: string | null;
  created_at: number;
  updated_at: number;
}

/** `api_keys`: hashed API keys. */
export interface ApiKeysTable {
  id: string;
  level: string;
  account_id: string | null;
  /** JSON KeyPermission[]. */
  permissions: string;
  name: string;
  hash: string;
  created_at: number;
  revoked_at: number | null;
}

/** `rooms`: meeting rooms of an account. */
export interface RoomsTable {
  id: string;
  account_id: string;
  name: string;
  /** `Room.index`; renamed because INDEX is an SQL keyword. */
  room_index: number;
  is_active: IntBool;
  created_at: number;
}

/** `permission_sets`: named meeting-permission sets. */
export interface PermissionSetsTable {
  id: string;
  account_id: string;
  name: string;
  /** JSON object of PermissionFlag → boolean; flags missing from it read as their defaults. */
  flags: string;
  created_at: number;
  updated_at: number;
}

/** `meetings`: every meeting, tombstones (deleted_at set) included. */
export interface MeetingsTable {
  id: string;
  account_id: string;
  meeting_number: string;
  conference_id: string;
  room_code: string;
  topic: string;
  start_local: string;
  timezone: string;
  duration_min: number;
  start_time: number;
  end_time: number;
  series_end: number | null;
  meeting_type: string;
  room_id: string;
  is_recurring: IntBool;
  /** JSON Recurrence. */
  recurring: string;
  is_recorded: IntBool;
  is_dialin: IntBool;
  /** JSON InvitedParticipant[], written with a fixed key order (the invitedEmail filter relies on it). */
  invited_participants: string;
  agenda: string;
  /** JSON MeetingDocument[]. */
  documents: string;
  meeting_permission_id: string | null;
  video_resolution: string;
  dt_closed_at: number | null;
  added_by_user_id: string;
  added_by_user_email: string;
  added_by_user_name: string;
  private_data_visible: IntBool;
  ical_sequence: number;
  ics_token: string;
  dial_in_conference_room: string | null;
  dial_in_pin: string | null;
  is_demo: IntBool;
  is_promo: IntBool;
  /** JSON OccurrenceException[]. */
  occurrence_exceptions: string;
  origin: string;
  event_seq: number;
  deleted_at: number | null;
  created_at: number;
  updated_at: number;
}

/** `outbox_events`: recorded domain events (webmeeting-v6 §11.3). */
export interface OutboxEventsTable {
  id: string;
  event: string;
  meeting_id: string;
  account_id: string;
  meeting_number: string;
  sequence: number;
  occurred_at: number;
  recurrence_id: number | null;
  payload: string;
  created_at: number;
}

/** `webhook_deliveries`: one delivery of one event to one hook. */
export interface WebhookDeliveriesTable {
  id: string;
  event_id: string;
  event: string;
  meeting_id: string;
  account_id: string;
  meeting_number: string;
  recurrence_id: number | null;
  sequence: number;
  occurred_at: number;
  payload_format: string;
  body: string;
  ordering_url: string;
  status: string;
  attempt_count: number;
  next_attempt_at: number | null;
  first_attempt_done: IntBool;
  last_http_status: number | null;
  last_error: string | null;
  locked_until: number | null;
  created_at: number;
  completed_at: number | null;
}

/** `webhook_attempts`: one row per attempt of a delivery. */
export interface WebhookAttemptsTable {
  delivery_id: string;
  attempt: number;
  started_at: number;
  url: string;
  method: string;
  webhook_timestamp: number;
  duration_ms: number;
  http_status: number | null;
  error: string | null;
  response_excerpt: string | null;
}

/** `webhook_config`: one row per configured event name. */
export interface WebhookConfigTable {
  event: string;
  url: string | null;
  method: string;
  api_key: string | null;
  enabled: IntBool;
  payload_format: string;
  signing_secret: string;
  previous_secret: string | null;
  previous_secret_valid_until: number | null;
  disabled_reason: string | null;
  updated_at: number;
}

/** `idempotency_keys`: PRIMARY KEY (api_key_id, key) decides which of two concurrent requests runs. */
export interface IdempotencyKeysTable {
  api_key_id: string;
  key: string;
  fingerprint: string;
  state: string;
  http_status: number | null;
  response_body: string | null;
  created_at: number;
  expires_at: number;
}

/** `mail_outbox`: outgoing mails recorded with the change that caused them. */
export interface MailOutboxTable {
  id: string;
  /** `MailRecord.to`; renamed because TO is an SQL keyword. */
  to_address: string;
  template: string;
  language: string;
  subject: string;
  body: string;
  ics_attachment: string | null;
  ics_method: string | null;
  created_at: number;
  sent_at: number | null;
  attempts: number;
  last_error: string | null;
  next_attempt_at: number;
}

/** `password_tokens`: hashes of single-use password-set tokens. */
export interface PasswordTokensTable {
  token_hash: string;
  user_id: string;
  expires_at: number;
  created_at: number;
}

/** `recordings`: recording files of meetings (migration 0002, webmeeting-v6 §12.4). */
export interface RecordingsTable {
  id: string;
  account_id: string;
  meeting_id: string;
  recurrence_id: number | null;
  started_at: number;
  ended_at: number;
  duration_seconds: number;
  size_bytes: number;
  mime_type: string;
  storage_path: string;
  created_at: number;
}

/** `conferences`: runs of meetings (migration 0003); at most one per meeting has `ended_at` null. */
export interface ConferencesTable {
  id: string;
  meeting_id: string;
  account_id: string;
  started_at: number;
  ended_at: number | null;
  end_reason: string | null;
  locked: IntBool;
  mute_all: IntBool;
  allow_unmute_by_oneself: IntBool;
  max_participants: number;
  started_by_user_id: string | null;
  /** Migration 0004; null = no focus. */
  focus_participant_id: string | null;
}

/** `participants`: call legs of conferences (migration 0003). */
export interface ParticipantsTable {
  id: string;
  conference_id: string;
  meeting_id: string;
  account_id: string;
  roster_id: string | null;
  kind: string;
  user_id: string | null;
  name: string;
  phone: string | null;
  state: string;
  progress: string | null;
  reason: string | null;
  sip_status_code: number | null;
  reject_description: string | null;
  role: string;
  muted: IntBool;
  muted_by_host: IntBool;
  hand_raised: IntBool;
  video: IntBool;
  invited: IntBool;
  created_at: number;
  joined_at: number | null;
  ended_at: number | null;
  network: string | null;
}

/** `roster_entries`: invitees of meetings (migration 0003). */
export interface RosterEntriesTable {
  id: string;
  meeting_id: string;
  account_id: string;
  position: number;
  name: string;
  user_id: string | null;
  phone: string | null;
  email: string | null;
  sms: string | null;
  type: string;
  host_role: IntBool;
  join_muted: IntBool;
  dept_uuid: string | null;
  dept_name: string | null;
  created_at: number;
}

/** `live_events`: the live event log (migration 0003); (meeting_id, seq) is unique. */
export interface LiveEventsTable {
  id: string;
  meeting_id: string;
  conference_id: string;
  account_id: string;
  participant_id: string | null;
  type: string;
  /** JSON object. */
  data: string;
  occurred_at: number;
  seq: number;
}

/** `meeting_secrets`: per-meeting chair/guest passwords (migration 0003). */
export interface MeetingSecretsTable {
  meeting_id: string;
  chair_password: string;
  guest_password: string;
}

/** `dialin_releases`: dial-in conference rooms given up by `isDialin` true→false, quarantined 30 days (migration 0005). */
export interface DialinReleasesTable {
  conference_room: string;
  /** Epoch ms. */
  released_at: number;
  meeting_id: string;
}

/** `access_tokens`: SHA-256 of dialect bearer tokens (migration 0003). */
export interface AccessTokensTable {
  hash: string;
  dialect: string;
  account_id: string;
  user_id: string | null;
  app_id: string | null;
  client_type: number | null;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  last_used_ip: string | null;
}

/** `control_tokens`: SHA-256 of Huawei conference control tokens (migration 0003). */
export interface ControlTokensTable {
  hash: string;
  meeting_id: string;
  account_id: string;
  /** 1 chair, 0 guest. */
  role: number;
  created_at: number;
  expires_at: number;
  created_ip: string | null;
}

/** `app_credentials`: dialect apps (migration 0003). */
export interface AppCredentialsTable {
  app_id: string;
  dialect: string;
  account_id: string | null;
  name: string;
  /** Sealed with `caps.secrets`. */
  secret_sealed: string | null;
  secret_hash: string | null;
  created_at: number;
  revoked_at: number | null;
}

/** `auth_nonces`: replay guard, PRIMARY KEY (app_id, nonce) (migration 0003). */
export interface AuthNoncesTable {
  app_id: string;
  nonce: string;
  expires_at: number;
}

/** `auth_failures`: one row per failed sign-in under a throttle key (migration 0003). */
export interface AuthFailuresTable {
  key: string;
  at: number;
}

/** The whole schema, as Kysely sees it. */
export interface Database {
  instance_settings: InstanceSettingsTable;
  accounts: AccountsTable;
  users: UsersTable;
  api_keys: ApiKeysTable;
  rooms: RoomsTable;
  permission_sets: PermissionSetsTable;
  meetings: MeetingsTable;
  outbox_events: OutboxEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  webhook_config: WebhookConfigTable;
  idempotency_keys: IdempotencyKeysTable;
  mail_outbox: MailOutboxTable;
  password_tokens: PasswordTokensTable;
  conferences: ConferencesTable;
  participants: ParticipantsTable;
  roster_entries: RosterEntriesTable;
  live_events: LiveEventsTable;
  meeting_secrets: MeetingSecretsTable;
  access_tokens: AccessTokensTable;
  control_tokens: ControlTokensTable;
  app_credentials: AppCredentialsTable;
  auth_nonces: AuthNoncesTable;
  auth_failures: AuthFailuresTable;
  recordings: RecordingsTable;
  dialin_releases: DialinReleasesTable;
}
