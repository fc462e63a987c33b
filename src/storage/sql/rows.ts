/**
 * Small helpers shared by the row <-> domain mappers. They are the only place where booleans, JSON and counts
 * cross the storage boundary, so every engine sees exactly the same values.
 */
import { ALL_ACCOUNTS, type Scope } from '../../domain/ports.js';
import type { IntBool } from './schema.js';

/** Boolean → stored 0/1 (better-sqlite3 cannot bind booleans, dependency-notes P6). */
export function toIntBool(b: boolean): IntBool {
  return b ? 1 : 0;
}

/** Stored 0/1 → boolean. Accepts any number so a driver returning 1n/true would still map. */
export function fromIntBool(v: number | boolean | bigint): boolean {
  return Number(v) !== 0;
}

/** Serialises a JSON column. */
export function toJson(value: unknown): string {
  return JSON.stringify(value);
}

/** Parses a JSON column written by `toJson`. */
export function fromJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

/**
 * A count as a JS number: `count(*)` is `int8` on PostgreSQL (a number through the dialect's parser) and an
 * integer on SQLite, but Kysely types it as `string | number | bigint`.
 */
export function toCount(v: string | number | bigint | undefined | null): number {
  return v === undefined || v === null ? 0 : Number(v);
}

/**
 * True when `scope` names one account, so the read must add `account_id = scope`. Every scoped read goes
 * through this, so an account-scoped caller can never see another tenant's row.
 */
export function isAccountScope(scope: Scope): boolean {
  return scope !== ALL_ACCOUNTS;
}

/** Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern. */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Number of rows a write reported (Kysely returns bigint counts). */
export function affected(n: bigint | number | undefined): number {
  return n === undefined ? 0 : Number(n);
}
