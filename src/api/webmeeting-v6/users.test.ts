/**
 * Users, admins and organizers through the v6 API: E7–E10 and E14–E19 (webmeeting-v6 §7, §3, §4).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness, type Harness } from '../../../test/support/app.js';
import { deleteUser } from '../../domain/accounts/deleteUser.js';
import { addMeeting, adminFixture, as, expectError, expectRejected, HEX24, ISO_MS, issueKey, UNKNOWN_ID, type AdminFixture } from '../../../test/support/accountAdmin.js';

let h: Harness;
let fx: AdminFixture;
beforeAll(async () => {
  h = await harness();
  fx = await adminFixture(h);
});
afterAll(() => h.close());

const USER_KEYS = ['email', 'firstName', 'lastName', 'externalUserId', 'preferredLanguage', 'timezone', 'additionalTimezones', 'id', 'icsToken', 'icsPath', 'accountId', 'isAdmin', 'createdAt'];
const ICS_TOKEN = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
let emailSeq = 0;
const freshEmail = (p = 'user') => `${p}${++emailSeq}-${Date.now()}@example.com`;

/** Creates an organizer of `accountId` with the instance key. */
async function createOrganizer(accountId: string, body: Record<string, unknown> = {}) {
  const res = await h.call('POST', `/api/v6/account/user/${accountId}`, { email: freshEmail(), firstName: 'Olga', lastName: 'Org', ...body });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data as { id: string; email: string; icsToken: string; isAdmin: boolean; accountId: string };
}

/** The bad-input table of UserInput (§7.2): body fields → exactly one issue on that field. */
const BAD_USER_FIELDS: Array<[string, Record<string, unknown>, string, string]> = [
  ['email wrong type', { email: 5 }, 'email', 'type'],
  ['email malformed', { email: 'bob@' }, 'email', 'format'],
  ['email too long', { email: `${'a'.repeat(250)}@example.com` }, 'email', 'maxLength'],
  ['firstName wrong type', { firstName: 5 }, 'firstName', 'type'],
  ['firstName too long', { firstName: 'x'.repeat(101) }, 'firstName', 'maxLength'],
  ['lastName wrong type', { lastName: true }, 'lastName', 'type'],
  ['lastName too long', { lastName: 'x'.repeat(101) }, 'lastName', 'maxLength'],
  ['preferredLanguage unknown', { preferredLanguage: 'es' }, 'preferredLanguage', 'enum'],
  ['preferredLanguage wrong type', { preferredLanguage: 1 }, 'preferredLanguage', 'type'],
  ['timezone unknown', { timezone: 'Mars/Olympus_Mons' }, 'timezone', 'format'],
  ['timezone wrong type', { timezone: 60 }, 'timezone', 'type'],
  ['additionalTimezones not an array', { additionalTimezones: 'Europe/Paris' }, 'additionalTimezones', 'type'],
  ['additionalTimezones over 10', { additionalTimezones: Array(11).fill('Europe/Paris') }, 'additionalTimezones', 'maxLength'],
  ['additionalTimezones item unknown', { additionalTimezones: ['Europe/Paris', 'Nowhere/City'] }, 'additionalTimezones[1]', 'format'],
  ['additionalTimezones item wrong type', { additionalTimezones: [5] }, 'additionalTimezones[0]', 'type'],
  ['externalUserId too long', { externalUserId: 'x'.repeat(256) }, 'externalUserId', 'maxLength'],
  ['externalUserId wrong type', { externalUserId: 4711 }, 'externalUserId', 'type'],
  ['isAdmin not a boolean', { isAdmin: 'yes' }, 'isAdmin', 'type'],
  ['sendPassword not a boolean', { sendPassword: 'true' }, 'sendPassword', 'type'],
];

describe('E10 POST /account/user/{accountId}', () => {
  it('creates an organizer and returns the User in the FOUND key order', async () => {
    const res = await h.call('POST', `/api/v6/account/user/${fx.A.accountId}`, {
      email: '  Anna.Muster@Example.COM ',
      firstName: 'Anna',
      lastName: 'Muster',
      preferredLanguage: 'de',
      timezone: 'Europe/Zurich',
      additionalTimezones: ['America/New_York'],
      externalUserId: 'crm-4711',
      isAdmin: false,
      sendPassword: false,
      colour: 'ignored',
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(Object.keys(body)).toEqual(['responseCode', 'data']);
    expect(Object.keys(body.data)).toEqual(USER_KEYS);
    expect(body).toEqual({
      responseCode: 0,
      data: {
        email: 'anna.muster@example.com',
        firstName: 'Anna',
        lastName: 'Muster',
        externalUserId: 'crm-4711',
        preferredLanguage: 'de',
        timezone: 'Europe/Zurich',
        additionalTimezones: ['America/New_York'],
        id: expect.stringMatching(HEX24),
        icsToken: expect.stringMatching(ICS_TOKEN),
        icsPath: `/api/v6/meeting/calender/user/${body.data.icsToken}`,
        accountId: fx.A.accountId,
        isAdmin: false,
        createdAt: expect.stringMatching(ISO_MS),
      },
    });
    expect((await h.store.mail.list({ to: 'anna.muster@example.com', offset: 0, limit: 10 })).total).toBe(0);
  });

  it('fills the defaults (§7.2) for a minimal body', async () => {
    const email = freshEmail();
    const res = await h.call('POST', `/api/v6/account/user/${fx.A.accountId}`, { email, firstName: 'Min', lastName: 'Imal' });
    expect(res.json().data).toMatchObject({ email, externalUserId: null, preferredLanguage: 'en', timezone: 'Europe/Zurich', additionalTimezones: [], isAdmin: false });
  });

  it('creates an admin when isAdmin is true', async () => {
    const u = await createOrganizer(fx.A.accountId, { isAdmin: true });
    expect(u.isAdmin).toBe(true);
    const admins = await h.call('GET', `/api/v6/account/admin/${fx.A.accountId}`);
    expect(admins.json().data.map((a: { id: string }) => a.id)).toContain(u.id);
  });

  it('queues a userCreated set-password mail with sendPassword: true', async () => {
    const email = freshEmail('pw');
    const res = await h.call('POST', `/api/v6/account/user/${fx.A.accountId}`, { email, firstName: 'Pat', lastName: 'Word', sendPassword: true, preferredLanguage: 'fr' });
    expect(res.statusCode).toBe(200);
    const mails = await h.store.mail.list({ to: email, offset: 0, limit: 10 });
    expect(mails.total).toBe(1);
    expect(mails.items[0]).toMatchObject({ to: email, template: 'userCreated', language: 'fr' });
    expect(mails.items[0]!.body).toContain('/auth/set-password?token=');
  });

  it('works with the account\u2019s own account key', async () => {
    const res = await h.call('POST', `/api/v6/account/user/${fx.A.accountId}`, { email: freshEmail(), firstName: 'K', lastName: 'Ey' }, as(fx.keyA));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data.accountId).toBe(fx.A.accountId);
  });

  it('answers -11 for an email used anywhere in the instance, case-insensitively, and writes nothing', async () => {
    await expectRejected(h, () => h.call('POST', `/api/v6/account/user/${fx.A.accountId}`, { email: fx.B.adminEmail.toUpperCase(), firstName: 'Du', lastName: 'Plicate' }), 409, -11, [{ field: 'email', code: 'conflict' }]);
  });

  it('answers -6 when numberOfMeetingOrganizers is reached, and writes nothing', async () => {
    const acc = await h.newAccount(undefined, { numberOfMeetingOrganizers: 2 });
    await createOrganizer(acc.accountId);
    await expectRejected(h, () => h.call('POST', `/api/v6/account/user/${acc.accountId}`, { email: freshEmail(), firstName: 'One', lastName: 'Toomany' }), 409, -6, [{ field: null, code: 'limit' }]);
    const view = await h.call('GET', `/api/v6/account/${acc.accountId}`);
    expect(view.json().data.canAddMeetingOrganizer).toBe(false);
  });

  it.each(BAD_USER_FIELDS)('rejects %s with -4 naming exactly that field', async (_name, patch, field, code) => {
    await expectRejected(h, () => h.call('POST', `/api/v6/account/user/${fx.A.accountId}`, { email: freshEmail(), firstName: 'Bad', lastName: 'Input', ...patch }), 400, -4, [{ field, code }]);
  });

  it.each([
    ['email', 'email'],
    ['firstName', 'firstName'],
    ['lastName', 'lastName'],
  ])('rejects a missing %s with required', async (missing, field) => {
    const body: Record<string, unknown> = { email: freshEmail(), firstName: 'A', lastName: 'B' };
    delete body[missing];
    await expectRejected(h, () => h.call('POST', `/api/v6/account/user/${fx.A.accountId}`, body), 400, -4, [{ field, code: 'required' }]);
  });

  it('reports every problem at once, in field order', async () => {
    await expectRejected(h, () => h.call('POST', `/api/v6/account/user/${fx.A.accountId}`, { email: 'bob@', firstName: 5, lastName: '   ', preferredLanguage: 'es', additionalTimezones: ['X/Y'] }), 400, -4, [
      { field: 'email', code: 'format' },
      { field: 'firstName', code: 'type' },
      { field: 'lastName', code: 'required' },
      { field: 'preferredLanguage', code: 'enum' },
      { field: 'additionalTimezones[0]', code: 'format' },
    ]);
  });

  it('lists every required field for an empty body, and rejects a non-object body', async () => {
    await expectRejected(h, () => h.call('POST', `/api/v6/account/user/${fx.A.accountId}`), 400, -4, [
      { field: 'email', code: 'required' },
      { field: 'firstName', code: 'required' },
      { field: 'lastName', code: 'required' },
    ]);
    await expectRejected(h, () => h.call('POST', `/api/v6/account/user/${fx.A.accountId}`, [1, 2]), 400, -4, [
      { field: null, code: 'type' },
      { field: 'email', code: 'required' },
      { field: 'firstName', code: 'required' },
      { field: 'lastName', code: 'required' },
    ]);
  });

  it('enforces key, permission, scope and admin rights (§3), writing nothing', async () => {
    const url = `/api/v6/account/user/${fx.A.accountId}`;
    const body = { email: freshEmail(), firstName: 'No', lastName: 'Body' };
    await expectRejected(h, () => h.call('POST', url, body, { 'x-api-key': '' }), 401, -1);
    await expectRejected(h, () => h.call('POST', url, body, as('not-a-key')), 401, -1);
    await expectRejected(h, () => h.call('POST', url, body, as(fx.keyAMeeting)), 403, -3);
    await expectRejected(h, () => h.call('POST', url, body, as(fx.instanceMeeting)), 403, -3);
    await expectRejected(h, () => h.call('POST', url, body, as(fx.keyB)), 403, -3);
    await expectRejected(h, () => h.call('POST', url, body, { 'x-user-id': fx.organizer.id }), 403, -3);
    await expectRejected(h, () => h.call('POST', url, body, as(fx.keyA, { 'x-user-id': fx.organizer.id })), 403, -3);
    await expectRejected(h, () => h.call('POST', '/api/v6/account/user/12345', body), 400, -4, [{ field: 'path.accountId', code: 'format' }]);
    await expectRejected(h, () => h.call('POST', `/api/v6/account/user/${UNKNOWN_ID}`, body), 404, -5);
    // -3 comes before -4 (§3.3): a non-admin with a bad body learns nothing about the body.
    await expectRejected(h, () => h.call('POST', url, { email: 5 }, { 'x-user-id': fx.organizer.id }), 403, -3);
  });
});

describe('E9 GET /account/user/{accountId}', () => {
  it('lists every user of the account, admins included, with X-Total-Count and paging', async () => {
    const acc = await h.newAccount(freshEmail('zz-admin'));
    const b = await createOrganizer(acc.accountId, { email: freshEmail('bb') });
    const a = await createOrganizer(acc.accountId, { email: freshEmail('aa') });
    const res = await h.call('GET', `/api/v6/account/user/${acc.accountId}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-total-count']).toBe('3');
    expect(res.json().data.map((u: { id: string }) => u.id)).toEqual([acc.adminId, b.id, a.id]);
    expect(Object.keys(res.json().data[0])).toEqual(USER_KEYS);
    const byEmail = await h.call('GET', `/api/v6/account/user/${acc.accountId}?sort=email`);
    expect(byEmail.json().data.map((u: { id: string }) => u.id)).toEqual([a.id, b.id, acc.adminId]);
    const page = await h.call('GET', `/api/v6/account/user/${acc.accountId}?sort=email&offset=1&limit=1`);
    expect(page.headers['x-total-count']).toBe('3');
    expect(page.json()).toEqual({ responseCode: 0, data: [expect.objectContaining({ id: b.id })] });
  });

  it.each([
    ['limit=0', 'query.limit', 'min'],
    ['limit=501', 'query.limit', 'max'],
    ['limit=ten', 'query.limit', 'type'],
    ['offset=-1', 'query.offset', 'min'],
    ['sort=name', 'query.sort', 'enum'],
  ])('rejects ?%s naming %s', async (qs, field, code) => {
    await expectRejected(h, () => h.call('GET', `/api/v6/account/user/${fx.A.accountId}?${qs}`), 400, -4, [{ field, code }]);
  });

  it('reports several query problems together', async () => {
    expectError(await h.call('GET', `/api/v6/account/user/${fx.A.accountId}?offset=x&limit=0&sort=no`), 400, -4, [
      { field: 'query.offset', code: 'type' },
      { field: 'query.limit', code: 'min' },
      { field: 'query.sort', code: 'enum' },
    ]);
  });

  it('enforces key, permission, scope and admin rights', async () => {
    const url = `/api/v6/account/user/${fx.A.accountId}`;
    expect((await h.call('GET', url, undefined, as(fx.keyA))).statusCode).toBe(200);
    expectError(await h.call('GET', url, undefined, { 'x-api-key': '' }), 401, -1);
    expectError(await h.call('GET', url, undefined, as(fx.keyAMeeting)), 403, -3);
    expectError(await h.call('GET', url, undefined, as(fx.keyB)), 403, -3);
    expectError(await h.call('GET', url, undefined, as(fx.keyA, { 'x-user-id': fx.organizer.id })), 403, -3);
    expectError(await h.call('GET', '/api/v6/account/user/XYZ'), 400, -4, [{ field: 'path.accountId', code: 'format' }]);
    expectError(await h.call('GET', `/api/v6/account/user/${UNKNOWN_ID}`), 404, -5);
  });
});

describe('E7 POST /account/admin/{accountId}', () => {
  it('promotes an organizer of the account with {userId}', async () => {
    const acc = await h.newAccount();
    const o = await createOrganizer(acc.accountId);
    const res = await h.call('POST', `/api/v6/account/admin/${acc.accountId}`, { userId: o.id }, as(await keyOf(acc.accountId)));
    expect(res.statusCode, res.body).toBe(200);
    expect(Object.keys(res.json().data)).toEqual(USER_KEYS);
    expect(res.json()).toEqual({ responseCode: 0, data: expect.objectContaining({ id: o.id, isAdmin: true, accountId: acc.accountId }) });
    const admins = await h.call('GET', `/api/v6/account/admin/${acc.accountId}`);
    expect(admins.json().data.map((u: { id: string }) => u.id)).toEqual([acc.adminId, o.id]);
    // Promoting an admin again changes nothing.
    const again = await h.call('POST', `/api/v6/account/admin/${acc.accountId}`, { userId: o.id });
    expect(again.json().data.isAdmin).toBe(true);
  });

  it('creates a new admin from a UserInput (isAdmin forced true)', async () => {
    const email = freshEmail('newadmin');
    const res = await h.call('POST', `/api/v6/account/admin/${fx.A.accountId}`, { email, firstName: 'New', lastName: 'Admin', isAdmin: false, timezone: 'America/New_York' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toMatchObject({ email, firstName: 'New', lastName: 'Admin', isAdmin: true, timezone: 'America/New_York', accountId: fx.A.accountId });
  });

  it.each([
    ['an unknown id', { userId: UNKNOWN_ID }, 'userId', 'unknownReference'],
    ['a malformed id', { userId: 'abc' }, 'userId', 'format'],
    ['a number', { userId: 42 }, 'userId', 'type'],
    ['null', { userId: null }, 'userId', 'required'],
  ])('rejects {userId} with %s, writing nothing', async (_n, body, field, code) => {
    await expectRejected(h, () => h.call('POST', `/api/v6/account/admin/${fx.A.accountId}`, body), 400, -4, [{ field, code }]);
  });

  it('does not promote a user of another account (unknownReference)', async () => {
    await expectRejected(h, () => h.call('POST', `/api/v6/account/admin/${fx.A.accountId}`, { userId: fx.B.adminId }), 400, -4, [{ field: 'userId', code: 'unknownReference' }]);
  });

  it.each(BAD_USER_FIELDS)('rejects a UserInput with %s', async (_name, patch, field, code) => {
    await expectRejected(h, () => h.call('POST', `/api/v6/account/admin/${fx.A.accountId}`, { email: freshEmail(), firstName: 'Bad', lastName: 'Admin', ...patch }), 400, -4, [{ field, code }]);
  });

  it('answers -11 and -6 for a new admin as E10 does', async () => {
    await expectRejected(h, () => h.call('POST', `/api/v6/account/admin/${fx.A.accountId}`, { email: fx.A.adminEmail, firstName: 'A', lastName: 'B' }), 409, -11);
    const full = await h.newAccount(undefined, { numberOfMeetingOrganizers: 1 });
    await expectRejected(h, () => h.call('POST', `/api/v6/account/admin/${full.accountId}`, { email: freshEmail(), firstName: 'A', lastName: 'B' }), 409, -6);
  });

  it('enforces key, permission, scope and admin rights', async () => {
    const url = `/api/v6/account/admin/${fx.A.accountId}`;
    const body = { userId: fx.organizer.id };
    await expectRejected(h, () => h.call('POST', url, body, { 'x-api-key': '' }), 401, -1);
    await expectRejected(h, () => h.call('POST', url, body, as(fx.keyAMeeting)), 403, -3);
    await expectRejected(h, () => h.call('POST', url, body, as(fx.keyB)), 403, -3);
    await expectRejected(h, () => h.call('POST', url, body, { 'x-user-id': fx.organizer.id }), 403, -3);
    await expectRejected(h, () => h.call('POST', '/api/v6/account/admin/nothex', body), 400, -4, [{ field: 'path.accountId', code: 'format' }]);
    await expectRejected(h, () => h.call('POST', `/api/v6/account/admin/${UNKNOWN_ID}`, body), 404, -5);
  });
});

describe('E8 DELETE /account/admin/{accountId}/{userId}', () => {
  it('demotes an admin to organizer and returns the User', async () => {
    const acc = await h.newAccount();
    const second = await createOrganizer(acc.accountId, { isAdmin: true });
    const res = await h.call('DELETE', `/api/v6/account/admin/${acc.accountId}/${second.id}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(Object.keys(res.json().data)).toEqual(USER_KEYS);
    expect(res.json()).toEqual({ responseCode: 0, data: expect.objectContaining({ id: second.id, isAdmin: false }) });
    const admins = await h.call('GET', `/api/v6/account/admin/${acc.accountId}`);
    expect(admins.json().data.map((u: { id: string }) => u.id)).toEqual([acc.adminId]);
  });

  it('answers -12 for the last admin, writing nothing', async () => {
    const acc = await h.newAccount();
    await expectRejected(h, () => h.call('DELETE', `/api/v6/account/admin/${acc.accountId}/${acc.adminId}`), 409, -12);
  });

  it('answers -5 for an unknown user or a user of another account, 400 for a malformed id', async () => {
    await expectRejected(h, () => h.call('DELETE', `/api/v6/account/admin/${fx.A.accountId}/${UNKNOWN_ID}`), 404, -5, [{ field: 'path.userId', code: 'notFound' }]);
    await expectRejected(h, () => h.call('DELETE', `/api/v6/account/admin/${fx.A.accountId}/${fx.B.adminId}`), 404, -5);
    await expectRejected(h, () => h.call('DELETE', `/api/v6/account/admin/${fx.A.accountId}/zzz`), 400, -4, [{ field: 'path.userId', code: 'format' }]);
    await expectRejected(h, () => h.call('DELETE', `/api/v6/account/admin/zzz/${fx.A.adminId}`), 400, -4, [{ field: 'path.accountId', code: 'format' }]);
  });

  it('enforces key, permission, scope and admin rights', async () => {
    const url = `/api/v6/account/admin/${fx.A.accountId}/${fx.A.adminId}`;
    await expectRejected(h, () => h.call('DELETE', url, undefined, { 'x-api-key': '' }), 401, -1);
    await expectRejected(h, () => h.call('DELETE', url, undefined, as(fx.keyAMeeting)), 403, -3);
    await expectRejected(h, () => h.call('DELETE', url, undefined, as(fx.keyB)), 403, -3);
    await expectRejected(h, () => h.call('DELETE', url, undefined, { 'x-user-id': fx.organizer.id }), 403, -3);
    await expectRejected(h, () => h.call('DELETE', `/api/v6/account/admin/${UNKNOWN_ID}/${fx.A.adminId}`), 404, -5);
  });
});

describe('E14 GET /user/me', () => {
  it('returns the user named by X-USER-ID or X-USER-EMAIL with an instance key', async () => {
    const byId = await h.call('GET', '/api/v6/user/me', undefined, { 'x-user-id': fx.organizer.id });
    expect(byId.statusCode).toBe(200);
    expect(Object.keys(byId.json().data)).toEqual(USER_KEYS);
    expect(byId.json().data).toMatchObject({ id: fx.organizer.id, email: fx.organizer.email, isAdmin: false });
    const byEmail = await h.call('GET', '/api/v6/user/me', undefined, { 'x-user-email': fx.organizer.email.toUpperCase() });
    expect(byEmail.json().data.id).toBe(fx.organizer.id);
  });

  it('accepts either key permission, and an account key acts as its first admin without headers', async () => {
    const viaMeetingKey = await h.call('GET', '/api/v6/user/me', undefined, as(fx.keyAMeeting));
    expect(viaMeetingKey.json().data.id).toBe(fx.A.adminId);
    const viaInstanceMeeting = await h.call('GET', '/api/v6/user/me', undefined, as(fx.instanceMeeting, { 'x-user-id': fx.B.adminId }));
    expect(viaInstanceMeeting.json().data.id).toBe(fx.B.adminId);
  });

  it('answers -2 without an acting user on an instance key, or with a user of another account on an account key', async () => {
    expectError(await h.call('GET', '/api/v6/user/me'), 401, -2, [{ field: 'header.X-USER-ID', code: 'required' }]);
    expectError(await h.call('GET', '/api/v6/user/me', undefined, as(fx.keyA, { 'x-user-id': fx.B.adminId })), 401, -2);
    expectError(await h.call('GET', '/api/v6/user/me', undefined, { 'x-user-id': 'nothex' }), 401, -2, [{ field: 'header.X-USER-ID', code: 'format' }]);
    expectError(await h.call('GET', '/api/v6/user/me', undefined, { 'x-api-key': '' }), 401, -1);
  });
});

describe('E15 GET /user/email/{email}', () => {
  it('finds a user by URL-encoded email, case-insensitively', async () => {
    const res = await h.call('GET', `/api/v6/user/email/${encodeURIComponent(fx.organizer.email.toUpperCase())}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(Object.keys(res.json().data)).toEqual(USER_KEYS);
    expect(res.json().data).toMatchObject({ id: fx.organizer.id, email: fx.organizer.email });
    const own = await h.call('GET', `/api/v6/user/email/${fx.organizer.email}`, undefined, as(fx.keyA, { 'x-user-id': fx.organizer.id }));
    expect(own.json().data.id).toBe(fx.organizer.id);
  });

  it('answers -5 for an unknown email and for another account\u2019s user, 400 for a malformed one', async () => {
    expectError(await h.call('GET', '/api/v6/user/email/nobody%40example.com'), 404, -5, [{ field: 'path.email', code: 'notFound' }]);
    expectError(await h.call('GET', `/api/v6/user/email/${fx.B.adminEmail}`, undefined, as(fx.keyA)), 404, -5);
    expectError(await h.call('GET', '/api/v6/user/email/not-an-email'), 400, -4, [{ field: 'path.email', code: 'format' }]);
  });

  it('enforces key, permission and the organizer\u2019s own-record rule', async () => {
    const url = `/api/v6/user/email/${encodeURIComponent(fx.A.adminEmail)}`;
    expectError(await h.call('GET', url, undefined, { 'x-api-key': '' }), 401, -1);
    expectError(await h.call('GET', url, undefined, as(fx.keyAMeeting)), 403, -3);
    expectError(await h.call('GET', url, undefined, { 'x-user-id': fx.organizer.id }), 403, -3);
  });
});

describe('E16 GET /user/{userId}', () => {
  it('reads a user', async () => {
    const res = await h.call('GET', `/api/v6/user/${fx.organizer.id}`, undefined, as(fx.keyA));
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json().data)).toEqual(USER_KEYS);
    expect(res.json().data).toMatchObject({ id: fx.organizer.id, email: fx.organizer.email, firstName: 'Otto', lastName: 'Organizer', accountId: fx.A.accountId });
  });

  it('lets a non-admin read only their own record', async () => {
    expect((await h.call('GET', `/api/v6/user/${fx.organizer.id}`, undefined, { 'x-user-id': fx.organizer.id })).statusCode).toBe(200);
    expectError(await h.call('GET', `/api/v6/user/${fx.A.adminId}`, undefined, { 'x-user-id': fx.organizer.id }), 403, -3);
  });

  it('enforces key, permission and scope: another account\u2019s user is -5', async () => {
    const url = `/api/v6/user/${fx.A.adminId}`;
    expectError(await h.call('GET', url, undefined, { 'x-api-key': '' }), 401, -1);
    expectError(await h.call('GET', url, undefined, as(fx.keyAMeeting)), 403, -3);
    expectError(await h.call('GET', url, undefined, as(fx.keyB)), 404, -5, [{ field: 'path.userId', code: 'notFound' }]);
    expectError(await h.call('GET', `/api/v6/user/${UNKNOWN_ID}`), 404, -5);
    expectError(await h.call('GET', '/api/v6/user/0123'), 400, -4, [{ field: 'path.userId', code: 'format' }]);
  });
});

describe('E17 PUT /user/{userId}', () => {
  it('updates every field and returns the User', async () => {
    const u = await createOrganizer(fx.A.accountId);
    const email = freshEmail('renamed');
    const res = await h.call('PUT', `/api/v6/user/${u.id}`, {
      email: email.toUpperCase(),
      firstName: 'Renate',
      lastName: 'Neu',
      preferredLanguage: 'it',
      timezone: 'Asia/Tokyo',
      additionalTimezones: ['Europe/London', 'Europe/London', 'UTC'],
      externalUserId: 'ext-1',
      isAdmin: true,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      responseCode: 0,
      data: {
        email,
        firstName: 'Renate',
        lastName: 'Neu',
        externalUserId: 'ext-1',
        preferredLanguage: 'it',
        timezone: 'Asia/Tokyo',
        additionalTimezones: ['Europe/London', 'UTC'],
        id: u.id,
        icsToken: u.icsToken,
        icsPath: `/api/v6/meeting/calender/user/${u.icsToken}`,
        accountId: fx.A.accountId,
        isAdmin: true,
        createdAt: expect.stringMatching(ISO_MS),
      },
    });
    const cleared = await h.call('PUT', `/api/v6/user/${u.id}`, { externalUserId: null });
    expect(cleared.json().data.externalUserId).toBeNull();
    expect(cleared.json().data.firstName).toBe('Renate');
    // The old address is free again for a new user (§7.2 uniqueness is on the current email).
    const reuse = await h.call('POST', `/api/v6/account/user/${fx.A.accountId}`, { email: u.email, firstName: 'Re', lastName: 'Use' });
    expect(reuse.statusCode, reuse.body).toBe(200);
  });

  it('accepts a round-tripped GET body unchanged, also from a non-admin on their own record', async () => {
    const got = await h.call('GET', `/api/v6/user/${fx.organizer.id}`);
    const before = await h.store.users.get('*', fx.organizer.id);
    const res = await h.call('PUT', `/api/v6/user/${fx.organizer.id}`, got.json().data, { 'x-user-id': fx.organizer.id });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toEqual(got.json().data);
    const after = await h.store.users.get('*', fx.organizer.id);
    expect({ ...after, updatedAt: 0 }).toEqual({ ...before, updatedAt: 0 });
  });

  it('answers -3 forbiddenField when a non-admin changes their own isAdmin', async () => {
    await expectRejected(h, () => h.call('PUT', `/api/v6/user/${fx.organizer.id}`, { isAdmin: true }, { 'x-user-id': fx.organizer.id }), 403, -3, [{ field: 'isAdmin', code: 'forbiddenField' }]);
  });

  it('answers -3 when a non-admin updates someone else', async () => {
    await expectRejected(h, () => h.call('PUT', `/api/v6/user/${fx.A.adminId}`, { firstName: 'Hacked' }, as(fx.keyA, { 'x-user-id': fx.organizer.id })), 403, -3);
  });

  it('answers -11 when the new email is taken, -12 when the last admin is demoted', async () => {
    await expectRejected(h, () => h.call('PUT', `/api/v6/user/${fx.organizer.id}`, { email: fx.B.adminEmail }), 409, -11, [{ field: 'email', code: 'conflict' }]);
    const acc = await h.newAccount();
    await expectRejected(h, () => h.call('PUT', `/api/v6/user/${acc.adminId}`, { isAdmin: false }), 409, -12);
    // Sending its own email again is not a conflict.
    expect((await h.call('PUT', `/api/v6/user/${acc.adminId}`, { email: acc.adminEmail, isAdmin: true })).statusCode).toBe(200);
  });

  it.each([...BAD_USER_FIELDS, ['firstName empty', { firstName: '' }, 'firstName', 'minLength'] as [string, Record<string, unknown>, string, string]])(
    'rejects %s with -4 naming exactly that field',
    async (_name, patch, field, code) => {
      await expectRejected(h, () => h.call('PUT', `/api/v6/user/${fx.organizer.id}`, patch), 400, -4, [{ field, code }]);
    },
  );

  it('reports several problems together and ignores unknown fields', async () => {
    await expectRejected(h, () => h.call('PUT', `/api/v6/user/${fx.organizer.id}`, { email: 'x', timezone: 'Nope', isAdmin: 1, shoeSize: 44 }), 400, -4, [
      { field: 'email', code: 'format' },
      { field: 'timezone', code: 'format' },
      { field: 'isAdmin', code: 'type' },
    ]);
  });

  it('enforces key, permission and scope', async () => {
    const url = `/api/v6/user/${fx.organizer.id}`;
    await expectRejected(h, () => h.call('PUT', url, { firstName: 'X' }, { 'x-api-key': '' }), 401, -1);
    await expectRejected(h, () => h.call('PUT', url, { firstName: 'X' }, as(fx.keyAMeeting)), 403, -3);
    await expectRejected(h, () => h.call('PUT', url, { firstName: 'X' }, as(fx.keyB)), 404, -5);
    await expectRejected(h, () => h.call('PUT', `/api/v6/user/${UNKNOWN_ID}`, { firstName: 'X' }), 404, -5);
    await expectRejected(h, () => h.call('PUT', '/api/v6/user/xyz', { firstName: 'X' }), 400, -4, [{ field: 'path.userId', code: 'format' }]);
  });
});

describe('E18 DELETE /user/{userId}', () => {
  async function eventsOf(meetingId: string) {
    return (await h.store.outbox.listEvents({ meetingId, offset: 0, limit: 50 })).items.map((e) => e.event);
  }

  it('deletes the user and their meetings that have not ended (onMeetingDeleted), keeping ended ones', async () => {
    const acc = await h.newAccount();
    const u = await createOrganizer(acc.accountId, { sendPassword: true });
    const future = await addMeeting(h, acc.accountId, { id: u.id, email: u.email, name: 'Olga Org' });
    const ended = await addMeeting(h, acc.accountId, { id: u.id, email: u.email, name: 'Olga Org' }, { ended: true });
    const res = await h.call('DELETE', `/api/v6/user/${u.id}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ responseCode: 0, data: { id: u.id, deleted: true } });
    expect(await h.store.users.get('*', u.id)).toBeUndefined();
    expect(await h.store.users.getByIcsToken(u.icsToken)).toBeUndefined();
    expect((await h.store.meetings.getAny('*', future.id))!.deletedAt).not.toBeNull();
    expect(await eventsOf(future.id)).toEqual(['onMeetingDeleted']);
    const kept = (await h.store.meetings.get('*', ended.id))!;
    expect(kept).toMatchObject({ deletedAt: null, addedByUserId: u.id, addedByUserEmail: u.email, addedByUserName: 'Olga Org' });
    expect(await eventsOf(ended.id)).toEqual([]);
    expectError(await h.call('GET', `/api/v6/user/${u.id}`), 404, -5);
  });

  it('with ?transferMeetingsTo= moves the meetings that have not ended (onMeetingUpdated)', async () => {
    const acc = await h.newAccount();
    const u = await createOrganizer(acc.accountId);
    const heir = await createOrganizer(acc.accountId, { firstName: 'Hera', lastName: 'Heir' });
    const future = await addMeeting(h, acc.accountId, { id: u.id, email: u.email });
    const ended = await addMeeting(h, acc.accountId, { id: u.id, email: u.email }, { ended: true });
    const res = await h.call('DELETE', `/api/v6/user/${u.id}?transferMeetingsTo=${heir.id}`);
    expect(res.json()).toEqual({ responseCode: 0, data: { id: u.id, deleted: true } });
    const moved = (await h.store.meetings.get('*', future.id))!;
    expect(moved).toMatchObject({ deletedAt: null, addedByUserId: heir.id, addedByUserEmail: heir.email, addedByUserName: 'Hera Heir', icalSequence: 1 });
    expect(await eventsOf(future.id)).toEqual(['onMeetingUpdated']);
    expect((await h.store.meetings.get('*', ended.id))!.addedByUserId).toBe(u.id);
    expect(await eventsOf(ended.id)).toEqual([]);
  });

  it('renders onMeetingDeleted before the tombstone and onMeetingUpdated after the transfer', async () => {
    const acc = await h.newAccount();
    const u = await createOrganizer(acc.accountId);
    const heir = await createOrganizer(acc.accountId);
    const u2 = await createOrganizer(acc.accountId);
    await addMeeting(h, acc.accountId, { id: u.id, email: u.email });
    await addMeeting(h, acc.accountId, { id: u2.id, email: u2.email });
    const seen: Array<[string, number | null, string]> = [];
    const deps = { ...h.deps, renderWebhookPayload: (event: string, d: { meeting: { deletedAt: number | null; addedByUserId: string } }) => {
      seen.push([event, d.meeting.deletedAt, d.meeting.addedByUserId]);
      return '{}';
    } } as typeof h.deps;
    const actor = { level: 'instance' as const, accountId: null, user: null, credentialId: 'test' };
    await deleteUser(deps, actor, u.id, { transferMeetingsTo: heir.id });
    await deleteUser(deps, actor, u2.id);
    expect(seen).toEqual([
      ['onMeetingUpdated', null, heir.id],
      ['onMeetingDeleted', null, u2.id],
    ]);
  });

  it.each([
    ['an unknown user', () => UNKNOWN_ID, 'unknownReference'],
    ['a user of another account', () => fx.B.adminId, 'unknownReference'],
    ['a malformed id', () => 'bob', 'format'],
  ])('rejects transferMeetingsTo naming %s, writing nothing', async (_n, target, code) => {
    const u = await createOrganizer(fx.A.accountId);
    await addMeeting(h, fx.A.accountId, { id: u.id, email: u.email });
    await expectRejected(h, () => h.call('DELETE', `/api/v6/user/${u.id}?transferMeetingsTo=${target()}`), 400, -4, [{ field: 'query.transferMeetingsTo', code }]);
  });

  it('rejects transferring to the user being deleted', async () => {
    const u = await createOrganizer(fx.A.accountId);
    await expectRejected(h, () => h.call('DELETE', `/api/v6/user/${u.id}?transferMeetingsTo=${u.id}`), 400, -4, [{ field: 'query.transferMeetingsTo', code: 'unknownReference' }]);
  });

  it('answers -12 for the last admin, and deletes an admin that is not the last', async () => {
    const acc = await h.newAccount();
    await expectRejected(h, () => h.call('DELETE', `/api/v6/user/${acc.adminId}`), 409, -12);
    const second = await createOrganizer(acc.accountId, { isAdmin: true });
    expect((await h.call('DELETE', `/api/v6/user/${acc.adminId}`)).statusCode).toBe(200);
    const admins = await h.call('GET', `/api/v6/account/admin/${acc.accountId}`);
    expect(admins.json().data.map((x: { id: string }) => x.id)).toEqual([second.id]);
  });

  it('enforces key, permission, scope and admin rights', async () => {
    const u = await createOrganizer(fx.A.accountId);
    const url = `/api/v6/user/${u.id}`;
    await expectRejected(h, () => h.call('DELETE', url, undefined, { 'x-api-key': '' }), 401, -1);
    await expectRejected(h, () => h.call('DELETE', url, undefined, as(fx.keyAMeeting)), 403, -3);
    await expectRejected(h, () => h.call('DELETE', url, undefined, as(fx.keyB)), 404, -5);
    await expectRejected(h, () => h.call('DELETE', url, undefined, { 'x-user-id': fx.organizer.id }), 403, -3);
    await expectRejected(h, () => h.call('DELETE', `/api/v6/user/${fx.organizer.id}`, undefined, { 'x-user-id': fx.organizer.id }), 403, -3);
    await expectRejected(h, () => h.call('DELETE', `/api/v6/user/${UNKNOWN_ID}`), 404, -5);
    await expectRejected(h, () => h.call('DELETE', '/api/v6/user/12'), 400, -4, [{ field: 'path.userId', code: 'format' }]);
    // The account's own key deletes it.
    expect((await h.call('DELETE', url, undefined, as(fx.keyA))).statusCode).toBe(200);
  });
});

describe('E19 POST /user/{userId}/icstoken', () => {
  it('replaces the token; the old one no longer resolves', async () => {
    const u = await createOrganizer(fx.A.accountId);
    const res = await h.call('POST', `/api/v6/user/${u.id}/icstoken`);
    expect(res.statusCode, res.body).toBe(200);
    expect(Object.keys(res.json().data)).toEqual(USER_KEYS);
    const token = res.json().data.icsToken as string;
    expect(token).toMatch(ICS_TOKEN);
    expect(token).not.toBe(u.icsToken);
    expect(res.json().data.icsPath).toBe(`/api/v6/meeting/calender/user/${token}`);
    expect(await h.store.users.getByIcsToken(u.icsToken)).toBeUndefined();
    expect((await h.store.users.getByIcsToken(token))!.id).toBe(u.id);
  });

  it('lets a non-admin renew only their own token', async () => {
    expect((await h.call('POST', `/api/v6/user/${fx.organizer.id}/icstoken`, undefined, { 'x-user-id': fx.organizer.id })).statusCode).toBe(200);
    await expectRejected(h, () => h.call('POST', `/api/v6/user/${fx.A.adminId}/icstoken`, undefined, { 'x-user-id': fx.organizer.id }), 403, -3);
  });

  it('enforces key, permission and scope', async () => {
    const url = `/api/v6/user/${fx.A.adminId}/icstoken`;
    await expectRejected(h, () => h.call('POST', url, undefined, { 'x-api-key': '' }), 401, -1);
    await expectRejected(h, () => h.call('POST', url, undefined, as(fx.keyAMeeting)), 403, -3);
    await expectRejected(h, () => h.call('POST', url, undefined, as(fx.keyB)), 404, -5);
    await expectRejected(h, () => h.call('POST', `/api/v6/user/${UNKNOWN_ID}/icstoken`), 404, -5);
    await expectRejected(h, () => h.call('POST', '/api/v6/user/abc/icstoken'), 400, -4, [{ field: 'path.userId', code: 'format' }]);
  });
});

/** An account key (account permission) of `accountId`. */
async function keyOf(accountId: string): Promise<string> {
  return issueKey(h, 'account', accountId, ['account']);
}
