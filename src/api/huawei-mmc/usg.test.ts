/**
 * H1 `POST /v1/usg/acs/auth/account` and H2 `POST /v2/usg/acs/auth/appauth` (huawei-meeting.md §2.2, §2.4,
 * §6.2, §6.3, §10) through the real app: exact bodies and key sets, every error row, the Basic and HMAC
 * variants the SDKs send, token storage, count rules and expiry.
 */
import { createHmac } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { basic, huaweiHarness, PASSWORD, type HuaweiHarness, type TestUser } from '../../../test/support/huaweiApp.js';
import { createAppCredential } from '../../domain/credentials/createAppCredential.js';
import { hashAccessToken, MAX_MULTI_TOKENS } from '../../domain/credentials/issueAccessToken.js';
import { revokeAppCredential } from '../../domain/credentials/revokeAppCredential.js';
import { FixedClock } from '../../infra/ids.js';

/** 2026-12-01 08:40:00 UTC, the time of the §6.2 example. */
const T0 = Date.UTC(2026, 11, 1, 8, 40);
const AUTH_KEYS = ['accessToken', 'tokenIp', 'validPeriod', 'expireTime', 'createTime', 'clientType', 'tokenType', 'firstLogin', 'pwdExpired', 'delayDelete', 'user'];
const USER_KEYS = ['userId', 'ucloginAccount', 'serviceAccount', 'name', 'userType', 'adminType', 'companyId', 'status', 'corpType'];

let h: HuaweiHarness;
let clock: FixedClock;
let accountId: string;
let anna: TestUser;

beforeEach(async () => {
  clock = new FixedClock(T0);
  h = await huaweiHarness({ clock });
  ({ accountId, admin: anna } = await h.newAccount({ email: 'anna@example.com' }));
});
afterEach(() => h.close());

function h1(o: { authorization?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<LightMyRequestResponse> {
  return h.app.inject({
    method: 'POST',
    url: '/v1/usg/acs/auth/account',
    headers: { 'content-type': 'application/json; charset=UTF-8', ...(o.authorization !== undefined ? { authorization: o.authorization } : {}), ...o.headers },
    ...(o.body !== undefined ? { payload: typeof o.body === 'string' ? o.body : JSON.stringify(o.body) } : {}),
  });
}

/** The §5.1 error body with this code, message and detail (request_id = the X-Request-Id header). */
function expectError(res: LightMyRequestResponse, status: number, code: string, msg: string, detail: string): void {
  expect({ status: res.statusCode, body: res.json() }).toEqual({ status, body: { error_code: code, error_msg: msg, error_detail: detail, request_id: res.headers['x-request-id'] } });
  expect(Object.keys(res.json())).toEqual(['error_code', 'error_msg', 'error_detail', 'request_id']);
  expect(res.headers['content-type']).toBe('application/json;charset=UTF-8');
}

/** A management call that tells whether an access token is accepted. */
async function tokenWorks(token: string): Promise<boolean> {
  const res = await h.hw('GET', '/v1/mmc/management/conferences', { token });
  if (res.statusCode === 401) return false;
  expect(res.statusCode).toBe(200);
  return true;
}

describe('H1 POST /v1/usg/acs/auth/account', () => {
  it('answers the §6.2 example with exactly the §2.2 keys and stores only the token hash', async () => {
    const res = await h1({ authorization: basic('anna@example.com', PASSWORD), body: { account: 'anna@example.com', clientType: 72 } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json;charset=UTF-8');
    expect(res.headers['x-request-id']).toMatch(/.+/);
    const body = res.json();
    expect(body).toEqual({
      accessToken: expect.stringMatching(/^stb[A-Za-z0-9]{33}$/),
      tokenIp: '127.0.0.1',
      validPeriod: 86400,
      expireTime: 1796200800,
      createTime: 1796114400000,
      clientType: 72,
      tokenType: 0,
      firstLogin: false,
      pwdExpired: false,
      delayDelete: false,
      user: {
        userId: anna.user.huaweiUserUuid,
        ucloginAccount: 'anna@example.com',
        serviceAccount: anna.user.directoryNumber,
        name: 'Anna Muster',
        userType: 2,
        adminType: 0,
        companyId: accountId,
        status: 0,
        corpType: 0,
      },
    });
    expect(Object.keys(body)).toEqual(AUTH_KEYS);
    expect(Object.keys(body.user)).toEqual(USER_KEYS);
    expect(anna.user.huaweiUserUuid).toMatch(/^[0-9a-f]{32}$/);
    expect(anna.user.directoryNumber).toMatch(/^\+99\d{12}$/);
    const stored = await h.store.accessTokens.get(hashAccessToken(body.accessToken));
    expect(stored).toEqual({
      hash: hashAccessToken(body.accessToken),
      dialect: 'huawei',
      accountId,
      userId: anna.user.id,
      appId: null,
      clientType: 72,
      createdAt: T0,
      expiresAt: T0 + 86_400_000,
      revokedAt: null,
      lastUsedIp: '127.0.0.1',
    });
    expect(await h.store.accessTokens.get(body.accessToken)).toBeUndefined();
    expect(await tokenWorks(body.accessToken)).toBe(true);
  });

  it('accepts a missing body account, a missing body, an upper-case account name and ignores X-Access-Token, HA2 and unknown fields', async () => {
    for (const req of [
      { authorization: basic('anna@example.com', PASSWORD), body: { clientType: 72 } },
      { authorization: basic('anna@example.com', PASSWORD) },
      { authorization: basic('ANNA@Example.COM', PASSWORD), body: { account: 'Anna@Example.com', clientType: 72, HA2: 'x', extra: [1] } },
      { authorization: basic('anna@example.com', PASSWORD), body: '', headers: { 'x-access-token': 'garbage' } },
    ]) {
      const res = await h1(req);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().clientType).toBe(72);
      expect(res.json().user.ucloginAccount).toBe('anna@example.com');
    }
  });

  it('decodes a Latin-1 Basic header (Node SDK) and compares the account with the UTF-8 body', async () => {
    const login = 'jörg@example.com';
    const password = 'Pässwörd1';
    const { hashPassword } = await import('../../infra/secrets.js');
    await h.store.users.update({ ...anna.user, loginName: login, passwordHash: await hashPassword(password) });
    const res = await h1({ authorization: basic(login, password, 'latin1'), body: { account: login, clientType: 72 } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().user.ucloginAccount).toBe(login);
    const utf8 = await h1({ authorization: basic(login, password), body: { account: login, clientType: 72 } });
    expect(utf8.statusCode).toBe(200);
  });

  it('answers createTokenType 1 with the same body minus accessToken and stores no token', async () => {
    const res = await h1({ authorization: basic('anna@example.com', PASSWORD), body: { account: 'anna@example.com', clientType: 72, createTokenType: 1 } });
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json())).toEqual(AUTH_KEYS.slice(1));
    expect(res.json()).toMatchObject({ validPeriod: 86400, expireTime: 1796200800, createTime: 1796114400000 });
    expect(await h.store.accessTokens.listLiveByUser('huawei', anna.user.id, T0)).toEqual([]);
  });

  it('reports adminType 1 for other admins and 2 for members', async () => {
    const admin2 = await h.newUser(accountId, { admin: true });
    const bob = await h.newUser(accountId);
    const a = await h1({ authorization: basic(admin2.login, PASSWORD) });
    const b = await h1({ authorization: basic(bob.login, PASSWORD) });
    expect([a.json().user.adminType, b.json().user.adminType]).toEqual([1, 2]);
    expect(b.json().user.name).toBe('Bob Builder');
  });

  it.each([
    ['no Authorization header', undefined],
    ['a Bearer header', 'Bearer stbX5ElstO5QwOwPB9KGQWUZ1DHoFrTsQjjC'],
    ['Basic with non-base64', 'Basic !!!not base64!!!'],
    ['Basic without a colon', `Basic ${Buffer.from('anna@example.com').toString('base64')}`],
    ['Basic with an empty account', `Basic ${Buffer.from(`:${PASSWORD}`).toString('base64')}`],
    ['Basic alone', 'Basic'],
  ])('answers 401 USG.000000002 for %s', async (_name, authorization) => {
    const res = await h1({ ...(authorization === undefined ? {} : { authorization }), body: { account: 'anna@example.com', clientType: 72 } });
    expectError(res, 401, 'USG.000000002', 'AUTHORIZATION_INVALID', 'header Authorization must be Basic base64(account:password)');
  });

  it('answers a wrong password and an unknown account with the same 401 USG.000000003', async () => {
    const wrong = await h1({ authorization: basic('anna@example.com', 'wrong-password'), body: { account: 'anna@example.com', clientType: 72 } });
    expectError(wrong, 401, 'USG.000000003', 'ACCOUNT_OR_PASSWORD_ERROR', 'account or password is wrong');
    const unknown = await h1({ authorization: basic('nobody@example.com', PASSWORD), body: { account: 'nobody@example.com', clientType: 72 } });
    expectError(unknown, 401, 'USG.000000003', 'ACCOUNT_OR_PASSWORD_ERROR', 'account or password is wrong');
  });

  it('refuses a user without a password (app-provisioned users sign in only through H2)', async () => {
    await h.store.users.update({ ...anna.user, passwordHash: null });
    expectError(await h1({ authorization: basic('anna@example.com', PASSWORD) }), 401, 'USG.000000003', 'ACCOUNT_OR_PASSWORD_ERROR', 'account or password is wrong');
  });

  it.each([
    [{ account: 'bob@example.com', clientType: 72 }, 'account does not match the Authorization header'],
    [{ clientType: 'desktop' }, 'clientType should be an integer'],
    [{ clientType: 1.5 }, 'clientType should be an integer'],
    [{ clientType: 1000 }, 'clientType should be an integer from 0 to 999'],
    [{ clientType: true }, 'clientType should be an integer'],
    [{ account: ['anna@example.com'] }, 'account should be a string'],
    [{ createTokenType: 2 }, 'createTokenType should be 0 or 1'],
    [[1, 2], 'request body should be a JSON object'],
    ['"text"', 'request body should be a JSON object'],
  ])('answers 400 USG.000000001 for the body %j', async (body, detail) => {
    const res = await h1({ authorization: basic('anna@example.com', PASSWORD), body });
    expectError(res, 400, 'USG.000000001', 'PARAMETER_INVALID', detail);
  });

  it('accepts clientType as a decimal string (Jackson leniency)', async () => {
    const res = await h1({ authorization: basic('anna@example.com', PASSWORD), body: { clientType: '72' } });
    expect(res.json().clientType).toBe(72);
  });

  it('answers a body that is not JSON with 400 MMC.111070001', async () => {
    const res = await h1({ authorization: basic('anna@example.com', PASSWORD), body: '{"account":' });
    expectError(res, 400, 'MMC.111070001', 'CONF_BAD_REQUEST', 'request body is not valid JSON');
  });

  it('locks the account name after 5 failures in 15 minutes (403 USG.000000005), even with the right password, until 15 minutes pass', async () => {
    for (let i = 0; i < 5; i++) {
      clock.advance(60_000);
      expect((await h1({ authorization: basic('anna@example.com', 'wrong-password') })).statusCode).toBe(401);
    }
    const locked = await h1({ authorization: basic('anna@example.com', PASSWORD) });
    expectError(locked, 403, 'USG.000000005', 'ACCOUNT_LOCKED', 'too many failed sign-ins; the account is locked for 15 minutes');
    // The lock lasts 15 minutes from the fifth failure, whatever the name's case, and attempts meanwhile do not extend it.
    clock.advance(15 * 60_000 - 1);
    expect((await h1({ authorization: basic('ANNA@example.com', 'wrong-password') })).statusCode).toBe(403);
    expect((await h1({ authorization: basic('ANNA@example.com', PASSWORD) })).statusCode).toBe(403);
    clock.advance(1);
    expect((await h1({ authorization: basic('anna@example.com', PASSWORD) })).statusCode).toBe(200);
  });

  it('never counts successful sign-ins and clears the failures on success (§10.2)', async () => {
    for (let i = 0; i < 4; i++) expect((await h1({ authorization: basic('anna@example.com', 'wrong-password') })).statusCode).toBe(401);
    for (let i = 0; i < 20; i++) expect((await h1({ authorization: basic('anna@example.com', PASSWORD) })).statusCode).toBe(200);
    for (let i = 0; i < 4; i++) expect((await h1({ authorization: basic('anna@example.com', 'wrong-password') })).statusCode).toBe(401);
    expect((await h1({ authorization: basic('anna@example.com', PASSWORD) })).statusCode).toBe(200);
  });

  it('answers 403 USG.000000006 for an expired account, only after the password was checked', async () => {
    const account = await h.store.accounts.get(accountId, accountId);
    await h.store.accounts.update({ ...account!, paidUntil: T0 - 1 });
    expectError(await h1({ authorization: basic('anna@example.com', PASSWORD) }), 403, 'USG.000000006', 'ACCOUNT_DISABLED', 'the account is disabled or has expired');
    expectError(await h1({ authorization: basic('anna@example.com', 'wrong-password') }), 401, 'USG.000000003', 'ACCOUNT_OR_PASSWORD_ERROR', 'account or password is wrong');
  });
});

describe('access token lifetime and count rules', () => {
  it('expires a token exactly 24 h after issue, whatever its use (401 MMC.118000001 "access token expired")', async () => {
    const token = await h.signIn('anna@example.com');
    clock.advance(86_400_000 - 1);
    expect(await tokenWorks(token)).toBe(true);
    clock.advance(1);
    const res = await h.hw('GET', '/v1/mmc/management/conferences', { token });
    expectError(res, 401, 'MMC.118000001', 'USER_TOKEN_AUTH_FAILED', 'access token expired');
  });

  it('keeps up to 64 live clientType 72 tokens per user; the 65th sign-in revokes the oldest', async () => {
    const tokens: string[] = [];
    for (let i = 0; i < MAX_MULTI_TOKENS + 1; i++) {
      clock.advance(1000);
      tokens.push(await h.signIn('anna@example.com'));
    }
    expect(await h.store.accessTokens.listLiveByUser('huawei', anna.user.id, clock.now())).toHaveLength(64);
    const first = await h.hw('GET', '/v1/mmc/management/conferences', { token: tokens[0] });
    expectError(first, 401, 'MMC.118000001', 'USER_TOKEN_AUTH_FAILED', 'access token has been revoked');
    expect(await tokenWorks(tokens[1]!)).toBe(true);
    expect(await tokenWorks(tokens[64]!)).toBe(true);
  });

  it('keeps one token per other clientType, and a desktop sign-in does not revoke the SDK\u2019s clientType 72 token', async () => {
    const sdk = await h.signIn('anna@example.com', PASSWORD, 72);
    const desk1 = await h.signIn('anna@example.com', PASSWORD, 0);
    const desk2 = await h.signIn('anna@example.com', PASSWORD, 0);
    expect(await tokenWorks(desk1)).toBe(false);
    expect(await tokenWorks(desk2)).toBe(true);
    expect(await tokenWorks(sdk)).toBe(true);
  });

  it('rejects unknown, blank and oversized tokens', async () => {
    expectError(await h.hw('GET', '/v1/mmc/management/conferences', { token: 'stbX5ElstO5QwOwPB9KGQWUZ1DHoFrTsQjjC' }), 401, 'MMC.118000001', 'USER_TOKEN_AUTH_FAILED', 'access token is not valid');
    expectError(await h.hw('GET', '/v1/mmc/management/conferences', { token: 'x'.repeat(5000) }), 401, 'MMC.118000001', 'USER_TOKEN_AUTH_FAILED', 'access token is not valid');
    expectError(await h.hw('GET', '/v1/mmc/management/conferences', { token: '   ' }), 401, 'MMC.111070111', 'REQUEST_TOKEN_IS_NULL', 'header X-Access-Token is required');
  });

  it('refuses the token of a deleted user', async () => {
    const bob = await h.newUser(accountId);
    const token = await h.signIn(bob.login);
    await h.store.users.delete(accountId, bob.user.id);
    expect(await tokenWorks(token)).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------------------

/** The §6.3 app and request, verbatim. */
const APP_ID = 'a1c3e5f7092b4d6f8a0c2e4f6b8d0a1c';
const APP_KEY = 'k9X2mQ7vR4tL1pZ8wC5nH3jF6dS0aGyE';
const SPEC_AUTH = 'HMAC-SHA256 signature=B75FB8A54DD0C89EB0DB73BBE371E9E9DF2080EB97F4092005FD24DB87C6F2D4,access=YTFjM2U1ZjcwOTJiNGQ2ZjhhMGMyZTRmNmI4ZDBhMWM=';
const SPEC_BODY = '{"appId":"a1c3e5f7092b4d6f8a0c2e4f6b8d0a1c","userId":"crm-4711","corpId":null,"expireTime":1796115600,"nonce":"6f1c2a9e-3b7d-4e58-9a0c-1d2e3f4a5b6c","clientType":72,"deptCode":null,"userName":"Carla Rossi","userEmail":"carla@example.com"}';
/** 08:50, the time of the §6.3 example. */
const T_APP = Date.UTC(2026, 11, 1, 8, 50);

function h2(authorization: string | undefined, body: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return h.app.inject({
    method: 'POST',
    url: '/v2/usg/acs/auth/appauth',
    headers: { 'content-type': 'application/json', ...(authorization !== undefined ? { authorization } : {}), ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

let nonceSeq = 0;
function nonce(): string {
  return `nonce-${String(++nonceSeq).padStart(4, '0')}-0123456789abcdef0123456789`;
}

function sign(key: string, data: string): string {
  return createHmac('sha256', key).update(data).digest('hex');
}

/** A signed H2 request for `userId` (single-tenant form unless `sp`). */
function signed(o: { appId?: string; key?: string; userId?: string | null; corpId?: string | null; expireTime?: number; nonce?: string; sp?: boolean; upper?: boolean; access?: string | false }) {
  const appId = o.appId ?? APP_ID;
  const n = o.nonce ?? nonce();
  const expireTime = o.expireTime ?? Math.floor(clock.now() / 1000) + 600;
  const userId = o.userId === undefined ? 'crm-4711' : o.userId;
  const data = o.sp ? `${appId}:${o.corpId ?? ''}:${userId ?? ''}:${expireTime}:${n}` : `${appId}:${userId ?? ''}:${expireTime}:${n}`;
  let sig = sign(o.key ?? APP_KEY, data);
  if (o.upper) sig = sig.toUpperCase();
  const access = o.access === false ? '' : `,access=${Buffer.from(o.access ?? appId).toString('base64')}`;
  return {
    authorization: `HMAC-SHA256 signature=${sig}${access}`,
    body: { appId, userId, corpId: o.corpId ?? null, expireTime, nonce: n, clientType: 72 },
  };
}

describe('H2 POST /v2/usg/acs/auth/appauth', () => {
  beforeEach(async () => {
    clock.set(T_APP);
    await createAppCredential(h.deps, { accountId, name: 'crm', appId: APP_ID, appKey: APP_KEY });
  });

  it('answers the §6.3 example verbatim: Carla is created in the app\u2019s account, user.appId is set', async () => {
    const res = await h2(SPEC_AUTH, SPEC_BODY);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    const carla = (await h.store.users.getByEmail('*', 'carla@example.com'))!;
    expect(carla).toMatchObject({ accountId, externalUserId: 'crm-4711', firstName: 'Carla Rossi', isAdmin: false, passwordHash: null, loginName: 'carla@example.com' });
    expect(body).toEqual({
      accessToken: expect.stringMatching(/^stb[A-Za-z0-9]{33}$/),
      tokenIp: '127.0.0.1',
      validPeriod: 86400,
      expireTime: 1796201400,
      createTime: 1796115000000,
      clientType: 72,
      tokenType: 0,
      firstLogin: false,
      pwdExpired: false,
      delayDelete: false,
      user: {
        userId: carla.huaweiUserUuid,
        ucloginAccount: 'carla@example.com',
        serviceAccount: carla.directoryNumber,
        name: 'Carla Rossi',
        userType: 2,
        adminType: 2,
        companyId: accountId,
        status: 0,
        corpType: 0,
        appId: APP_ID,
      },
    });
    expect(Object.keys(body.user)).toEqual([...USER_KEYS, 'appId']);
    expect((await h.store.accessTokens.get(hashAccessToken(body.accessToken)))?.appId).toBe(APP_ID);
    expect(await tokenWorks(body.accessToken)).toBe(true);
    // Visible in the v6 dialect as an ordinary member.
    const v6 = await h.v6('GET', `/api/v6/user/${carla.id}`);
    expect(v6.statusCode).toBe(200);
    expect(v6.json().data).toMatchObject({ email: 'carla@example.com', externalUserId: 'crm-4711' });
  });

  it('refuses the same request again: 401 USG.000000007 "nonce already used"', async () => {
    expect((await h2(SPEC_AUTH, SPEC_BODY)).statusCode).toBe(200);
    expectError(await h2(SPEC_AUTH, SPEC_BODY), 401, 'USG.000000007', 'APP_AUTH_FAILED', 'nonce already used');
  });

  it('accepts lower- and upper-case hex, no access=, X-Token-Type LongTicket, and finds the same user again', async () => {
    const lower = signed({});
    const a = await h2(lower.authorization, lower.body);
    expect(a.statusCode, a.body).toBe(200);
    const upper = signed({ upper: true, access: false });
    const b = await h2(upper.authorization, upper.body, { 'x-token-type': 'LongTicket', 'x-access-token': 'ignored' });
    expect(b.statusCode, b.body).toBe(200);
    expect(b.json().user.userId).toBe(a.json().user.userId);
    const { items } = await h.store.users.list(accountId, { offset: 0, limit: 100 });
    expect(items.filter((u) => u.externalUserId === 'crm-4711')).toHaveLength(1);
  });

  it('accepts the SP form with the app\u2019s own corpId, and the single form with corpId null or absent', async () => {
    const sp = signed({ sp: true, corpId: accountId });
    expect((await h2(sp.authorization, sp.body)).statusCode).toBe(200);
    const single = signed({});
    const { corpId: _omit, ...noCorp } = single.body;
    expect((await h2(single.authorization, noCorp)).statusCode).toBe(200);
  });

  it('signs in as the account\u2019s default admin without userId (adminType 0)', async () => {
    for (const userId of [null, '']) {
      const r = signed({ userId });
      const res = await h2(r.authorization, r.body);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().user).toMatchObject({ userId: anna.user.huaweiUserUuid, adminType: 0, appId: APP_ID });
    }
  });

  it('lets an instance-level (SP) app act in the account named by corpId, and requires corpId', async () => {
    const sp = await createAppCredential(h.deps, { accountId: null, name: 'sp' });
    const r = signed({ appId: sp.app.appId, key: sp.appKey, sp: true, corpId: accountId, userId: 'ext-1' });
    const res = await h2(r.authorization, r.body);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().user).toMatchObject({ companyId: accountId, appId: sp.app.appId });
    const none = signed({ appId: sp.app.appId, key: sp.appKey, userId: 'ext-1' });
    expectError(await h2(none.authorization, none.body), 401, 'USG.000000007', 'APP_AUTH_FAILED', 'corpId is required for this app');
    const unknown = signed({ appId: sp.app.appId, key: sp.appKey, sp: true, corpId: '000000000000000000000000', userId: 'ext-1' });
    expectError(await h2(unknown.authorization, unknown.body), 401, 'USG.000000007', 'APP_AUTH_FAILED', 'corpId names no account');
  });

  it.each([
    ['a wrong signature', () => ({ ...signed({}), authorization: `HMAC-SHA256 signature=${'0'.repeat(64)}` }), 'signature mismatch'],
    ['a signature under another key', () => signed({ key: 'another-key-0123456789abcdefghij' }), 'signature mismatch'],
    ['a non-hex signature', () => ({ ...signed({}), authorization: 'HMAC-SHA256 signature=zz' }), 'signature mismatch'],
    ['an expireTime in the past', () => signed({ expireTime: Math.floor(T_APP / 1000) - 1 }), 'expireTime has passed'],
    ['an unknown appId', () => signed({ appId: 'f'.repeat(32) }), 'unknown appId'],
    ['access= of another app', () => signed({ access: 'f'.repeat(32) }), 'access does not match appId'],
    ['a foreign corpId', () => signed({ sp: true, corpId: 'ffffffffffffffffffffffff' }), 'corpId not allowed for this app'],
  ])('answers 401 USG.000000007 for %s', async (_n, make, detail) => {
    const r = make();
    expectError(await h2(r.authorization, r.body), 401, 'USG.000000007', 'APP_AUTH_FAILED', detail);
  });

  it('never lets a failed check spend the nonce', async () => {
    const n = nonce();
    const bad = signed({ nonce: n, key: 'wrong-key-wrong-key-wrong-key-00' });
    expect((await h2(bad.authorization, bad.body)).statusCode).toBe(401);
    const good = signed({ nonce: n });
    expect((await h2(good.authorization, good.body)).statusCode).toBe(200);
  });

  it('accepts expireTime 0 (never expires) days later', async () => {
    const r = signed({ expireTime: 0 });
    clock.advance(30 * 86_400_000);
    expect((await h2(r.authorization, r.body)).statusCode).toBe(200);
  });

  it.each([
    [undefined, 'header Authorization must be HMAC-SHA256 signature=…'],
    ['Basic YTpi', 'header Authorization must be HMAC-SHA256 signature=…'],
    ['HMAC-SHA256 access=YQ==', 'header Authorization must be HMAC-SHA256 signature=…'],
  ])('answers 401 USG.000000007 for Authorization %s', async (authorization, detail) => {
    expectError(await h2(authorization, SPEC_BODY), 401, 'USG.000000007', 'APP_AUTH_FAILED', detail);
  });

  it.each([
    [{ nonce: 'abc' }, 'nonce should be 32 to 64 characters'],
    [{ nonce: 'n'.repeat(65) }, 'nonce should be 32 to 64 characters'],
    [{ appId: undefined }, 'appId is required'],
    [{ expireTime: undefined }, 'expireTime is required'],
    [{ expireTime: 'soon' }, 'expireTime should be an integer'],
    [{ userId: 'u'.repeat(65) }, 'userId should be 1 to 64 characters'],
    [{ userEmail: 'carla@' }, 'userEmail is not a valid address'],
    [{ userName: 'n'.repeat(97) }, 'userName is longer than 96 characters'],
    [{ userPhone: '1'.repeat(33) }, 'userPhone is longer than 32 characters'],
    [{ clientType: {} }, 'clientType should be an integer'],
  ])('answers 400 USG.000000001 for %j', async (patch, detail) => {
    const r = signed({});
    const res = await h2(r.authorization, { ...r.body, ...patch });
    expectError(res, 400, 'USG.000000001', 'PARAMETER_INVALID', detail);
  });

  it('gives a provisioned user a placeholder address when userEmail is taken, named by userId', async () => {
    const r = signed({ userId: 'crm-9' });
    const res = await h2(r.authorization, { ...r.body, userEmail: 'anna@example.com' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().user.name).toBe('crm-9');
    expect(res.json().user.ucloginAccount).toMatch(/^app-user-[0-9a-f]{16}@huawei-app\.invalid$/);
  });

  it('revoking the app revokes its tokens at once and refuses further sign-ins', async () => {
    const token = (await h2(SPEC_AUTH, SPEC_BODY)).json().accessToken as string;
    const passwordToken = await h.signIn('anna@example.com');
    expect(await revokeAppCredential(h.deps, APP_ID)).toMatchObject({ tokensRevoked: 1 });
    expect(await tokenWorks(token)).toBe(false);
    expect(await tokenWorks(passwordToken)).toBe(true);
    const r = signed({});
    expectError(await h2(r.authorization, r.body), 401, 'USG.000000007', 'APP_AUTH_FAILED', 'unknown appId');
  });

  it('answers 403 USG.000000006 when the app\u2019s account has expired', async () => {
    const account = await h.store.accounts.get(accountId, accountId);
    await h.store.accounts.update({ ...account!, paidUntil: T_APP - 1 });
    const r = signed({});
    expectError(await h2(r.authorization, r.body), 403, 'USG.000000006', 'ACCOUNT_DISABLED', 'the account is disabled or has expired');
  });

  it('refuses to create a user beyond numberOfMeetingOrganizers and keeps the nonce usable', async () => {
    const account = await h.store.accounts.get(accountId, accountId);
    await h.store.accounts.update({ ...account!, numberOfMeetingOrganizers: 1 });
    const r = signed({ userId: 'new-one' });
    expectError(await h2(r.authorization, r.body), 401, 'USG.000000007', 'APP_AUTH_FAILED', 'the app\u2019s account cannot take another user (numberOfMeetingOrganizers reached)');
    await h.store.accounts.update({ ...account!, numberOfMeetingOrganizers: 0 });
    expect((await h2(r.authorization, r.body)).statusCode).toBe(200);
  });
});
