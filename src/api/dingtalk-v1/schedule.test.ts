/**
 * DingTalk scheduled conferences P1-13 … P1-16 (dingtalk-conference.md §6.13–§6.16): successes through the
 * unmodified SDK (parsed into its models), §4.3 refusals with exact code / message / status, inject() checks
 * of exact bodies and of "nothing written", and the cross-dialect view: the meeting through v6
 * `GET /api/v6/meeting/{id}` and the organizer's ICS feed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSTANCE_KEY } from '../../../test/support/app.js';
import { conference as C, dingtalkHarness, type DingtalkHarness } from '../../../test/support/dingtalkApp.js';
import type { User } from '../../domain/accounts/User.js';

const HOUR = 3_600_000;
/** v6 shows instants as ISO strings. */
const iso = (ms: number) => new Date(ms).toISOString();

describe('DingTalk scheduled conferences (§6.13–§6.16)', () => {
  let h: DingtalkHarness;
  let token: string;
  let accountId: string;
  let host: User;
  /** A start time safely in the future, on a whole minute. */
  let T: number;

  const H = () => ({ xAcsDingtalkAccessToken: token });
  const v6 = (method: string, url: string) => h.app.inject({ method: method as 'GET', url, headers: { 'x-api-key': INSTANCE_KEY } });
  const meetingCount = async () => (await h.store.meetings.find({ scope: accountId, accountId })).length;
  const dt = (method: string, url: string, body?: unknown) => h.dt(method, url, { token, ...(body !== undefined ? { body } : {}) });
  const sdkError = async (call: Promise<unknown>) => {
    const e = (await call.then(
      () => undefined,
      (err: unknown) => err,
    )) as { statusCode?: number; code?: string; data?: { message?: string } } | undefined;
    if (!e) throw new Error('expected the SDK to throw');
    return { statusCode: e.statusCode, code: e.code, message: e.data?.message };
  };
  const create = async (title = 'Quarterly planning') => {
    const res = await h.sdk.conference.createScheduleConferenceWithOptions(
      new C.CreateScheduleConferenceRequest({ creatorUnionId: 'hostUnion', endTime: T + HOUR, startTime: T, title }),
      new C.CreateScheduleConferenceHeaders(H()),
      h.sdk.runtime(),
    );
    return res;
  };

  beforeAll(async () => {
    h = await dingtalkHarness();
    ({ accountId, admin: host } = await h.newAccount({ adminUnionId: 'hostUnion' }));
    await h.newUser(accountId, 'aliceUnion');
    token = await h.token(await h.newApp(accountId));
    T = Math.ceil((Date.now() + 48 * HOUR) / 60_000) * 60_000;
  });
  afterAll(async () => {
    await h.close();
  });

  describe('createScheduleConference (§6.13)', () => {
    it('schedules a v6 meeting as the creator and answers the SDK model', async () => {
      const res = await h.sdk.conference.createScheduleConferenceWithOptions(
        new C.CreateScheduleConferenceRequest({
          creatorUnionId: 'hostUnion',
          endTime: T + HOUR,
          scheduleConfSettingModel: new C.CreateScheduleConferenceRequestScheduleConfSettingModel({
            cohostUnionIds: ['aliceUnion'],
            hostUnionId: 'hostUnion',
            lockRoom: 0,
            moziConfVirtualExtraSetting: new C.CreateScheduleConferenceRequestScheduleConfSettingModelMoziConfVirtualExtraSetting({ enableChat: 1, joinBeforeHost: 0, waitingRoom: 1 }),
            muteOnJoin: 6,
            screenShareForbidden: 0,
          }),
          startTime: T,
          title: 'Quarterly planning',
        }),
        new C.CreateScheduleConferenceHeaders(H()),
        h.sdk.runtime(),
      );
      expect(res.statusCode).toBe(200);
      expect(res.body).toBeInstanceOf(C.CreateScheduleConferenceResponseBody);
      const b = res.body!;
      expect(b.scheduleConferenceId).toMatch(/^[0-9a-f]{24}$/);
      expect(b.roomCode).toMatch(/^\d{3} \d{3} \d{5}$/);
      expect(b.url).toBe(`https://meet.example.com/j/${b.roomCode!.replace(/ /g, '')}`);
      expect(b.phones).toEqual([]);
      expect(b.requestId).toMatch(/./);
      expect(b.requestId).toBe(res.headers?.['x-acs-request-id']);

      const m = await v6('GET', `/api/v6/meeting/${b.scheduleConferenceId}`);
      expect(m.statusCode).toBe(200);
      expect(m.json().data).toMatchObject({ id: b.scheduleConferenceId, topic: 'Quarterly planning', startTime: iso(T), endTime: iso(T + HOUR) });
      const stored = await h.store.meetings.get(accountId, b.scheduleConferenceId!);
      expect(stored).toMatchObject({ origin: 'dingtalk', addedByUserId: host.id, roomCode: b.roomCode!.replace(/ /g, '') });

      const feed = await h.app.inject({ method: 'GET', url: `/api/v6/meeting/calender/user/${host.icsToken}` });
      expect(feed.statusCode).toBe(200);
      expect(feed.body).toContain('SUMMARY:Quarterly planning');
    });

    it('truncates a title to 50 characters; exact body by inject()', async () => {
      const res = await dt('POST', '/v1.0/conference/scheduleConferences', { creatorUnionId: 'hostUnion', endTime: T + HOUR, startTime: T, title: 'x'.repeat(60) });
      expect(res.statusCode).toBe(200);
      const b = res.json();
      expect(Object.keys(b)).toEqual(['phones', 'requestId', 'roomCode', 'scheduleConferenceId', 'url']);
      expect((await h.store.meetings.get(accountId, b.scheduleConferenceId))?.topic).toBe('x'.repeat(50));
    });

    it.each([
      ['no creator', { title: 'x' }, 'error:creatorUnionId is empty'],
      ['endTime before startTime', { creatorUnionId: 'hostUnion', endTime: 1893456000000, startTime: 1893459600000, title: 'x' }, 'error:endTime should be later than startTime'],
      ['a string endTime', { creatorUnionId: 'hostUnion', endTime: 'soon', startTime: 1893459600000, title: 'x' }, 'error:endTime should be number'],
      ['a past startTime', { creatorUnionId: 'hostUnion', endTime: Date.now() - HOUR, startTime: Date.now() - 2 * HOUR, title: 'x' }, 'error:startTime is in the past'],
      ['more than 24 hours', { creatorUnionId: 'hostUnion', endTime: 1893456000000 + 25 * HOUR, startTime: 1893456000000, title: 'x' }, 'error:conference length exceeds 24 hours'],
      ['a 257-character title', { creatorUnionId: 'hostUnion', endTime: 1893459600000, startTime: 1893456000000, title: 'x'.repeat(257) }, 'error:title is longer than 256 characters'],
      ['muteOnJoin 3', { creatorUnionId: 'hostUnion', endTime: 1893459600000, scheduleConfSettingModel: { muteOnJoin: 3 }, startTime: 1893456000000, title: 'x' }, 'error:scheduleConfSettingModel.muteOnJoin should be one of -1,0,6'],
      ['a bad recording mode', { creatorUnionId: 'hostUnion', endTime: 1893459600000, scheduleConfSettingModel: { moziConfOpenRecordSetting: { mode: 'mosaic' } }, startTime: 1893456000000, title: 'x' }, 'error:scheduleConfSettingModel.moziConfOpenRecordSetting.mode should be one of grid,speech,full_screen,auto_grid'],
    ])('refuses %s with 400 paramsError and writes nothing', async (_what, body, message) => {
      const before = await meetingCount();
      const res = await dt('POST', '/v1.0/conference/scheduleConferences', body);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ code: 'paramsError', requestid: res.headers['x-acs-request-id'], message });
      expect(await meetingCount()).toBe(before);
    });

    it('answers an unknown creator or hostUnionId with unknownUserError through the SDK, writing nothing', async () => {
      const before = await meetingCount();
      const hd = () => new C.CreateScheduleConferenceHeaders(H());
      const ghostCreator = await sdkError(h.sdk.conference.createScheduleConferenceWithOptions(new C.CreateScheduleConferenceRequest({ creatorUnionId: 'ghost', endTime: T + HOUR, startTime: T, title: 'x' }), hd(), h.sdk.runtime()));
      expect(ghostCreator).toEqual({ statusCode: 400, code: 'unknownUserError', message: 'unknownUserError' });
      const ghostHost = await sdkError(
        h.sdk.conference.createScheduleConferenceWithOptions(
          new C.CreateScheduleConferenceRequest({ creatorUnionId: 'hostUnion', endTime: T + HOUR, scheduleConfSettingModel: { hostUnionId: 'ghost' }, startTime: T, title: 'x' }),
          hd(),
          h.sdk.runtime(),
        ),
      );
      expect(ghostHost).toEqual({ statusCode: 400, code: 'unknownUserError', message: 'unknownUserError' });
      expect(await meetingCount()).toBe(before);
    });
  });

  describe('queryScheduleConference (§6.16)', () => {
    it('answers the SDK model to any user of the account', async () => {
      const id = (await create('Readable')).body!.scheduleConferenceId!;
      const res = await h.sdk.conference.queryScheduleConferenceWithOptions(id, new C.QueryScheduleConferenceRequest({ requestUnionId: 'aliceUnion' }), new C.QueryScheduleConferenceHeaders(H()), h.sdk.runtime());
      expect(res.body).toBeInstanceOf(C.QueryScheduleConferenceResponseBody);
      const m = (await h.store.meetings.get(accountId, id))!;
      expect({ ...res.body }).toEqual({
        endTime: T + HOUR,
        phones: [],
        requestId: res.headers?.['x-acs-request-id'],
        roomCode: `${m.roomCode.slice(0, 3)} ${m.roomCode.slice(3, 6)} ${m.roomCode.slice(6)}`,
        scheduleConferenceId: id,
        startTime: T,
        title: 'Readable',
        url: `https://meet.example.com/j/${m.roomCode}`,
      });
    });

    it('refuses a missing requestUnionId, an unknown id, an unknown user and an empty id', async () => {
      const id = (await create()).body!.scheduleConferenceId!;
      const q = (u?: string) => new C.QueryScheduleConferenceRequest(u === undefined ? {} : { requestUnionId: u });
      const hd = () => new C.QueryScheduleConferenceHeaders(H());
      expect(await sdkError(h.sdk.conference.queryScheduleConferenceWithOptions(id, q(), hd(), h.sdk.runtime()))).toEqual({ statusCode: 400, code: 'paramsError', message: 'error:requestUnionId is empty' });
      expect(await sdkError(h.sdk.conference.queryScheduleConferenceWithOptions('2a489c68-5b1e-4c7f-9d3a-1f2e3d4c5b6a', q('aliceUnion'), hd(), h.sdk.runtime()))).toEqual({ statusCode: 400, code: 'paramsError', message: 'error:schedule conference not found' });
      expect(await sdkError(h.sdk.conference.queryScheduleConferenceWithOptions(id, q('ghost'), hd(), h.sdk.runtime()))).toEqual({ statusCode: 400, code: 'unknownUserError', message: 'unknownUserError' });
      expect(await sdkError(h.sdk.conference.queryScheduleConferenceWithOptions('', q('aliceUnion'), hd(), h.sdk.runtime()))).toEqual({ statusCode: 400, code: 'paramsError', message: 'error:scheduleConferenceId is empty' });
    });

    it('answers another account’s meeting as not found', async () => {
      const id = (await create()).body!.scheduleConferenceId!;
      const other = await h.newAccount({ adminUnionId: 'otherUnion' });
      const otherToken = await h.token(await h.newApp(other.accountId));
      const res = await h.dt('GET', `/v1.0/conference/scheduleConferences/${id}/infos?requestUnionId=otherUnion`, { token: otherToken });
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toBe('error:schedule conference not found');
    });
  });

  describe('updateScheduleConference (§6.14)', () => {
    it('replaces title and times through the SDK; v6 and the ICS feed show them', async () => {
      const id = (await create('Before')).body!.scheduleConferenceId!;
      const res = await h.sdk.conference.updateScheduleConferenceWithOptions(
        new C.UpdateScheduleConferenceRequest({ creatorUnionId: 'hostUnion', endTime: T + 3 * HOUR, scheduleConferenceId: id, startTime: T + 2 * HOUR, title: 'Quarterly planning (moved)' }),
        new C.UpdateScheduleConferenceHeaders(H()),
        h.sdk.runtime(),
      );
      expect(res.body).toBeInstanceOf(C.UpdateScheduleConferenceResponseBody);
      expect(res.body?.success).toBe(true);
      expect((await v6('GET', `/api/v6/meeting/${id}`)).json().data).toMatchObject({ topic: 'Quarterly planning (moved)', startTime: iso(T + 2 * HOUR), endTime: iso(T + 3 * HOUR) });
      const feed = await h.app.inject({ method: 'GET', url: `/api/v6/meeting/calender/user/${host.icsToken}` });
      expect(feed.body).toContain('SUMMARY:Quarterly planning (moved)');
    });

    it('refuses a non-creator, an unknown id and missing fields, changing nothing', async () => {
      const id = (await create('Stays')).body!.scheduleConferenceId!;
      const before = await h.store.meetings.get(accountId, id);
      const body = { creatorUnionId: 'aliceUnion', endTime: T + 3 * HOUR, scheduleConferenceId: id, startTime: T + 2 * HOUR, title: 'moved' };
      const notCreator = await dt('PUT', '/v1.0/conference/scheduleConferences', body);
      expect(notCreator.statusCode).toBe(400);
      expect(notCreator.json()).toEqual({ code: 'paramsError', requestid: notCreator.headers['x-acs-request-id'], message: 'error:creatorUnionId is not the creator of this schedule conference' });
      expect((await dt('PUT', '/v1.0/conference/scheduleConferences', { ...body, creatorUnionId: 'hostUnion', scheduleConferenceId: 'f'.repeat(24) })).json().message).toBe('error:schedule conference not found');
      expect((await dt('PUT', '/v1.0/conference/scheduleConferences', { ...body, creatorUnionId: 'ghost' })).json().code).toBe('unknownUserError');
      expect((await dt('PUT', '/v1.0/conference/scheduleConferences', { creatorUnionId: 'hostUnion', scheduleConferenceId: id })).json().message).toBe('error:endTime is empty');
      expect(await h.store.meetings.get(accountId, id)).toEqual(before);
    });
  });

  describe('cancelScheduleConference (§6.15)', () => {
    it('cancels through the SDK; v6 no longer shows it; a second cancel and a query say cancelled', async () => {
      const id = (await create('Doomed')).body!.scheduleConferenceId!;
      const res = await h.sdk.conference.cancelScheduleConferenceWithOptions(
        new C.CancelScheduleConferenceRequest({ creatorUnionId: 'hostUnion', scheduleConferenceId: id }),
        new C.CancelScheduleConferenceHeaders(H()),
        h.sdk.runtime(),
      );
      expect(res.body).toBeInstanceOf(C.CancelScheduleConferenceResponseBody);
      expect(res.body?.success).toBe(true);
      expect((await v6('GET', `/api/v6/meeting/${id}`)).statusCode).not.toBe(200);
      const again = await sdkError(
        h.sdk.conference.cancelScheduleConferenceWithOptions(new C.CancelScheduleConferenceRequest({ creatorUnionId: 'hostUnion', scheduleConferenceId: id }), new C.CancelScheduleConferenceHeaders(H()), h.sdk.runtime()),
      );
      expect(again).toEqual({ statusCode: 400, code: 'paramsError', message: 'error:schedule conference is cancelled' });
      const q = await dt('GET', `/v1.0/conference/scheduleConferences/${id}/infos?requestUnionId=aliceUnion`);
      expect(q.json().message).toBe('error:schedule conference is cancelled');
      const u = await dt('PUT', '/v1.0/conference/scheduleConferences', { creatorUnionId: 'hostUnion', endTime: T + HOUR, scheduleConferenceId: id, startTime: T, title: 'x' });
      expect(u.json().message).toBe('error:schedule conference is cancelled');
    });

    it('refuses a non-creator and a meeting with a run in progress, changing nothing', async () => {
      const id = (await create('Busy')).body!.scheduleConferenceId!;
      const notCreator = await dt('POST', '/v1.0/conference/scheduleConferences/cancel', { creatorUnionId: 'aliceUnion', scheduleConferenceId: id });
      expect(notCreator.json()).toEqual({ code: 'paramsError', requestid: notCreator.headers['x-acs-request-id'], message: 'error:creatorUnionId is not the creator of this schedule conference' });
      const { startConference } = await import('../../domain/live/startConference.js');
      await startConference(h.deps, { accountId, canControl: true, meetingId: null, name: 'Host', userId: host.id }, { meetingId: id });
      const busy = await dt('POST', '/v1.0/conference/scheduleConferences/cancel', { creatorUnionId: 'hostUnion', scheduleConferenceId: id });
      expect(busy.statusCode).toBe(400);
      expect(busy.json().message).toBe('error:schedule conference is in progress');
      expect((await h.store.meetings.get(accountId, id))?.deletedAt).toBeNull();
      expect((await dt('POST', '/v1.0/conference/scheduleConferences/cancel', { creatorUnionId: 'hostUnion' })).json().message).toBe('error:scheduleConferenceId is empty');
    });
  });
});
