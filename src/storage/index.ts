/**
 * Storage entry point: builds the `Store` port for SQLite or PostgreSQL from a URL and runs migrations.
 * Everything engine-specific is chosen here, once; repositories in `sql/` are shared by both engines.
 */
import { Kysely, PostgresAdapter, sql } from 'kysely';
import type { Store } from '../domain/ports.js';
import { createPostgresDialect, postgresCapabilities } from './postgres/postgres-dialect.js';
import { runMigrations, type MigrationReport, type StorageLogger } from './sql/migrate.js';
import type { Database } from './sql/schema.js';
import { SqlStore } from './sql/SqlStore.js';
import { createSqliteDialect, sqliteCapabilities } from './sqlite/sqlite-dialect.js';
import { plainSecrets, type SecretCodec } from '../infra/secretBox.js';

export type { MigrationReport, StorageLogger } from './sql/migrate.js';
export type { Database } from './sql/schema.js';
export { SqlStore } from './sql/SqlStore.js';

/** Options of `createStore`. */
export interface CreateStoreOptions {
  /**
   * `postgres://…` or `postgresql://…` for PostgreSQL; anything else is a SQLite file path (its directory is
   * created) or `:memory:`.
   */
  url: string;
  /** PostgreSQL only: the schema to work in, set as `search_path` on every connection (must exist). Ignored for SQLite. */
  schema?: string | undefined;
  /** Apply pending migrations before returning; default true. The CLI passes false and calls `migrateToLatest`. */
  migrate?: boolean | undefined;
  /** Receives migration progress; optional. */
  logger?: StorageLogger | undefined;
  /** Seals read-back secrets (webhook secrets, hook API keys); production passes `createSecretBox(CONVENE_SECRET_KEY)`. Default: stored as they are. */
  secrets?: SecretCodec | undefined;
  /** PostgreSQL: lifetime of read-cache entries (default `DEFAULT_READ_CACHE_TTL_MS`); 0 turns the cache off on both engines. */
  readCacheTtlMs?: number | undefined;
  /** SQLite files only: checkpoint the WAL on a worker thread (storage/sqlite/checkpointer.ts); the server sets it. */
  backgroundCheckpoint?: boolean | undefined;
}

/**
 * How long PostgreSQL may serve a cached key, user, account or webhook configuration (storage/sql/readCache.ts):
 * the longest another server node or the CLI's change can go unseen. SQLite sees other processes' commits at once.
 */
export const DEFAULT_READ_CACHE_TTL_MS = 1000;

/** Options of `migrateToLatest`. */
export interface MigrateOptions {
  /** Receives one line per applied or failed migration. */
  logger?: StorageLogger | undefined;
}

/** True when `url` names a PostgreSQL server rather than a SQLite file. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/**
 * Opens the store named by `url`, migrates it to the latest schema unless `migrate: false`, and returns it.
 * On a migration failure the connection is closed and the error rethrown. Throws a TypeError for an empty
 * `url` or an invalid PostgreSQL schema name.
 */
export async function createStore({
  url,
  schema,
  migrate = true,
  logger,
  secrets = plainSecrets,
  readCacheTtlMs = DEFAULT_READ_CACHE_TTL_MS,
  backgroundCheckpoint = false,
}: CreateStoreOptions): Promise<SqlStore> {
  // An empty CONVENE_DATABASE_URL must not quietly become a throw-away database.
  if (url.trim() === '') throw new TypeError('storage url is empty: give a SQLite file path, :memory: or postgres://…');
  let store: SqlStore;
  if (isPostgresUrl(url)) {
    const { dialect } = createPostgresDialect({
      url,
      ...(schema === undefined ? {} : { schema }),
      onIdleError: (err) => logger?.error({ err }, 'storage: idle PostgreSQL connection failed'),
    });
    store = new SqlStore({
      db: new Kysely<Database>({ dialect }),
      engine: 'postgres',
      caps: { ...postgresCapabilities, secrets },
      schema,
      readCache: { ttlMs: readCacheTtlMs },
    });
  } else {
    const { dialect, dataVersion, stopWorkers } = createSqliteDialect({
      file: url,
      backgroundCheckpoint,
      onCheckpointError: (err) => logger?.error({ err }, 'storage: background WAL checkpoint failed'),
    });
    // data_version tells the cache about other processes' commits at once, so entries need no short expiry.
    store = new SqlStore({
      db: new Kysely<Database>({ dialect }),
      engine: 'sqlite',
      caps: { ...sqliteCapabilities, secrets },
      readCache: { ttlMs: readCacheTtlMs === 0 ? 0 : 60_000, externalVersion: dataVersion },
      afterClose: stopWorkers,
    });
  }
  if (migrate) {
    try {
      await migrateToLatest(store, { logger });
    } catch (e) {
      await store.close();
      throw e;
    }
  }
  return store;
}

/**
 * Applies pending migrations to a store made by `createStore` (or to a bare `Kysely<Database>`), for boot and
 * the CLI's `migrate` command. Returns the names applied. Throws a TypeError for a `Store` this module did not
 * create, and the migration's error when one fails.
 */
export async function migrateToLatest(
  target: Store | Kysely<Database>,
  { logger }: MigrateOptions = {},
): Promise<MigrationReport> {
  let db: Kysely<Database>;
  let schema: string | undefined;
  if (target instanceof SqlStore) {
    db = target.db;
    schema = target.schema;
  } else if (target instanceof Kysely) {
    db = target;
  } else {
    throw new TypeError('migrateToLatest needs a store created by createStore()');
  }
  // On PostgreSQL the Migrator must be told which schema holds its bookkeeping (see RunMigrationsOptions):
  // the configured one, else whatever search_path resolves to on this server (normally `public`).
  if (db.getExecutor().adapter instanceof PostgresAdapter && schema === undefined) {
    const r = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
    schema = r.rows[0]?.schema ?? undefined;
    if (schema === undefined) throw new Error('PostgreSQL search_path names no existing schema; set one or pass `schema`');
  }
  return runMigrations(db, { migrationTableSchema: schema, logger });
}
