/**
 * Account-level API keys through the v6 API: E11–E13 (webmeeting-v6 §12.3), with the §3 auth rules and the
 * §4 bad-input rules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness, type Harness } from '../../../test/support/app.js';
import { adminFixture, as, expectError, expectRejected, HEX24, ISO_MS, UNKNOWN_ID, type AdminFixture } from '../../../test/support/accountAdmin.js';

let h: Harness;
let fx: AdminFixture;
beforeAll(async () => {
  h = await harness();
  fx = await adminFixture(h);
});
afterAll(() => h.close());

const LISTED_KEYS = ['id', 'name', 'permissions', 'level', 'accountId', 'createdAt', 'revokedAt'];

async function createKey(accountId: string, body: Record<string, unknown> = { name: 'CRM', permissions: ['meeting'] }) {
  const res = await h.call('POST', `/api/v6/account/apikey/${accountId}`, body);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data as { id: string; key: string; name: string; permissions: string[] };
}

describe('E12 POST /account/apikey/{accountId}', () => {
  it('creates an account-level key and shows its secret once', async () => {
    const acc = await h.newAccount();
    const res = await h.call('POST', `/api/v6/account/apikey/${acc.accountId}`, { name: ' CRM ', permissions: ['Meeting', 'account', 'meeting'] });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(Object.keys(body.data)).toEqual(['id', 'name', 'permissions', 'level', 'accountId', 'createdAt', 'key']);
    expect(body).toEqual({
      responseCode: 0,
      data: {
        id: expect.stringMatching(HEX24),
        name: 'CRM',
        permissions: ['meeting', 'account'],
        level: 'account',
        accountId: acc.accountId,
        createdAt: expect.stringMatching(ISO_MS),
        key: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      },
    });
    // The key works, for its own account only.
    const me = await h.call('GET', '/api/v6/user/me', undefined, as(body.data.key));
    expect(me.json().data.id).toBe(acc.adminId);
    expectError(await h.call('GET', `/api/v6/account/${fx.A.accountId}`, undefined, as(body.data.key)), 403, -3);
    // The secret is never stored or listed.
    const stored = await h.store.apiKeys.get('*', body.data.id);
    expect(JSON.stringify(stored)).not.toContain(body.data.key);
    const listed = await h.call('GET', `/api/v6/account/apikey/${acc.accountId}`);
    expect(listed.body).not.toContain(body.data.key);
  });

  it('gives a meeting-only key no account rights', async () => {
    const k = await createKey(fx.A.accountId, { name: 'Meetings', permissions: ['meeting'] });
    expectError(await h.call('GET', `/api/v6/account/${fx.A.accountId}`, undefined, as(k.key)), 403, -3);
  });

  it.each([
    ['name missing', { permissions: ['meeting'] }, 'name', 'required'],
    ['name wrong type', { name: 5, permissions: ['meeting'] }, 'name', 'type'],
    ['name too long', { name: 'k'.repeat(101), permissions: ['meeting'] }, 'name', 'maxLength'],
    ['permissions missing', { name: 'K' }, 'permissions', 'required'],
    ['permissions not an array', { name: 'K', permissions: 'meeting' }, 'permissions', 'type'],
    ['permissions empty', { name: 'K', permissions: [] }, 'permissions', 'minLength'],
    ['permissions item unknown', { name: 'K', permissions: ['meeting', 'admin'] }, 'permissions[1]', 'enum'],
    ['permissions item wrong type', { name: 'K', permissions: [1] }, 'permissions[0]', 'type'],
  ])('rejects %s with -4 naming exactly that field, writing nothing', async (_n, body, field, code) => {
    await expectRejected(h, () => h.call('POST', `/api/v6/account/apikey/${fx.A.accountId}`, body), 400, -4, [{ field, code }]);
  });

  it('reports several problems together', async () => {
    await expectRejected(h, () => h.call('POST', `/api/v6/account/apikey/${fx.A.accountId}`, {}), 400, -4, [
      { field: 'name', code: 'required' },
      { field: 'permissions', code: 'required' },
    ]);
  });

  it('needs an instance key with the account permission (an account key may not create keys)', async () => {
    const url = `/api/v6/account/apikey/${fx.A.accountId}`;
    const body = { name: 'K', permissions: ['account'] };
    await expectRejected(h, () => h.call('POST', url, body, { 'x-api-key': '' }), 401, -1);
    await expectRejected(h, () => h.call('POST', url, body, as(fx.keyA)), 403, -3);
    await expectRejected(h, () => h.call('POST', url, body, as(fx.keyB)), 403, -3);
    await expectRejected(h, () => h.call('POST', url, body, as(fx.instanceMeeting)), 403, -3);
    await expectRejected(h, () => h.call('POST', url, body, { 'x-user-id': fx.B.adminId }), 403, -3);
    await expectRejected(h, () => h.call('POST', '/api/v6/account/apikey/nothex', body), 400, -4, [{ field: 'path.accountId', code: 'format' }]);
    await expectRejected(h, () => h.call('POST', `/api/v6/account/apikey/${UNKNOWN_ID}`, body), 404, -5);
  });
});

describe('E11 GET /account/apikey/{accountId}', () => {
  it('lists the account-level keys without secrets, revoked ones with revokedAt', async () => {
    const acc = await h.newAccount();
    const k1 = await createKey(acc.accountId, { name: 'One', permissions: ['account'] });
    const k2 = await createKey(acc.accountId, { name: 'Two', permissions: ['meeting'] });
    await createKey(fx.B.accountId);
    await h.call('DELETE', `/api/v6/account/apikey/${acc.accountId}/${k2.id}`);
    const res = await h.call('GET', `/api/v6/account/apikey/${acc.accountId}`, undefined, as(k1.key));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['x-total-count']).toBe('2');
    expect(Object.keys(res.json().data[0])).toEqual(LISTED_KEYS);
    expect(res.json()).toEqual({
      responseCode: 0,
      data: [
        { id: k1.id, name: 'One', permissions: ['account'], level: 'account', accountId: acc.accountId, createdAt: expect.stringMatching(ISO_MS), revokedAt: null },
        { id: k2.id, name: 'Two', permissions: ['meeting'], level: 'account', accountId: acc.accountId, createdAt: expect.stringMatching(ISO_MS), revokedAt: expect.stringMatching(ISO_MS) },
      ],
    });
  });

  it('enforces key, permission, scope and admin rights', async () => {
    const url = `/api/v6/account/apikey/${fx.A.accountId}`;
    expectError(await h.call('GET', url, undefined, { 'x-api-key': '' }), 401, -1);
    expectError(await h.call('GET', url, undefined, as(fx.keyAMeeting)), 403, -3);
    expectError(await h.call('GET', url, undefined, as(fx.keyB)), 403, -3);
    expectError(await h.call('GET', url, undefined, { 'x-user-id': fx.organizer.id }), 403, -3);
    expectError(await h.call('GET', '/api/v6/account/apikey/zz'), 400, -4, [{ field: 'path.accountId', code: 'format' }]);
    expectError(await h.call('GET', `/api/v6/account/apikey/${UNKNOWN_ID}`), 404, -5);
  });
});

describe('E13 DELETE /account/apikey/{accountId}/{keyId}', () => {
  it('revokes a key: it answers -1 at once, and revoking again keeps the first time', async () => {
    const acc = await h.newAccount();
    const k = await createKey(acc.accountId, { name: 'Doomed', permissions: ['account', 'meeting'] });
    expect((await h.call('GET', '/api/v6/user/me', undefined, as(k.key))).statusCode).toBe(200);
    const res = await h.call('DELETE', `/api/v6/account/apikey/${acc.accountId}/${k.id}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(Object.keys(res.json().data)).toEqual(LISTED_KEYS);
    expect(res.json()).toEqual({
      responseCode: 0,
      data: { id: k.id, name: 'Doomed', permissions: ['account', 'meeting'], level: 'account', accountId: acc.accountId, createdAt: expect.stringMatching(ISO_MS), revokedAt: expect.stringMatching(ISO_MS) },
    });
    expectError(await h.call('GET', '/api/v6/user/me', undefined, as(k.key)), 401, -1);
    const again = await h.call('DELETE', `/api/v6/account/apikey/${acc.accountId}/${k.id}`);
    expect(again.json().data.revokedAt).toBe(res.json().data.revokedAt);
  });

  it('lets a key revoke itself', async () => {
    const k = await createKey(fx.A.accountId, { name: 'Self', permissions: ['account'] });
    expect((await h.call('DELETE', `/api/v6/account/apikey/${fx.A.accountId}/${k.id}`, undefined, as(k.key))).statusCode).toBe(200);
    expectError(await h.call('GET', `/api/v6/account/apikey/${fx.A.accountId}`, undefined, as(k.key)), 401, -1);
  });

  it('answers -5 for an unknown key, another account\u2019s key or an instance key', async () => {
    const foreign = await createKey(fx.B.accountId);
    const instanceKeyId = (await h.store.apiKeys.listInstance())[0]!.id;
    await expectRejected(h, () => h.call('DELETE', `/api/v6/account/apikey/${fx.A.accountId}/${UNKNOWN_ID}`), 404, -5, [{ field: 'path.keyId', code: 'notFound' }]);
    await expectRejected(h, () => h.call('DELETE', `/api/v6/account/apikey/${fx.A.accountId}/${foreign.id}`), 404, -5);
    await expectRejected(h, () => h.call('DELETE', `/api/v6/account/apikey/${fx.A.accountId}/${instanceKeyId}`), 404, -5);
    await expectRejected(h, () => h.call('DELETE', `/api/v6/account/apikey/${fx.A.accountId}/nothex`), 400, -4, [{ field: 'path.keyId', code: 'format' }]);
  });

  it('enforces key, permission, scope and admin rights', async () => {
    const k = await createKey(fx.A.accountId);
    const url = `/api/v6/account/apikey/${fx.A.accountId}/${k.id}`;
    await expectRejected(h, () => h.call('DELETE', url, undefined, { 'x-api-key': '' }), 401, -1);
    await expectRejected(h, () => h.call('DELETE', url, undefined, as(fx.keyAMeeting)), 403, -3);
    await expectRejected(h, () => h.call('DELETE', url, undefined, as(fx.keyB)), 403, -3);
    await expectRejected(h, () => h.call('DELETE', url, undefined, { 'x-user-id': fx.organizer.id }), 403, -3);
    await expectRejected(h, () => h.call('DELETE', `/api/v6/account/apikey/xx/${k.id}`), 400, -4, [{ field: 'path.accountId', code: 'format' }]);
    await expectRejected(h, () => h.call('DELETE', `/api/v6/account/apikey/${UNKNOWN_ID}/${k.id}`), 404, -5);
    expect((await h.call('DELETE', url, undefined, as(fx.keyA))).statusCode).toBe(200);
  });
});
