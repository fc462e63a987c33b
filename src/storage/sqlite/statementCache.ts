/**
 * What Kysely's SQLite driver sees as "the database": prepared statements reused per SQL text, and rows built
 * in JavaScript from better-sqlite3's raw arrays.
 *
 * Both were found by profiling the v6 API under load:
 * - Kysely calls `db.prepare(sql)` for every query, and preparing was the largest single cost of a request.
 *   Statements are reusable, so the same SQL text gets the same statement.
 * - better-sqlite3 builds each row object in C++ one property at a time, which for a 40-column meeting row
 *   costs twice the query itself. Raw rows (arrays) plus one generated object-literal builder per statement
 *   give the same objects (same keys, same order, a later duplicate name wins) at half the cost.
 * A schema change makes cached statements stale: this connection's DDL clears the cache at once, another
 * connection's is seen through `schema_version` within a millisecond (and a changed column count at once).
 */
import type Database from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** How many distinct SQL texts keep a prepared statement; the repositories issue far fewer shapes. */
const STATEMENT_CACHE_SIZE = 1000;

/** DDL changes what `select *` returns: the cache starts over after one (migrations run on this connection). */
const DDL = /^\s*(create|alter|drop)\b/i;

type RowBuilder = (raw: unknown[]) => Record<string, unknown>;

/** A generated `(r) => ({ "a": r[0], "b": r[1] })`: one hidden class per statement, built at literal speed. */
function rowBuilder(columns: readonly string[]): RowBuilder {
  const fields = columns.map((name, i) => `${JSON.stringify(name)}: r[${i}]`).join(', ');
  return new Function('r', `return { ${fields} };`) as RowBuilder;
}

class FastReader implements SqliteStatement {
  readonly reader = true;
  readonly #stmt: Database.Statement;
  #columns: number;
  #build: RowBuilder;

  constructor(stmt: Database.Statement) {
    this.#stmt = stmt.raw(true);
    const cols = stmt.columns().map((c) => c.name);
    this.#columns = cols.length;
    this.#build = rowBuilder(cols);
  }

  all(parameters: ReadonlyArray<unknown>): unknown[] {
    const raw = this.#stmt.all(parameters) as unknown[][];
    if (raw.length > 0 && (raw[0] as unknown[]).length !== this.#columns) this.#refresh();
    const out = new Array<unknown>(raw.length);
    for (let i = 0; i < raw.length; i++) out[i] = this.#build(raw[i] as unknown[]);
    return out;
  }

  run(parameters: ReadonlyArray<unknown>): { changes: number | bigint; lastInsertRowid: number | bigint } {
    return this.#stmt.run(parameters);
  }

  *iterate(parameters: ReadonlyArray<unknown>): IterableIterator<unknown> {
    for (const r of this.#stmt.iterate(parameters) as IterableIterator<unknown[]>) {
      if (r.length !== this.#columns) this.#refresh();
      yield this.#build(r);
    }
  }

  /** Another process changed the schema under a cached `select *`: SQLite re-prepared, so ask again. */
  #refresh(): void {
    const cols = this.#stmt.columns().map((c) => c.name);
    this.#columns = cols.length;
    this.#build = rowBuilder(cols);
  }
}

/** `database` as Kysely's `SqliteDatabase`, with the statement cache and raw-row readers described above. */
export function cachingDatabase(database: Database.Database): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  // Another connection's DDL (a rename keeps the column count, so the readers' length check cannot see it)
  // changes schema_version; checked at most once per millisecond, it costs nothing per query.
  const schemaVersion = database.prepare('pragma schema_version').pluck();
  // The pragma reads the file's counter but does not reload this connection's schema, so a fresh prepare()
  // would still compile against the old one; running any table read checks the cookie and reloads it.
  const reloadSchema = database.prepare('select 1 from sqlite_master limit 1');
  let seenSchema: unknown;
  let checkedAt = -Infinity;
  return {
    close: () => database.close(),
    prepare: (sql: string): SqliteStatement => {
      const t = performance.now();
      if (t - checkedAt >= 1) {
        checkedAt = t;
        const v = schemaVersion.get();
        if (v !== seenSchema) {
          if (seenSchema !== undefined) {
            reloadSchema.get();
            cache.clear();
          }
          seenSchema = v;
        }
      }
      let stmt = cache.get(sql);
      if (stmt) return stmt;
      const prepared = database.prepare(sql);
      stmt = prepared.reader ? new FastReader(prepared) : prepared;
      if (DDL.test(sql)) {
        cache.clear();
        return stmt;
      }
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      cache.set(sql, stmt);
      return stmt;
    },
  };
}
