/**
 * Rooms through the v6 API: E50–E52 (webmeeting-v6 §12.2), with the §3 auth rules and the §4 bad-input rules.
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

const ROOM_KEYS = ['id', 'accountId', 'name', 'index', 'isActive', 'createdAt'];

async function roomsOf(accountId: string) {
  const res = await h.call('GET', `/api/v6/room/account/${accountId}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data as Array<{ id: string; name: string; index: number; isActive: boolean }>;
}

describe('E50 GET /room/account/{accountId}', () => {
  it('provisions the rooms up to the quota on first use, then lists them by index without duplicates', async () => {
    const acc = await h.newAccount(undefined, { numberOfMeetingRooms: 3 });
    expect(await h.store.rooms.listByAccount(acc.accountId)).toEqual([]);
    const res = await h.call('GET', `/api/v6/room/account/${acc.accountId}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-total-count']).toBe('3');
    expect(Object.keys(res.json().data[0])).toEqual(ROOM_KEYS);
    expect(res.json()).toEqual({
      responseCode: 0,
      data: [1, 2, 3].map((i) => ({ id: expect.stringMatching(HEX24), accountId: acc.accountId, name: `Room ${i}`, index: i, isActive: true, createdAt: expect.stringMatching(ISO_MS) })),
    });
    const again = await h.call('GET', `/api/v6/room/account/${acc.accountId}`);
    expect(again.json()).toEqual(res.json());
    expect(await h.store.rooms.listByAccount(acc.accountId)).toHaveLength(3);
  });

  it('is open to every organizer of the account and to its account key', async () => {
    expect((await h.call('GET', `/api/v6/room/account/${fx.A.accountId}`, undefined, as(fx.keyA, { 'x-user-id': fx.organizer.id }))).statusCode).toBe(200);
  });

  it('enforces key, permission and scope, provisioning nothing when rejected', async () => {
    const acc = await h.newAccount();
    const url = `/api/v6/room/account/${acc.accountId}`;
    await expectRejected(h, () => h.call('GET', url, undefined, { 'x-api-key': '' }), 401, -1);
    await expectRejected(h, () => h.call('GET', url, undefined, as(fx.keyAMeeting)), 403, -3);
    await expectRejected(h, () => h.call('GET', url, undefined, as(fx.keyA)), 403, -3);
    await expectRejected(h, () => h.call('GET', url, undefined, { 'x-user-id': fx.organizer.id }), 403, -3);
    await expectRejected(h, () => h.call('GET', '/api/v6/room/account/abc'), 400, -4, [{ field: 'path.accountId', code: 'format' }]);
    await expectRejected(h, () => h.call('GET', `/api/v6/room/account/${UNKNOWN_ID}`), 404, -5);
  });
});

describe('E51 GET /room/{roomId}', () => {
  it('reads a room', async () => {
    const [room] = await roomsOf(fx.A.accountId);
    const res = await h.call('GET', `/api/v6/room/${room!.id}`, undefined, as(fx.keyA));
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json().data)).toEqual(ROOM_KEYS);
    expect(res.json()).toEqual({ responseCode: 0, data: { ...room, createdAt: expect.stringMatching(ISO_MS) } });
  });

  it('enforces key, permission and scope: another account\u2019s room is -5', async () => {
    const [room] = await roomsOf(fx.A.accountId);
    const url = `/api/v6/room/${room!.id}`;
    expectError(await h.call('GET', url, undefined, { 'x-api-key': '' }), 401, -1);
    expectError(await h.call('GET', url, undefined, as(fx.keyAMeeting)), 403, -3);
    expectError(await h.call('GET', url, undefined, as(fx.keyB)), 404, -5, [{ field: 'path.roomId', code: 'notFound' }]);
    expectError(await h.call('GET', `/api/v6/room/${UNKNOWN_ID}`), 404, -5);
    expectError(await h.call('GET', '/api/v6/room/ABCDEFABCDEFABCDEFABCDEF'), 400, -4, [{ field: 'path.roomId', code: 'format' }]);
  });
});

describe('E52 PUT /room/{roomId}', () => {
  it('renames a room', async () => {
    const acc = await h.newAccount();
    const [room] = await roomsOf(acc.accountId);
    const res = await h.call('PUT', `/api/v6/room/${room!.id}`, { name: '  Board room ', index: 7, isActive: false });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ responseCode: 0, data: { id: room!.id, accountId: acc.accountId, name: 'Board room', index: 1, isActive: true, createdAt: expect.stringMatching(ISO_MS) } });
    expect((await roomsOf(acc.accountId))[0]!.name).toBe('Board room');
    const acctView = await h.call('GET', `/api/v6/account/${acc.accountId}`);
    expect(acctView.json().data.accountRooms[0].name).toBe('Board room');
  });

  it.each([
    ['missing', {}, 'required'],
    ['null', { name: null }, 'required'],
    ['blank', { name: '   ' }, 'required'],
    ['a number', { name: 12 }, 'type'],
    ['too long', { name: 'r'.repeat(101) }, 'maxLength'],
    ['with NUL', { name: 'a\u0000b' }, 'format'],
  ])('rejects a name that is %s, writing nothing', async (_n, body, code) => {
    const [room] = await roomsOf(fx.A.accountId);
    await expectRejected(h, () => h.call('PUT', `/api/v6/room/${room!.id}`, body), 400, -4, [{ field: 'name', code }]);
  });

  it('enforces key, permission, scope and admin rights', async () => {
    const [room] = await roomsOf(fx.A.accountId);
    const url = `/api/v6/room/${room!.id}`;
    await expectRejected(h, () => h.call('PUT', url, { name: 'x' }, { 'x-api-key': '' }), 401, -1);
    await expectRejected(h, () => h.call('PUT', url, { name: 'x' }, as(fx.keyAMeeting)), 403, -3);
    await expectRejected(h, () => h.call('PUT', url, { name: 'x' }, as(fx.keyB)), 404, -5);
    await expectRejected(h, () => h.call('PUT', url, { name: 5 }, { 'x-user-id': fx.organizer.id }), 403, -3);
    await expectRejected(h, () => h.call('PUT', `/api/v6/room/${UNKNOWN_ID}`, { name: 'x' }), 404, -5);
    await expectRejected(h, () => h.call('PUT', '/api/v6/room/1', { name: 'x' }), 400, -4, [{ field: 'path.roomId', code: 'format' }]);
    expect((await h.call('PUT', url, { name: 'By key' }, as(fx.keyA))).statusCode).toBe(200);
  });
});
