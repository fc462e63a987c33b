/**
 * The ports through which the domain reaches the outside world (ARCHITECTURE.md §1, §4.11).
 * Every repository method that reads tenant data takes the scope: an account id, or ALL_ACCOUNTS for
 * instance-level callers. There is no unscoped getById.
 */
import type { Account, AccountType } from './accounts/Account.js';
import type { ApiKey } from './accounts/ApiKey.js';
import type { PermissionSet } from './accounts/PermissionSet.js';
import type { Room } from './accounts/Room.js';
import type { User } from './accounts/User.js';
import type { Meeting } from './meetings/Meeting.js';
import type {
  DeliveryAttempt,
  DeliveryStatus,
  HookConfig,
  OutboxEvent,
  WebhookDelivery,
  WebhookEventName,
} from './webhooks/types.js';

/** Scope marker for instance-level callers. */
export const ALL_ACCOUNTS = '*' as const;
/** An account id, or every account. */
export type Scope = string | typeof ALL_ACCOUNTS;

/** Time source; tests inject a fixed clock. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

/** Id and secret source (CSPRNG in production). */
export interface Ids {
  /** 24 lower-case hex, BSON ObjectId style (4-byte time, 5 random bytes, 3-byte counter). */
  objectId(): string;
  /** `n` random decimal digits; `firstNonZero` makes the first one 1–9. */
  digits(n: number, firstNonZero?: boolean): string;
  /** Two UUIDv4 joined by `-` (webmeeting-v6 C6). */
  icsToken(): string;
  /** `bytes` random bytes as base64url. */
  secret(bytes: number): string;
  /** `chars` random lower-case hex characters. */
  hex(chars: number): string;
}

/** Paging input shared by list methods. */
export interface Page {
  offset: number;
  limit: number;
}
/** A page of results plus the total count (X-Total-Count). */
export interface Paged<T> {
  items: T[];
  total: number;
}

/** Accounts. */
export interface AccountRepository {
  get(scope: Scope, id: string): Promise<Account | undefined>;
  /**
   * `get` that also locks the account's row until the transaction ends, so that transactions checking the
   * account's limits (count, then insert) run one after another. Call it first in the transaction: later
   * reads then see what the previous holder committed. Outside a transaction it is a plain uncached read.
   */
  getForUpdate(scope: Scope, id: string): Promise<Account | undefined>;
  /**
   * `get` that takes a shared lock on the account's row until the transaction ends: it waits for a holder of
   * `getForUpdate` (an account update in progress) and holds the next one off, while other shared holders
   * run side by side. Meeting transactions take it before reading the rooms, so a quota change and room
   * choices never interleave. Outside a transaction it is a plain uncached read.
   */
  getForShare(scope: Scope, id: string): Promise<Account | undefined>;
  /** Instance-wide list; `search` is a case-insensitive substring of the name or an admin's email. */
  list(filter: { search?: string; accountType?: AccountType } & Page): Promise<Paged<Account>>;
  insert(account: Account): Promise<void>;
  update(account: Account): Promise<void>;
  /** Hard-deletes the account row (callers delete or tombstone its children first). */
  delete(id: string): Promise<void>;
}

/** Meeting organizers. */
export interface UserRepository {
  get(scope: Scope, id: string): Promise<User | undefined>;
  /** Email is compared lower-case. */
  getByEmail(scope: Scope, email: string): Promise<User | undefined>;
  getByIcsToken(token: string): Promise<User | undefined>;
  getByLoginName(loginName: string): Promise<User | undefined>;
  getByUnionId(accountId: string, unionId: string): Promise<User | undefined>;
  getByHuaweiUuid(scope: Scope, uuid: string): Promise<User | undefined>;
  /** By directory number (`+99…`), instance-wide unique. */
  getByDirectoryNumber(scope: Scope, number: string): Promise<User | undefined>;
  list(accountId: string, opts: { adminsOnly?: boolean; sort?: 'email' | 'createdAt' } & Page): Promise<Paged<User>>;
  count(accountId: string): Promise<number>;
  /** Throws DomainError('user.email_taken') on a unique-email violation. */
  insert(user: User): Promise<void>;
  /** Throws DomainError('user.email_taken') on a unique-email violation. */
  update(user: User): Promise<void>;
  delete(accountId: string, id: string): Promise<void>;
  deleteByAccount(accountId: string): Promise<void>;
}

/** API keys. */
export interface ApiKeyRepository {
  /** Looks a key up by the SHA-256 hex of its secret (revoked keys included; the caller checks). */
  getByHash(hash: string): Promise<ApiKey | undefined>;
  get(scope: Scope, id: string): Promise<ApiKey | undefined>;
  listByAccount(accountId: string): Promise<ApiKey[]>;
  listInstance(): Promise<ApiKey[]>;
  insert(key: ApiKey): Promise<void>;
  revoke(id: string, at: number): Promise<void>;
  deleteByAccount(accountId: string): Promise<void>;
}

/** Rooms. */
export interface RoomRepository {
  get(scope: Scope, id: string): Promise<Room | undefined>;
  /** Ordered by index. */
  listByAccount(accountId: string): Promise<Room[]>;
  insert(room: Room): Promise<void>;
  update(room: Room): Promise<void>;
  deleteByAccount(accountId: string): Promise<void>;
}

/** Meeting-permission sets. */
export interface PermissionSetRepository {
  get(scope: Scope, id: string): Promise<PermissionSet | undefined>;
  listByAccount(accountId: string): Promise<PermissionSet[]>;
  insert(p: PermissionSet): Promise<void>;
  update(p: PermissionSet): Promise<void>;
  delete(accountId: string, id: string): Promise<void>;
  deleteByAccount(accountId: string): Promise<void>;
}

/** Coarse meeting filter; the domain refines time windows by expanding occurrences. */
export interface MeetingFilter {
  scope: Scope;
  accountId?: string;
  addedByUserId?: string;
  roomId?: string;
  /** Keep meetings whose first start is before this instant (epoch ms). */
  startsBefore?: number;
  /** Keep meetings whose series end is null or at/after this instant. */
  endsAfter?: number;
  /** Meetings whose participants include this email. */
  invitedEmail?: string;
  sort?: 'startTime' | '-startTime' | 'createdAt' | '-createdAt';
}

/** Meetings (tombstones included where stated). */
export interface MeetingRepository {
  /** Not-deleted meeting by 24-hex id. */
  get(scope: Scope, id: string): Promise<Meeting | undefined>;
  /**
   * `get` that also locks the meeting's row until the transaction ends (as `nextSequence` does), so that
   * check-then-insert steps on the meeting (starting its conference) run one after another.
   */
  getForUpdate(scope: Scope, id: string): Promise<Meeting | undefined>;
  /** Including deleted ones. */
  getAny(scope: Scope, id: string): Promise<Meeting | undefined>;
  /** Not-deleted meeting by any of its public numbers (16-digit number, 9-digit conferenceId, 11-digit roomCode). */
  getByCode(scope: Scope, code: string): Promise<Meeting | undefined>;
  getByIcsToken(token: string): Promise<Meeting | undefined>;
  /** Not-deleted meetings matching the filter, sorted (default startTime, id). No paging: callers refine then page. */
  find(filter: MeetingFilter): Promise<Meeting[]>;
  /** Not-deleted meetings of an account whose series has not ended at `now` (seriesEnd null or ≥ now). */
  countActive(accountId: string, now: number): Promise<number>;
  /** True when any stored meeting (deleted included) uses this public number / conference id / room code. */
  codeExists(code: string): Promise<boolean>;
  /** Throws on a unique violation of a code (callers retry with new codes). */
  insert(meeting: Meeting): Promise<void>;
  update(meeting: Meeting): Promise<void>;
  /**
   * Atomically increments and returns the meeting's event sequence (the row lock that orders events,
   * webmeeting-v6 §11.3). Works on deleted meetings too.
   */
  nextSequence(meetingId: string): Promise<number>;
  /** Meetings whose windows may have ended since `since` (for auto-close): seriesEnd null or ≥ since, startTime ≤ until. */
  findForAutoClose(since: number, until: number): Promise<Meeting[]>;
  /**
   * Records that a meeting gave up a dial-in conference room (webmeeting-v6 §8.4 step 7: isDialin true→false), so
   * {@link MeetingRepository.dialInRoomTaken} keeps it quarantined. Recording the same release twice is a no-op.
   */
  recordDialInRelease(release: DialInRelease): Promise<void>;
  /**
   * True when the dial-in conference room may not be handed out (webmeeting-v6 §8.10): a stored meeting, tombstones
   * included, carries it and both its series end (null = never) and its deletion (null = not deleted) lie after
   * `after`; or a release of it was recorded after `after`. Rows and releases of `exceptMeetingId` do not count (a
   * meeting may get its own room back). Callers pass `after = now − quarantine`.
   */
  dialInRoomTaken(conferenceRoom: string, after: number, exceptMeetingId?: string): Promise<boolean>;
  /**
   * Deletes dial-in releases recorded before `before` (they no longer quarantine anything once `before` is at
   * most `now − quarantine`); with `limit`, at most `limit` of them, oldest first. Returns how many rows went.
   */
  pruneDialInReleases(before: number, limit?: number): Promise<number>;
}

/** A dial-in conference room given up by a meeting (webmeeting-v6 §8.4 step 7). */
export interface DialInRelease {
  /** The 8-digit `dialInConferenceRoom` that was given up. */
  conferenceRoom: string;
  /** The 24-hex id of the meeting that held it (kept for support: who had this number). */
  meetingId: string;
  /** Epoch ms from which the 30-day quarantine runs. */
  releasedAt: number;
}

/** The durable outbox of domain events and their webhook deliveries. */
export interface OutboxRepository {
  insertEvent(e: OutboxEvent): Promise<void>;
  getEvent(id: string): Promise<OutboxEvent | undefined>;
  listEvents(filter: { meetingId?: string; event?: WebhookEventName } & Page): Promise<Paged<OutboxEvent>>;
  insertDelivery(d: WebhookDelivery): Promise<void>;
  getDelivery(id: string): Promise<WebhookDelivery | undefined>;
  updateDelivery(d: WebhookDelivery): Promise<void>;
  /** Newest first. */
  listDeliveries(
    filter: { event?: WebhookEventName; meetingId?: string; status?: DeliveryStatus; from?: number; to?: number } & Page,
  ): Promise<Paged<WebhookDelivery>>;
  /**
   * Claims up to `limit` deliveries that are due at `now` and not leased, setting `lockedUntil = leaseUntil`.
   * A delivery whose first attempt has not finished is claimable only when it is the oldest (lowest sequence)
   * delivery of its (meeting, orderingUrl) without a finished first attempt (webmeeting-v6 §11.3.9).
   */
  claimDue(now: number, leaseUntil: number, limit: number): Promise<WebhookDelivery[]>;
  /** Sets status `cancelled` on every pending delivery of one event name. */
  cancelPending(event: WebhookEventName, at: number): Promise<number>;
  insertAttempt(a: DeliveryAttempt): Promise<void>;
  listAttempts(deliveryId: string): Promise<DeliveryAttempt[]>;
  /**
   * Deletes completed deliveries/attempts (and their events once no delivery refers to them) older than `before`.
   * With `limit`, at most `limit` deliveries and `limit` events per call, oldest first (housekeeping batches).
   */
  prune(before: number, limit?: number): Promise<number>;
}

/** Instance-wide webhook configuration, one row per event name. */
export interface WebhookConfigRepository {
  /** Every saved hook (events never saved are absent). */
  list(): Promise<HookConfig[]>;
  get(event: WebhookEventName): Promise<HookConfig | undefined>;
  save(hook: HookConfig): Promise<void>;
}

/** Idempotency records (webmeeting-v6 §5). */
export interface IdempotencyRecord {
  apiKeyId: string;
  key: string;
  fingerprint: string;
  state: 'pending' | 'done';
  httpStatus: number | null;
  responseBody: string | null;
  createdAt: number;
  expiresAt: number;
}
export interface IdempotencyRepository {
  get(apiKeyId: string, key: string): Promise<IdempotencyRecord | undefined>;
  /** Inserts a pending record; returns false when one exists already (the unique constraint decided). */
  tryInsert(r: IdempotencyRecord): Promise<boolean>;
  complete(apiKeyId: string, key: string, httpStatus: number, responseBody: string): Promise<void>;
  delete(apiKeyId: string, key: string): Promise<void>;
  /** Deletes records with `expiresAt ≤ now` (at most `limit`, oldest expiry first, when given); returns how many. */
  deleteExpired(now: number, limit?: number): Promise<number>;
}

/** An outgoing mail, recorded in the same transaction as the change (webmeeting-v6 §8.13). */
export interface MailRecord {
  id: string;
  to: string;
  template: string;
  language: string;
  subject: string;
  body: string;
  /** iCalendar text, or null. */
  icsAttachment: string | null;
  /** `REQUEST` or `CANCEL` for iTIP attachments. */
  icsMethod: string | null;
  createdAt: number;
  sentAt: number | null;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: number;
}
export interface MailRepository {
  insert(m: MailRecord): Promise<void>;
  /** Unsent mails due at `now`, oldest first. */
  listDue(now: number, limit: number): Promise<MailRecord[]>;
  update(m: MailRecord): Promise<void>;
  /** Every mail (tests and the CLI read the outbox). */
  list(filter: { to?: string } & Page): Promise<Paged<MailRecord>>;
}

/** Password-set tokens (sendPassword). Only a hash of the token is stored. */
export interface PasswordTokenRepository {
  insert(t: { tokenHash: string; userId: string; expiresAt: number; createdAt: number }): Promise<void>;
  take(tokenHash: string, now: number): Promise<{ userId: string } | undefined>;
  /** Housekeeping: deletes at most `limit` tokens with `expiresAt ≤ now`, oldest expiry first; returns how many. */
  pruneExpired(now: number, limit: number): Promise<number>;
}

/** Per-meeting passwords (Huawei chair/guest, DingTalk host/conference), created lazily for old meetings. */
export interface MeetingSecrets {
  meetingId: string;
  /** 6 digits. */
  chairPassword: string;
  /** 6 digits (4–16 when set by the creator). */
  guestPassword: string;
}
export interface MeetingSecretsRepository {
  get(meetingId: string): Promise<MeetingSecrets | undefined>;
  /** Inserts unless a row exists; returns the stored row either way. */
  getOrInit(s: MeetingSecrets): Promise<MeetingSecrets>;
  update(s: MeetingSecrets): Promise<void>;
}

/** Small instance-wide settings (whitelabel id, generated secrets). */
export interface SettingsRepository {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  /** Stores `value` unless the key exists; returns the stored value either way. */
  getOrInit(key: string, value: string): Promise<string>;
}

/** Everything a unit of work can touch. */
export interface Repositories {
  conferences: import('./live/ports.js').ConferenceRepository;
  participants: import('./live/ports.js').ParticipantRepository;
  roster: import('./live/ports.js').RosterRepository;
  liveEvents: import('./live/ports.js').LiveEventRepository;
  meetingSecrets: MeetingSecretsRepository;
  accessTokens: import('./credentials/ports.js').AccessTokenRepository;
  controlTokens: import('./credentials/ports.js').ControlTokenRepository;
  appCredentials: import('./credentials/ports.js').AppCredentialRepository;
  nonces: import('./credentials/ports.js').NonceRepository;
  authThrottle: import('./credentials/ports.js').AuthThrottleRepository;
  accounts: AccountRepository;
  users: UserRepository;
  apiKeys: ApiKeyRepository;
  rooms: RoomRepository;
  permissionSets: PermissionSetRepository;
  meetings: MeetingRepository;
  outbox: OutboxRepository;
  webhookConfig: WebhookConfigRepository;
  idempotency: IdempotencyRepository;
  mail: MailRepository;
  passwordTokens: PasswordTokenRepository;
  settings: SettingsRepository;
  recordings: RecordingRepository;
}

/**
 * The storage port. Reads may use the repositories directly; every write that must be atomic runs in
 * `transaction`, which commits when `fn` resolves and rolls back when it throws. No network I/O inside.
 */
export interface Store extends Repositories {
  readonly engine: 'sqlite' | 'postgres';
  transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T>;
  /** True when the database answers (readiness). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Recordings of meetings (webmeeting-v6 §12.4). Rows are written by the media/recording module; reads are
 * scoped like every tenant read, so another account's recording is simply not found.
 */
export interface RecordingRepository {
  get(scope: Scope, id: string): Promise<import('./recordings/Recording.js').Recording | undefined>;
  /** One meeting's recordings, oldest first (startedAt, then id), paged, with the total count. */
  listByMeeting(scope: Scope, meetingId: string, page: Page): Promise<Paged<import('./recordings/Recording.js').Recording>>;
  insert(recording: import('./recordings/Recording.js').Recording): Promise<void>;
  /** Deletes the row only (the caller removes the file); a recording of another account is left alone. */
  delete(accountId: string, id: string): Promise<void>;
}
