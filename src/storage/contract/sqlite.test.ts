/**
 * Runs the storage contract on SQLite (a temp-file database for this file), plus the SQLite-specific promises
 * of the dialect: pragmas, directory creation, `:memory:` and explicit migrations.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore, migrateToLatest } from '../index.js';
import { migrations } from '../sql/migrations/index.js';
import { runContract } from './repositories.contract.js';

const dir = mkdtempSync(join(tmpdir(), 'convene-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sqlite repositories', () => {
  runContract(() => createStore({ url: join(dir, 'contract.db') }), {
    makeEmptyStore: () => createStore({ url: ':memory:', migrate: false }),
  });
});

describe('sqlite dialect', () => {
  it('createStore() creates the parent directory and sets WAL, NORMAL sync, foreign keys and a busy timeout', async () => {
    const store = await createStore({ url: join(dir, 'nested', 'deeper', 'convene.db') });
    try {
      const pragma = async (name: string) =>
        Object.values((await sql.raw(`pragma ${name}`).execute(store.db)).rows[0] as Record<string, unknown>)[0];
      expect(await pragma('journal_mode')).toBe('wal');
      expect(await pragma('synchronous')).toBe(1); // NORMAL
      expect(await pragma('foreign_keys')).toBe(1);
      expect(await pragma('busy_timeout')).toBe(5000);
    } finally {
      await store.close();
    }
  });

  it('a transaction takes the write lock at BEGIN, so another connection cannot write in between', async () => {
    const file = join(dir, 'immediate.db');
    const a = await createStore({ url: file });
    const b = await createStore({ url: file, migrate: false });
    try {
      // busy_timeout 0 on b: a blocked write fails at once instead of blocking this (single) thread.
      await sql`pragma busy_timeout = 0`.execute(b.db);
      let entered!: () => void;
      let release!: () => void;
      const inside = new Promise<void>((r) => (entered = r));
      const gate = new Promise<void>((r) => (release = r));
      // 1. a's transaction has only read so far; with a deferred BEGIN it would hold no write lock yet.
      const tx = a.transaction(async (t) => {
        await t.settings.get('x');
        entered();
        await gate;
        await t.settings.set('x', 'a');
      });
      await inside;
      // 2. b's write is refused while a's transaction is open …
      await expect(b.settings.set('y', 'b')).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
      release();
      await tx;
      // 3. … and goes through once it committed.
      await b.settings.set('y', 'b');
      expect(await b.settings.get('x')).toBe('a');
    } finally {
      await b.close();
      await a.close();
    }
  });

  it('createStore() accepts :memory:', async () => {
    const store = await createStore({ url: ':memory:' });
    try {
      expect(store.engine).toBe('sqlite');
      expect(await store.ping()).toBe(true);
      expect(await store.settings.getOrInit('k', 'v')).toBe('v');
    } finally {
      await store.close();
    }
  });

  it('migrate: false leaves the schema to migrateToLatest(), which applies each migration once', async () => {
    const store = await createStore({ url: join(dir, 'manual.db'), migrate: false });
    try {
      expect(await migrateToLatest(store)).toEqual({ applied: Object.keys(migrations) });
      expect(await migrateToLatest(store.db)).toEqual({ applied: [] });
      expect(await store.settings.getOrInit('k', 'v')).toBe('v');
    } finally {
      await store.close();
    }
  });

  it('createStore() rejects an empty url instead of opening a throw-away database', async () => {
    await expect(createStore({ url: '  ' })).rejects.toThrow(TypeError);
  });

  it('createStore() reports each applied migration to the logger', async () => {
    const lines: Array<[object, string | undefined]> = [];
    const logger = { info: (o: object, m?: string) => lines.push([o, m]), error: () => {} };
    const store = await createStore({ url: ':memory:', logger });
    await store.close();
    expect(lines).toEqual(Object.keys(migrations).map((migration) => [{ migration }, 'storage: migration applied']));
  });

  it('close() is idempotent and ping() is false afterwards', async () => {
    const store = await createStore({ url: ':memory:' });
    await store.close();
    await store.close();
    expect(await store.ping()).toBe(false);
  });
});
