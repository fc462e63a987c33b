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
import { accountsPolicy, apiKeysPolicy, usersPolicy, webhookConfigPolicy } from './cachePolicies.js';
import { cachedRepository, cacheKey, invalidatingRepository, ReadCache, type ReadCacheOptions } from './readCache.js';
import { createRepositories } from './repositories.js';
import type { Database } from './schema.js';

/** Options of `SqlStore`. */
export interface SqlStoreOptions {
  db: Kysely<Database>;
  engine: Store['engine'];
  caps: SqlCapabilities;
  /** PostgreSQL: the schema set as search_path, when one was configured. */
  schema?: string | undefined;
  /** The read cache of keys, users, accounts and webhook configuration; default none (`ttlMs: 0`). */
  readCache?: ReadCacheOptions | undefined;
  /** Runs after the database is closed (the SQLite checkpoint worker stops here). */
  afterClose?: (() => Promise<void>) | undefined;
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
  readonly #cache: ReadCache;
  readonly #afterClose: (() => Promise<void>) | undefined;
  #closed: Promise<void> | undefined;

  /** Wraps an already configured Kysely instance; `close()` destroys it. */
  constructor({ db, engine, caps, schema, readCache = { ttlMs: 0 }, afterClose }: SqlStoreOptions) {
    this.#afterClose = afterClose;
    this.db = db;
    this.schema = schema;
    this.engine = engine;
    this.caps = caps;
    const cache = new ReadCache(readCache);
    this.#cache = cache;
    const repos = createRepositories(db, caps);
    this.accounts = cachedRepository(repos.accounts, cache, accountsPolicy);
    this.users = cachedRepository(repos.users, cache, usersPolicy);
    this.apiKeys = cachedRepository(repos.apiKeys, cache, apiKeysPolicy);
    this.rooms = repos.rooms;
    this.permissionSets = repos.permissionSets;
    this.meetings = repos.meetings;
    this.outbox = repos.outbox;
    this.webhookConfig = cachedRepository(repos.webhookConfig, cache, webhookConfigPolicy);
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
    const cache = this.#cache;
    let wrote = false;
    const onWrite = () => {
      wrote = true;
    };
    try {
      return await this.db.transaction().execute((trx) => {
        const repos = createRepositories(trx, this.caps);
        return fn({
          ...repos,
          accounts: invalidatingRepository(repos.accounts, cache, accountsPolicy, onWrite),
          users: invalidatingRepository(repos.users, cache, usersPolicy, onWrite),
          apiKeys: invalidatingRepository(repos.apiKeys, cache, apiKeysPolicy, onWrite),
          // Hook configuration is read, not written, by the meeting commands' transactions; the cached copy is
          // what the transaction would read, short of another node's change in the last ttl (PostgreSQL).
          webhookConfig: this.#txWebhookConfig(repos.webhookConfig, onWrite, () => wrote),
        });
      });
    } finally {
      // Again after commit or rollback: a read on another connection may have raced the commit.
      if (wrote) cache.invalidate();
    }
  }

  /** Misses load through the transaction (the store's own connection may be the one it holds); after a write, no cache. */
  #txWebhookConfig(repo: Repositories['webhookConfig'], onWrite: () => void, wrote: () => boolean): Repositories['webhookConfig'] {
    const writes = invalidatingRepository(repo, this.#cache, webhookConfigPolicy, onWrite);
    const cache = this.#cache;
    return {
      get: (event) => (wrote() ? repo.get(event) : cache.read(cacheKey(webhookConfigPolicy, 'get', [event]), () => repo.get(event))),
      list: () => (wrote() ? repo.list() : cache.read(cacheKey(webhookConfigPolicy, 'list', []), () => repo.list())),
      save: (hook) => writes.save(hook),
    };
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
    this.#closed ??= this.db.destroy().then(() => this.#afterClose?.());
    return this.#closed;
  }
}
