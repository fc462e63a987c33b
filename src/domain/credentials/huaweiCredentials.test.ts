/**
 * The Huawei credential commands on a real SQLite store: access-token issue and its count rules, app
 * credentials (generated shapes, the key sealed at rest), revocation, and the HMAC of the §6.3 example.
 * The sign-in flows themselves are proven through the API (src/api/huawei-mmc/usg.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { createSecretBox } from '../../infra/secretBox.js';
import { FixedClock } from '../../infra/ids.js';
import { createStore, type SqlStore } from '../../storage/index.js';
import { createDeps } from '../../wiring.js';
import { createAccount } from '../accounts/createAccount.js';
import type { Deps } from '../deps.js';
import { DomainError } from '../errors.js';
import { createAppCredential } from './createAppCredential.js';
import { ACCESS_TOKEN_PATTERN, ACCESS_TOKEN_TTL_MS, generateAccessToken, hashAccessToken, issueAccessToken } from './issueAccessToken.js';
import { revokeAppCredential } from './revokeAppCredential.js';
import { appSignature } from './signInWithApp.js';

const T0 = Date.UTC(2026, 11, 1, 8, 40);
let store: SqlStore;
let deps: Deps;
let clock: FixedClock;
let accountId: string;
let userId: string;

beforeEach(async () => {
  clock = new FixedClock(T0);
  store = await createStore({ url: ':memory:', secrets: createSecretBox('unit-test-secret') });
  deps = await createDeps(store, loadConfig({ CONVENE_PUBLIC_URL: 'https://meet.example.com', LOG_LEVEL: 'silent' }), { clock });
  const { account, admin } = await createAccount(deps, { level: 'instance', accountId: null, user: null, credentialId: 'test' }, {
    sendPassword: false,
    accountType: 'paid',
    adminFirstname: 'Anna',
    adminLastname: 'Muster',
    adminEmail: 'anna@example.com',
    adminPreferredLanguage: 'en',
    paidUntil: null,
  });
  accountId = account.id;
  userId = admin.id;
});
afterEach(() => store.close());

const issue = (clientType: number, appId: string | null = null) => store.transaction((tx) => issueAccessToken(tx, deps, { accountId, userId, appId, clientType, ip: '203.0.113.7' }));

describe('issueAccessToken()', () => {
  it('issues `stb` + 33 alphanumerics, stored only as SHA-256, valid 24 h', async () => {
    const { token, record } = await issue(72);
    expect(token).toMatch(ACCESS_TOKEN_PATTERN);
    expect(record).toEqual({ hash: hashAccessToken(token), dialect: 'huawei', accountId, userId, appId: null, clientType: 72, createdAt: T0, expiresAt: T0 + ACCESS_TOKEN_TTL_MS, revokedAt: null, lastUsedIp: '203.0.113.7' });
    expect(await store.accessTokens.get(record.hash)).toEqual(record);
    const rows = await store.db.selectFrom('access_tokens').select('hash').execute();
    expect(rows.map((r) => r.hash)).toEqual([hashAccessToken(token)]);
  });

  it('generates distinct tokens of the right shape even from short random runs', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) seen.add(generateAccessToken(deps.ids));
    expect(seen.size).toBe(200);
    for (const t of seen) expect(t).toMatch(ACCESS_TOKEN_PATTERN);
    // An id source that yields mostly `-`/`_` still ends with 33 valid characters.
    let n = 0;
    const stingy = { secret: () => (++n % 2 ? '-_-_-_-_-_-_-_-_-_-_aB3' : 'x'.repeat(10)) };
    expect(generateAccessToken(stingy)).toMatch(ACCESS_TOKEN_PATTERN);
  });

  it('revokes the oldest clientType 72 token when a 65th is issued, and only that one', async () => {
    const tokens = [];
    for (let i = 0; i < 65; i++) {
      clock.advance(1);
      tokens.push(await issue(72));
    }
    const live = await store.accessTokens.listLiveByUser('huawei', userId, clock.now());
    expect(live).toHaveLength(64);
    expect(live.map((t) => t.hash)).not.toContain(tokens[0]!.record.hash);
    expect((await store.accessTokens.get(tokens[0]!.record.hash))?.revokedAt).toBe(clock.now());
  });

  it('keeps a single token per other clientType and leaves other clientTypes alone', async () => {
    const sdk = await issue(72);
    const a = await issue(0);
    clock.advance(1);
    const b = await issue(0);
    const c = await issue(5);
    const live = (await store.accessTokens.listLiveByUser('huawei', userId, clock.now())).map((t) => t.hash);
    expect(live.sort()).toEqual([sdk.record.hash, b.record.hash, c.record.hash].sort());
    expect((await store.accessTokens.get(a.record.hash))?.revokedAt).toBe(clock.now());
  });
});

describe('createAppCredential()', () => {
  it('generates a 32-hex App ID and a 32-character key, and stores the key sealed', async () => {
    const { app, appKey } = await createAppCredential(deps, { accountId, name: 'crm' });
    expect(app.appId).toMatch(/^[0-9a-f]{32}$/);
    expect(appKey).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(app).toMatchObject({ dialect: 'huawei', accountId, name: 'crm', secretHash: null, createdAt: T0, revokedAt: null });
    const raw = await store.db.selectFrom('app_credentials').select('secret_sealed').where('app_id', '=', app.appId).executeTakeFirstOrThrow();
    const sealed = raw.secret_sealed as string;
    expect(sealed).toMatch(/^v1:/);
    expect(sealed).not.toContain(appKey);
    expect((await store.appCredentials.get(app.appId))?.secretSealed).toBe(appKey);
  });

  it('creates instance-level apps, takes fixed credentials, and refuses an unknown account or a taken App ID', async () => {
    const sp = await createAppCredential(deps, { accountId: null });
    expect(sp.app).toMatchObject({ accountId: null, name: 'app' });
    const fixed = await createAppCredential(deps, { accountId, appId: 'a1c3e5f7092b4d6f8a0c2e4f6b8d0a1c', appKey: 'k9X2mQ7vR4tL1pZ8wC5nH3jF6dS0aGyE' });
    expect(fixed.appKey).toBe('k9X2mQ7vR4tL1pZ8wC5nH3jF6dS0aGyE');
    await expect(createAppCredential(deps, { accountId: 'ffffffffffffffffffffffff' })).rejects.toMatchObject({ code: 'account.not_found' });
    await expect(createAppCredential(deps, { accountId, appId: 'a1c3e5f7092b4d6f8a0c2e4f6b8d0a1c' })).rejects.toBeInstanceOf(DomainError);
    expect(await store.appCredentials.listByAccount('huawei', accountId)).toHaveLength(1);
  });
});

describe('revokeAppCredential()', () => {
  it('revokes the app and every token it issued, once; unknown apps are undefined', async () => {
    const { app } = await createAppCredential(deps, { accountId });
    const viaApp = await issue(72, app.appId);
    const viaPassword = await issue(72);
    clock.advance(5);
    expect(await revokeAppCredential(deps, app.appId)).toEqual({ app: { ...app, revokedAt: T0 + 5 }, tokensRevoked: 1 });
    expect((await store.accessTokens.get(viaApp.record.hash))?.revokedAt).toBe(T0 + 5);
    expect((await store.accessTokens.get(viaPassword.record.hash))?.revokedAt).toBeNull();
    clock.advance(5);
    expect(await revokeAppCredential(deps, app.appId)).toEqual({ app: { ...app, revokedAt: T0 + 5 }, tokensRevoked: 0 });
    expect(await revokeAppCredential(deps, 'f'.repeat(32))).toBeUndefined();
  });
});

describe('appSignature()', () => {
  it('reproduces the §6.3 example signature', () => {
    expect(appSignature('k9X2mQ7vR4tL1pZ8wC5nH3jF6dS0aGyE', 'a1c3e5f7092b4d6f8a0c2e4f6b8d0a1c:crm-4711:1796115600:6f1c2a9e-3b7d-4e58-9a0c-1d2e3f4a5b6c')).toBe(
      'b75fb8a54dd0c89eb0db73bbe371e9e9df2080eb97f4092005fd24db87c6f2d4',
    );
  });
});
