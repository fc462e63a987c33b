/**
 * Join links: E38 links, E39 dial-in (webmeeting-v6 §8.9, §8.10, §12.1) and the public `/j/<code>` route
 * (CROSS-DIALECT.md "Join links").
 */
import { createHmac } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness, type Harness } from '../../../test/support/app.js';
import { as, expectRejected, issueKey, UNKNOWN_ID } from '../../../test/support/accountAdmin.js';
import { enforceAuthPolicy } from '../common/authPolicy.js';
import { isHostToken } from '../../domain/meetings/joinLinks.js';
import { joinPages } from '../../web/joinPages.js';

/** A JSON object from a response body; tests read its fields freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Data = Record<string, any>;

const STANDARD = [
  { country: 'CH', number: '+41445550100', displayNumber: '+41 44 555 01 00' },
  { country: 'DE', number: '+4930555010', label: 'Berlin' },
];
const DEFAULTS = {
  participantsCanShareScreen: true,
  participantsCanUseChat: true,
  participantsCanShareDocuments: true,
  participantsCanUseWhiteboard: true,
  participantsCanSeeParticipantList: true,
  participantsCanUnmuteThemselves: true,
  participantsCanStartVideo: true,
  guestsWaitInLobby: false,
  moderatorRequiredToStart: false,
};
const DASHED = /^\d{4}-\d{4}-\d{4}-\d{4}$/;

let h: Harness;
let web: FastifyInstance;
let A: { accountId: string; adminId: string; adminEmail: string };
let B: { accountId: string; adminId: string; adminEmail: string };
let organizer: { id: string };

beforeAll(async () => {
  h = await harness({
    env: { CONVENE_STANDARD_DIALIN_NUMBERS: JSON.stringify(STANDARD), CONVENE_SIP_DOMAIN: 'sip.meet.example.com', CONVENE_SIP_PROXY: 'proxy.meet.example.com' },
  });
  A = await h.newAccount(undefined, { customDialInNumbers: [{ country: 'CH', number: '+41445550100', displayNumber: 'duplicate' }, { country: 'AT', number: '+4315550100' }] });
  B = await h.newAccount();
  const res = await h.call('POST', `/api/v6/account/user/${A.accountId}`, { email: `otto-${A.accountId}@example.com`, firstName: 'Otto', lastName: 'Organizer' });
  organizer = { id: res.json().data.id };
  // The join pages live outside /api/v6; until app.ts registers them, they are mounted on their own app.
  web = Fastify();
  enforceAuthPolicy(web);
  await web.register(joinPages, { deps: h.deps });
  await web.ready();
});
afterAll(async () => {
  await web.close();
  await h.close();
});

async function schedule(body: Record<string, unknown> = {}, userId = A.adminId): Promise<Data> {
  const res = await h.call('POST', '/api/v6/meeting', { topic: 'Board <meeting> & "friends"', startTime: '2030-01-07T09:00:00Z', duration: 30, ...body }, { 'x-user-id': userId });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data;
}

async function permissionSet(accountId: string, flags: Record<string, boolean>): Promise<string> {
  const res = await h.call('POST', `/api/v6/permission/account/${accountId}`, { name: 'Set', ...flags });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data.id;
}

describe('E38 GET /meeting/{id}/links', () => {
  it('returns the /j/ links with a verifiable host token, no SIP or dial-in without dial-in, and the built-in permissions', async () => {
    const m = await schedule();
    const res = await h.call('GET', `/api/v6/meeting/${m.id}/links`);
    expect(res.statusCode, res.body).toBe(200);
    const token = createHmac('sha256', h.deps.settings.hostLinkSecret).update(m.id).digest('base64url');
    expect(res.json()).toEqual({
      responseCode: 0,
      data: {
        participantUrl: `https://meet.example.com/j/${m.meetingId}`,
        moderatorUrl: `https://meet.example.com/j/${m.meetingId}?t=${token}`,
        sipUri: null,
        dialIn: null,
        effectivePermissions: DEFAULTS,
      },
    });
    expect(m.meetingId).toMatch(DASHED);
    expect(Object.keys(res.json().data)).toEqual(['participantUrl', 'moderatorUrl', 'sipUri', 'dialIn', 'effectivePermissions']);
    expect(isHostToken(h.deps.settings, m.id, token)).toBe(true);
    expect(isHostToken(h.deps.settings, m.id, token.slice(1))).toBe(false);
    expect(isHostToken(h.deps.settings, UNKNOWN_ID, token)).toBe(false);
  });

  it('with dial-in: the SIP URI and the standard ++ custom numbers, de-duplicated; the same URL for every occurrence', async () => {
    const m = await schedule({ isDialin: true, isRecurring: true, recurring: { frequencyType: 'weekly', endsType: 'after', endsAfter: 3 } });
    const data = (await h.call('GET', `/api/v6/meeting/${m.id}/links`)).json().data;
    expect(m.dialInConferenceRoom).toMatch(/^[1-9]\d{7}$/);
    expect(data.sipUri).toBe(`sip:${m.dialInConferenceRoom}@sip.meet.example.com`);
    expect(data.dialIn).toEqual({ numbers: [...STANDARD, { country: 'AT', number: '+4315550100' }], conferenceRoom: m.dialInConferenceRoom, pin: m.dialInPin });
    expect(data.dialIn.numbers).toEqual(m.dialInNumbers);
    expect(data.participantUrl).toBe(`https://meet.example.com/j/${m.meetingId}`);
  });

  it('resolves permissions: the meeting\u2019s set, else the account default, else built-in', async () => {
    const accountSet = await permissionSet(A.accountId, { participantsCanUseChat: false });
    const meetingSet = await permissionSet(A.accountId, { guestsWaitInLobby: true });
    const plain = await schedule();
    const withSet = await schedule({ meetingPermissionId: meetingSet });
    const put = await h.call('PUT', `/api/v6/account/${A.accountId}`, { defaultMeetingPermissions: accountSet });
    expect(put.statusCode, put.body).toBe(200);
    const perms = async (id: string) => (await h.call('GET', `/api/v6/meeting/${id}/links`)).json().data.effectivePermissions;
    expect(await perms(plain.id)).toEqual({ ...DEFAULTS, participantsCanUseChat: false });
    expect(await perms(withSet.id)).toEqual({ ...DEFAULTS, guestsWaitInLobby: true });
    await h.call('PUT', `/api/v6/account/${A.accountId}`, { defaultMeetingPermissions: null });
    expect(await perms(plain.id)).toEqual(DEFAULTS);
  });

  it('refuses what §3 refuses and writes nothing', async () => {
    await linkRefusals('links');
  });
});

describe('E39 GET /meeting/{id}/dialin', () => {
  it('returns {numbers, conferenceRoom, pin, sipUri, sipProxy}', async () => {
    const m = await schedule({ isDialin: true });
    const res = await h.call('GET', `/api/v6/meeting/${m.id}/dialin`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      responseCode: 0,
      data: {
        numbers: [...STANDARD, { country: 'AT', number: '+4315550100' }],
        conferenceRoom: m.dialInConferenceRoom,
        pin: m.dialInPin,
        sipUri: `sip:${m.dialInConferenceRoom}@sip.meet.example.com`,
        sipProxy: 'proxy.meet.example.com',
      },
    });
    expect(m.dialInPin).toMatch(/^\d{6}$/);
  });

  it('is empty for a meeting without dial-in', async () => {
    const m = await schedule();
    expect((await h.call('GET', `/api/v6/meeting/${m.id}/dialin`)).json()).toEqual({
      responseCode: 0,
      data: { numbers: [], conferenceRoom: null, pin: null, sipUri: null, sipProxy: null },
    });
  });

  it('refuses what §3 refuses and writes nothing', async () => {
    await linkRefusals('dialin');
  });
});

async function linkRefusals(path: 'links' | 'dialin'): Promise<void> {
  const m = await schedule();
  const get = (id: string, headers: Record<string, string>) => h.app.inject({ method: 'GET', url: `/api/v6/meeting/${id}/${path}`, headers });
  const keyA = await issueKey(h, 'account', A.accountId, ['meeting']);
  await expectRejected(h, () => get(m.id, {}), 401, -1);
  const keyAccount = await issueKey(h, 'account', A.accountId, ['account']);
  const keyB = await issueKey(h, 'account', B.accountId, ['meeting']);
  await expectRejected(h, () => get(m.id, as(keyAccount)), 403, -3);
  await expectRejected(h, () => get(m.id, as(keyB)), 404, -5, [{ field: 'path.id', code: 'notFound' }]);
  await expectRejected(h, () => get(UNKNOWN_ID, as(keyA)), 404, -5, [{ field: 'path.id', code: 'notFound' }]);
  await expectRejected(h, () => get('5e945c36b863b82cefdddf5', as(keyA)), 400, -4, [{ field: 'path.id', code: 'format' }]);
  await expectRejected(h, () => get(m.id, as(keyA, { 'x-user-id': organizer.id })), 403, -3);
  await expectRejected(h, () => get(m.id, as(keyA, { 'x-user-id': B.adminId })), 401, -2);
  const own = await schedule({}, organizer.id);
  expect((await get(own.id, as(keyA, { 'x-user-id': organizer.id }))).statusCode).toBe(200);
  await h.call('DELETE', `/api/v6/meeting/${own.id}`);
  await expectRejected(h, () => get(own.id, as(keyA)), 404, -5, [{ field: 'path.id', code: 'notFound' }]);
}

describe('GET /j/{code}', () => {
  it('shows the topic (escaped) and the number on the canonical URL, and says the web client comes later', async () => {
    const m = await schedule();
    const res = await web.inject({ method: 'GET', url: `/j/${m.meetingId}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('<h1>Board &lt;meeting&gt; &amp; &quot;friends&quot;</h1>');
    expect(res.body).toContain(`Meeting ID: <strong>${m.meetingId}</strong>`);
    expect(res.body).toContain('later release');
    expect(res.body).not.toContain('<meeting>');
    const head = await web.inject({ method: 'HEAD', url: `/j/${m.meetingId}` });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
  });

  it('redirects every other code of the meeting to the canonical link, keeping the host token', async () => {
    const m = await schedule();
    const stored = (await h.store.meetings.get('*', m.id))!;
    for (const code of [m.meetingId.replace(/-/g, ''), stored.conferenceId, stored.roomCode]) {
      const res = await web.inject({ method: 'GET', url: `/j/${code}` });
      expect(res.statusCode, code).toBe(302);
      expect(res.headers.location).toBe(`/j/${m.meetingId}`);
    }
    const host = await web.inject({ method: 'GET', url: `/j/${stored.conferenceId}?t=abc_-1` });
    expect(host.headers.location).toBe(`/j/${m.meetingId}?t=abc_-1`);
  });

  it('answers 404 for unknown, malformed and deleted meetings', async () => {
    const m = await schedule();
    await h.call('DELETE', `/api/v6/meeting/${m.id}`);
    for (const code of [m.meetingId, '0000-0000-0000-0000', '12345', 'abc', '1234567890123456789012', encodeURIComponent('<script>')]) {
      const res = await web.inject({ method: 'GET', url: `/j/${code}` });
      expect(res.statusCode, code).toBe(404);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.body).toContain('Meeting not found');
    }
  });
});
