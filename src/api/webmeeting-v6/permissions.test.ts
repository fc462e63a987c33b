/**
 * Meeting-permission sets through the v6 API: E45–E49 (webmeeting-v6 §12.1), with the §3 auth rules and the
 * §4 bad-input rules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness, type Harness } from '../../../test/support/app.js';
import { addMeeting, adminFixture, as, expectError, expectRejected, HEX24, ISO_MS, UNKNOWN_ID, type AdminFixture } from '../../../test/support/accountAdmin.js';

let h: Harness;
let fx: AdminFixture;
beforeAll(async () => {
  h = await harness();
  fx = await adminFixture(h);
});
afterAll(() => h.close());

const SET_KEYS = [
  'id',
  'accountId',
  'name',
  'participantsCanShareScreen',
  'participantsCanUseChat',
  'participantsCanShareDocuments',
  'participantsCanUseWhiteboard',
  'participantsCanSeeParticipantList',
  'participantsCanUnmuteThemselves',
  'participantsCanStartVideo',
  'guestsWaitInLobby',
  'moderatorRequiredToStart',
  'createdAt',
  'updatedAt',
];
const FLAGS = SET_KEYS.slice(3, 12);

async function createSet(accountId: string, body: Record<string, unknown> = { name: 'Set' }) {
  const res = await h.call('POST', `/api/v6/permission/account/${accountId}`, body);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data as { id: string; name: string };
}

const BAD_FLAGS: Array<[string, Record<string, unknown>, string, string]> = [
  ['name wrong type', { name: 7 }, 'name', 'type'],
  ['name too long', { name: 'n'.repeat(101) }, 'name', 'maxLength'],
  ...FLAGS.map((f): [string, Record<string, unknown>, string, string] => [`${f} not a boolean`, { [f]: 'true' }, f, 'type']),
];

describe('E46 POST /permission/account/{accountId}', () => {
  it('creates a set with the §12.1 defaults', async () => {
    const res = await h.call('POST', `/api/v6/permission/account/${fx.A.accountId}`, { name: ' Open ' }, as(fx.keyA));
    expect(res.statusCode, res.body).toBe(200);
    expect(Object.keys(res.json().data)).toEqual(SET_KEYS);
    expect(res.json()).toEqual({
      responseCode: 0,
      data: {
        id: expect.stringMatching(HEX24),
        accountId: fx.A.accountId,
        name: 'Open',
        participantsCanShareScreen: true,
        participantsCanUseChat: true,
        participantsCanShareDocuments: true,
        participantsCanUseWhiteboard: true,
        participantsCanSeeParticipantList: true,
        participantsCanUnmuteThemselves: true,
        participantsCanStartVideo: true,
        guestsWaitInLobby: false,
        moderatorRequiredToStart: false,
        createdAt: expect.stringMatching(ISO_MS),
        updatedAt: expect.stringMatching(ISO_MS),
      },
    });
  });

  it('takes every flag from the body', async () => {
    const body = { name: 'Moderated panel', ...Object.fromEntries(FLAGS.map((f, i) => [f, i % 2 === 0])) };
    const res = await h.call('POST', `/api/v6/permission/account/${fx.A.accountId}`, body);
    expect(res.json().data).toMatchObject(body);
  });

  it.each(BAD_FLAGS)('rejects %s with -4 naming exactly that field', async (_n, patch, field, code) => {
    await expectRejected(h, () => h.call('POST', `/api/v6/permission/account/${fx.A.accountId}`, { name: 'X', ...patch }), 400, -4, [{ field, code }]);
  });

  it('requires a name, and reports several problems together', async () => {
    await expectRejected(h, () => h.call('POST', `/api/v6/permission/account/${fx.A.accountId}`), 400, -4, [{ field: 'name', code: 'required' }]);
    await expectRejected(h, () => h.call('POST', `/api/v6/permission/account/${fx.A.accountId}`, { name: '  ', guestsWaitInLobby: 1, participantsCanUseChat: null }), 400, -4, [
      { field: 'name', code: 'required' },
      { field: 'guestsWaitInLobby', code: 'type' },
    ]);
  });

  it('enforces key, permission, scope and admin rights', async () => {
    const url = `/api/v6/permission/account/${fx.A.accountId}`;
    await expectRejected(h, () => h.call('POST', url, { name: 'x' }, { 'x-api-key': '' }), 401, -1);
    await expectRejected(h, () => h.call('POST', url, { name: 'x' }, as(fx.keyAMeeting)), 403, -3);
    await expectRejected(h, () => h.call('POST', url, { name: 'x' }, as(fx.keyB)), 403, -3);
    await expectRejected(h, () => h.call('POST', url, { name: 'x' }, { 'x-user-id': fx.organizer.id }), 403, -3);
    await expectRejected(h, () => h.call('POST', '/api/v6/permission/account/nope', { name: 'x' }), 400, -4, [{ field: 'path.accountId', code: 'format' }]);
    await expectRejected(h, () => h.call('POST', `/api/v6/permission/account/${UNKNOWN_ID}`, { name: 'x' }), 404, -5);
  });
});

describe('E45 GET /permission/account/{accountId}', () => {
  it('lists the account\u2019s sets oldest first, to every organizer of the account', async () => {
    const acc = await h.newAccount();
    const s1 = await createSet(acc.accountId, { name: 'One' });
    const s2 = await createSet(acc.accountId, { name: 'Two' });
    await createSet(fx.B.accountId, { name: 'Elsewhere' });
    const res = await h.call('GET', `/api/v6/permission/account/${acc.accountId}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-total-count']).toBe('2');
    expect(res.json().data.map((s: { id: string; name: string }) => [s.id, s.name])).toEqual([
      [s1.id, 'One'],
      [s2.id, 'Two'],
    ]);
    expect(Object.keys(res.json().data[0])).toEqual(SET_KEYS);
    expect((await h.call('GET', `/api/v6/permission/account/${fx.A.accountId}`, undefined, { 'x-user-id': fx.organizer.id })).statusCode).toBe(200);
  });

  it('enforces key, permission and scope', async () => {
    const url = `/api/v6/permission/account/${fx.A.accountId}`;
    expectError(await h.call('GET', url, undefined, { 'x-api-key': '' }), 401, -1);
    expectError(await h.call('GET', url, undefined, as(fx.keyAMeeting)), 403, -3);
    expectError(await h.call('GET', url, undefined, as(fx.keyB)), 403, -3);
    expectError(await h.call('GET', '/api/v6/permission/account/1'), 400, -4, [{ field: 'path.accountId', code: 'format' }]);
    expectError(await h.call('GET', `/api/v6/permission/account/${UNKNOWN_ID}`), 404, -5);
  });
});

describe('E47 GET /permission/{permissionId}', () => {
  it('reads a set', async () => {
    const s = await createSet(fx.A.accountId, { name: 'Readable', guestsWaitInLobby: true });
    const res = await h.call('GET', `/api/v6/permission/${s.id}`, undefined, as(fx.keyA, { 'x-user-id': fx.organizer.id }));
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json().data)).toEqual(SET_KEYS);
    expect(res.json().data).toMatchObject({ id: s.id, accountId: fx.A.accountId, name: 'Readable', guestsWaitInLobby: true });
  });

  it('enforces key, permission and scope: another account\u2019s set is -5', async () => {
    const s = await createSet(fx.A.accountId);
    const url = `/api/v6/permission/${s.id}`;
    expectError(await h.call('GET', url, undefined, { 'x-api-key': '' }), 401, -1);
    expectError(await h.call('GET', url, undefined, as(fx.keyAMeeting)), 403, -3);
    expectError(await h.call('GET', url, undefined, as(fx.keyB)), 404, -5, [{ field: 'path.permissionId', code: 'notFound' }]);
    expectError(await h.call('GET', `/api/v6/permission/${UNKNOWN_ID}`), 404, -5);
    expectError(await h.call('GET', '/api/v6/permission/xyz'), 400, -4, [{ field: 'path.permissionId', code: 'format' }]);
  });
});

describe('E48 PUT /permission/{permissionId}', () => {
  it('changes the fields sent and keeps the others', async () => {
    const s = await createSet(fx.A.accountId, { name: 'Before' });
    const res = await h.call('PUT', `/api/v6/permission/${s.id}`, { name: 'After', participantsCanShareScreen: false, moderatorRequiredToStart: true }, as(fx.keyA));
    expect(res.statusCode, res.body).toBe(200);
    expect(Object.keys(res.json().data)).toEqual(SET_KEYS);
    expect(res.json().data).toMatchObject({
      id: s.id,
      name: 'After',
      participantsCanShareScreen: false,
      participantsCanUseChat: true,
      moderatorRequiredToStart: true,
      guestsWaitInLobby: false,
    });
    expect((await h.call('GET', `/api/v6/permission/${s.id}`)).json().data).toEqual(res.json().data);
  });

  it('accepts a round-tripped GET body', async () => {
    const s = await createSet(fx.A.accountId, { name: 'Round', participantsCanUseChat: false });
    const got = await h.call('GET', `/api/v6/permission/${s.id}`);
    const res = await h.call('PUT', `/api/v6/permission/${s.id}`, got.json().data);
    expect(res.statusCode, res.body).toBe(200);
    expect({ ...res.json().data, updatedAt: '' }).toEqual({ ...got.json().data, updatedAt: '' });
  });

  it.each([...BAD_FLAGS, ['name empty', { name: '' }, 'name', 'minLength'] as [string, Record<string, unknown>, string, string]])(
    'rejects %s with -4 naming exactly that field',
    async (_n, patch, field, code) => {
      const s = await createSet(fx.A.accountId);
      await expectRejected(h, () => h.call('PUT', `/api/v6/permission/${s.id}`, patch), 400, -4, [{ field, code }]);
    },
  );

  it('enforces key, permission, scope and admin rights', async () => {
    const s = await createSet(fx.A.accountId);
    const url = `/api/v6/permission/${s.id}`;
    await expectRejected(h, () => h.call('PUT', url, { name: 'x' }, { 'x-api-key': '' }), 401, -1);
    await expectRejected(h, () => h.call('PUT', url, { name: 'x' }, as(fx.keyAMeeting)), 403, -3);
    await expectRejected(h, () => h.call('PUT', url, { name: 'x' }, as(fx.keyB)), 404, -5);
    await expectRejected(h, () => h.call('PUT', url, { name: 1 }, { 'x-user-id': fx.organizer.id }), 403, -3);
    await expectRejected(h, () => h.call('PUT', `/api/v6/permission/${UNKNOWN_ID}`, { name: 'x' }), 404, -5);
    await expectRejected(h, () => h.call('PUT', '/api/v6/permission/x', { name: 'x' }), 400, -4, [{ field: 'path.permissionId', code: 'format' }]);
  });
});

describe('E49 DELETE /permission/{permissionId}', () => {
  it('deletes the set, nulls meetings (onMeetingUpdated each) and the account default in one transaction', async () => {
    const acc = await h.newAccount();
    const s = await createSet(acc.accountId, { name: 'Doomed' });
    const keep = await createSet(acc.accountId, { name: 'Kept' });
    expect((await h.call('PUT', `/api/v6/account/${acc.accountId}`, { defaultMeetingPermissions: s.id })).statusCode).toBe(200);
    const admin = { id: acc.adminId, email: acc.adminEmail };
    const uses = await addMeeting(h, acc.accountId, admin, { meetingPermissionId: s.id });
    const usesToo = await addMeeting(h, acc.accountId, admin, { meetingPermissionId: s.id, ended: true });
    const other = await addMeeting(h, acc.accountId, admin, { meetingPermissionId: keep.id });

    const res = await h.call('DELETE', `/api/v6/permission/${s.id}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ responseCode: 0, data: { id: s.id, deleted: true } });

    expectError(await h.call('GET', `/api/v6/permission/${s.id}`), 404, -5);
    expect((await h.call('GET', `/api/v6/account/${acc.accountId}`)).json().data.defaultMeetingPermissions).toBeNull();
    for (const m of [uses, usesToo]) {
      expect((await h.store.meetings.get('*', m.id))!.meetingPermissionId).toBeNull();
      expect((await h.store.outbox.listEvents({ meetingId: m.id, offset: 0, limit: 5 })).items.map((e) => e.event)).toEqual(['onMeetingUpdated']);
    }
    expect((await h.store.meetings.get('*', other.id))!.meetingPermissionId).toBe(keep.id);
    expect((await h.store.outbox.listEvents({ meetingId: other.id, offset: 0, limit: 5 })).total).toBe(0);
  });

  it('leaves a different account default alone', async () => {
    const acc = await h.newAccount();
    const s = await createSet(acc.accountId);
    const def = await createSet(acc.accountId);
    await h.call('PUT', `/api/v6/account/${acc.accountId}`, { defaultMeetingPermissions: def.id });
    await h.call('DELETE', `/api/v6/permission/${s.id}`);
    expect((await h.call('GET', `/api/v6/account/${acc.accountId}`)).json().data.defaultMeetingPermissions).toBe(def.id);
  });

  it('enforces key, permission, scope and admin rights, writing nothing', async () => {
    const s = await createSet(fx.A.accountId);
    await addMeeting(h, fx.A.accountId, { id: fx.A.adminId, email: fx.A.adminEmail }, { meetingPermissionId: s.id });
    const url = `/api/v6/permission/${s.id}`;
    await expectRejected(h, () => h.call('DELETE', url, undefined, { 'x-api-key': '' }), 401, -1);
    await expectRejected(h, () => h.call('DELETE', url, undefined, as(fx.keyAMeeting)), 403, -3);
    await expectRejected(h, () => h.call('DELETE', url, undefined, as(fx.keyB)), 404, -5);
    await expectRejected(h, () => h.call('DELETE', url, undefined, { 'x-user-id': fx.organizer.id }), 403, -3);
    await expectRejected(h, () => h.call('DELETE', `/api/v6/permission/${UNKNOWN_ID}`), 404, -5);
    await expectRejected(h, () => h.call('DELETE', '/api/v6/permission/00'), 400, -4, [{ field: 'path.permissionId', code: 'format' }]);
    expect((await h.call('DELETE', url, undefined, as(fx.keyA))).statusCode).toBe(200);
    expectError(await h.call('DELETE', url), 404, -5);
  });
});
