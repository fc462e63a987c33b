/**
 * The bootstrap file (src/bootstrap.ts): checking, applying, and applying again without change.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { harness, type Harness } from '../../test/support/app.js';
import { applyBootstrap, BootstrapError, checkBootstrap, loadBootstrapFile, type BootstrapFile } from '../bootstrap.js';
import { hashKeySecret, issueApiKey } from '../domain/accounts/issueApiKey.js';
import type { Store } from '../domain/ports.js';
import { verifyPassword } from '../infra/secrets.js';

const ACCOUNT_ID = '65f0c0ffee0000000000a001';
const INSTANCE_SECRET = 'bootstrap-instance-secret-001';
const ACME_KEY = 'acme-account-key-secret-0001';

/** A file with every feature: instance key, fixed id, admin identities, users, a key. */
function sample(): BootstrapFile {
  return {
    instanceKeys: [INSTANCE_SECRET],
    accounts: [
      {
        id: ACCOUNT_ID,
        name: 'Acme',
        accountType: 'paid',
        admin: { email: 'Admin@Acme.test', firstName: 'Ada', lastName: 'Admin', password: 'admin-password', timezone: 'Europe/Berlin', loginName: 'acme-admin', unionId: 'adminUnion01' },
        users: [
          { email: 'bob@acme.test', firstName: 'Bob', lastName: 'Builder', unionId: 'bobUnion' },
          { email: 'carol@acme.test', firstName: 'Carol', lastName: 'Chair', isAdmin: true, preferredLanguage: 'fr' },
        ],
        keys: [{ secret: ACME_KEY, permissions: ['account'], name: 'ci' }],
      },
      { admin: { email: 'solo@example.com', firstName: 'Solo', lastName: 'Owner' } },
    ],
  };
}

/** Everything the file can touch, in a stable order, for before/after comparisons. */
async function snapshot(store: Store) {
  const { items: accounts } = await store.accounts.list({ offset: 0, limit: 1000 });
  accounts.sort((a, b) => a.id.localeCompare(b.id));
  const users = [];
  const keys = [];
  for (const a of accounts) {
    users.push(...(await store.users.list(a.id, { offset: 0, limit: 1000, sort: 'createdAt' })).items);
    keys.push(...(await store.apiKeys.listByAccount(a.id)));
  }
  return { accounts, users, keys, instanceKeys: await store.apiKeys.listInstance() };
}

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  await h.close();
});

/** Checks and applies `raw` as main.ts does. */
async function apply(raw: unknown) {
  const { content, warnings } = checkBootstrap(raw, 'test.json');
  return applyBootstrap(h.deps, content, { file: 'test.json', warnings });
}

describe('applyBootstrap()', () => {
  it('creates instance keys, accounts with fixed ids, admins, users and keys, all usable through the API', async () => {
    const report = await apply(sample());
    expect(report).toEqual({
      instanceKeys: { created: 1, existing: 0 },
      accounts: { created: 2, updated: 0, unchanged: 0 },
      users: { created: 4, updated: 0, unchanged: 0 },
      keys: { created: 1, existing: 0 },
      warnings: [],
    });
    const account = await h.store.accounts.get('*', ACCOUNT_ID);
    expect(account).toMatchObject({ name: 'Acme', accountType: 'paid', paidUntil: null });
    const admin = await h.store.users.getByEmail('*', 'admin@acme.test');
    expect(admin).toMatchObject({ accountId: ACCOUNT_ID, isAdmin: true, timezone: 'Europe/Berlin', loginName: 'acme-admin', unionId: 'adminUnion01' });
    expect(await verifyPassword('admin-password', admin?.passwordHash ?? null)).toBe(true);
    expect(await h.store.users.getByEmail('*', 'bob@acme.test')).toMatchObject({ isAdmin: false, unionId: 'bobUnion', loginName: 'bob@acme.test', passwordHash: null });
    expect(await h.store.users.getByEmail('*', 'carol@acme.test')).toMatchObject({ isAdmin: true, preferredLanguage: 'fr' });
    const solo = await h.store.users.getByEmail('*', 'solo@example.com');
    expect(await h.store.accounts.get('*', solo?.accountId ?? '')).toMatchObject({ name: 'solo@example.com', accountType: 'free' });

    // The keys authenticate: the instance key lists accounts, the account key reads its own account only.
    const viaInstance = await h.call('GET', '/api/v6/account', undefined, { 'x-api-key': INSTANCE_SECRET });
    expect(viaInstance.json().data.map((a: { name: string }) => a.name).sort()).toEqual(['Acme', 'solo@example.com']);
    const own = await h.call('GET', `/api/v6/account/${ACCOUNT_ID}`, undefined, { 'x-api-key': ACME_KEY });
    expect(own.json()).toMatchObject({ responseCode: 0, data: { id: ACCOUNT_ID, name: 'Acme' } });
    const other = await h.call('GET', `/api/v6/account/${solo?.accountId}`, undefined, { 'x-api-key': ACME_KEY });
    expect(other.json().responseCode).toBe(-3);
    expect((await h.store.apiKeys.getByHash(hashKeySecret(ACME_KEY)))?.permissions).toEqual(['account']);
  });

  it('applied twice gives the same state: the second run changes nothing', async () => {
    await apply(sample());
    const before = await snapshot(h.store);
    const report = await apply(sample());
    expect(report).toEqual({
      instanceKeys: { created: 0, existing: 1 },
      accounts: { created: 0, updated: 0, unchanged: 2 },
      users: { created: 0, updated: 0, unchanged: 4 },
      keys: { created: 0, existing: 1 },
      warnings: [],
    });
    expect(await snapshot(h.store)).toEqual(before);
    expect(before.accounts).toHaveLength(2);
    expect(before.users).toHaveLength(4);
  });

  it('updates the profile fields the file states, promotes but never demotes, and keeps what it does not state', async () => {
    await apply(sample());
    const bobBefore = await h.store.users.getByEmail('*', 'bob@acme.test');
    const file = sample();
    const acme = file.accounts![0]!;
    acme.name = 'Acme Corp';
    acme.admin = { ...acme.admin, password: 'a-new-password', lastName: 'Administrator' };
    acme.users = [
      { email: 'bob@acme.test', firstName: 'Robert', lastName: 'Builder', isAdmin: true },
      { email: 'carol@acme.test', firstName: 'Carol', lastName: 'Chair', isAdmin: false },
      { email: 'dave@acme.test', firstName: 'Dave', lastName: 'New' },
    ];
    const report = await apply(file);
    expect(report.accounts).toEqual({ created: 0, updated: 1, unchanged: 1 });
    expect(report.users).toEqual({ created: 1, updated: 2, unchanged: 2 });
    expect((await h.store.accounts.get('*', ACCOUNT_ID))?.name).toBe('Acme Corp');
    const admin = await h.store.users.getByEmail('*', 'admin@acme.test');
    expect(admin?.lastName).toBe('Administrator');
    expect(await verifyPassword('a-new-password', admin?.passwordHash ?? null)).toBe(true);
    const bob = await h.store.users.getByEmail('*', 'bob@acme.test');
    // unionId is not stated any more: kept, not regenerated.
    expect(bob).toMatchObject({ firstName: 'Robert', isAdmin: true, unionId: 'bobUnion', id: bobBefore?.id, icsToken: bobBefore?.icsToken });
    expect((await h.store.users.getByEmail('*', 'carol@acme.test'))?.isAdmin).toBe(true);
    expect(await h.store.users.getByEmail('*', 'dave@acme.test')).toMatchObject({ accountId: ACCOUNT_ID, isAdmin: false });
  });

  it('finds an account without id by its admin’s email, and adds the admin to an account found by id', async () => {
    await apply({ accounts: [{ admin: { email: 'owner@example.com', firstName: 'O', lastName: 'W' } }] });
    const owner = await h.store.users.getByEmail('*', 'owner@example.com');
    const again = await apply({ accounts: [{ name: 'Renamed', admin: { email: 'owner@example.com', firstName: 'O', lastName: 'W' }, users: [{ email: 'x@example.com', firstName: 'X', lastName: 'Y' }] }] });
    expect(again.accounts).toEqual({ created: 0, updated: 1, unchanged: 0 });
    expect((await h.store.users.getByEmail('*', 'x@example.com'))?.accountId).toBe(owner?.accountId);

    const byId = await apply({ accounts: [{ id: owner!.accountId, admin: { email: 'second-admin@example.com', firstName: 'S', lastName: 'A' } }] });
    expect(byId.users).toEqual({ created: 1, updated: 0, unchanged: 0 });
    expect(await h.store.users.getByEmail('*', 'second-admin@example.com')).toMatchObject({ accountId: owner?.accountId, isAdmin: true });
  });

  it('warns about unknown keys, revoked keys and a changed accountType, and changes none of them', async () => {
    await apply(sample());
    const key = await h.store.apiKeys.getByHash(hashKeySecret(ACME_KEY));
    await h.store.apiKeys.revoke(key!.id, 1);
    const instance = await h.store.apiKeys.getByHash(hashKeySecret(INSTANCE_SECRET));
    await h.store.apiKeys.revoke(instance!.id, 1);
    const file = sample() as unknown as { accounts: Array<Record<string, unknown>> } & Record<string, unknown>;
    file.accounts[0]!.accountType = 'trial';
    file.accounts[0]!.dingtalkApps = [];
    file.webhooks = {};
    const report = await apply(file);
    expect(report.warnings).toEqual([
      'webhooks is not a known key and was ignored',
      'accounts[0].dingtalkApps is not a known key and was ignored',
      `instanceKeys[0] names key ${instance!.id}, which was revoked; it stays revoked`,
      `accounts[0].accountType: account ${ACCOUNT_ID} is "paid"; the file's "trial" applies only when the account is created`,
      `accounts[0].keys[0] names key ${key!.id}, which was revoked; it stays revoked`,
    ]);
    expect((await h.store.apiKeys.getByHash(hashKeySecret(ACME_KEY)))?.revokedAt).toBe(1);
    expect((await h.store.accounts.get('*', ACCOUNT_ID))?.accountType).toBe('paid');
  });

  it('refuses an email of another account, and writes nothing of that account', async () => {
    await apply({ accounts: [{ admin: { email: 'taken@example.com', firstName: 'T', lastName: 'K' } }] });
    const taken = await h.store.users.getByEmail('*', 'taken@example.com');
    const before = await snapshot(h.store);
    const attempt = apply({
      accounts: [{ id: ACCOUNT_ID, admin: { email: 'new-admin@example.com', firstName: 'N', lastName: 'A' }, users: [{ email: 'taken@example.com', firstName: 'T', lastName: 'K' }] }],
    });
    await expect(attempt).rejects.toThrow(BootstrapError);
    await expect(attempt).rejects.toMatchObject({ problems: [`accounts[0].users[0].email taken@example.com belongs to user ${taken!.id} of another account (${taken!.accountId})`] });
    expect(await snapshot(h.store)).toEqual(before);

    await expect(apply({ accounts: [{ id: ACCOUNT_ID, admin: { email: 'taken@example.com', firstName: 'T', lastName: 'K' } }] })).rejects.toMatchObject({
      problems: [`accounts[0].admin.email taken@example.com belongs to another account (${taken!.accountId})`],
    });
  });

  it('refuses a secret that belongs to another key, a login name or unionId in use', async () => {
    await apply(sample());
    await expect(apply({ instanceKeys: [ACME_KEY] })).rejects.toMatchObject({ problems: [expect.stringMatching(/^instanceKeys\[0\] is the secret of an account-level key \([0-9a-f]{24}\)$/)] });
    await expect(apply({ accounts: [{ admin: { email: 'z@example.com', firstName: 'Z', lastName: 'Z' }, keys: [{ secret: INSTANCE_SECRET }] }] })).rejects.toMatchObject({
      problems: [expect.stringMatching(/^accounts\[0\]\.keys\[0\]\.secret is the secret of another key \([0-9a-f]{24}, instance level\)$/)],
    });
    expect(await h.store.users.getByEmail('*', 'z@example.com')).toBeUndefined();
    await expect(apply({ accounts: [{ admin: { email: 'y@example.com', firstName: 'Y', lastName: 'Y', loginName: 'acme-admin' } }] })).rejects.toMatchObject({
      problems: [expect.stringMatching(/^accounts\[0\]\.admin\.loginName acme-admin is already used by user [0-9a-f]{24}$/)],
    });
    const clash = sample();
    clash.accounts![0]!.users![0] = { email: 'bob@acme.test', firstName: 'Bob', lastName: 'Builder', unionId: 'adminUnion01' };
    await expect(apply(clash)).rejects.toMatchObject({ problems: [expect.stringMatching(/^accounts\[0\]\.users\[0\]: unionId adminUnion01 is already used by user [0-9a-f]{24} of this account$/)] });
    expect((await h.store.users.getByEmail('*', 'bob@acme.test'))?.unionId).toBe('bobUnion');
  });

  it('keeps an existing key as it is even when the file names other permissions', async () => {
    await h.store.transaction((tx) => issueApiKey(tx, h.deps, { level: 'instance', accountId: null, permissions: ['meeting'], name: 'manual', secret: INSTANCE_SECRET }));
    const report = await apply({ instanceKeys: [INSTANCE_SECRET] });
    expect(report.instanceKeys).toEqual({ created: 0, existing: 1 });
    expect((await h.store.apiKeys.getByHash(hashKeySecret(INSTANCE_SECRET)))?.permissions).toEqual(['meeting']);
  });
});

describe('checkBootstrap()', () => {
  it('reports every problem at once, with its JSON path', () => {
    const raw = {
      instanceKeys: ['short', 7],
      accounts: [
        {
          id: 'XYZ',
          accountType: 'gold',
          admin: { email: 'bad', firstName: '', password: 'short', timezone: 'Nowhere/City', preferredLanguage: 'xx', unionId: 'has space' },
          users: [{ email: 'u@example.com', firstName: 'U', lastName: 'U', isAdmin: 'yes' }, 'nope'],
          keys: [{ secret: 'tiny', permissions: ['admin'] }, { permissions: [] }, 3],
        },
        { admin: { email: 'U@example.com', firstName: 'U', lastName: 'U' }, users: {}, keys: {} },
        'x',
        {},
      ],
    };
    let error: BootstrapError | undefined;
    try {
      checkBootstrap(raw, 'f.json');
    } catch (e) {
      error = e as BootstrapError;
    }
    expect(error).toBeInstanceOf(BootstrapError);
    expect(error?.problems).toEqual([
      'instanceKeys[0] must be 16–512 characters',
      'instanceKeys[1] must be a non-empty string',
      'accounts[0].id must be 24 lower-case hex characters',
      'accounts[0].accountType must be one of trial, paid, free',
      'accounts[0].admin.email must be an email address',
      'accounts[0].admin.firstName must be a non-empty string',
      'accounts[0].admin.lastName is required',
      'accounts[0].admin.password must be at least 8 characters',
      'accounts[0].admin.timezone must be an IANA time zone',
      'accounts[0].admin.preferredLanguage must be one of en, de, fr, it',
      'accounts[0].admin.unionId must be 1–64 characters of A-Z a-z 0-9 _ -',
      'accounts[0].users[0].isAdmin must be true or false',
      'accounts[0].users[1] must be an object',
      'accounts[0].keys[0].secret must be 16–512 characters',
      'accounts[0].keys[0].permissions must be a non-empty array of "account", "meeting"',
      'accounts[0].keys[1].secret is required',
      'accounts[0].keys[1].permissions must be a non-empty array of "account", "meeting"',
      'accounts[0].keys[2] must be an object',
      'accounts[1].admin.email repeats the email of accounts[0].users[0].email',
      'accounts[1].users must be an array',
      'accounts[1].keys must be an array',
      'accounts[2] must be an object',
      'accounts[3].admin is required',
    ]);
    expect(error?.message.split('\n')[0]).toBe('Invalid bootstrap file f.json:');
  });

  it('refuses a secret used twice and an id used twice', () => {
    const admin = (email: string) => ({ email, firstName: 'A', lastName: 'B' });
    expect(() =>
      checkBootstrap({
        instanceKeys: ['same-secret-0123456789'],
        accounts: [
          { id: 'a'.repeat(24), admin: admin('a@example.com'), keys: [{ secret: 'same-secret-0123456789' }] },
          { id: 'a'.repeat(24), admin: admin('b@example.com') },
        ],
      }),
    ).toThrow(
      expect.objectContaining({
        problems: ['accounts[0].keys[0].secret repeats the secret of instanceKeys[0]', 'accounts[1].id repeats the id of accounts[0].id'],
      }),
    );
  });

  it('accepts an empty object and refuses anything but an object', () => {
    expect(checkBootstrap({})).toEqual({ content: {}, warnings: [] });
    expect(() => checkBootstrap([])).toThrow('the file must contain one JSON object');
    expect(() => checkBootstrap({ instanceKeys: 'k', accounts: {} })).toThrow(expect.objectContaining({ problems: ['instanceKeys must be an array of strings', 'accounts must be an array'] }));
  });
});

describe('loadBootstrapFile()', () => {
  const dir = mkdtempSync(join(tmpdir(), 'convene-bootstrap-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads and checks a file', async () => {
    const file = join(dir, 'ok.json');
    writeFileSync(file, JSON.stringify({ instanceKeys: [INSTANCE_SECRET], extra: 1 }));
    expect(await loadBootstrapFile(file)).toEqual({ content: { instanceKeys: [INSTANCE_SECRET] }, warnings: ['extra is not a known key and was ignored'] });
  });

  it('names a missing file and a file that is not JSON', async () => {
    const missing = join(dir, 'missing.json');
    await expect(loadBootstrapFile(missing)).rejects.toMatchObject({ problems: [expect.stringMatching(/^cannot be read: ENOENT/)] });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"accounts": [');
    await expect(loadBootstrapFile(bad)).rejects.toMatchObject({ problems: [expect.stringMatching(/^is not valid JSON: /)] });
  });
});
