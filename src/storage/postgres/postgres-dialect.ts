/** The PostgreSQL engine: a pg Pool behind Kysely's PostgresDialect. */
import pg from 'pg';
import { PostgresDialect } from 'kysely';
import type { SqlCapabilities } from '../sql/capabilities.js';
import { isPostgresUniqueViolation, parseInt8 } from './postgres-codecs.js';

/** OID of `int8` (bigint); `count(*)` is int8 too. */
const INT8_OID = 20;

/** Options of `createPostgresDialect`. */
export interface PostgresDialectOptions {
  /** `postgres://…` or `postgresql://…`. */
  url: string;
  /**
   * Schema to work in: every new connection gets `search_path=<schema>`, so tables, the migration bookkeeping
   * and all queries live there (tests use a fresh schema per run). Must be a plain identifier; the schema
   * must exist. Default: the server's search_path.
   */
  schema?: string;
  /** Pool size; default 10. */
  max?: number;
  /** Told about errors of idle pooled connections (e.g. the server restarted); default: ignored. */
  onIdleError?: (err: Error) => void;
}

/** PostgreSQL's capabilities: SKIP LOCKED for claiming, row locks for limit checks, constraint-name based unique errors. */
export const postgresCapabilities: Omit<SqlCapabilities, 'secrets'> = Object.freeze({
  supportsSkipLocked: true,
  supportsRowLocks: true,
  isUniqueViolation: isPostgresUniqueViolation,
});

/**
 * Creates the pool and returns the dialect plus the pool (the caller may need it for diagnostics).
 * Throws a TypeError for a schema name that is not a plain identifier.
 */
export function createPostgresDialect({ url, schema, max = 10, onIdleError = () => {} }: PostgresDialectOptions): {
  dialect: PostgresDialect;
  pool: pg.Pool;
} {
  if (schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new TypeError(`invalid PostgreSQL schema name: ${schema}`);
  }
  const pool = new pg.Pool({
    connectionString: url,
    max,
    // Per-pool parsers instead of pg.types.setTypeParser: the global registry would change every other pg
    // user in the process. int8 (epoch ms, sequences, counts) must come back as a JS number.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID && format !== 'binary'
          ? parseInt8
          : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
    },
    // Sent in the startup packet, so the search_path is set before the first query on every new connection,
    // with no race against a 'connect' handler.
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  // An idle client's error (e.g. the server restarted) is emitted on the pool; without a listener it would
  // crash the process. The pool drops that client and the next checkout reconnects.
  pool.on('error', onIdleError);
  return { dialect: new PostgresDialect({ pool }), pool };
}
