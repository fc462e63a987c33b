/**
 * Exact wire answers of the DingTalk routes through inject() (dingtalk-conference.md §3, §4, §6): error
 * bodies `{code, requestid, message}` with `requestid` = `x-acs-request-id`, the §4.3 detail strings, and
 * the check order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { revokeDingtalkApp } from '../../domain/credentials/createDingtalkApp.js';
import { FixedClock } from '../../infra/ids.js';
import { dingtalkHarness, type DingtalkHarness } from '../../../test/support/dingtalkApp.js';

const HOST = '27SaQ3iiHLN0uwqcPisedfreNwiEiE';
const ALICE = 'qzR1iSMDvzR9iP7P0ZKZobSaliceE';
const CAROL = 'Wc2bN8kLmP4qRs7TuV1xYz3aiEiE';

/** Asserts an error answer exactly and that requestid equals the header. */
function expectError(res: LightMyRequestResponse, status: number, code: string, message: string): void {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toBe('application/json;charset=utf-8');
  const rid = res.headers['x-acs-request-id'];
  expect(rid).toBeTruthy();
  expect(res.json()).toEqual({ code, requestid: rid, message });
}

describe('DingTalk v1.0 wire answers', () => {
  let h: DingtalkHarness;
  let token: string;
  let app: { appKey: string; appSecret: string };
  let accountId: string;
  let running: string;

  const create = async (body: unknown) => h.dt('POST', '/v1.0/conference/videoConferences', { token, body });
  const invite = (id: string, body: unknown) => h.dt('POST', `/v1.0/conference/videoConferences/${id}/users/invite`, { token, body });

  beforeAll(async () => {
    h = await dingtalkHarness({ maxParticipants: 5 });
    ({ accountId } = await h.newAccount({ adminUnionId: HOST }));
    await h.newUser(accountId, ALICE, { firstName: 'Alice', lastName: 'Liddell' });
    await h.newUser(accountId, CAROL, { firstName: 'Carol', lastName: 'King' });
    app = await h.newApp(accountId);
    token = await h.token(app);
    running = (await create({ confTitle: 'Weekly sync', userId: HOST, inviteCaller: false })).json().conferenceId;
  });
  afterAll(async () => {
    await h.close();
  });

  describe('P1-1 getAccessToken', () => {
    it('answers {accessToken, expireIn} with the dialect headers', async () => {
      const res = await h.dt('POST', '/v1.0/oauth2/accessToken', { body: app });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/json;charset=utf-8');
      expect(Object.keys(res.json())).toEqual(['accessToken', 'expireIn']);
      expect(res.json().expireIn).toBe(7200);
    });

    it.each([
      ['form-encoded', 'appKey=a&appSecret=b', { 'content-type': 'application/x-www-form-urlencoded' }],
      ['invalid JSON', '{"appKey":', { 'content-type': 'application/json' }],
      ['a JSON array', '[1]', { 'content-type': 'application/json' }],
      ['an empty body', '', { 'content-type': 'application/json' }],
    ])('%s is 400 Missingbody', async (_what, payload, headers) => {
      const res = await h.app.inject({ method: 'POST', url: '/v1.0/oauth2/accessToken', headers, payload });
      expectError(res, 400, 'Missingbody', 'body is mandatory for this action.');
    });

    it('missing fields and wrong credentials', async () => {
      expectError(await h.dt('POST', '/v1.0/oauth2/accessToken', { body: { appSecret: 'x' } }), 400, 'paramsError', 'error:appKey is empty');
      expectError(await h.dt('POST', '/v1.0/oauth2/accessToken', { body: { appKey: app.appKey, appSecret: 7 } }), 400, 'paramsError', 'error:appSecret is empty');
      expectError(await h.dt('POST', '/v1.0/oauth2/accessToken', { body: { appKey: 'dingnope', appSecret: 'x' } }), 400, 'invalidClientIdOrSecret', '无效的clientId或者clientSecret');
    });

    it('a revoked app can no longer sign in and its tokens stop working', async () => {
      const other = await h.newApp(accountId);
      const t = await h.token(other);
      expect((await h.dt('GET', `/v1.0/conference/videoConferences/${running}`, { token: t })).statusCode).toBe(200);
      expect((await revokeDingtalkApp(h.deps, other.appKey))?.tokensRevoked).toBe(1);
      expectError(await h.dt('POST', '/v1.0/oauth2/accessToken', { body: other }), 400, 'invalidClientIdOrSecret', '无效的clientId或者clientSecret');
      expectError(await h.dt('GET', `/v1.0/conference/videoConferences/${running}`, { token: t }), 400, 'InvalidAuthentication', '不合法的access_token');
    });
  });

  describe('token header (§3.3)', () => {
    it.each([
      ['missing', undefined],
      ['blank', ' '],
      ['unknown', 'e6bba9c0d0343fcfaec87944fe37061d'],
      ['JSON-quoted', '"abc"'],
    ])('%s → 400 InvalidAuthentication, before the body is looked at', async (_w, t) => {
      const res = await h.dt('POST', '/v1.0/conference/videoConferences', { ...(t !== undefined ? { token: t } : {}), body: 'not json' });
      expectError(res, 400, 'InvalidAuthentication', '不合法的access_token');
    });
  });

  describe('routing', () => {
    it('unknown routes are 404 NotFound in the dialect shape', async () => {
      expectError(await h.dt('GET', '/v1.0/nope'), 404, 'NotFound', 'api not found: GET /v1.0/nope');
      expectError(await h.dt('POST', '/v1.0/oauth2/ssoAccessToken', { body: {} }), 404, 'NotFound', 'api not found: POST /v1.0/oauth2/ssoAccessToken');
    });

    it.each([
      ['GET', '/v1.0/conference/videoConferences/'],
      ['DELETE', '/v1.0/conference/videoConferences/?unionId=x'],
      ['GET', '/v1.0/conference/videoConferences//members'],
    ])('%s %s (empty conferenceId) is paramsError', async (method, url) => {
      expectError(await h.dt(method, url, { token }), 400, 'paramsError', 'error:conferenceId is empty');
    });

    it('the token is checked before the empty conferenceId, as on matched routes', async () => {
      expectError(await h.dt('GET', '/v1.0/conference/videoConferences/'), 400, 'InvalidAuthentication', '不合法的access_token');
    });

    it('an empty invite path is the seed\'s "meeting ID is missing"', async () => {
      expectError(await invite('', {}), 400, 'paramsError', 'error:conferenceId is empty');
    });

    it('a body over 1 MiB is 413 paramsError', async () => {
      const res = await invite(running, { inviteeList: [{ unionId: ALICE, nick: 'x'.repeat(1_100_000) }] });
      expectError(res, 413, 'paramsError', 'error:request body is larger than 1048576 bytes');
    });
  });

  describe('P1-2 createVideoConference errors (§6.2)', () => {
    it.each([
      [{}, 'paramsError', 'error:confTitle is empty'],
      [{ inviteCaller: 'yes' }, 'paramsError', 'error:confTitle is empty'],
      [{ confTitle: 'x', inviteCaller: 'yes' }, 'paramsError', 'error:userId is empty'],
      [{ confTitle: 'x', inviteCaller: 'yes', userId: HOST }, 'paramsError', 'error:inviteCaller should be boolean'],
      [{ confTitle: 'x'.repeat(300), userId: HOST }, 'paramsError', 'error:confTitle is longer than 256 characters'],
      [{ confTitle: 'x', inviteUserIds: 'a', userId: HOST }, 'paramsError', 'error:inviteUserIds should be array'],
      [{ confTitle: 'x', inviteUserIds: Array.from({ length: 101 }, (_, i) => `u${i}`), userId: HOST }, 'paramsError', 'error:inviteUserIds has more than 100 items'],
      [{ confTitle: 'x', userId: 'nobody' }, 'unknownUserError', 'unknownUserError'],
      [{ confTitle: 'x', inviteUserIds: ['ghost'], userId: HOST }, 'unknownUserError', 'unknownUserError'],
    ])('%j → %s %s', async (body, code, message) => {
      expectError(await create(body), 400, code, message);
    });

    it('a 51–256 character title is truncated to 50', async () => {
      const res = await create({ confTitle: `${'t'.repeat(60)}`, userId: HOST, inviteCaller: false });
      expect(res.statusCode).toBe(200);
      const info = await h.dt('GET', `/v1.0/conference/videoConferences/${res.json().conferenceId}`, { token });
      expect(info.json().confInfo.title).toBe('t'.repeat(50));
    });

    it('answers exactly the six model fields', async () => {
      const res = await create({ confTitle: 'Six', userId: HOST, inviteUserIds: [ALICE, HOST, ALICE] });
      expect(Object.keys(res.json())).toEqual(['conferenceId', 'conferencePassword', 'hostPassword', 'externalLinkUrl', 'phoneNumbers', 'roomCode']);
      // The organizer (inviteCaller default true) and Alice are rung once each; duplicates and the organizer in the list are ignored.
      expect(h.ringer?.rings.filter((r) => r.meetingId === res.json().conferenceId)).toHaveLength(0);
    });
  });

  describe('P1-3 closeVideoConference errors (§6.3)', () => {
    it('no unionId, unknown unionId, not host, unknown id', async () => {
      expectError(await h.dt('DELETE', `/v1.0/conference/videoConferences/${running}`, { token }), 400, 'paramsError', 'error:unionId is empty');
      expectError(await h.dt('DELETE', `/v1.0/conference/videoConferences/${running}?unionId=ghost`, { token }), 400, 'unknownUserError', 'unknownUserError');
      expectError(await h.dt('DELETE', `/v1.0/conference/videoConferences/${running}?unionId=${ALICE}`, { token }), 400, 'paramsError', 'error:unionId is not the host of this conference');
      expectError(await h.dt('DELETE', `/v1.0/conference/videoConferences/0123456789abcdef01234567?unionId=${HOST}`, { token }), 400, 'paramsError', 'error:conference not found');
    });
  });

  describe('P1-5 queryConferenceMembers query (§6.5)', () => {
    it.each([
      ['maxResults=0', 'error:maxResults should be between 1 and 100'],
      ['maxResults=101', 'error:maxResults should be between 1 and 100'],
      ['maxResults=abc', 'error:maxResults should be number'],
      ['nextToken=zz', 'error:nextToken is invalid'],
    ])('%s → %s', async (q, message) => {
      expectError(await h.dt('GET', `/v1.0/conference/videoConferences/${running}/members?${q}`, { token }), 400, 'paramsError', message);
    });
  });

  describe('P1-6 inviteUsers (seed, §6.6)', () => {
    it('the seed example answers {"success":true}', async () => {
      const res = await invite(running, {
        inviteeList: [{ nick: 'Test user', unionId: ALICE }],
        phoneInviteeList: [{ nick: 'Test phone user', phoneNumber: '13800000000' }],
        unionId: HOST,
      });
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe('{"success":true}');
      expect(h.dialer?.dials.filter((d) => d.meetingId === running).map((d) => [d.target, d.displayName])).toEqual([['+8613800000000', 'Weekly sync']]);
    });

    it('re-inviting someone already calling is a no-op that succeeds; duplicates collapse', async () => {
      const before = h.dialer?.dials.length ?? 0;
      const res = await invite(running, { phoneInviteeList: [{ phoneNumber: '+86 138-0000-0000' }, { phoneNumber: '13800000000', statusCode: '86' }] });
      expect(res.json()).toEqual({ success: true });
      expect(h.dialer?.dials.length).toBe(before);
    });

    it.each([
      [{}, 'paramsError', 'error:inviteeList is empty'],
      [{ unionId: HOST }, 'paramsError', 'error:inviteeList is empty'],
      [{ inviteeList: [{ unionId: ALICE }] }, 'paramsError', 'error:inviteeList[0].nick is empty'],
      [{ inviteeList: [{ nick: 'A' }] }, 'paramsError', 'error:inviteeList[0].unionId is empty'],
      [{ inviteeList: { unionId: ALICE, nick: 'A' } }, 'paramsError', 'error:inviteeList should be array'],
      [{ inviteeList: [{ unionId: ALICE, nick: 'n'.repeat(97) }] }, 'paramsError', 'error:inviteeList[0].nick is longer than 96 characters'],
      [{ phoneInviteeList: [{ phoneNumber: 'call-me' }] }, 'paramsError', 'error:phoneInviteeList[0].phoneNumber is invalid'],
      [{ phoneInviteeList: [{ phoneNumber: '13800000000', statusCode: '+86' }] }, 'paramsError', 'error:phoneInviteeList[0].statusCode is invalid'],
      [{ phoneInviteeList: [{ phoneNumber: '+1234567890123456' }] }, 'paramsError', 'error:phoneInviteeList[0].phoneNumber is invalid'],
      [{ phoneInviteeList: [{ nick: 'x' }] }, 'paramsError', 'error:phoneInviteeList[0].phoneNumber is empty'],
      [{ inviteeList: [{ nick: 'Ghost', unionId: 'noSuchUnionId' }] }, 'unknownUserError', 'unknownUserError'],
      [{ inviteeList: [{ nick: 'A', unionId: ALICE }], unionId: 'ghostOperator' }, 'unknownUserError', 'unknownUserError'],
    ])('%j → %s %s', async (body, code, message) => {
      const before = h.dialer?.dials.length;
      expectError(await invite(running, body), 400, code, message);
      expect(h.dialer?.dials.length).toBe(before);
    });

    it('more than 100 invitees in total is "too many invitees"', async () => {
      const body = {
        inviteeList: Array.from({ length: 60 }, () => ({ unionId: CAROL, nick: 'C' })),
        phoneInviteeList: Array.from({ length: 41 }, (_, i) => ({ phoneNumber: `+4477009006${String(i + 10).padStart(2, '0')}` })),
      };
      expectError(await invite(running, body), 400, 'paramsError', 'error:too many invitees, at most 100 per request');
    });

    it('the whole list is rejected when one entry is bad: nothing is dialled or rung', async () => {
      const before = h.dialer?.dials.length;
      const res = await invite(running, { inviteeList: [{ unionId: CAROL, nick: 'Carol' }, { unionId: 'ghost', nick: 'G' }], phoneInviteeList: [{ phoneNumber: '+447700900000' }] });
      expectError(res, 400, 'unknownUserError', 'unknownUserError');
      expect(h.dialer?.dials.length).toBe(before);
      const members = (await h.dt('GET', `/v1.0/conference/videoConferences/${running}/members`, { token })).json();
      expect(members.memberModels.map((m: { unionId: string }) => m.unionId)).not.toContain(CAROL);
    });

    it('the participant cap gives "error:conference is full"', async () => {
      const phones = Array.from({ length: 6 }, (_, i) => ({ phoneNumber: `+44770090061${i}` }));
      expectError(await invite(running, { phoneInviteeList: phones }), 400, 'paramsError', 'error:conference is full');
    });

    it('unknown and other-account conferences are "not found"', async () => {
      const other = await h.newAccount();
      const otherApp = await h.newApp(other.accountId);
      const otherToken = await h.token(otherApp);
      const res = await h.dt('POST', `/v1.0/conference/videoConferences/${running}/users/invite`, { token: otherToken, body: { phoneInviteeList: [{ phoneNumber: '+447700900000' }] } });
      expectError(res, 400, 'paramsError', 'error:conference not found');
      expectError(await invite('undefined', { phoneInviteeList: [{ phoneNumber: '+447700900000' }] }), 400, 'paramsError', 'error:conference not found');
    });
  });

  describe('faults', () => {
    it('a storage fault is 500 systemError:internal error and leaks nothing', async () => {
      const original = h.store.meetings.get.bind(h.store.meetings);
      h.store.meetings.get = async () => {
        throw new Error('SQLITE_BUSY: secret table name');
      };
      try {
        expectError(await h.dt('GET', `/v1.0/conference/videoConferences/${running}`, { token }), 500, 'systemError', 'systemError:internal error');
      } finally {
        h.store.meetings.get = original;
      }
    });
  });
});

describe('token lifetime (§3.2)', () => {
  it('a token works for 7200 s and is InvalidAuthentication afterwards', async () => {
    const clock = new FixedClock(Date.UTC(2026, 11, 1, 8, 0));
    const h = await dingtalkHarness({ clock });
    try {
      const { accountId } = await h.newAccount({ adminUnionId: HOST });
      const token = await h.token(await h.newApp(accountId));
      const id = (await h.dt('POST', '/v1.0/conference/videoConferences', { token, body: { confTitle: 'T', userId: HOST, inviteCaller: false } })).json().conferenceId;
      clock.advance(7_199_999);
      expect((await h.dt('GET', `/v1.0/conference/videoConferences/${id}`, { token })).statusCode).toBe(200);
      clock.advance(1);
      expectError(await h.dt('GET', `/v1.0/conference/videoConferences/${id}`, { token }), 400, 'InvalidAuthentication', '不合法的access_token');
    } finally {
      await h.close();
    }
  });
});
