/** The `Store` port implemented once on Kysely; the engine only supplies the dialect and capabilities. */
import { sql, type Kysely } from 'kysely';
import type {
  AccountRepository,
  ApiKeyRepository,
  IdempotencyRepository,
  MailRepository,
  MeetingRepository,
  MeetingSecretsRepository,
  OutboxRepository,
  PasswordTokenRepository,
  PermissionSetRepository,
  RecordingRepository,
  Repositories,
  RoomRepository,
  SettingsRepository,
  Store,
  UserRepository,
  WebhookConfigRepository,
} from '../../domain/ports.js';
import type {
  AccessTokenRepository,
  AppCredentialRepository,
  AuthThrottleRepository,
  ControlTokenRepository,
  NonceRepository,
} from '../../domain/credentials/ports.js';
import type {
  ConferenceRepository,
  LiveEventRepository,
  ParticipantRepository,
  RosterRepository,
} from '../../domain/live/ports.js';
import type { SqlCapabilities } from './capabilities.js';
import { createRepositories } from './repositories.js';
import type { Database } from './schema.js';

/** Options of `SqlStore`. */
export interface SqlStoreOptions {
  db: Kysely<Database>;
  engine: Store['engine'];
  caps: SqlCapabilities;
  /** PostgreSQL: the schema set as search_path, when one was configured. */
  schema?: string | undefined;
}

/**
 * A `Store` over a Kysely database. Reads and single writes go through the repositories on this object;
 * `transaction(fn)` hands `fn` repositories bound to one database transaction.
 */
export class SqlStore implements Store {
  /** The underlying Kysely instance (for migrations and the CLI; the domain never sees it). */
  readonly db: Kysely<Database>;
  /** Which engine this store talks to. */
  readonly engine: Store['engine'];
  /** The engine's capabilities, as handed to every repository. */
  readonly caps: SqlCapabilities;
  /** PostgreSQL: the configured schema (search_path), or undefined for the server's default / SQLite. */
  readonly schema: string | undefined;
  readonly accounts: AccountRepository;
  readonly users: UserRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly rooms: RoomRepository;
  readonly permissionSets: PermissionSetRepository;
  readonly meetings: MeetingRepository;
  readonly outbox: OutboxRepository;
  readonly webhookConfig: WebhookConfigRepository;
  readonly idempotency: IdempotencyRepository;
  readonly mail: MailRepository;
  readonly passwordTokens: PasswordTokenRepository;
  readonly settings: SettingsRepository;
  readonly recordings: RecordingRepository;
  readonly conferences: ConferenceRepository;
  readonly participants: ParticipantRepository;
  readonly roster: RosterRepository;
  readonly liveEvents: LiveEventRepository;
  readonly meetingSecrets: MeetingSecretsRepository;
  readonly accessTokens: AccessTokenRepository;
  readonly controlTokens: ControlTokenRepository;
  readonly appCredentials: AppCredentialRepository;
  readonly nonces: NonceRepository;
  readonly authThrottle: AuthThrottleRepository;
  #closed: Promise<void> | undefined;

  /** Wraps an already configured Kysely instance; `close()` destroys it. */
  constructor({ db, engine, caps, schema }: SqlStoreOptions) {
    this.db = db;
    this.schema = schema;
    this.engine = engine;
    this.caps = caps;
    const repos = createRepositories(db, caps);
    this.accounts = repos.accounts;
    this.users = repos.users;
    this.apiKeys = repos.apiKeys;
    this.rooms = repos.rooms;
    this.permissionSets = repos.permissionSets;
    this.meetings = repos.meetings;
    this.outbox = repos.outbox;
    this.webhookConfig = repos.webhookConfig;
    this.idempotency = repos.idempotency;
    this.mail = repos.mail;
    this.passwordTokens = repos.passwordTokens;
    this.settings = repos.settings;
    this.recordings = repos.recordings;
    this.conferences = repos.conferences;
    this.participants = repos.participants;
    this.roster = repos.roster;
    this.liveEvents = repos.liveEvents;
    this.meetingSecrets = repos.meetingSecrets;
    this.accessTokens = repos.accessTokens;
    this.controlTokens = repos.controlTokens;
    this.appCredentials = repos.appCredentials;
    this.nonces = repos.nonces;
    this.authThrottle = repos.authThrottle;
  }

  /**
   * Runs `fn` in one transaction: commits when it resolves, rolls back and rethrows when it rejects.
   * Inside `fn` use only `tx`: on SQLite the store's own repositories would wait for the single connection
   * that the transaction holds, and deadlock.
   */
  async transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => fn(createRepositories(trx, this.caps)));
  }

  /** True when `select 1` succeeds. */
  async ping(): Promise<boolean> {
    try {
      await sql`select 1`.execute(this.db);
      return true;
    } catch {
      return false;
    }
  }

  /** Destroys the pool or closes the database file. Idempotent. */
  async close(): Promise<void> {
    this.#closed ??= this.db.destroy();
    return this.#closed;
  }
}
