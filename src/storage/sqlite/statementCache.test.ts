/**
 * `cachingDatabase` (statementCache.ts): the statement cache per SQL text and the rows built from raw arrays
 * must be indistinguishable from plain better-sqlite3, whatever the column names, and must follow schema
 * changes made on this connection (DDL) or by another one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase } from 'kysely';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachingDatabase } from './statementCache.js';

/** What plain better-sqlite3 returns for `sql` with `params`. */
function plainAll(db: Database.Database, sql: string, params: unknown[] = []): unknown[] {
  return db.prepare(sql).all(...params);
}

/** Same rows, same own keys in the same order, same prototypes. */
function expectSameRows(actual: unknown[], expected: unknown[]): void {
  expect(actual).toStrictEqual(expected);
  expect(actual.map((r) => Object.keys(r as object))).toEqual(expected.map((r) => Object.keys(r as object)));
  expect(actual.map((r) => Object.getPrototypeOf(r))).toEqual(expected.map((r) => Object.getPrototypeOf(r)));
}

describe('cachingDatabase (in memory)', () => {
  let db: Database.Database;
  let cdb: SqliteDatabase;
  beforeEach(() => {
    db = new Database(':memory:');
    cdb = cachingDatabase(db);
    db.exec(`
      create table t (id integer primary key, name text, score real, data blob, note text, flag integer);
      insert into t (name, score, data, note, flag) values
        ('alpha', 1.5, x'00ff10', null, 1),
        ('beta', -2.25, null, 'ünïcode “quotes”', 0),
        ('gamma', 0, x'', '', null);
    `);
  });
  afterEach(() => {
    if (db.open) db.close();
  });

  it('returns the same rows as plain better-sqlite3 (keys, order, values, blobs, nulls)', () => {
    for (const sql of [
      'select * from t order by id',
      'select note, id, name from t order by id desc',
      'select count(*) as n, sum(score) as s from t',
      'select *, id as again from t',
    ]) {
      expectSameRows(cdb.prepare(sql).all([]), plainAll(db, sql));
    }
    const rows = cdb.prepare('select data from t order by id').all([]) as Array<{ data: Buffer | null }>;
    expect(Buffer.isBuffer(rows[0]?.data)).toBe(true);
    expect(rows[0]?.data).toEqual(Buffer.from([0x00, 0xff, 0x10]));
  });

  it('binds parameters', () => {
    const sql = 'select id, name from t where score > ? and name <> ? order by id';
    expectSameRows(cdb.prepare(sql).all([-5, 'alpha']), plainAll(db, sql, [-5, 'alpha']));
    expect(cdb.prepare(sql).all([0, 'x'])).toEqual([{ id: 1, name: 'alpha' }]);
  });

  it('returns an empty array for no rows', () => {
    expect(cdb.prepare('select * from t where id = ?').all([999])).toEqual([]);
  });

  it('a duplicate column name: the last one wins, at the first one’s position, like better-sqlite3', () => {
    for (const sql of ['select 1 as a, 2 as a', 'select 1 as a, 2 as b, 3 as a', 'select t.id, t2.id from t join t t2 on t2.id = t.id + 1 order by t.id']) {
      expectSameRows(cdb.prepare(sql).all([]), plainAll(db, sql));
    }
    const [row] = cdb.prepare('select 1 as a, 2 as b, 3 as a').all([]);
    expect(row).toEqual({ a: 3, b: 2 });
    expect(Object.keys(row as object)).toEqual(['a', 'b']);
  });

  it('column names that need quoting or escaping in the generated builder', () => {
    const names = [
      'we"ird',
      "it's",
      'with spaces',
      'ünïcode ✓ 日本語 🎉',
      'back\\slash',
      'new\nline',
      'tab\there',
      'line\u2028separator',
      '${template}',
      '`backtick`',
      '"}; throw new Error("injected"); ({"x',
      '0',
      '10',
      '2',
      '-1',
      '1.5',
      '',
      'constructor',
      'toString',
      'hasOwnProperty',
      '__proto__',
    ];
    const sql = `select ${names.map((n, i) => `${i} as "${n.replace(/"/g, '""')}"`).join(', ')}`;
    const plain = plainAll(db, sql);
    const rows = cdb.prepare(sql).all([]);
    expectSameRows(rows, plain);
    const row = rows[0] as Record<string, unknown>;
    expect(row['we"ird']).toBe(0);
    expect(row['with spaces']).toBe(2);
    expect(row['ünïcode ✓ 日本語 🎉']).toBe(3);
    expect(row['"}; throw new Error("injected"); ({"x']).toBe(10);
    expect(row['']).toBe(16);
  });

  it('the brief’s examples: "we""ird", spaces, unicode', () => {
    expectSameRows(cdb.prepare('select 1 as "we""ird"').all([]), [{ 'we"ird': 1 }]);
    expectSameRows(cdb.prepare('select 1 as "a b", 2 as "c  d "').all([]), [{ 'a b': 1, 'c  d ': 2 }]);
    expectSameRows(cdb.prepare('select 1 as "Zürich", 2 as "名前"').all([]), [{ Zürich: 1, 名前: 2 }]);
  });

  it('integer-like names keep JavaScript’s key order, like better-sqlite3', () => {
    const sql = 'select 1 as "2", 2 as "1", 3 as b, 4 as "10"';
    expectSameRows(cdb.prepare(sql).all([]), plainAll(db, sql));
  });

  it('insert … returning is a reader and returns the inserted rows', () => {
    const stmt = cdb.prepare('insert into t (name, score) values (?, ?), (?, ?) returning id, name, score');
    expect(stmt.reader).toBe(true);
    const rows = stmt.all(['delta', 4, 'epsilon', 5]);
    expect(rows).toEqual([
      { id: 4, name: 'delta', score: 4 },
      { id: 5, name: 'epsilon', score: 5 },
    ]);
    expect(Object.keys(rows[0] as object)).toEqual(['id', 'name', 'score']);
    expect(plainAll(db, 'select count(*) as n from t')).toEqual([{ n: 5 }]);
    // Reused for a second insert.
    expect(cdb.prepare('insert into t (name, score) values (?, ?), (?, ?) returning id, name, score').all(['z', 0, 'y', 1])).toEqual([
      { id: 6, name: 'z', score: 0 },
      { id: 7, name: 'y', score: 1 },
    ]);
  });

  it('update … returning * follows the table’s columns', () => {
    const sql = 'update t set score = score * 2 where id = ? returning *';
    const rows = cdb.prepare(sql).all([2]);
    expect(rows).toEqual([{ id: 2, name: 'beta', score: -4.5, data: null, note: 'ünïcode “quotes”', flag: 0 }]);
    expect(Object.keys(rows[0] as object)).toEqual(['id', 'name', 'score', 'data', 'note', 'flag']);
  });

  it('iterate yields the same rows as plain better-sqlite3', () => {
    const sql = 'select * from t where id >= ? order by id';
    const stmt = cdb.prepare(sql);
    const got = [...stmt.iterate([1])];
    expectSameRows(got, plainAll(db, sql, [1]));
    // And again on the same (cached) statement.
    expectSameRows([...cdb.prepare(sql).iterate([2])], plainAll(db, sql, [2]));
  });

  it('an iteration stopped early releases the statement for the next use', () => {
    const sql = 'select id from t order by id';
    const stmt = cdb.prepare(sql);
    for (const row of stmt.iterate([])) {
      expect(row).toEqual({ id: 1 });
      break;
    }
    expect(cdb.prepare(sql).all([])).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
  });

  it('run() of a write returns changes and lastInsertRowid', () => {
    const insert = cdb.prepare('insert into t (name) values (?)');
    expect(insert.reader).toBe(false);
    expect(insert.run(['zeta'])).toMatchObject({ changes: 1, lastInsertRowid: 4 });
    expect(cdb.prepare('insert into t (name) values (?)').run(['eta'])).toMatchObject({ changes: 1, lastInsertRowid: 5 });
    expect(cdb.prepare('update t set flag = 7 where id > ?').run([2])).toMatchObject({ changes: 3 });
    expect(cdb.prepare('delete from t where flag = ?').run([7])).toMatchObject({ changes: 3 });
    expect(plainAll(db, 'select id from t order by id')).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('run() works on a cached reader as well', () => {
    const stmt = cdb.prepare('insert into t (name) values (?) returning id');
    expect(stmt.run(['via run'])).toMatchObject({ changes: 1, lastInsertRowid: 4 });
  });

  it('the same SQL text returns the same statement object; another text another one', () => {
    const s1 = cdb.prepare('select * from t');
    const s2 = cdb.prepare('select * from t');
    const w1 = cdb.prepare('update t set flag = ?');
    expect(s2).toBe(s1);
    expect(cdb.prepare('update t set flag = ?')).toBe(w1);
    expect(cdb.prepare('select * from t ')).not.toBe(s1); // the key is the exact text
    expect(cdb.prepare('select id from t')).not.toBe(s1);
  });

  it('keeps at most 1000 statements, dropping the oldest first', () => {
    const first = cdb.prepare('select 0 as n');
    const second = cdb.prepare('select 1 as n');
    for (let i = 2; i < 1000; i++) cdb.prepare(`select ${i} as n`);
    const middle = cdb.prepare('select 500 as n');
    expect(cdb.prepare('select 0 as n')).toBe(first); // 1000 texts: all still cached
    const last = cdb.prepare('select 1000 as n'); // the 1001st evicts the oldest only
    expect(cdb.prepare('select 1000 as n')).toBe(last);
    expect(cdb.prepare('select 500 as n')).toBe(middle);
    expect(cdb.prepare('select 0 as n')).not.toBe(first);
    expect(cdb.prepare('select 1 as n')).not.toBe(second);
    expect(cdb.prepare('select 0 as n').all([])).toEqual([{ n: 0 }]);
  });

  it('after alter table … add column, a cached select * returns the new column (DDL clears the cache)', () => {
    const sql = 'select * from t order by id';
    const before = cdb.prepare(sql);
    expect(Object.keys(before.all([])[0] as object)).toEqual(['id', 'name', 'score', 'data', 'note', 'flag']);
    cdb.prepare('alter table t add column extra text default \'x\'').run([]);
    const after = cdb.prepare(sql);
    expect(after).not.toBe(before);
    const rows = after.all([]);
    expectSameRows(rows, plainAll(db, sql));
    expect(Object.keys(rows[0] as object)).toEqual(['id', 'name', 'score', 'data', 'note', 'flag', 'extra']);
    expect((rows[0] as { extra: string }).extra).toBe('x');
  });

  it('after alter table … rename column on this connection, a cached select * returns the new name', () => {
    const sql = 'select * from t order by id';
    cdb.prepare(sql).all([]);
    cdb.prepare('alter table t rename column note to remark').run([]);
    const rows = cdb.prepare(sql).all([]);
    expectSameRows(rows, plainAll(db, sql));
    expect(Object.keys(rows[0] as object)).toContain('remark');
    expect(Object.keys(rows[0] as object)).not.toContain('note');
  });

  it('DDL statements themselves are not cached, and create/drop clear the cache as well', () => {
    const s = cdb.prepare('select id from t');
    const create = cdb.prepare('create table if not exists u (x)');
    expect(cdb.prepare('create table if not exists u (x)')).not.toBe(create);
    expect(cdb.prepare('select id from t')).not.toBe(s);
    const s2 = cdb.prepare('select id from t');
    cdb.prepare('  DROP table if exists u').run([]);
    expect(cdb.prepare('select id from t')).not.toBe(s2);
  });

  it('close() closes the database', () => {
    cdb.close();
    expect(db.open).toBe(false);
  });
});

describe('cachingDatabase with a second connection on the same file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'convene-stmtcache-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  let first: Database.Database;
  let second: Database.Database;
  let cdb: SqliteDatabase;
  beforeEach(() => {
    const file = join(dir, `db${n++}.sqlite`);
    first = new Database(file);
    second = new Database(file);
    first.exec("create table t (a integer, b text); insert into t values (1, 'one'), (2, 'two')");
    cdb = cachingDatabase(first);
  });
  afterEach(() => {
    second.close();
    first.close();
  });

  it('a column added by the other connection shows up in a cached select * (all)', () => {
    const sql = 'select * from t order by a';
    const stmt = cdb.prepare(sql);
    expect(stmt.all([])).toEqual([
      { a: 1, b: 'one' },
      { a: 2, b: 'two' },
    ]);
    second.exec("alter table t add column c text default 'new'");
    // No DDL went through this connection, and (within the millisecond before schema_version is read again) the
    // cached statement notices the new column count itself: its rows match what plain better-sqlite3 returns.
    const rows = cdb.prepare(sql).all([]);
    expectSameRows(rows, plainAll(first, sql));
    expect(rows).toEqual([
      { a: 1, b: 'one', c: 'new' },
      { a: 2, b: 'two', c: 'new' },
    ]);
    // Later calls keep the refreshed shape.
    expect(cdb.prepare(sql).all([])).toEqual(rows);
  });

  it('a column added by the other connection shows up in a cached select * (iterate)', () => {
    const sql = 'select * from t order by a';
    expect([...cdb.prepare(sql).iterate([])]).toEqual([
      { a: 1, b: 'one' },
      { a: 2, b: 'two' },
    ]);
    second.exec('alter table t add column c integer default 3');
    second.exec('alter table t add column d integer default 4');
    const rows = [...cdb.prepare(sql).iterate([])];
    expectSameRows(rows, plainAll(first, sql));
    expect(rows[0]).toEqual({ a: 1, b: 'one', c: 3, d: 4 });
  });

  it('a column dropped by the other connection disappears from a cached select *', () => {
    const sql = 'select * from t order by a';
    cdb.prepare(sql).all([]);
    second.exec('alter table t drop column b');
    const rows = cdb.prepare(sql).all([]);
    expectSameRows(rows, plainAll(first, sql));
    expect(rows).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('rows written by the other connection are seen by a cached statement', () => {
    const sql = 'select count(*) as n from t';
    expect(cdb.prepare(sql).all([])).toEqual([{ n: 2 }]);
    second.exec("insert into t values (3, 'three')");
    expect(cdb.prepare(sql).all([])).toEqual([{ n: 3 }]);
  });

  // The column count cannot tell a rename; schema_version (checked at most once per ms) does.
  it('a column renamed by the other connection is returned under its new name (same column count), a millisecond later', async () => {
    const sql = 'select * from t order by a';
    cdb.prepare(sql).all([]);
    second.exec('alter table t rename column b to renamed');
    await new Promise((r) => setTimeout(r, 5));
    const rows = cdb.prepare(sql).all([]);
    expectSameRows(rows, plainAll(first, sql));
  });
});

describe('cachingDatabase behind Kysely', () => {
  interface Db {
    people: { id: number; name: string; email: string | null };
  }
  let kysely: Kysely<Db>;
  beforeEach(async () => {
    kysely = new Kysely<Db>({ dialect: new SqliteDialect({ database: cachingDatabase(new Database(':memory:')) }) });
    await kysely.schema
      .createTable('people')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('email', 'text')
      .execute();
  });
  afterEach(async () => {
    await kysely.destroy();
  });

  it('inserts and selects rows', async () => {
    await kysely.insertInto('people').values({ id: 1, name: 'Zoë', email: null }).execute();
    const inserted = await kysely.insertInto('people').values({ id: 2, name: 'Ann', email: 'ann@example.org' }).returningAll().executeTakeFirstOrThrow();
    expect(inserted).toEqual({ id: 2, name: 'Ann', email: 'ann@example.org' });
    const row = await kysely.selectFrom('people').selectAll().where('id', '=', 1).executeTakeFirst();
    expect(row).toEqual({ id: 1, name: 'Zoë', email: null });
    expect(Object.keys(row ?? {})).toEqual(['id', 'name', 'email']);
    // The same query shape again (cached statement), other parameters.
    expect(await kysely.selectFrom('people').selectAll().where('id', '=', 2).executeTakeFirst()).toEqual(inserted);
    expect(await kysely.selectFrom('people').select(['name']).orderBy('id').execute()).toEqual([{ name: 'Zoë' }, { name: 'Ann' }]);
  });

  it('reports affected rows and insert ids of plain writes', async () => {
    const r = await kysely.insertInto('people').values({ id: 7, name: 'X', email: null }).executeTakeFirst();
    expect(r.insertId).toBe(7n);
    const u = await kysely.updateTable('people').set({ name: 'Y' }).where('id', '=', 7).executeTakeFirst();
    expect(u.numUpdatedRows).toBe(1n);
  });

  it('a schema change through Kysely is followed by the cached selectAll', async () => {
    await kysely.insertInto('people').values({ id: 1, name: 'A', email: null }).execute();
    expect(await kysely.selectFrom('people').selectAll().execute()).toEqual([{ id: 1, name: 'A', email: null }]);
    await kysely.schema.alterTable('people').addColumn('age', 'integer', (c) => c.defaultTo(30)).execute();
    expect(await kysely.selectFrom('people').selectAll().execute()).toEqual([{ id: 1, name: 'A', email: null, age: 30 }]);
  });

  it('streams rows', async () => {
    await kysely.insertInto('people').values([
      { id: 1, name: 'A', email: null },
      { id: 2, name: 'B', email: null },
    ]).execute();
    const got: unknown[] = [];
    for await (const r of kysely.selectFrom('people').select(['id', 'name']).orderBy('id').stream()) got.push(r);
    expect(got).toEqual([
      { id: 1, name: 'A' },
      { id: 2, name: 'B' },
    ]);
  });
});
