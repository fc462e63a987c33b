/**
 * DingTalk app credentials and tokens on a real SQLite store (dingtalk-conference.md §3.2, §3.5): generated
 * shapes, the secret stored only as a hash, the 2-hour token stored only as a hash, the identical refusal of
 * every bad credential, and revocation.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { FixedClock } from '../../infra/ids.js';
import { createStore, type SqlStore } from '../../storage/index.js';
import { createDeps } from '../../wiring.js';
import { createAccount } from '../accounts/createAccount.js';
import type { Deps } from '../deps.js';
import { DomainError } from '../errors.js';
import { createDingtalkApp, hashDingtalkSecret, revokeDingtalkApp } from './createDingtalkApp.js';
import { hashAccessToken } from './issueAccessToken.js';
import { DINGTALK_TOKEN_TTL_MS, issueDingtalkToken } from './issueDingtalkToken.js';

const T0 = Date.UTC(2026, 11, 1, 8, 40);
let store: SqlStore;
let deps: Deps;
let accountId: string;

beforeEach(async () => {
  store = await createStore({ url: ':memory:' });
  deps = await createDeps(store, loadConfig({ CONVENE_PUBLIC_URL: 'https://meet.example.com', LOG_LEVEL: 'silent' }), { clock: new FixedClock(T0) });
  const { account } = await createAccount(deps, { level: 'instance', accountId: null, user: null, credentialId: 'test' }, {
    sendPassword: false,
    accountType: 'paid',
    adminFirstname: 'Anna',
    adminLastname: 'Muster',
    adminEmail: 'anna@example.com',
    adminPreferredLanguage: 'en',
    paidUntil: null,
  });
  accountId = account.id;
});
afterEach(async () => {
  await store.close();
});

async function refused(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return (e as DomainError).code;
  }
  throw new Error('expected a refusal');
}

describe('createDingtalkApp', () => {
  it('generates ding + 16 alphanumerics and a 64-character secret, stored only as SHA-256', async () => {
    const { app, appKey, appSecret } = await createDingtalkApp(deps, { accountId, name: 'ci' });
    expect(appKey).toMatch(/^ding[a-z0-9]{16}$/);
    expect(appSecret).toMatch(/^[A-Za-z0-9_-]{64}$/);
    const stored = await store.appCredentials.get(appKey);
    expect(stored).toEqual({ ...app, appId: appKey, dialect: 'dingtalk', accountId, name: 'ci', secretSealed: null, secretHash: hashDingtalkSecret(appSecret), createdAt: T0, revokedAt: null });
  });

  it('fixed credentials; a taken key and an unknown account are refused', async () => {
    await createDingtalkApp(deps, { accountId, appKey: 'dingappkeyci000001', appSecret: 'ci-secret-please-change' });
    expect(await refused(createDingtalkApp(deps, { accountId, appKey: 'dingappkeyci000001' }))).toBe('validation.failed');
    expect(await refused(createDingtalkApp(deps, { accountId: '0123456789abcdef01234567' }))).toBe('account.not_found');
  });
});

describe('issueDingtalkToken', () => {
  it('issues a 32-hex token valid 7200 s, stored as its hash with app and account', async () => {
    const { appKey, appSecret } = await createDingtalkApp(deps, { accountId });
    const { token, record } = await issueDingtalkToken(deps, { appKey, appSecret, ip: '127.0.0.1' });
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect(await store.accessTokens.get(hashAccessToken(token))).toEqual(record);
    expect(record).toMatchObject({ dialect: 'dingtalk', accountId, userId: null, appId: appKey, expiresAt: T0 + DINGTALK_TOKEN_TTL_MS, revokedAt: null });
  });

  it('unknown key, wrong secret and a revoked app fail alike', async () => {
    const { appKey, appSecret } = await createDingtalkApp(deps, { accountId });
    expect(await refused(issueDingtalkToken(deps, { appKey: 'dingnope', appSecret, ip: null }))).toBe('auth.key_invalid');
    expect(await refused(issueDingtalkToken(deps, { appKey, appSecret: `${appSecret}x`, ip: null }))).toBe('auth.key_invalid');
    const { token } = await issueDingtalkToken(deps, { appKey, appSecret, ip: null });
    expect(await revokeDingtalkApp(deps, appKey)).toMatchObject({ tokensRevoked: 1, app: { revokedAt: T0 } });
    expect((await store.accessTokens.get(hashAccessToken(token)))?.revokedAt).toBe(T0);
    expect(await refused(issueDingtalkToken(deps, { appKey, appSecret, ip: null }))).toBe('auth.key_invalid');
    expect(await revokeDingtalkApp(deps, 'dingnope')).toBeUndefined();
  });
});
