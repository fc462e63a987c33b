/** The SQLite engine: a better-sqlite3 database behind Kysely's SqliteDialect. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  CompiledQuery,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type SqliteDialectConfig,
} from 'kysely';
import type { SqlCapabilities } from '../sql/capabilities.js';
import { isSqliteUniqueViolation } from './sqlite-codecs.js';
import { BACKSTOP_AUTOCHECKPOINT_PAGES, startCheckpointer, type Checkpointer } from './checkpointer.js';
import { cachingDatabase } from './statementCache.js';

/** Options of `createSqliteDialect`. */
export interface SqliteDialectOptions {
  /** A file path (its parent directory is created) or `:memory:`. */
  file: string;
  /**
   * Checkpoint the WAL on a worker thread instead of during commits (checkpointer.ts). The server turns it on;
   * the CLI and tests leave it off, so they start no thread.
   */
  backgroundCheckpoint?: boolean | undefined;
  /** Told when a background checkpoint fails. */
  onCheckpointError?: ((err: Error) => void) | undefined;
}

/**
 * SQLite's capabilities: no SKIP LOCKED and no row locks (one connection and `BEGIN IMMEDIATE` serialise every
 * writing transaction), column-based unique errors.
 */
export const sqliteCapabilities: Omit<SqlCapabilities, 'secrets'> = Object.freeze({
  supportsSkipLocked: false,
  supportsRowLocks: false,
  isUniqueViolation: isSqliteUniqueViolation,
});

/**
 * Kysely's driver starts transactions with a deferred `BEGIN`. In WAL mode a deferred transaction that reads
 * first and writes later fails at once with SQLITE_BUSY (busy_timeout does not apply) when another process —
 * the CLI next to the running server — committed in between. `BEGIN IMMEDIATE` takes the write lock up front,
 * so the other process waits up to busy_timeout instead. Inside one process nothing changes: Kysely already
 * serialises everything on the single connection.
 */
class ImmediateTransactionSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/** Kysely's SqliteDialect with `BEGIN IMMEDIATE` transactions. */
class ImmediateTransactionSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateTransactionSqliteDriver(this.#config);
  }
}

/**
 * Opens the database file and returns a Kysely dialect over it, and `dataVersion`: SQLite's counter that
 * changes whenever another connection (the CLI, another process) commits, which the store's read cache
 * checks. Pragmas:
 * - `journal_mode=WAL`: readers do not block the writer, and a commit is one append to the WAL;
 * - `synchronous=NORMAL`: in WAL mode a commit is written to the WAL (the OS page cache) before it returns, and
 *   only the checkpoint is fsynced. A killed process (kill -9) therefore loses nothing it committed; only a
 *   power loss or OS crash can lose the last transactions. That is the trade we want for a single-node server
 *   (the durability test kills a writer with SIGKILL to keep us honest);
 * - `foreign_keys=ON`: SQLite ignores foreign keys unless told, per connection;
 * - `busy_timeout=5000`: another process (the CLI next to a running server) waits for the lock instead of
 *   failing at once with SQLITE_BUSY.
 * Kysely reaches the file through `cachingDatabase` (statement cache, fast rows: see statementCache.ts).
 */
export function createSqliteDialect({ file, backgroundCheckpoint = false, onCheckpointError }: SqliteDialectOptions): {
  dialect: SqliteDialect;
  dataVersion: () => number;
  /** Stops the checkpoint worker, if one runs; call after the dialect's database was closed. */
  stopWorkers: () => Promise<void>;
} {
  const inMemory = file === ':memory:';
  if (!inMemory) mkdirSync(dirname(file), { recursive: true });
  const database = new Database(inMemory ? ':memory:' : file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  const dataVersion = database.prepare('pragma data_version').pluck();
  let checkpointer: Checkpointer | undefined;
  if (backgroundCheckpoint && !inMemory) {
    database.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
    checkpointer = startCheckpointer({ file, onError: onCheckpointError });
  }
  return {
    dialect: new ImmediateTransactionSqliteDialect({ database: cachingDatabase(database) }),
    dataVersion: () => dataVersion.get() as number,
    stopWorkers: async () => checkpointer?.stop(),
  };
}
