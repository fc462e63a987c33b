import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.js';
import { loadConfig } from '../../config.js';
import { ensureInstanceKey } from '../../domain/accounts/issueApiKey.js';
import type { User } from '../../domain/accounts/User.js';
import type { Deps } from '../../domain/deps.js';
import type { Store } from '../../domain/ports.js';
import { hashPassword, sha256Hex } from '../../infra/secrets.js';
import { createStore } from '../../storage/index.js';
import { createDeps } from '../../wiring.js';
import { SESSION_TOKEN_TTL_MS, sessionTokenRoutes } from './sessionToken.js';

const KEY = 'session-token-test-instance-key-0123456789';
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
let now = T0;

let app: FastifyInstance;
let store: Store;
let deps: Deps;
let user: User;
let noPassword: User;

beforeAll(async () => {
  store = await createStore({ url: ':memory:' });
  deps = await createDeps(store, loadConfig({ CONVENE_PUBLIC_URL: 'https://meet.example.com', LOG_LEVEL: 'silent' }), { clock: { now: () => now } });
  await store.transaction((tx) => ensureInstanceKey(tx, deps, KEY, 'test'));
  app = await buildApp({ deps, logger: false });
  await app.register(sessionTokenRoutes, { deps });
  await app.ready();
  const acc = await app.inject({ method: 'POST', url: '/api/v6/account', headers: { 'x-api-key': KEY, 'content-type': 'application/json' }, payload: { accountType: 'paid', adminFirstname: 'Ada', adminLastname: 'Admin', adminEmail: 'ada@example.com' } });
  const accountId = acc.json().data.id as string;
  const mk = async (email: string) => {
    const res = await app.inject({ method: 'POST', url: `/api/v6/account/user/${accountId}`, headers: { 'x-api-key': KEY, 'content-type': 'application/json' }, payload: { email, firstName: 'Sam', lastName: 'Signin' } });
    return (await store.users.get(accountId, res.json().data.id as string)) as User;
  };
  user = await mk('sam@example.com');
  await store.users.update({ ...user, passwordHash: await hashPassword('right password') });
  noPassword = await mk('nopw@example.com');
});
afterAll(async () => {
  await app.close();
  await store.close();
});

function signIn(body: unknown, o: { ip?: string; contentType?: string } = {}) {
  return app.inject({
    method: 'POST',
    url: '/auth/token',
    remoteAddress: o.ip ?? '127.0.0.1',
    headers: { 'content-type': o.contentType ?? 'application/json' },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const invalidCredentials = { error: { code: 'auth.invalid_credentials', message: 'wrong email or password' } };

describe('POST /auth/token', () => {
  it('issues a 12-hour convene session token for the right email (any case) and password, stored only as its SHA-256', async () => {
    const res = await signIn({ email: ' SAM@example.com ', password: 'right password' }, { ip: '10.0.0.1' });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { token: string; expiresAt: number; userId: string };
    expect(body).toEqual({ token: expect.stringMatching(/^cvt_[A-Za-z0-9_-]{43}$/), expiresAt: T0 + SESSION_TOKEN_TTL_MS, userId: user.id });
    expect(await store.accessTokens.get(body.token)).toBeUndefined();
    expect(await store.accessTokens.get(sha256Hex(body.token))).toEqual({
      hash: sha256Hex(body.token),
      dialect: 'convene',
      accountId: user.accountId,
      userId: user.id,
      appId: null,
      clientType: null,
      createdAt: T0,
      expiresAt: T0 + SESSION_TOKEN_TTL_MS,
      revokedAt: null,
      lastUsedIp: '10.0.0.1',
    });
  });

  it('answers 401 with the same body for a wrong password, an unknown email and a user without a password', async () => {
    for (const body of [
      { email: 'sam@example.com', password: 'wrong' },
      { email: 'nobody@example.com', password: 'right password' },
      { email: noPassword.email, password: 'anything' },
    ]) {
      const res = await signIn(body, { ip: '10.0.0.2' });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual(invalidCredentials);
    }
  });

  it('locks an (address, email) pair for 10 minutes after 5 failures, even for the right password; other addresses are not locked', async () => {
    const ip = '10.0.0.3';
    for (let i = 0; i < 5; i++) expect((await signIn({ email: 'sam@example.com', password: `wrong ${i}` }, { ip })).statusCode).toBe(401);
    const locked = await signIn({ email: 'sam@example.com', password: 'right password' }, { ip });
    expect(locked.statusCode).toBe(429);
    expect(locked.headers['retry-after']).toBe('600');
    expect(locked.json()).toEqual({ error: { code: 'auth.locked', message: 'too many failed sign-ins; try again later' } });
    expect((await signIn({ email: 'sam@example.com', password: 'right password' }, { ip: '10.0.0.4' })).statusCode).toBe(200);
    now = T0 + 10 * 60 * 1000 + 1;
    try {
      expect((await signIn({ email: 'sam@example.com', password: 'right password' }, { ip })).statusCode).toBe(200);
    } finally {
      now = T0;
    }
  });

  it('a successful sign-in clears the failure count', async () => {
    const ip = '10.0.0.5';
    for (let i = 0; i < 4; i++) await signIn({ email: 'sam@example.com', password: 'wrong' }, { ip });
    expect((await signIn({ email: 'sam@example.com', password: 'right password' }, { ip })).statusCode).toBe(200);
    for (let i = 0; i < 4; i++) expect((await signIn({ email: 'sam@example.com', password: 'wrong' }, { ip })).statusCode).toBe(401);
  });

  it.each([
    ['a missing password', 400, { email: 'sam@example.com' }, undefined, { error: { code: 'request.invalid', message: 'body must be {"email": string, "password": string}' } }],
    ['a non-string email', 400, { email: 5, password: 'x' }, undefined, { error: { code: 'request.invalid', message: 'body must be {"email": string, "password": string}' } }],
    ['malformed JSON', 400, '{"email":', undefined, { error: { code: 'request.invalid', message: 'the request body is not valid JSON' } }],
    ['a form body', 415, 'email=a&password=b', 'application/x-www-form-urlencoded', { error: { code: 'request.invalid', message: 'send application/json' } }],
  ])('refuses %s with %i and a JSON error', async (_name, status, body, contentType, expected) => {
    const res = await signIn(body, contentType ? { contentType } : {});
    expect(res.statusCode).toBe(status);
    expect(res.json()).toEqual(expected);
  });
});
