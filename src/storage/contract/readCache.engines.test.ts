/**
 * The read cache (sql/readCache.ts) on real engines, through `createStore`: two stores on one database stand
 * for the server and the CLI (or a second server node).
 * - SQLite: another connection's commit is seen on the very next read (PRAGMA data_version), the store's own
 *   writes at once, in or out of a transaction, and a rolled-back transaction leaves the old row.
 * - PostgreSQL: another store's change is seen once the entry's ttl has passed; the store's own writes at once.
 *   Without a reachable server that part skips with the reason in its title (and fails under CI=true), through
 *   `peer('postgres')` (ARCHITECTURE.md §6).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { peer } from '../../../test/support/peers.js';
import type { Account } from '../../domain/accounts/Account.js';
import type { ApiKey } from '../../domain/accounts/ApiKey.js';
import type { User } from '../../domain/accounts/User.js';
import { createStore, type SqlStore } from '../index.js';
import { makeAccount, makeApiKey, makeHook, makeUser, T0, tag } from './fixtures.js';

/** An account with one user and one API key, written through `store`. */
interface Seeded {
  account: Account;
  user: User;
  key: ApiKey;
}

async function seed(store: SqlStore): Promise<Seeded> {
  const account = makeAccount();
  const user = makeUser(account.id);
  const key = makeApiKey(account.id);
  await store.accounts.insert(account);
  await store.users.insert(user);
  await store.apiKeys.insert(key);
  return { account, user, key };
}

/** Longer than the cache's 1 ms throttle of the data_version check. */
const pastThrottle = () => new Promise<void>((r) => setTimeout(r, 5));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('read cache on SQLite (two connections on one file)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'convene-readcache-'));
  const file = join(dir, 'cache.db');
  let a: SqlStore; // the server
  let b: SqlStore; // the CLI next to it
  beforeAll(async () => {
    a = await createStore({ url: file });
    b = await createStore({ url: file, migrate: false });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the cache is really in use: a change behind the repositories’ back (same connection) is not seen', async () => {
    // This is what makes the other tests meaningful: A serves its reads from memory, so only the cache's
    // invalidation (not a fresh query) can make another connection's change visible.
    const { key } = await seed(a);
    expect((await a.apiKeys.getByHash(key.hash))?.revokedAt).toBeNull();
    await a.db.updateTable('api_keys').set({ revoked_at: T0 }).where('id', '=', key.id).execute();
    await pastThrottle();
    expect((await a.apiKeys.getByHash(key.hash))?.revokedAt).toBeNull();
    // B's (unrelated) commit changes A's data_version: A drops its cache and now reads the row as it is.
    await b.settings.set(`nudge-${tag()}`, 'x');
    await pastThrottle();
    expect((await a.apiKeys.getByHash(key.hash))?.revokedAt).toBe(T0);
  });

  it('a key revoked through B is refused by A on the very next read', async () => {
    const { key } = await seed(a);
    const cached = await a.apiKeys.getByHash(key.hash);
    expect(cached?.revokedAt).toBeNull();
    expect(await a.apiKeys.getByHash(key.hash)).toBe(cached); // served from the cache
    await b.apiKeys.revoke(key.id, T0 + 123);
    await pastThrottle();
    const after = await a.apiKeys.getByHash(key.hash);
    expect(after?.revokedAt).toBe(T0 + 123);
    expect(after?.id).toBe(key.id);
  });

  it('apiKeys.get is invalidated by B’s revoke as well', async () => {
    const { account, key } = await seed(a);
    expect((await a.apiKeys.get(account.id, key.id))?.revokedAt).toBeNull();
    await b.apiKeys.revoke(key.id, T0 + 7);
    await pastThrottle();
    expect((await a.apiKeys.get(account.id, key.id))?.revokedAt).toBe(T0 + 7);
  });

  it('a key created through B is found by A even after A cached its hash as unknown', async () => {
    const account = makeAccount();
    await a.accounts.insert(account);
    const key = makeApiKey(account.id);
    expect(await a.apiKeys.getByHash(key.hash)).toBeUndefined(); // a cached miss
    await b.apiKeys.insert(key);
    await pastThrottle();
    expect((await a.apiKeys.getByHash(key.hash))?.id).toBe(key.id);
  });

  it('a user updated through B is seen by A on the next read', async () => {
    const { account, user } = await seed(a);
    expect((await a.users.get(account.id, user.id))?.firstName).toBe(user.firstName);
    expect((await a.users.getByEmail(account.id, user.email))?.id).toBe(user.id);
    const email = `renamed.${tag()}@example.org`;
    await b.users.update({ ...user, firstName: 'Changed', email, updatedAt: T0 + 99 });
    await pastThrottle();
    const after = await a.users.get(account.id, user.id);
    expect(after?.firstName).toBe('Changed');
    expect(after?.updatedAt).toBe(T0 + 99);
    expect(await a.users.getByEmail(account.id, user.email)).toBeUndefined();
    expect((await a.users.getByEmail(account.id, email))?.id).toBe(user.id);
  });

  it('an account updated through B is seen by A on the next read', async () => {
    const { account } = await seed(a);
    expect((await a.accounts.get(account.id, account.id))?.name).toBe(account.name);
    const name = `Renamed ${tag()}`;
    await b.accounts.update({ ...account, name, numberOfMeetings: 1, updatedAt: T0 + 50 });
    await pastThrottle();
    const after = await a.accounts.get(account.id, account.id);
    expect(after?.name).toBe(name);
    expect(after?.numberOfMeetings).toBe(1);
  });

  it('a webhook configuration saved through B is seen by A, in and out of a transaction', async () => {
    const hook = makeHook({ event: 'onMeetingDeleted', url: `https://hooks.example.org/${tag()}` });
    await a.webhookConfig.save(hook);
    expect((await a.webhookConfig.get(hook.event))?.url).toBe(hook.url);
    const url2 = `https://hooks.example.org/${tag()}`;
    await b.webhookConfig.save({ ...hook, url: url2 });
    await pastThrottle();
    expect((await a.webhookConfig.get(hook.event))?.url).toBe(url2);
    const url3 = `https://hooks.example.org/${tag()}`;
    await b.webhookConfig.save({ ...hook, url: url3 });
    await pastThrottle();
    expect(await a.transaction(async (tx) => (await tx.webhookConfig.get(hook.event))?.url)).toBe(url3);
    expect((await a.webhookConfig.list()).find((h) => h.event === hook.event)?.url).toBe(url3);
  });

  it('a write through A’s own repositories is seen by A at once', async () => {
    const { account, user, key } = await seed(a);
    await a.users.get(account.id, user.id);
    await a.apiKeys.getByHash(key.hash);
    await a.accounts.get(account.id, account.id);
    // No wait: an own write does not change A's data_version; the wrapper drops the cache itself.
    await a.users.update({ ...user, lastName: 'Own' });
    expect((await a.users.get(account.id, user.id))?.lastName).toBe('Own');
    await a.apiKeys.revoke(key.id, T0 + 1);
    expect((await a.apiKeys.getByHash(key.hash))?.revokedAt).toBe(T0 + 1);
    await a.accounts.update({ ...account, name: 'Own account' });
    expect((await a.accounts.get(account.id, account.id))?.name).toBe('Own account');
  });

  it('a write inside A.transaction() is seen by A after the commit', async () => {
    const { account, user, key } = await seed(a);
    expect((await a.users.get(account.id, user.id))?.firstName).toBe(user.firstName);
    expect((await a.apiKeys.getByHash(key.hash))?.revokedAt).toBeNull();
    await a.transaction(async (tx) => {
      await tx.users.update({ ...user, firstName: 'Committed' });
      await tx.apiKeys.revoke(key.id, T0 + 2);
      // Reads inside the transaction see its own writes (never the cache).
      expect((await tx.users.get(account.id, user.id))?.firstName).toBe('Committed');
    });
    expect((await a.users.get(account.id, user.id))?.firstName).toBe('Committed');
    expect((await a.apiKeys.getByHash(key.hash))?.revokedAt).toBe(T0 + 2);
    // And B, the other connection, sees the commit too.
    expect((await b.users.get(account.id, user.id))?.firstName).toBe('Committed');
  });

  it('a transaction that rolls back leaves A reading the original row', async () => {
    const { account, user, key } = await seed(a);
    expect((await a.users.get(account.id, user.id))?.firstName).toBe(user.firstName);
    expect((await a.apiKeys.getByHash(key.hash))?.revokedAt).toBeNull();
    await expect(
      a.transaction(async (tx) => {
        await tx.users.update({ ...user, firstName: 'Rolled back' });
        await tx.apiKeys.revoke(key.id, T0 + 3);
        expect((await tx.users.get(account.id, user.id))?.firstName).toBe('Rolled back');
        expect((await tx.apiKeys.getByHash(key.hash))?.revokedAt).toBe(T0 + 3);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect((await a.users.get(account.id, user.id))?.firstName).toBe(user.firstName);
    expect((await a.apiKeys.getByHash(key.hash))?.revokedAt).toBeNull();
    expect((await b.users.get(account.id, user.id))?.firstName).toBe(user.firstName);
  });

  it('a rolled-back transaction does not leave its uncommitted webhook configuration in the cache', async () => {
    const hook = makeHook({ event: 'onMeetingUpdated', url: `https://hooks.example.org/${tag()}` });
    await a.webhookConfig.save(hook);
    expect((await a.webhookConfig.get(hook.event))?.url).toBe(hook.url);
    await expect(
      a.transaction(async (tx) => {
        await tx.webhookConfig.save({ ...hook, url: 'https://uncommitted.example.org/' });
        expect((await tx.webhookConfig.get(hook.event))?.url).toBe('https://uncommitted.example.org/');
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect((await a.webhookConfig.get(hook.event))?.url).toBe(hook.url);
  });

  it('cached rows are frozen: a caller cannot change what the next request sees', async () => {
    const { account } = await seed(a);
    const cached = await a.accounts.get(account.id, account.id);
    expect(cached).toBeDefined();
    expect(() => (cached?.iceCandidatesToFilter as string[]).push('0.0.0.0/0')).toThrow(TypeError);
    expect((await a.accounts.get(account.id, account.id))?.iceCandidatesToFilter).toEqual(account.iceCandidatesToFilter);
  });

  it('readCacheTtlMs: 0 turns the cache off on SQLite too', async () => {
    const c = await createStore({ url: file, migrate: false, readCacheTtlMs: 0 });
    try {
      const { key } = await seed(c);
      expect((await c.apiKeys.getByHash(key.hash))?.revokedAt).toBeNull();
      // Behind the repositories' back on c's own connection: no invalidation, no data_version change.
      await c.db.updateTable('api_keys').set({ revoked_at: T0 + 4 }).where('id', '=', key.id).execute();
      expect((await c.apiKeys.getByHash(key.hash))?.revokedAt).toBe(T0 + 4);
    } finally {
      await c.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// PostgreSQL: same pattern as postgres.test.ts (fresh schema per run, skip with the reason, fail under CI).

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

/** The entries' lifetime in the PostgreSQL tests. */
const TTL_MS = 200;

describe.skipIf(!pgPeer.ok)(`read cache on PostgreSQL (two stores on one schema)${pgPeer.ok ? '' : ` (skipped: ${pgPeer.reason})`}`, () => {
  let a: SqlStore;
  let b: SqlStore;
  // Hooks run as a stack: the schema is dropped only after both stores have closed.
  beforeAll(() => admin(`create schema ${schema}`));
  afterAll(() => admin(`drop schema if exists ${schema} cascade`));
  beforeAll(async () => {
    a = await createStore({ url, schema, readCacheTtlMs: TTL_MS });
    b = await createStore({ url, schema, readCacheTtlMs: TTL_MS, migrate: false });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('a key revoked through B is refused by A once the ttl has passed', async () => {
    const { key } = await seed(a);
    const started = Date.now();
    expect((await a.apiKeys.getByHash(key.hash))?.revokedAt).toBeNull();
    await b.apiKeys.revoke(key.id, T0 + 11);
    const stale = await a.apiKeys.getByHash(key.hash);
    // PostgreSQL has no data_version: within the ttl A may still serve its entry. (Asserted only when this
    // machine was fast enough that the entry, dated at most `started`, was certainly still fresh.)
    if (Date.now() - started < TTL_MS) expect(stale?.revokedAt).toBeNull();
    await sleep(TTL_MS + 50);
    expect((await a.apiKeys.getByHash(key.hash))?.revokedAt).toBe(T0 + 11);
  });

  it('a user updated through B is seen by A once the ttl has passed', async () => {
    const { account, user } = await seed(a);
    expect((await a.users.get(account.id, user.id))?.firstName).toBe(user.firstName);
    await b.users.update({ ...user, firstName: 'From B' });
    await sleep(TTL_MS + 50);
    expect((await a.users.get(account.id, user.id))?.firstName).toBe('From B');
  });

  it('a key created through B is found by A once the cached miss has expired', async () => {
    const account = makeAccount();
    await a.accounts.insert(account);
    const key = makeApiKey(account.id);
    expect(await a.apiKeys.getByHash(key.hash)).toBeUndefined();
    await b.apiKeys.insert(key);
    await sleep(TTL_MS + 50);
    expect((await a.apiKeys.getByHash(key.hash))?.id).toBe(key.id);
  });

  it('A’s own writes are seen by A at once', async () => {
    const { account, user, key } = await seed(a);
    await a.users.get(account.id, user.id);
    await a.apiKeys.getByHash(key.hash);
    await a.accounts.get(account.id, account.id);
    await a.users.update({ ...user, lastName: 'Own' });
    await a.apiKeys.revoke(key.id, T0 + 12);
    await a.accounts.update({ ...account, name: 'Own account' });
    expect((await a.users.get(account.id, user.id))?.lastName).toBe('Own');
    expect((await a.apiKeys.getByHash(key.hash))?.revokedAt).toBe(T0 + 12);
    expect((await a.accounts.get(account.id, account.id))?.name).toBe('Own account');
  });

  it('a write inside A.transaction() is seen by A at once after the commit', async () => {
    const { account, user } = await seed(a);
    expect((await a.users.get(account.id, user.id))?.firstName).toBe(user.firstName);
    await a.transaction(async (tx) => {
      await tx.users.update({ ...user, firstName: 'Committed' });
      expect((await tx.users.get(account.id, user.id))?.firstName).toBe('Committed');
    });
    expect((await a.users.get(account.id, user.id))?.firstName).toBe('Committed');
  });

  it('a read on another pool connection during A’s transaction cannot leave the old row cached after the commit', async () => {
    const { account, user } = await seed(a);
    let written!: () => void;
    let release!: () => void;
    const wrote = new Promise<void>((r) => (written = r));
    const gate = new Promise<void>((r) => (release = r));
    const tx = a.transaction(async (t) => {
      await t.users.update({ ...user, firstName: 'After commit' });
      written();
      await gate;
    });
    try {
      // (Racing `tx`: if the transaction fails early, this test fails instead of waiting forever.)
      await Promise.race([wrote, tx]);
      // Uncommitted: another pool connection still reads (and may cache) the old row …
      expect((await a.users.get(account.id, user.id))?.firstName).toBe(user.firstName);
    } finally {
      // Always end the transaction: one left open would hold its locks and keep the schema from being dropped.
      release();
    }
    await tx;
    // … but the transaction dropped the cache again when it committed.
    expect((await a.users.get(account.id, user.id))?.firstName).toBe('After commit');
  });

  it('a transaction that rolls back leaves A reading the original row', async () => {
    const { account, user } = await seed(a);
    expect((await a.users.get(account.id, user.id))?.firstName).toBe(user.firstName);
    await expect(
      a.transaction(async (tx) => {
        await tx.users.update({ ...user, firstName: 'Rolled back' });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect((await a.users.get(account.id, user.id))?.firstName).toBe(user.firstName);
  });

  it('what a transaction wrote and read back is never served to readers outside it', async () => {
    const { account, user } = await seed(a);
    const hook = makeHook({ event: 'onMeetingClosed', url: `https://hooks.example.org/${tag()}` });
    await a.webhookConfig.save(hook);
    expect((await a.webhookConfig.get(hook.event))?.url).toBe(hook.url);
    expect((await a.users.get(account.id, user.id))?.firstName).toBe(user.firstName);
    let readBack!: () => void;
    let release!: () => void;
    const inside = new Promise<void>((r) => (readBack = r));
    const gate = new Promise<void>((r) => (release = r));
    const tx = a.transaction(async (t) => {
      await t.webhookConfig.save({ ...hook, url: 'https://uncommitted.example.org/' });
      await t.users.update({ ...user, firstName: 'Uncommitted' });
      expect((await t.webhookConfig.get(hook.event))?.url).toBe('https://uncommitted.example.org/');
      expect((await t.webhookConfig.list()).find((h) => h.event === hook.event)?.url).toBe('https://uncommitted.example.org/');
      expect((await t.users.get(account.id, user.id))?.firstName).toBe('Uncommitted');
      readBack();
      await gate;
      throw new Error('abort');
    });
    try {
      await Promise.race([inside, tx]);
      // Outside the transaction (another pool connection): the committed rows, not what the transaction read.
      expect((await a.webhookConfig.get(hook.event))?.url).toBe(hook.url);
      expect((await a.webhookConfig.list()).find((h) => h.event === hook.event)?.url).toBe(hook.url);
      expect((await a.users.get(account.id, user.id))?.firstName).toBe(user.firstName);
    } finally {
      release();
    }
    await expect(tx).rejects.toThrow('abort');
    expect((await a.webhookConfig.get(hook.event))?.url).toBe(hook.url);
    expect((await a.users.get(account.id, user.id))?.firstName).toBe(user.firstName);
  });
});
