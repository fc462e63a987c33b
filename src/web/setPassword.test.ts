/**
 * The set-password page (webmeeting-v6 §6.1 sendPassword, §8.13): E1/E10 with `sendPassword` queue a mail
 * whose link opens this form, and posting it sets the password exactly once. The plugin is mounted on the
 * real app (buildApp) the way app.ts mounts it, so it meets the root's own body parsers and hooks.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness, type Harness } from '../../test/support/app.js';
import { buildApp } from '../app.js';
import type { User } from '../domain/accounts/User.js';
import { ALL_ACCOUNTS } from '../domain/ports.js';
import { sha256Hex, verifyPassword } from '../infra/secrets.js';

/** A JSON object from a response body; tests read its fields freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Data = Record<string, any>;

const LINK = /https:\/\/meet\.example\.com\/auth\/set-password\?token=([A-Za-z0-9_-]+)/;

let h: Harness;
let web: FastifyInstance;
let accountId: string;

beforeAll(async () => {
  h = await harness();
  // buildApp registers the set-password pages itself (the root scope, as in production).
  web = await buildApp({ deps: h.deps, logger: false });
  await web.ready();
  accountId = (await h.newAccount()).accountId;
});
afterAll(async () => {
  await web.close();
  await h.close();
});

/** The token in the one mail sent to `email`. */
async function tokenFromMail(email: string): Promise<string> {
  const { items } = await h.store.mail.list({ to: email, offset: 0, limit: 10 });
  expect(items).toHaveLength(1);
  const m = LINK.exec(items[0]!.body);
  expect(m, items[0]!.body).not.toBeNull();
  return m![1]!;
}

/** A fresh user of the test account with a token stored for it (`expiresAt` relative to now). */
async function userWithToken(expiresIn = 3_600_000): Promise<{ user: User; token: string }> {
  const res = await h.call('POST', `/api/v6/account/user/${accountId}`, { email: `u${Math.random().toString(36).slice(2)}@example.com`, firstName: 'Una', lastName: 'User' });
  expect(res.statusCode, res.body).toBe(200);
  const user = (await h.store.users.get(ALL_ACCOUNTS, res.json().data.id))!;
  const token = h.deps.ids.secret(32);
  const now = h.deps.clock.now();
  await h.store.passwordTokens.insert({ tokenHash: sha256Hex(token), userId: user.id, expiresAt: now + expiresIn, createdAt: now });
  return { user, token };
}

const stored = async (id: string) => (await h.store.users.get(ALL_ACCOUNTS, id))!.passwordHash;

const postForm = (fields: Record<string, string>) =>
  web.inject({ method: 'POST', url: '/auth/set-password', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });
const postJson = (body: unknown) =>
  web.inject({ method: 'POST', url: '/auth/set-password', headers: { 'content-type': 'application/json' }, payload: typeof body === 'string' ? body : JSON.stringify(body) });

function expectHtml(res: LightMyRequestResponse, status: number): void {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
  expect(res.headers['content-security-policy']).toContain("default-src 'none'");
  // Self-contained: no script, no external stylesheet, image or font.
  expect(res.body).not.toMatch(/<script|<link|<img|src=|url\(/i);
}

function expectJsonRefusal(res: LightMyRequestResponse, status: number, issues: Array<{ field: string | null; code: string }>): void {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  const body = res.json();
  expect(body.ok).toBe(false);
  expect(body.errors.map((e: Data) => ({ field: e.field, code: e.code }))).toEqual(issues);
  for (const e of body.errors) expect(typeof e.message).toBe('string');
}

describe('the sendPassword flow', () => {
  it('E1 sendPassword → mail with the link → form → POST sets the password → the link is dead afterwards', async () => {
    // 1. E1 with sendPassword queues the "account created" mail with the link.
    const email = `flow-${Date.now()}@example.com`;
    const created = await h.call('POST', '/api/v6/account', { accountType: 'paid', adminFirstname: 'Ada', adminLastname: 'Admin', adminEmail: email, sendPassword: true });
    expect(created.statusCode, created.body).toBe(200);
    const token = await tokenFromMail(email);
    const admin = (await h.store.users.getByEmail(ALL_ACCOUNTS, email))!;
    expect(admin.passwordHash).toBeNull();

    // 2. The link opens a form that carries the token.
    const form = await web.inject({ method: 'GET', url: `/auth/set-password?token=${token}` });
    expectHtml(form, 200);
    expect(form.body).toContain('<form method="post" action="/auth/set-password">');
    expect(form.body).toContain(`<input type="hidden" name="token" value="${token}">`);
    expect(form.body).toContain('name="password"');
    expect(form.body).toContain('name="passwordConfirm"');

    // 3. Posting it sets the password.
    const done = await postForm({ token, password: 'correct horse battery', passwordConfirm: 'correct horse battery' });
    expectHtml(done, 200);
    expect(done.body).toContain('Your password has been set');
    expect(await verifyPassword('correct horse battery', await stored(admin.id))).toBe(true);
    expect(await verifyPassword('something else', await stored(admin.id))).toBe(false);

    // 4. The token works once: a second use is a clear 400 and changes nothing.
    const hash = await stored(admin.id);
    const again = await postForm({ token, password: 'another password', passwordConfirm: 'another password' });
    expectHtml(again, 400);
    expect(again.body).toContain('expired or has already been used');
    expect(again.body).not.toContain('<form');
    expect(await stored(admin.id)).toBe(hash);
    expectJsonRefusal(await postJson({ token, password: 'another password' }), 400, [{ field: 'token', code: 'tokenInvalid' }]);
    expect(await stored(admin.id)).toBe(hash);
  });

  it('E10 sendPassword works the same way with JSON', async () => {
    const email = `organizer-${Date.now()}@example.com`;
    const res = await h.call('POST', `/api/v6/account/user/${accountId}`, { email, firstName: 'Otto', lastName: 'Organizer', sendPassword: true });
    expect(res.statusCode, res.body).toBe(200);
    const token = await tokenFromMail(email);
    const ok = await postJson({ token, password: 'twelve chars' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({ ok: true });
    expect(await verifyPassword('twelve chars', await stored(res.json().data.id))).toBe(true);
    expectJsonRefusal(await postJson({ token, password: 'twelve chars' }), 400, [{ field: 'token', code: 'tokenInvalid' }]);
  });
});

describe('POST /auth/set-password', () => {
  it('accepts passwords of 8 and of 128 characters, spaces kept as typed', async () => {
    for (const password of [' 1234567', 'p'.repeat(128)]) {
      const { user, token } = await userWithToken();
      expect((await postJson({ token, password })).statusCode).toBe(200);
      expect(await verifyPassword(password, await stored(user.id))).toBe(true);
    }
  });

  it('refuses bad passwords with every problem at once and keeps the token usable', async () => {
    const { user, token } = await userWithToken();
    expectJsonRefusal(await postJson({ token, password: '1234567' }), 400, [{ field: 'password', code: 'minLength' }]);
    expectJsonRefusal(await postJson({ token, password: 'p'.repeat(129) }), 400, [{ field: 'password', code: 'maxLength' }]);
    expectJsonRefusal(await postJson({ token, password: 'abc\u0000defgh' }), 400, [{ field: 'password', code: 'format' }]);
    expectJsonRefusal(await postJson({ token, password: 'long enough', passwordConfirm: 'long enougH' }), 400, [{ field: 'passwordConfirm', code: 'mismatch' }]);
    expectJsonRefusal(await postJson({}), 400, [
      { field: 'token', code: 'required' },
      { field: 'password', code: 'required' },
    ]);
    expectJsonRefusal(await postJson({ token: 5, password: 12345678 }), 400, [
      { field: 'token', code: 'type' },
      { field: 'password', code: 'type' },
    ]);
    expectJsonRefusal(await postJson({ token: 'short', password: 'x' }), 400, [
      { field: 'token', code: 'tokenInvalid' },
      { field: 'password', code: 'minLength' },
    ]);
    expect(await stored(user.id)).toBeNull();
    expect((await postJson({ token, password: 'finally good' })).statusCode).toBe(200);
  });

  it('shows the form again, with the errors, after a bad password sent from the form', async () => {
    const { user, token } = await userWithToken();
    const res = await postForm({ token, password: 'short', passwordConfirm: 'short' });
    expectHtml(res, 400);
    expect(res.body).toContain('at least 8 characters');
    expect(res.body).toContain(`<input type="hidden" name="token" value="${token}">`);
    const mismatch = await postForm({ token, password: 'long enough 1', passwordConfirm: 'long enough 2' });
    expectHtml(mismatch, 400);
    expect(mismatch.body).toContain('The two passwords differ.');
    expect(await stored(user.id)).toBeNull();
  });

  it('refuses an expired token, an unknown one, and one whose user was deleted', async () => {
    const expired = await userWithToken(-1);
    expectJsonRefusal(await postJson({ token: expired.token, password: 'long enough' }), 400, [{ field: 'token', code: 'tokenInvalid' }]);
    expect(await stored(expired.user.id)).toBeNull();
    expectJsonRefusal(await postJson({ token: h.deps.ids.secret(32), password: 'long enough' }), 400, [{ field: 'token', code: 'tokenInvalid' }]);
    const gone = await userWithToken();
    expect((await h.call('DELETE', `/api/v6/user/${gone.user.id}`)).statusCode).toBe(200);
    expectJsonRefusal(await postJson({ token: gone.token, password: 'long enough' }), 400, [{ field: 'token', code: 'tokenInvalid' }]);
  });

  it('lets exactly one of two concurrent posts of the same token through', async () => {
    const { user, token } = await userWithToken();
    const results = await Promise.all([postJson({ token, password: 'first password' }), postJson({ token, password: 'second password' })]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 400]);
    const winner = results[0]!.statusCode === 200 ? 'first password' : 'second password';
    expect(await verifyPassword(winner, await stored(user.id))).toBe(true);
  });

  it('answers unreadable requests with 4xx in the client\u2019s format, never 500, and spends no token', async () => {
    const { user, token } = await userWithToken();
    expectJsonRefusal(await postJson('{"token": '), 400, [{ field: null, code: 'invalidBody' }]);
    expectJsonRefusal(await postJson('[1, 2]'), 400, [{ field: null, code: 'type' }]);
    expectJsonRefusal(await postJson({ token, password: 'x'.repeat(20_000) }), 413, [{ field: null, code: 'tooLarge' }]);
    const multipart = await web.inject({ method: 'POST', url: '/auth/set-password', headers: { 'content-type': 'multipart/form-data; boundary=x' }, payload: '--x--' });
    expectHtml(multipart, 415);
    expect(multipart.body).toContain('application/x-www-form-urlencoded');
    const text = await web.inject({ method: 'POST', url: '/auth/set-password', headers: { 'content-type': 'text/plain' }, payload: `token=${token}` });
    expectHtml(text, 400);
    const empty = await postForm({});
    expectHtml(empty, 400);
    expect(empty.body).toContain('carries no token');
    expect(await stored(user.id)).toBeNull();
    expect((await postForm({ token, password: 'still works', passwordConfirm: 'still works' })).statusCode).toBe(200);
  });
});

describe('GET /auth/set-password', () => {
  it('without a token, or with one that cannot be a token, explains instead of showing a form, echoing nothing', async () => {
    const missing = await web.inject({ method: 'GET', url: '/auth/set-password' });
    expectHtml(missing, 400);
    expect(missing.body).toContain('carries no token');
    const evil = await web.inject({ method: 'GET', url: `/auth/set-password?token=${encodeURIComponent('"><script>alert(1)</script>')}` });
    expectHtml(evil, 400);
    expect(evil.body).not.toContain('alert(1)');
    expect(evil.body).not.toContain('<form');
  });

  it('does not spend the token (only the POST does), and answers HEAD', async () => {
    const { user, token } = await userWithToken();
    for (let i = 0; i < 2; i++) expectHtml(await web.inject({ method: 'GET', url: `/auth/set-password?token=${token}` }), 200);
    const head = await web.inject({ method: 'HEAD', url: `/auth/set-password?token=${token}` });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    expect((await postJson({ token, password: 'after the views' })).statusCode).toBe(200);
    expect(await verifyPassword('after the views', await stored(user.id))).toBe(true);
  });
});
