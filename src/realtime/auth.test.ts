import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, sha256Hex } from '../infra/secrets.js';
import { ConveneRealtimeClient, RealtimeClosedError, RealtimeRequestError } from './client.js';
import { realtimeHarness, type RealtimeHarness } from './testHarness.js';

let h: RealtimeHarness;

beforeAll(async () => {
  // A short auth deadline so the 4401 test does not wait 5 s; the behaviour is the same.
  h = await realtimeHarness({ authTimeoutMs: 300 });
});
afterAll(() => h.close());

async function opened(): Promise<ConveneRealtimeClient> {
  const c = new ConveneRealtimeClient();
  await c.open(h.wsUrl);
  return c;
}

async function rawToken(o: { dialect: 'convene' | 'huawei' | 'dingtalk'; userId: string | null; expiresAt?: number }): Promise<string> {
  const token = `raw-${o.dialect}-${Math.random().toString(36).slice(2)}`;
  await h.store.accessTokens.insert({
    hash: sha256Hex(token),
    dialect: o.dialect,
    accountId: h.accountId,
    userId: o.userId,
    appId: null,
    clientType: 72,
    createdAt: Date.now(),
    expiresAt: o.expiresAt ?? Date.now() + 3_600_000,
    revokedAt: null,
    lastUsedIp: null,
  });
  return token;
}

describe('realtime authentication', () => {
  it('closes a socket that does not authenticate within the deadline with 4401 UNAUTHENTICATED', async () => {
    const c = await opened();
    expect(await c.closed).toEqual({ code: 4401, reason: 'UNAUTHENTICATED' });
    expect(c.received).toEqual([]);
  });

  it('closes the socket with 4401 when the first message is not auth, rejecting the request', async () => {
    const c = await opened();
    const err = await c.request('roster.get', { meetingId: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RealtimeClosedError);
    expect(await c.closed).toEqual({ code: 4401, reason: 'UNAUTHENTICATED' });
  });

  it('answers a bad token with auth.token_invalid, then closes with 4401', async () => {
    const c = await opened();
    const err = await c.request('auth', { token: 'not-a-token' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RealtimeRequestError);
    expect((err as RealtimeRequestError).code).toBe('auth.token_invalid');
    expect(c.received).toEqual([{ type: 'response', id: 1, ok: false, error: { code: 'auth.token_invalid', message: 'the token is unknown, expired or revoked' } }]);
    expect(await c.closed).toEqual({ code: 4401, reason: 'UNAUTHENTICATED' });
  });

  it('refuses expired and revoked session tokens and tokens that act as no user', async () => {
    const { user, token: revoked } = await h.newUser('Rev');
    await h.store.accessTokens.revoke(sha256Hex(revoked), Date.now());
    const expired = await rawToken({ dialect: 'convene', userId: user.id, expiresAt: Date.now() - 1 });
    const appOnly = await rawToken({ dialect: 'dingtalk', userId: null });
    for (const token of [revoked, expired, appOnly]) {
      const c = await opened();
      await expect(c.request('auth', { token })).rejects.toMatchObject({ code: 'auth.token_invalid' });
      expect((await c.closed).code).toBe(4401);
    }
  });

  it('accepts a Huawei access token of a user and answers who the socket is', async () => {
    const { user } = await h.newUser('Hua');
    const token = await rawToken({ dialect: 'huawei', userId: user.id });
    const c = await opened();
    expect(await c.request('auth', { token })).toEqual({ userId: user.id, accountId: h.accountId, name: 'Hua Tester' });
    c.close();
  });

  it('signs in through POST /auth/token and opens a socket with the token it returns', async () => {
    const { user } = await h.newUser('Pat');
    await h.store.users.update({ ...user, passwordHash: await hashPassword('correct horse') });
    const res = await h.app.inject({ method: 'POST', url: '/auth/token', headers: { 'content-type': 'application/json' }, payload: { email: user.email.toUpperCase(), password: 'correct horse' } });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { token: string; expiresAt: number; userId: string };
    expect(body.userId).toBe(user.id);
    const c = await ConveneRealtimeClient.connect(h.wsUrl, body.token);
    expect(c.received).toEqual([{ type: 'response', id: 1, ok: true, data: { userId: user.id, accountId: h.accountId, name: 'Pat Tester' } }]);
    c.close();
  });

  it('refuses a second auth on an authenticated socket with auth.already_authenticated and keeps the socket', async () => {
    const { token } = await h.newUser('Twice');
    const c = await h.client(token);
    await expect(c.request('auth', { token })).rejects.toMatchObject({ code: 'auth.already_authenticated' });
    expect(c.closeInfo).toBeNull();
    c.close();
  });

  it('answers an invalid request with request.invalid under its id, and a message without an id with protocol.error', async () => {
    const { token } = await h.newUser('Fuzz');
    const c = await h.client(token);
    const send = (text: string) => c.socket?.send(text);
    send(JSON.stringify({ type: 'meeting.join', id: 7 }));
    send(JSON.stringify({ type: 'no.such', id: 'x-1' }));
    send('{not json');
    send(JSON.stringify({ type: 'call.accept', callId: 'zz' }));
    await expect.poll(() => c.received.length).toBe(5);
    expect(c.received.slice(1)).toEqual([
      { type: 'response', id: 7, ok: false, error: { code: 'request.invalid', message: 'the message does not match the protocol' } },
      { type: 'response', id: 'x-1', ok: false, error: { code: 'request.invalid', message: 'the message does not match the protocol' } },
      { type: 'protocol.error', code: 'request.invalid', message: 'messages are JSON text' },
      { type: 'protocol.error', code: 'request.invalid', message: 'the message does not match the protocol' },
    ]);
    expect(c.closeInfo).toBeNull();
    c.close();
  });

  it('answers a plain HTTP GET of the endpoint with 426', async () => {
    const res = await fetch(`${h.httpUrl}/realtime`);
    expect(res.status).toBe(426);
    expect(await res.json()).toEqual({ error: 'this endpoint speaks WebSocket only (Upgrade: websocket)' });
  });

  it('answers an upgrade to another path with 404', async () => {
    const c = new ConveneRealtimeClient();
    await expect(c.open(`${h.wsUrl.replace('/realtime', '/elsewhere')}`)).rejects.toBeInstanceOf(RealtimeClosedError);
    expect(c.closeInfo?.code).toBe(1006);
  });
});
