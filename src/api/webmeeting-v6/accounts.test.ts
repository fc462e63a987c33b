/**
 * Account administration through the v6 API: E4 update, E5 delete (webmeeting-v6 §6) and E53 dial-in numbers
 * (§8.10), with the §3 auth rules and the §4 bad-input rules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness, INSTANCE_KEY, type Harness } from '../../../test/support/app.js';
import { deleteAccount } from '../../domain/accounts/deleteAccount.js';
import type { Actor } from '../../domain/accounts/policies.js';
import { addMeeting, adminFixture, as, expectError, expectRejected, HEX24, ISO_MS, issueKey, snapshot, UNKNOWN_ID, type AdminFixture } from '../../../test/support/accountAdmin.js';

let h: Harness;
let fx: AdminFixture;
const INSTANCE_ACTOR: Actor = { level: 'instance', accountId: null, user: null, credentialId: 'test' };
beforeAll(async () => {
  h = await harness();
  fx = await adminFixture(h);
});
afterAll(() => h.close());

const ACCOUNT_KEYS = [
  'name',
  'accountType',
  'numberOfMeetings',
  'numberOfMeetingOrganizers',
  'numberOfMeetingRooms',
  'paidUntil',
  'iceCandidatesToFilter',
  'customDialInNumbers',
  'displayStandardDialInNumbersInInvite',
  'defaultMeetingPermissions',
  'defaultMeetingType',
  'defaultMeetingHasDialin',
  'defaultMeetingHasRecording',
  'autoExtendMeetings',
  'autoDeleteMeetingsAfterXDays',
  'id',
  'canAddMeetingOrganizer',
  'accountRooms',
  'createdAt',
  'isExpired',
];

async function permissionSet(accountId: string, name = 'Panel'): Promise<string> {
  const res = await h.call('POST', `/api/v6/permission/account/${accountId}`, { name });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data.id as string;
}

describe('E4 PUT /account/{accountId}', () => {
  it('updates every field with an instance key and returns the Account', async () => {
    const acc = await h.newAccount();
    const ps = await permissionSet(acc.accountId);
    const res = await h.call('PUT', `/api/v6/account/${acc.accountId}`, {
      name: '  Acme AG ',
      accountType: 'free',
      paidUntil: '2031-01-01T10:00:00+01:00',
      numberOfMeetings: 10,
      numberOfMeetingOrganizers: 5,
      numberOfMeetingRooms: 2,
      iceCandidatesToFilter: ['relay', '10.0.0.0/8'],
      customDialInNumbers: [{ country: 'ch', number: '+41445550100', displayNumber: '+41 44 555 01 00', label: 'Zurich', tollFree: false }],
      displayStandardDialInNumbersInInvite: false,
      defaultMeetingPermissions: ps,
      defaultMeetingType: 'webinar',
      defaultMeetingHasDialin: true,
      defaultMeetingHasRecording: true,
      autoExtendMeetings: true,
      autoDeleteMeetingsAfterXDays: 30,
      adminFirstname: 'ignored',
      sendPassword: true,
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(Object.keys(body.data)).toEqual(ACCOUNT_KEYS);
    expect(body).toEqual({
      responseCode: 0,
      data: {
        name: 'Acme AG',
        accountType: 'free',
        numberOfMeetings: 10,
        numberOfMeetingOrganizers: 5,
        numberOfMeetingRooms: 2,
        paidUntil: '2031-01-01T09:00:00.000Z',
        iceCandidatesToFilter: ['relay', '10.0.0.0/8'],
        customDialInNumbers: [{ country: 'CH', number: '+41445550100', displayNumber: '+41 44 555 01 00', label: 'Zurich', tollFree: false }],
        displayStandardDialInNumbersInInvite: false,
        defaultMeetingPermissions: ps,
        defaultMeetingType: 'webinar',
        defaultMeetingHasDialin: true,
        defaultMeetingHasRecording: true,
        autoExtendMeetings: true,
        autoDeleteMeetingsAfterXDays: 30,
        id: acc.accountId,
        canAddMeetingOrganizer: true,
        accountRooms: [
          { id: expect.stringMatching(HEX24), accountId: acc.accountId, name: 'Room 1', index: 1, isActive: true, createdAt: expect.stringMatching(ISO_MS) },
          { id: expect.stringMatching(HEX24), accountId: acc.accountId, name: 'Room 2', index: 2, isActive: true, createdAt: expect.stringMatching(ISO_MS) },
        ],
        createdAt: expect.stringMatching(ISO_MS),
        isExpired: false,
      },
    });
    // No mail: sendPassword means nothing on E4.
    expect((await h.store.mail.list({ to: acc.adminEmail, offset: 0, limit: 5 })).total).toBe(0);
    expect((await h.call('GET', `/api/v6/account/${acc.accountId}`)).json()).toEqual(body);
  });

  it('lets an instance key extend a trial and clear paidUntil', async () => {
    const acc = await h.newAccount(undefined, { accountType: 'trial' });
    const res = await h.call('PUT', `/api/v6/account/${acc.accountId}`, { paidUntil: '2040-05-05T00:00:00Z' });
    expect(res.json().data).toMatchObject({ accountType: 'trial', paidUntil: '2040-05-05T00:00:00.000Z' });
    const cleared = await h.call('PUT', `/api/v6/account/${acc.accountId}`, { paidUntil: null });
    expect(cleared.json().data.paidUntil).toBeNull();
  });

  it('accepts a round-tripped GET body from an account key, changing nothing', async () => {
    const got = await h.call('GET', `/api/v6/account/${fx.A.accountId}`, undefined, as(fx.keyA));
    const res = await h.call('PUT', `/api/v6/account/${fx.A.accountId}`, got.json().data, as(fx.keyA));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toEqual(got.json().data);
  });

  it('lets an account key change the fields that are not instance-only', async () => {
    const key = await issueKey(h, 'account', fx.A.accountId, ['account']);
    const res = await h.call('PUT', `/api/v6/account/${fx.A.accountId}`, { name: 'Renamed by key', autoExtendMeetings: true, numberOfMeetingRooms: 1 }, as(key));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toMatchObject({ name: 'Renamed by key', autoExtendMeetings: true, numberOfMeetingRooms: 1 });
  });

  it('answers -3 forbiddenField, naming each instance-only field an account key changed, and writes nothing', async () => {
    await expectRejected(h, () => h.call('PUT', `/api/v6/account/${fx.A.accountId}`, { accountType: 'free', name: 'x' }, as(fx.keyA)), 403, -3, [{ field: 'accountType', code: 'forbiddenField' }]);
    await expectRejected(
      h,
      () =>
        h.call(
          'PUT',
          `/api/v6/account/${fx.A.accountId}`,
          { accountType: 'paid', paidUntil: '2030-01-01T00:00:00Z', numberOfMeetings: 9, numberOfMeetingOrganizers: 9, numberOfMeetingRooms: 9 },
          as(fx.keyA),
        ),
      403,
      -3,
      [
        { field: 'paidUntil', code: 'forbiddenField' },
        { field: 'numberOfMeetings', code: 'forbiddenField' },
        { field: 'numberOfMeetingOrganizers', code: 'forbiddenField' },
        { field: 'numberOfMeetingRooms', code: 'forbiddenField' },
      ],
    );
  });

  it('checks defaultMeetingPermissions against the account\u2019s own sets, and null clears it', async () => {
    const own = await permissionSet(fx.A.accountId, 'Own');
    const foreign = await permissionSet(fx.B.accountId, 'Foreign');
    const ok = await h.call('PUT', `/api/v6/account/${fx.A.accountId}`, { defaultMeetingPermissions: own }, as(fx.keyA));
    expect(ok.json().data.defaultMeetingPermissions).toBe(own);
    await expectRejected(h, () => h.call('PUT', `/api/v6/account/${fx.A.accountId}`, { defaultMeetingPermissions: foreign }), 400, -4, [{ field: 'defaultMeetingPermissions', code: 'unknownReference' }]);
    await expectRejected(h, () => h.call('PUT', `/api/v6/account/${fx.A.accountId}`, { defaultMeetingPermissions: UNKNOWN_ID }), 400, -4, [{ field: 'defaultMeetingPermissions', code: 'unknownReference' }]);
    const cleared = await h.call('PUT', `/api/v6/account/${fx.A.accountId}`, { defaultMeetingPermissions: null });
    expect(cleared.json().data.defaultMeetingPermissions).toBeNull();
  });

  it('provisions rooms when the quota grows and deactivates the highest when it shrinks', async () => {
    const acc = await h.newAccount();
    const grown = await h.call('PUT', `/api/v6/account/${acc.accountId}`, { numberOfMeetingRooms: 3 });
    expect(grown.json().data.accountRooms.map((r: { name: string; isActive: boolean }) => [r.name, r.isActive])).toEqual([
      ['Room 1', true],
      ['Room 2', true],
      ['Room 3', true],
    ]);
    const shrunk = await h.call('PUT', `/api/v6/account/${acc.accountId}`, { numberOfMeetingRooms: 1 });
    expect(shrunk.json().data.accountRooms.map((r: { index: number; isActive: boolean }) => [r.index, r.isActive])).toEqual([
      [1, true],
      [2, false],
      [3, false],
    ]);
    const regrown = await h.call('PUT', `/api/v6/account/${acc.accountId}`, { numberOfMeetingRooms: 2 });
    expect(regrown.json().data.accountRooms.map((r: { index: number; isActive: boolean }) => [r.index, r.isActive])).toEqual([
      [1, true],
      [2, true],
      [3, false],
    ]);
  });

  it.each([
    ['name wrong type', { name: 5 }, 'name', 'type'],
    ['name empty', { name: '' }, 'name', 'minLength'],
    ['name too long', { name: 'n'.repeat(256) }, 'name', 'maxLength'],
    ['accountType unknown', { accountType: 'gold' }, 'accountType', 'enum'],
    ['accountType wrong type', { accountType: 1 }, 'accountType', 'type'],
    ['paidUntil without zone', { paidUntil: '2030-01-01T00:00:00' }, 'paidUntil', 'format'],
    ['paidUntil impossible date', { paidUntil: '2030-02-30T00:00:00Z' }, 'paidUntil', 'format'],
    ['paidUntil wrong type', { paidUntil: 1893456000000 }, 'paidUntil', 'type'],
    ['numberOfMeetings negative', { numberOfMeetings: -1 }, 'numberOfMeetings', 'min'],
    ['numberOfMeetings fraction', { numberOfMeetings: 1.5 }, 'numberOfMeetings', 'type'],
    ['numberOfMeetings string', { numberOfMeetings: '5' }, 'numberOfMeetings', 'type'],
    ['numberOfMeetingOrganizers negative', { numberOfMeetingOrganizers: -2 }, 'numberOfMeetingOrganizers', 'min'],
    ['numberOfMeetingRooms zero', { numberOfMeetingRooms: 0 }, 'numberOfMeetingRooms', 'min'],
    ['numberOfMeetingRooms wrong type', { numberOfMeetingRooms: true }, 'numberOfMeetingRooms', 'type'],
    ['iceCandidatesToFilter not an array', { iceCandidatesToFilter: 'relay' }, 'iceCandidatesToFilter', 'type'],
    ['iceCandidatesToFilter item', { iceCandidatesToFilter: ['relay', 7] }, 'iceCandidatesToFilter[1]', 'type'],
    ['iceCandidatesToFilter over 50', { iceCandidatesToFilter: Array(51).fill('relay') }, 'iceCandidatesToFilter', 'maxLength'],
    ['customDialInNumbers not an array', { customDialInNumbers: {} }, 'customDialInNumbers', 'type'],
    ['customDialInNumbers item not an object', { customDialInNumbers: ['+41445550100'] }, 'customDialInNumbers[0]', 'type'],
    ['customDialInNumbers country', { customDialInNumbers: [{ country: 'CHE', number: '+41445550100' }] }, 'customDialInNumbers[0].country', 'format'],
    ['customDialInNumbers number', { customDialInNumbers: [{ country: 'CH', number: '0445550100' }] }, 'customDialInNumbers[0].number', 'format'],
    ['customDialInNumbers number missing', { customDialInNumbers: [{ country: 'CH' }] }, 'customDialInNumbers[0].number', 'required'],
    ['displayStandardDialInNumbersInInvite', { displayStandardDialInNumbersInInvite: 'yes' }, 'displayStandardDialInNumbersInInvite', 'type'],
    ['defaultMeetingPermissions malformed', { defaultMeetingPermissions: 'abc' }, 'defaultMeetingPermissions', 'format'],
    ['defaultMeetingPermissions wrong type', { defaultMeetingPermissions: 5 }, 'defaultMeetingPermissions', 'type'],
    ['defaultMeetingType unknown', { defaultMeetingType: 'party' }, 'defaultMeetingType', 'enum'],
    ['defaultMeetingHasDialin', { defaultMeetingHasDialin: 0 }, 'defaultMeetingHasDialin', 'type'],
    ['defaultMeetingHasRecording', { defaultMeetingHasRecording: 'false' }, 'defaultMeetingHasRecording', 'type'],
    ['autoExtendMeetings wrong type', { autoExtendMeetings: 'true' }, 'autoExtendMeetings', 'type'],
    ['autoDeleteMeetingsAfterXDays string (null elsewhere means default)', { autoExtendMeetings: null, autoDeleteMeetingsAfterXDays: 'x' }, 'autoDeleteMeetingsAfterXDays', 'type'],
    ['autoDeleteMeetingsAfterXDays negative', { autoDeleteMeetingsAfterXDays: -1 }, 'autoDeleteMeetingsAfterXDays', 'min'],
  ])('rejects %s with -4 naming exactly that field', async (_n, body, field, code) => {
    await expectRejected(h, () => h.call('PUT', `/api/v6/account/${fx.A.accountId}`, body), 400, -4, [{ field, code }]);
  });

  it('reports several problems together; validation comes before the forbiddenField check', async () => {
    await expectRejected(h, () => h.call('PUT', `/api/v6/account/${fx.A.accountId}`, { name: 1, accountType: 'x', numberOfMeetingRooms: 0, autoExtendMeetings: 'no' }, as(fx.keyA)), 400, -4, [
      { field: 'name', code: 'type' },
      { field: 'accountType', code: 'enum' },
      { field: 'numberOfMeetingRooms', code: 'min' },
      { field: 'autoExtendMeetings', code: 'type' },
    ]);
  });

  it('rejects a body that is not an object', async () => {
    await expectRejected(h, () => h.call('PUT', `/api/v6/account/${fx.A.accountId}`, '"text"'), 400, -4, [{ field: null, code: 'type' }]);
    await expectRejected(h, () => h.call('PUT', `/api/v6/account/${fx.A.accountId}`, '{"name":'), 400, -4, [{ field: null, code: 'invalidJson' }]);
  });

  it('enforces key, permission, scope and admin rights', async () => {
    const url = `/api/v6/account/${fx.A.accountId}`;
    await expectRejected(h, () => h.call('PUT', url, { name: 'x' }, { 'x-api-key': '' }), 401, -1);
    await expectRejected(h, () => h.call('PUT', url, { name: 'x' }, as(fx.keyAMeeting)), 403, -3);
    await expectRejected(h, () => h.call('PUT', url, { name: 'x' }, as(fx.instanceMeeting)), 403, -3);
    await expectRejected(h, () => h.call('PUT', url, { name: 'x' }, as(fx.keyB)), 403, -3);
    await expectRejected(h, () => h.call('PUT', url, { name: 'x' }, { 'x-user-id': fx.organizer.id }), 403, -3);
    await expectRejected(h, () => h.call('PUT', url, { name: 1 }, as(fx.keyA, { 'x-user-id': fx.organizer.id })), 403, -3);
    await expectRejected(h, () => h.call('PUT', '/api/v6/account/ABCDEF', { name: 'x' }), 400, -4, [{ field: 'path.accountId', code: 'format' }]);
    await expectRejected(h, () => h.call('PUT', `/api/v6/account/${UNKNOWN_ID}`, { name: 'x' }), 404, -5);
  });
});

describe('E5 DELETE /account/{accountId}', () => {
  it('deletes the account and everything in it in one go; meetings become tombstones with onMeetingDeleted', async () => {
    const acc = await h.newAccount();
    const orgRes = await h.call('POST', `/api/v6/account/user/${acc.accountId}`, { email: `gone-${acc.accountId}@example.com`, firstName: 'Gone', lastName: 'Soon' });
    const org = orgRes.json().data as { id: string; email: string; icsToken: string };
    await permissionSet(acc.accountId);
    await h.call('GET', `/api/v6/room/account/${acc.accountId}`);
    const accKey = await issueKey(h, 'account', acc.accountId, ['account', 'meeting']);
    const m1 = await addMeeting(h, acc.accountId, { id: acc.adminId, email: acc.adminEmail });
    const m2 = await addMeeting(h, acc.accountId, { id: org.id, email: org.email }, { ended: true });
    const bBefore = await h.call('GET', `/api/v6/account/${fx.B.accountId}`);

    const res = await h.call('DELETE', `/api/v6/account/${acc.accountId}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ responseCode: 0, data: { id: acc.accountId, deleted: true } });

    expectError(await h.call('GET', `/api/v6/account/${acc.accountId}`), 404, -5);
    expectError(await h.call('GET', `/api/v6/user/me`, undefined, as(accKey)), 401, -1);
    expect(await h.store.users.get('*', org.id)).toBeUndefined();
    expect(await h.store.users.getByIcsToken(org.icsToken)).toBeUndefined();
    expect(await h.store.rooms.listByAccount(acc.accountId)).toEqual([]);
    expect(await h.store.permissionSets.listByAccount(acc.accountId)).toEqual([]);
    expect(await h.store.apiKeys.listByAccount(acc.accountId)).toEqual([]);
    for (const m of [m1, m2]) {
      expect((await h.store.meetings.getAny('*', m.id))!.deletedAt).toBe((await h.store.meetings.getAny('*', m1.id))!.deletedAt);
      expect(await h.store.meetings.get('*', m.id)).toBeUndefined();
      const events = await h.store.outbox.listEvents({ meetingId: m.id, offset: 0, limit: 10 });
      expect(events.items.map((e) => [e.event, e.accountId, e.sequence])).toEqual([['onMeetingDeleted', acc.accountId, 1]]);
    }
    expect((await h.call('GET', `/api/v6/account/${fx.B.accountId}`)).json()).toEqual(bBefore.json());
    // Deleting again: the account is gone.
    expectError(await h.call('DELETE', `/api/v6/account/${acc.accountId}`), 404, -5);
  });

  it('renders each onMeetingDeleted payload from the meeting as it was before deletion', async () => {
    const acc = await h.newAccount();
    const m = await addMeeting(h, acc.accountId, { id: acc.adminId, email: acc.adminEmail });
    const seen: Array<{ event: string; deletedAt: number | null; account: string }> = [];
    const deps = { ...h.deps, renderWebhookPayload: (event: string, d: { meeting: { deletedAt: number | null }; account: { id: string } }) => {
      seen.push({ event, deletedAt: d.meeting.deletedAt, account: d.account.id });
      return JSON.stringify({ deletedAt: d.meeting.deletedAt });
    } } as typeof h.deps;
    await deleteAccount(deps, INSTANCE_ACTOR, acc.accountId);
    expect(seen).toEqual([{ event: 'onMeetingDeleted', deletedAt: null, account: acc.accountId }]);
    const [event] = (await h.store.outbox.listEvents({ meetingId: m.id, offset: 0, limit: 5 })).items;
    expect(event!.payload).toBe('{"deletedAt":null}');
  });

  it('is one transaction: a failure half-way leaves every row as it was', async () => {
    const acc = await h.newAccount();
    await addMeeting(h, acc.accountId, { id: acc.adminId, email: acc.adminEmail });
    await addMeeting(h, acc.accountId, { id: acc.adminId, email: acc.adminEmail });
    let calls = 0;
    const deps = { ...h.deps, renderWebhookPayload: () => {
      if (++calls === 2) throw new Error('renderer failed');
      return '{}';
    } } as typeof h.deps;
    const before = await snapshot(h);
    await expect(deleteAccount(deps, INSTANCE_ACTOR, acc.accountId)).rejects.toThrow('renderer failed');
    expect(await snapshot(h)).toBe(before);
  });

  it('frees the deleted users\u2019 emails', async () => {
    const acc = await h.newAccount();
    expect((await h.call('DELETE', `/api/v6/account/${acc.accountId}`)).statusCode).toBe(200);
    expect((await h.call('POST', `/api/v6/account/user/${fx.A.accountId}`, { email: acc.adminEmail, firstName: 'Re', lastName: 'Born' })).statusCode).toBe(200);
  });

  it('needs an instance key with the account permission, and writes nothing otherwise', async () => {
    const url = `/api/v6/account/${fx.A.accountId}`;
    await expectRejected(h, () => h.call('DELETE', url, undefined, { 'x-api-key': '' }), 401, -1);
    await expectRejected(h, () => h.call('DELETE', url, undefined, as(fx.keyA)), 403, -3);
    await expectRejected(h, () => h.call('DELETE', url, undefined, as(fx.keyB)), 403, -3);
    await expectRejected(h, () => h.call('DELETE', url, undefined, as(fx.instanceMeeting)), 403, -3);
    await expectRejected(h, () => h.call('DELETE', '/api/v6/account/g00000000000000000000000'), 400, -4, [{ field: 'path.accountId', code: 'format' }]);
    await expectRejected(h, () => h.call('DELETE', `/api/v6/account/${UNKNOWN_ID}`), 404, -5);
  });
});

describe('E53 GET /dialin/numbers', () => {
  const STANDARD = [
    { country: 'CH', number: '+41445550100', displayNumber: '+41 44 555 01 00' },
    { country: 'DE', number: '+49305550100' },
  ];
  let hd: Harness;
  let acc: { accountId: string; adminId: string; adminEmail: string };
  let other: { accountId: string; adminId: string; adminEmail: string };
  beforeAll(async () => {
    hd = await harness({ env: { CONVENE_STANDARD_DIALIN_NUMBERS: JSON.stringify(STANDARD) } });
    acc = await hd.newAccount(undefined, { customDialInNumbers: [{ country: 'FR', number: '+33155550100', label: 'Paris' }, { country: 'CH', number: '+41445550100', label: 'dup' }] });
    other = await hd.newAccount(undefined, { displayStandardDialInNumbersInInvite: false, customDialInNumbers: [{ country: 'AT', number: '+43155550100' }] });
  });
  afterAll(() => hd.close());

  it('returns standard ++ custom numbers de-duplicated by number for an account key (either permission)', async () => {
    const key = await issueKey(hd, 'account', acc.accountId, ['meeting']);
    const res = await hd.call('GET', '/api/v6/dialin/numbers', undefined, as(key));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      responseCode: 0,
      data: [
        { country: 'CH', number: '+41445550100', displayNumber: '+41 44 555 01 00' },
        { country: 'DE', number: '+49305550100' },
        { country: 'FR', number: '+33155550100', label: 'Paris' },
      ],
    });
    expect(res.headers['x-total-count']).toBe('3');
  });

  it('leaves the standard numbers out when the account does not show them', async () => {
    const key = await issueKey(hd, 'account', other.accountId, ['account']);
    const res = await hd.call('GET', '/api/v6/dialin/numbers', undefined, as(key));
    expect(res.json()).toEqual({ responseCode: 0, data: [{ country: 'AT', number: '+43155550100' }] });
  });

  it('with an instance key uses the acting user\u2019s account, or ?accountId=', async () => {
    const byUser = await hd.call('GET', '/api/v6/dialin/numbers', undefined, { 'x-user-id': other.adminId });
    expect(byUser.json().data).toEqual([{ country: 'AT', number: '+43155550100' }]);
    const byQuery = await hd.call('GET', `/api/v6/dialin/numbers?accountId=${other.accountId}`);
    expect(byQuery.json().data).toEqual([{ country: 'AT', number: '+43155550100' }]);
  });

  it('rejects a missing, malformed or unknown ?accountId= on an instance key without a user', async () => {
    expectError(await hd.call('GET', '/api/v6/dialin/numbers'), 400, -4, [{ field: 'query.accountId', code: 'required' }]);
    expectError(await hd.call('GET', '/api/v6/dialin/numbers?accountId=123'), 400, -4, [{ field: 'query.accountId', code: 'format' }]);
    expectError(await hd.call('GET', `/api/v6/dialin/numbers?accountId=${UNKNOWN_ID}`), 404, -5, [{ field: 'query.accountId', code: 'notFound' }]);
  });

  it('keeps an account key (or an acting user) to its own account', async () => {
    const key = await issueKey(hd, 'account', acc.accountId, ['account']);
    expectError(await hd.call('GET', `/api/v6/dialin/numbers?accountId=${other.accountId}`, undefined, as(key)), 403, -3);
    expectError(await hd.call('GET', `/api/v6/dialin/numbers?accountId=${other.accountId}`, undefined, { 'x-user-id': acc.adminId }), 403, -3);
    expectError(await hd.call('GET', '/api/v6/dialin/numbers', undefined, { 'x-api-key': '' }), 401, -1);
    expectError(await hd.call('GET', '/api/v6/dialin/numbers', undefined, as(INSTANCE_KEY, { 'x-user-id': UNKNOWN_ID })), 401, -2);
  });

  it('writes nothing', async () => {
    const before = await snapshot(hd);
    await hd.call('GET', `/api/v6/dialin/numbers?accountId=${acc.accountId}`);
    expect(await snapshot(hd)).toBe(before);
  });
});
