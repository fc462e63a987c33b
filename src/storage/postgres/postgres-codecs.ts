/** PostgreSQL-specific decoding for the repositories' capability object and the pg driver. */
import type { UniqueKey } from '../sql/capabilities.js';

/** SQLSTATE `unique_violation`. */
const UNIQUE_VIOLATION = '23505';

/** True when `e` is pg's unique violation (SQLSTATE 23505) of the constraint named in `key`. */
export function isPostgresUniqueViolation(e: unknown, key: UniqueKey): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const { code, constraint } = e as { code?: unknown; constraint?: unknown };
  return code === UNIQUE_VIOLATION && constraint === key.constraint;
}

/**
 * Parses `int8` (OID 20) text into a JS number. Every int8 Convene stores is an epoch-ms instant, a sequence
 * or a count, all far below 2^53; a value beyond that would silently lose precision, so it throws instead.
 */
export function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${text} does not fit a JS number`);
  return n;
}
