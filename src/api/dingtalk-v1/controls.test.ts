/**
 * DingTalk controls P1-7 … P1-12 (dingtalk-conference.md §6.7–§6.12): every success through the unmodified
 * SDK against the listening server (parsed into the SDK's response model), every §4.3 refusal with its exact
 * code / message / status as the SDK throws it, and inject() checks of exact bodies and of "nothing changed".
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connect } from '../../../test/support/liveFakes.js';
import { conference as C, dingtalkHarness, type DingtalkHarness } from '../../../test/support/dingtalkApp.js';
import type { Participant } from '../../domain/live/types.js';

type Headers = { xAcsDingtalkAccessToken: string };

describe('DingTalk controls (§6.7–§6.12)', () => {
  let h: DingtalkHarness;
  let token: string;
  let accountId: string;
  /** A running conference: host, Alice and Bob connected (app legs), Dan still ringing. */
  let conferenceId: string;
  let otherConferenceId: string;

  const H = (): Headers => ({ xAcsDingtalkAccessToken: token });
  const post = (path: string, body: unknown, id = conferenceId) => h.dt('POST', `/v1.0/conference/videoConferences/${id}${path}`, { token, body });
  const legs = async (id = conferenceId): Promise<Participant[]> => {
    const c = await h.store.conferences.getLatest(id);
    return c ? h.store.participants.list(c.id) : [];
  };
  const legOf = async (unionId: string): Promise<Participant[]> => {
    const u = await h.store.users.getByUnionId(accountId, unionId);
    return (await legs()).filter((p) => p.userId === u?.id);
  };
  /** Everything a control could change. */
  const footprint = async () => ({
    conference: await h.store.conferences.getLatest(conferenceId),
    legs: await legs(),
    events: (await h.store.liveEvents.list(conferenceId, undefined, 10_000)).length,
    rings: h.ringer?.rings.length,
    cancels: h.ringer?.cancels.length,
    hangups: h.dialer?.hangups.length,
  });
  /** What the SDK throws for a call, as {statusCode, code, message}. */
  const sdkError = async (call: Promise<unknown>) => {
    const e = (await call.then(
      () => undefined,
      (err: unknown) => err,
    )) as { statusCode?: number; code?: string; data?: { message?: string } } | undefined;
    if (!e) throw new Error('expected the SDK to throw');
    return { statusCode: e.statusCode, code: e.code, message: e.data?.message };
  };
  const newConference = async (title: string, invite: string[]): Promise<string> => {
    const res = await h.dt('POST', '/v1.0/conference/videoConferences', { token, body: { confTitle: title, inviteUserIds: invite, userId: 'hostUnion' } });
    expect(res.statusCode).toBe(200);
    return res.json().conferenceId as string;
  };

  beforeAll(async () => {
    h = await dingtalkHarness();
    ({ accountId } = await h.newAccount({ adminUnionId: 'hostUnion' }));
    const host = (await h.store.users.getByUnionId(accountId, 'hostUnion'))!;
    h.ringer!.setOnline(host.id);
    // Everyone has an open client, so invitations ring instead of failing at once (§5.1 step 5).
    for (const u of ['aliceUnion', 'bobUnion', 'carolUnion', 'danUnion']) h.ringer!.setOnline((await h.newUser(accountId, u)).id);
    token = await h.token(await h.newApp(accountId));
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(async () => {
    conferenceId = await newConference('Weekly', ['aliceUnion', 'bobUnion', 'danUnion']);
    const dan = (await h.store.users.getByUnionId(accountId, 'danUnion'))!;
    for (const p of await legs()) if (p.userId !== dan.id) await connect(h.deps, p.id);
    otherConferenceId = await newConference('Other', []);
  });

  describe('kickMembers (§6.7)', () => {
    it('removes every live leg of the member through the SDK and answers {success:true}', async () => {
      const res = await h.sdk.conference.kickMembersWithOptions(
        conferenceId,
        new C.KickMembersRequest({ forbiddenRejoin: true, userList: [new C.KickMembersRequestUserList({ unionId: 'aliceUnion' })] }),
        new C.KickMembersHeaders(H()),
        h.sdk.runtime(),
      );
      expect(res.statusCode).toBe(200);
      expect(res.body).toBeInstanceOf(C.KickMembersResponseBody);
      expect(res.body?.success).toBe(true);
      const [alice] = await legOf('aliceUnion');
      expect(alice).toMatchObject({ state: 'left', reason: 'PARTICIPANT_REMOVED' });
      expect((await legOf('bobUnion'))[0]?.state).toBe('connected');
    });

    it('kicks a ringing member (the ring is cancelled) and a device named by participantId; exact body by inject()', async () => {
      const [dan] = await legOf('danUnion');
      const res = await post('/members/kick', { userList: [{ unionId: 'danUnion' }, { participantId: (await legOf('bobUnion'))[0]!.id, unionId: 'bobUnion' }] });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/json;charset=utf-8');
      expect(res.body).toBe('{"success":true}');
      expect((await legOf('danUnion'))[0]?.state).toBe('failed');
      expect(h.ringer?.cancels.map((c) => c.participantId)).toContain(dan!.id);
      expect((await legOf('bobUnion'))[0]?.state).toBe('left');
    });

    it.each([
      ['no userList', {}, 'error:userList is empty'],
      ['empty userList', { userList: [] }, 'error:userList is empty'],
      ['userList not an array', { userList: { unionId: 'aliceUnion' } }, 'error:userList should be array'],
      ['entry without unionId', { userList: [{ participantId: 'x' }] }, 'error:userList[0].unionId is empty'],
      ['unionId not a string', { userList: [{ unionId: 7 }] }, 'error:userList[0].unionId should be string'],
      ['forbiddenRejoin not a boolean', { forbiddenRejoin: 'yes', userList: [{ unionId: 'aliceUnion' }] }, 'error:forbiddenRejoin should be boolean'],
      ['101 users', { userList: Array.from({ length: 101 }, () => ({ unionId: 'aliceUnion' })) }, 'error:userList has more than 100 items'],
      ['the host', { userList: [{ unionId: 'hostUnion' }] }, 'error:the host cannot be kicked'],
      ['a user not in the conference', { userList: [{ unionId: 'aliceUnion' }, { unionId: 'carolUnion' }] }, 'error:user carolUnion is not in the conference'],
      ['an unknown participantId', { userList: [{ participantId: 'nope', unionId: 'aliceUnion' }] }, 'error:participant nope not found'],
      ['an unknown phone member', { userList: [{ unionId: 'pstn_447700900000' }] }, 'error:user pstn_447700900000 is not in the conference'],
    ])('refuses %s with 400 paramsError and changes nothing', async (_what, body, message) => {
      const before = await footprint();
      const res = await post('/members/kick', body);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ code: 'paramsError', requestid: res.headers['x-acs-request-id'], message });
      expect(await footprint()).toEqual(before);
    });

    it('answers an unknown user with unknownUserError (SDK) and changes nothing', async () => {
      const before = await footprint();
      const err = await sdkError(
        h.sdk.conference.kickMembersWithOptions(conferenceId, new C.KickMembersRequest({ userList: [{ unionId: 'aliceUnion' }, { unionId: 'ghost' }] }), new C.KickMembersHeaders(H()), h.sdk.runtime()),
      );
      expect(err).toEqual({ statusCode: 400, code: 'unknownUserError', message: 'unknownUserError' });
      expect(await footprint()).toEqual(before);
    });

    it('answers conference not found / closed / empty id through the SDK', async () => {
      const req = () => new C.KickMembersRequest({ userList: [{ unionId: 'aliceUnion' }] });
      const hd = () => new C.KickMembersHeaders(H());
      expect(await sdkError(h.sdk.conference.kickMembersWithOptions('0123456789abcdef01234567', req(), hd(), h.sdk.runtime()))).toEqual({ statusCode: 400, code: 'paramsError', message: 'error:conference not found' });
      expect(await sdkError(h.sdk.conference.kickMembersWithOptions('undefined', req(), hd(), h.sdk.runtime()))).toEqual({ statusCode: 400, code: 'paramsError', message: 'error:conference not found' });
      expect(await sdkError(h.sdk.conference.kickMembersWithOptions('', req(), hd(), h.sdk.runtime()))).toEqual({ statusCode: 400, code: 'paramsError', message: 'error:conferenceId is empty' });
      const closed = await h.dt('DELETE', `/v1.0/conference/videoConferences/${otherConferenceId}?unionId=hostUnion`, { token });
      expect(closed.statusCode).toBe(200);
      expect(await sdkError(h.sdk.conference.kickMembersWithOptions(otherConferenceId, req(), hd(), h.sdk.runtime()))).toEqual({ statusCode: 400, code: 'paramsError', message: 'error:conference is closed' });
    });

    it('answers another account’s conference as not found', async () => {
      const other = await h.newAccount({ adminUnionId: 'strangerUnion' });
      const otherToken = await h.token(await h.newApp(other.accountId));
      const res = await h.dt('POST', `/v1.0/conference/videoConferences/${conferenceId}/members/kick`, { token: otherToken, body: { userList: [{ unionId: 'aliceUnion' }] } });
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toBe('error:conference not found');
    });
  });

  describe('muteMembers (§6.8)', () => {
    it('mutes and un-mutes one member through the SDK', async () => {
      const res = await h.sdk.conference.muteMembersWithOptions(
        conferenceId,
        new C.MuteMembersRequest({ action: 'mute', userList: [new C.MuteMembersRequestUserList({ unionId: 'aliceUnion' })] }),
        new C.MuteMembersHeaders(H()),
        h.sdk.runtime(),
      );
      expect(res.body).toBeInstanceOf(C.MuteMembersResponseBody);
      expect(res.body?.success).toBe(true);
      expect((await legOf('aliceUnion'))[0]).toMatchObject({ muted: true, mutedByHost: true });
      const un = await post('/members/mute', { action: 'un_mute', userList: [{ unionId: 'aliceUnion' }] });
      expect(un.body).toBe('{"success":true}');
      expect((await legOf('aliceUnion'))[0]).toMatchObject({ muted: false, mutedByHost: false });
    });

    it.each([
      ['no action', { userList: [{ unionId: 'aliceUnion' }] }, 'error:action is empty'],
      ['a bad action', { action: 'silence', userList: [{ unionId: 'aliceUnion' }] }, 'error:action should be one of mute,un_mute'],
      ['two users', { action: 'mute', userList: [{ unionId: 'aliceUnion' }, { unionId: 'bobUnion' }] }, 'error:userList supports one user only'],
      ['a ringing member', { action: 'mute', userList: [{ unionId: 'danUnion' }] }, 'error:user danUnion is not in the conference'],
      ['a user not in the conference', { action: 'mute', userList: [{ unionId: 'carolUnion' }] }, 'error:user carolUnion is not in the conference'],
    ])('refuses %s and changes nothing', async (_what, body, message) => {
      const before = await footprint();
      const res = await post('/members/mute', body);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ code: 'paramsError', requestid: res.headers['x-acs-request-id'], message });
      expect(await footprint()).toEqual(before);
    });
  });

  describe('muteAll (§6.9)', () => {
    it('turns forced mute-all on and off through the SDK', async () => {
      const res = await h.sdk.conference.muteAllWithOptions(conferenceId, new C.MuteAllRequest({ action: 'mute', forceMute: true }), new C.MuteAllHeaders(H()), h.sdk.runtime());
      expect(res.body).toBeInstanceOf(C.MuteAllResponseBody);
      expect(res.body?.success).toBe(true);
      expect(await h.store.conferences.getLatest(conferenceId)).toMatchObject({ muteAll: true, allowUnmuteByOneself: false });
      expect((await legOf('aliceUnion'))[0]?.muted).toBe(true);
      expect((await legOf('hostUnion'))[0]?.muted).toBe(false);
      const off = await post('/allMembers/mute', { action: 'un_mute' });
      expect(off.body).toBe('{"success":true}');
      expect(await h.store.conferences.getLatest(conferenceId)).toMatchObject({ muteAll: false, allowUnmuteByOneself: true });
    });

    it('refuses a bad action and a non-boolean forceMute', async () => {
      const before = await footprint();
      expect((await post('/allMembers/mute', { action: 'MUTE' })).json().message).toBe('error:action should be one of mute,un_mute');
      expect((await post('/allMembers/mute', { action: 'mute', forceMute: 1 })).json().message).toBe('error:forceMute should be boolean');
      expect((await post('/allMembers/mute', {})).json().message).toBe('error:action is empty');
      expect(await footprint()).toEqual(before);
    });
  });

  describe('lockConference (§6.10)', () => {
    it('locks and unlocks through the SDK', async () => {
      const res = await h.sdk.conference.lockConferenceWithOptions(conferenceId, new C.LockConferenceRequest({ action: 'lock' }), new C.LockConferenceHeaders(H()), h.sdk.runtime());
      expect(res.body).toBeInstanceOf(C.LockConferenceResponseBody);
      expect(res.body?.success).toBe(true);
      expect((await h.store.conferences.getLatest(conferenceId))?.locked).toBe(true);
      expect((await post('/lock', { action: 'unlock' })).body).toBe('{"success":true}');
      expect((await h.store.conferences.getLatest(conferenceId))?.locked).toBe(false);
    });

    it('refuses LOCK (case-sensitive) through the SDK and changes nothing', async () => {
      const before = await footprint();
      const err = await sdkError(h.sdk.conference.lockConferenceWithOptions(conferenceId, new C.LockConferenceRequest({ action: 'LOCK' }), new C.LockConferenceHeaders(H()), h.sdk.runtime()));
      expect(err).toEqual({ statusCode: 400, code: 'paramsError', message: 'error:action should be one of lock,unlock' });
      expect(await footprint()).toEqual(before);
    });
  });

  describe('cohosts (§6.11)', () => {
    it('adds and removes co-hosts through the SDK', async () => {
      const res = await h.sdk.conference.cohostsWithOptions(
        conferenceId,
        new C.CohostsRequest({ action: 'add', userList: [new C.CohostsRequestUserList({ unionId: 'aliceUnion' }), new C.CohostsRequestUserList({ unionId: 'bobUnion' })] }),
        new C.CohostsHeaders(H()),
        h.sdk.runtime(),
      );
      expect(res.body).toBeInstanceOf(C.CohostsResponseBody);
      expect(res.body?.success).toBe(true);
      expect((await legOf('aliceUnion'))[0]?.role).toBe('cohost');
      expect((await legOf('bobUnion'))[0]?.role).toBe('cohost');
      const members = await h.dt('GET', `/v1.0/conference/videoConferences/${conferenceId}/members?maxResults=20`, { token });
      const alice = (members.json().memberModels as Array<{ unionId: string; coHost: boolean }>).find((m) => m.unionId === 'aliceUnion');
      expect(alice?.coHost).toBe(true);
      expect((await post('/coHosts/set', { action: 'remove', userList: [{ unionId: 'aliceUnion' }] })).body).toBe('{"success":true}');
      expect((await legOf('aliceUnion'))[0]?.role).toBe('attendee');
    });

    it.each([
      ['the host', { action: 'add', userList: [{ unionId: 'aliceUnion' }, { unionId: 'hostUnion' }] }, 'error:the host cannot be a co-host'],
      ['a bad action', { action: 'promote', userList: [{ unionId: 'aliceUnion' }] }, 'error:action should be one of add,remove'],
      ['a ringing member', { action: 'add', userList: [{ unionId: 'aliceUnion' }, { unionId: 'danUnion' }] }, 'error:user danUnion is not in the conference'],
      ['no userList', { action: 'add' }, 'error:userList is empty'],
    ])('refuses %s atomically', async (_what, body, message) => {
      const before = await footprint();
      const res = await post('/coHosts/set', body);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ code: 'paramsError', requestid: res.headers['x-acs-request-id'], message });
      expect(await footprint()).toEqual(before);
    });
  });

  describe('focus (§6.12)', () => {
    it('focuses a member and ends the focus through the SDK', async () => {
      const res = await h.sdk.conference.focusWithOptions(conferenceId, new C.FocusRequest({ action: 'focus', unionId: 'aliceUnion' }), new C.FocusHeaders(H()), h.sdk.runtime());
      expect(res.body).toBeInstanceOf(C.FocusResponseBody);
      expect(res.body?.success).toBe(true);
      const [alice] = await legOf('aliceUnion');
      expect((await h.store.conferences.getLatest(conferenceId))?.focusParticipantId).toBe(alice!.id);
      expect((await post('/focus', { action: 'un_focus', unionId: 'ignored' })).body).toBe('{"success":true}');
      expect((await h.store.conferences.getLatest(conferenceId))?.focusParticipantId ?? null).toBeNull();
    });

    it.each([
      ['focus without unionId', { action: 'focus' }, 'error:unionId is empty'],
      ['a bad action', { action: 'pin', unionId: 'aliceUnion' }, 'error:action should be one of focus,un_focus'],
      ['a member not in the meeting', { action: 'focus', unionId: 'danUnion' }, 'error:user danUnion is not in the conference'],
    ])('refuses %s and changes nothing', async (_what, body, message) => {
      const before = await footprint();
      const res = await post('/focus', body);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ code: 'paramsError', requestid: res.headers['x-acs-request-id'], message });
      expect(await footprint()).toEqual(before);
    });

    it('answers an unknown unionId with unknownUserError', async () => {
      const res = await post('/focus', { action: 'focus', unionId: 'ghost' });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ code: 'unknownUserError', requestid: res.headers['x-acs-request-id'], message: 'unknownUserError' });
    });
  });

  it('refuses every control without a token, before the body (InvalidAuthentication)', async () => {
    for (const path of ['/members/kick', '/members/mute', '/allMembers/mute', '/lock', '/coHosts/set', '/focus']) {
      const res = await h.dt('POST', `/v1.0/conference/videoConferences/${conferenceId}${path}`, { body: {} });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('InvalidAuthentication');
    }
  });
});

describe('DingTalk controls and schedule routes: bad input never gives 500 (§4.3)', () => {
  let h: DingtalkHarness;
  let token: string;
  let conferenceId: string;
  beforeAll(async () => {
    h = await dingtalkHarness();
    const { accountId } = await h.newAccount({ adminUnionId: 'hostUnion' });
    token = await h.token(await h.newApp(accountId));
    const res = await h.dt('POST', '/v1.0/conference/videoConferences', { token, body: { confTitle: 'Fuzz', userId: 'hostUnion' } });
    conferenceId = res.json().conferenceId as string;
  });
  afterAll(async () => {
    await h.close();
  });

  const deep = (n: number): unknown => (n === 0 ? {} : { a: deep(n - 1) });
  const junk: unknown[] = [
    'null',
    '[]',
    '"text"',
    '42',
    '{"userList":null,"action":null}',
    '{"userList":[null],"action":"add"}',
    '{"userList":"x","action":"mute"}',
    '{"userList":[{"unionId":{"x":1}}],"action":"mute"}',
    '{"action":["lock"],"unionId":7}',
    '{"action":"focus","unionId":["a"]}',
    { userList: [{ unionId: 'x'.repeat(100_000) }], action: 'add' },
    { creatorUnionId: 'hostUnion', endTime: 'x', startTime: null, title: {} },
    { creatorUnionId: 'hostUnion', endTime: 1e308, startTime: -1e308, title: 'x' },
    { creatorUnionId: 'hostUnion', scheduleConferenceId: ['a'], endTime: 1, startTime: 0, title: 'x' },
    { creatorUnionId: 'hostUnion', endTime: 1893459600000, startTime: 1893456000000, title: 'x', scheduleConfSettingModel: { cohostUnionIds: [1, null], moziConfVirtualExtraSetting: [] } },
    { creatorUnionId: 'hostUnion', endTime: 1893459600000, startTime: 1893456000000, title: 'x', scheduleConfSettingModel: deep(200) },
    deep(500),
    '{"broken":',
    Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
  ];
  const routes: Array<[string, string]> = [
    ['POST', '/members/kick'],
    ['POST', '/members/mute'],
    ['POST', '/allMembers/mute'],
    ['POST', '/lock'],
    ['POST', '/coHosts/set'],
    ['POST', '/focus'],
  ];

  it('answers every junk body on every route with a 4xx JSON error of the catalogue', async () => {
    const targets = [
      ...routes.map(([m, p]) => [m, `/v1.0/conference/videoConferences/${conferenceId}${p}`] as const),
      ['POST', '/v1.0/conference/scheduleConferences'] as const,
      ['PUT', '/v1.0/conference/scheduleConferences'] as const,
      ['POST', '/v1.0/conference/scheduleConferences/cancel'] as const,
    ];
    for (const [method, url] of targets) {
      for (const body of junk) {
        const payload = Buffer.isBuffer(body) ? body : typeof body === 'string' ? body : JSON.stringify(body);
        const res = await h.app.inject({ method: method as 'POST', url, headers: { 'content-type': 'application/json; charset=utf-8', 'x-acs-dingtalk-access-token': token }, payload });
        const what = `${method} ${url} ${String(payload).slice(0, 60)}`;
        // A few junk bodies are valid for some routes (muteAll ignores userList, unknown nested keys are
        // ignored): those may succeed, with a JSON object.
        expect(res.statusCode, what).toBeLessThan(500);
        if (res.statusCode === 200) expect(typeof res.json(), what).toBe('object');
        else expect(['paramsError', 'Missingbody', 'unknownUserError'], what).toContain(res.json().code);
      }
    }
    for (const q of ['', '?requestUnionId=', '?requestUnionId=a&requestUnionId=b', `?requestUnionId=${'x'.repeat(5000)}`]) {
      const res = await h.dt('GET', `/v1.0/conference/scheduleConferences/abc/infos${q}`, { token });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('paramsError');
    }
  });
});
