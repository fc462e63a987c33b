/**
 * What a repository may need to know about the engine underneath, expressed as capability flags and codecs
 * (ARCHITECTURE.md §4.11): repositories never branch on the engine's name.
 */
import type { SecretCodec } from '../../infra/secretBox.js';

/** A unique constraint as both engines report it: SQLite names the columns, PostgreSQL the constraint. */
export interface UniqueKey {
  table: string;
  columns: readonly string[];
  /** The constraint or unique-index name given in the migration. */
  constraint: string;
}

/** Engine capabilities and error codecs handed to every repository. */
export interface SqlCapabilities {
  /**
   * True when `SELECT … FOR UPDATE SKIP LOCKED` is available (PostgreSQL). Without it the engine must
   * serialise writers itself (SQLite: one connection behind Kysely's mutex).
   */
  readonly supportsSkipLocked: boolean;
  /**
   * True when a transaction can lock single rows (`SELECT … FOR NO KEY UPDATE`, PostgreSQL). `getForUpdate`
   * uses it so that transactions checking an account's limits run one after another. Without it every
   * transaction must already hold the database's write lock from its first statement (SQLite: `BEGIN
   * IMMEDIATE` on one connection), which serialises them anyway, so a plain read suffices.
   */
  readonly supportsRowLocks: boolean;
  /** True when `e` is the driver's unique-violation error for `key`, judged by its error code. */
  isUniqueViolation(e: unknown, key: UniqueKey): boolean;
  /** Seals secrets that must be read back (webhook secrets and keys) before they reach a column. */
  readonly secrets: SecretCodec;
}

/**
 * The unique keys repositories translate into domain errors. The names must equal those in
 * `migrations/0001_init.ts` (migrations are frozen, so they spell them out again); the contract suite checks
 * the translation on every engine.
 */
export const uniqueKeys = {
  usersEmail: { table: 'users', columns: ['email'], constraint: 'users_email_key' },
} as const satisfies Record<string, UniqueKey>;
