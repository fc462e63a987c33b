/** SQLite-specific error decoding for the repositories' capability object. */
import type { UniqueKey } from '../sql/capabilities.js';

/**
 * True when `e` is better-sqlite3's unique (or primary-key) violation on exactly `key`'s columns.
 * SQLite reports no constraint name, only `UNIQUE constraint failed: users.email` (or
 * `users.account_id, users.union_id`), so the columns are compared as a set.
 */
export function isSqliteUniqueViolation(e: unknown, key: UniqueKey): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const { code, message } = e as { code?: unknown; message?: unknown };
  if (code !== 'SQLITE_CONSTRAINT_UNIQUE' && code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') return false;
  if (typeof message !== 'string') return false;
  const at = message.indexOf('constraint failed: ');
  if (at < 0) return false;
  const reported = message
    .slice(at + 'constraint failed: '.length)
    .split(',')
    .map((s) => s.trim())
    .sort();
  const expected = key.columns.map((c) => `${key.table}.${c}`).sort();
  return reported.length === expected.length && reported.every((c, i) => c === expected[i]);
}
