/**
 * Runs the storage contract on PostgreSQL in a fresh schema `convene_test_<random>` that is dropped afterwards.
 * Without a reachable server the file skips with the reason in its title (and fails under CI=true), through
 * `peer('postgres')` (ARCHITECTURE.md §6).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { peer } from '../../../test/support/peers.js';
import { createStore, migrateToLatest, type SqlStore } from '../index.js';
import { runContract } from './repositories.contract.js';

const pgPeer = await peer('postgres');
const url = pgPeer.ok ? (pgPeer.url ?? '') : '';
const schema = `convene_test_${randomBytes(6).toString('hex')}`;

/** Runs one statement on a short-lived admin connection (outside any test schema). */
async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

describe.skipIf(!pgPeer.ok)(`postgres repositories${pgPeer.ok ? '' : ` (skipped: ${pgPeer.reason})`}`, () => {
  // Registered before runContract's hooks: the schema exists before the store opens, and (hooks run as a
  // stack) is dropped only after the store has closed.
  beforeAll(() => admin(`create schema ${schema}`));
  afterAll(() => admin(`drop schema if exists ${schema} cascade`));

  // Empty schemas for the migration tests, dropped after the suite (the tests close their stores).
  const emptySchemas: string[] = [];
  afterAll(async () => {
    for (const s of emptySchemas) await admin(`drop schema if exists ${s} cascade`);
  });

  runContract(() => createStore({ url, schema }), {
    makeEmptyStore: async () => {
      const s = `${schema}_e${emptySchemas.length}`;
      emptySchemas.push(s);
      await admin(`create schema ${s}`);
      return createStore({ url, schema: s, migrate: false });
    },
  });

  describe('postgres dialect', () => {
    let store: SqlStore;
    beforeAll(async () => {
      store = await createStore({ url, schema });
    });
    afterAll(() => store?.close());

    it('works in the given schema only (search_path is set on every connection)', async () => {
      const r = await sql<{ s: string }>`select current_schema() as s`.execute(store.db);
      expect(r.rows[0]?.s).toBe(schema);
      const tables = await sql<{ n: number }>`
        select count(*) as n from information_schema.tables where table_schema = ${schema} and table_name = 'meetings'`.execute(
        store.db,
      );
      expect(tables.rows[0]?.n).toBe(1);
    });

    it('returns int8 values and counts as JS numbers', async () => {
      const r = await sql<{ big: unknown; n: unknown }>`select 8640000000000000::int8 as big, count(*) as n from accounts`.execute(
        store.db,
      );
      expect(typeof r.rows[0]?.big).toBe('number');
      expect(r.rows[0]?.big).toBe(8_640_000_000_000_000);
      expect(typeof r.rows[0]?.n).toBe('number');
    });

    it('migrateToLatest() on a migrated schema applies nothing', async () => {
      expect(await migrateToLatest(store)).toEqual({ applied: [] });
    });

    it('migrates a second schema of the same database independently', async () => {
      // Kysely's Migrator, unless told the schema, would see the first schema's bookkeeping tables and fail.
      const other = `${schema}_b`;
      await admin(`create schema ${other}`);
      try {
        const second = await createStore({ url, schema: other });
        try {
          expect(await second.settings.getOrInit('k', 'b')).toBe('b');
          expect(await store.settings.get('k')).toBeUndefined();
        } finally {
          await second.close();
        }
      } finally {
        await admin(`drop schema ${other} cascade`);
      }
    });

    it('without a schema option, migrates into the schema the server resolves (here: from the URL options)', async () => {
      const other = `${schema}_c`;
      await admin(`create schema ${other}`);
      try {
        const sep = url.includes('?') ? '&' : '?';
        const viaUrl = await createStore({ url: `${url}${sep}options=${encodeURIComponent(`-c search_path=${other}`)}` });
        try {
          const r = await sql<{ n: number }>`
            select count(*) as n from information_schema.tables where table_schema = ${other} and table_name = 'kysely_migration'`.execute(
            viaUrl.db,
          );
          expect(r.rows[0]?.n).toBe(1);
        } finally {
          await viaUrl.close();
        }
      } finally {
        await admin(`drop schema ${other} cascade`);
      }
    });

    it('createStore() rejects a schema name that is not a plain identifier', async () => {
      await expect(createStore({ url, schema: 'x; drop table users' })).rejects.toThrow(TypeError);
    });
  });
});
