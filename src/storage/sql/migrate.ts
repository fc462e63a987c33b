/** Runs the static migration list with Kysely's Migrator. */
import { Migrator, type Kysely } from 'kysely';
import { StaticMigrationProvider } from './migrations/index.js';
import type { Database } from './schema.js';

/** Minimal structured logger (pino-compatible) the storage layer reports to. */
export interface StorageLogger {
  info(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** What `migrateToLatest` did. */
export interface MigrationReport {
  /** Names of the migrations applied by this call, in order (empty when the schema was current). */
  applied: string[];
}

/** Options of `runMigrations`. */
export interface RunMigrationsOptions {
  /**
   * PostgreSQL: the schema that holds Kysely's bookkeeping tables, normally the schema the store works in.
   * It must be given: without it the Migrator looks for `kysely_migration*` in *every* schema of the database,
   * finds another schema's copy (a parallel test run, another app), skips creating its own and then fails with
   * `relation "kysely_migration_lock" does not exist`. Leave undefined for SQLite, which has no schemas.
   */
  migrationTableSchema?: string | undefined;
  /** Receives one line per applied or failed migration. */
  logger?: StorageLogger | undefined;
}

/**
 * Applies every pending migration. Kysely's Migrator takes a lock (an advisory lock on PostgreSQL), so two
 * processes starting together do not both migrate; on PostgreSQL each migration runs in a transaction.
 * Throws the first migration error after logging which migration failed.
 */
export async function runMigrations(
  db: Kysely<Database>,
  { migrationTableSchema, logger }: RunMigrationsOptions = {},
): Promise<MigrationReport> {
  const migrator = new Migrator({
    db,
    provider: new StaticMigrationProvider(),
    ...(migrationTableSchema === undefined ? {} : { migrationTableSchema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  const applied: string[] = [];
  for (const r of results ?? []) {
    if (r.status === 'Success') {
      applied.push(r.migrationName);
      logger?.info({ migration: r.migrationName }, 'storage: migration applied');
    } else if (r.status === 'Error') {
      logger?.error({ migration: r.migrationName }, 'storage: migration failed');
    }
  }
  if (error !== undefined) throw error instanceof Error ? error : new Error(`migration failed: ${String(error)}`);
  return { applied };
}
