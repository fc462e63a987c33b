/**
 * The management routes H3–H7 (huawei-meeting.md §6.4–§6.7) through the real app: the §6 examples with
 * their exact bodies and key order, every error row, rights, and the cross-dialect facts (a meeting made
 * here is the v6 meeting and resolves `/j/<conferenceID>`; a v6 meeting is listed here; another account's
 * meeting is "not found"). Dialer, ringer and publisher are the recording fakes (test/support/liveFakes.ts):
 * the real ones are not wired into `createDeps` yet.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { huaweiHarness, type HuaweiHarness, type TestUser } from '../../../test/support/huaweiApp.js';
import { connect } from '../../../test/support/liveFakes.js';
import { moderatorUrl, participantUrl } from '../../domain/meetings/joinLinks.js';
import { formatMeetingNumber, type Meeting } from '../../domain/meetings/Meeting.js';
import { FixedClock } from '../../infra/ids.js';

/** 2026-12-01 08:45 UTC: Anna starts the §6.4 instant meeting. */
const T0 = Date.UTC(2026, 11, 1, 8, 45);
const INFO_KEYS = [
  'conferenceID',
  'mediaTypes',
  'subject',
  'size',
  'startTime',
  'endTime',
  'conferenceState',
  'language',
  'passwordEntry',
  'userUUID',
  'scheduserName',
  'conferenceType',
  'confType',
  'isAutoMute',
  'isAutoRecord',
  'chairJoinUri',
  'guestJoinUri',
  'recordType',
  'confConfigInfo',
  'terminlCount',
  'normalCount',
  'confUUID',
  'partAttendeeInfo',
  'vmrFlag',
  'concurrentParticipants',
  'confMode',
];
const CONFIG = { isSendNotify: false, isSendSms: false, isSendCalendar: false, isAutoMute: true };

let h: HuaweiHarness;
let clock: FixedClock;
let accountId: string;
let anna: TestUser;
let bob: TestUser;
let carla: TestUser;
let annaToken: string;

beforeEach(async () => {
  clock = new FixedClock(T0);
  h = await huaweiHarness({ clock });
  ({ accountId, admin: anna } = await h.newAccount({ email: 'anna@example.com' }));
  bob = await h.newUser(accountId, { email: 'bob@example.com', firstName: 'Bob', lastName: 'Baker' });
  carla = await h.newUser(accountId, { email: 'carla@example.com', firstName: 'Carla', lastName: 'Rossi' });
  annaToken = await h.signIn('anna@example.com');
});
afterEach(() => h.close());

/** The §6.4 example body (Bob listed without auto-call). */
function weeklySync(): Record<string, unknown> {
  return {
    subject: 'Weekly sync',
    mediaTypes: 'HDVideo',
    length: 60,
    attendees: [{ name: 'Bob', accountId: 'bob@example.com', phone: bob.user.directoryNumber, type: 'normal', isAutoInvite: 0 }],
    confConfigInfo: CONFIG,
  };
}

function create(body: unknown, token = annaToken): Promise<LightMyRequestResponse> {
  return h.hw('POST', '/v1/mmc/management/conferences', { token, body });
}

async function created(body: unknown = weeklySync(), token = annaToken): Promise<{ info: Record<string, unknown>; meeting: Meeting }> {
  const res = await create(body, token);
  expect(res.statusCode, res.body).toBe(200);
  const info = (res.json() as Array<Record<string, unknown>>)[0]!;
  const meeting = (await h.store.meetings.getByCode('*', info.conferenceID as string))!;
  return { info, meeting };
}

function expectError(res: LightMyRequestResponse, status: number, code: string, msg: string, detail: string): void {
  expect({ status: res.statusCode, body: res.json() }).toEqual({ status, body: { error_code: code, error_msg: msg, error_detail: detail, request_id: res.headers['x-request-id'] } });
  expect(res.headers['content-type']).toBe('application/json;charset=UTF-8');
}

/** Meetings of the account (to prove a refused request created nothing). */
async function meetingCount(): Promise<number> {
  return (await h.store.meetings.find({ scope: accountId, accountId })).length;
}

/** The §6.4 ConferenceInfo of the Weekly sync meeting as `viewer` sees it. */
async function weeklyInfo(meeting: Meeting, o: { viewer?: 'chair' | 'general'; attendees?: boolean; state?: string } = {}) {
  const secrets = (await h.store.meetingSecrets.get(meeting.id))!;
  const conference = await h.store.conferences.getRunning(meeting.id);
  const chair = (o.viewer ?? 'chair') === 'chair';
  return {
    conferenceID: meeting.conferenceId,
    mediaTypes: 'Data,Voice,HDVideo',
    subject: 'Weekly sync',
    size: 1,
    startTime: '2026-12-01 08:45',
    endTime: '2026-12-01 09:45',
    conferenceState: o.state ?? 'Created',
    language: 'en-US',
    passwordEntry: chair
      ? [
          { conferenceRole: 'chair', password: secrets.chairPassword },
          { conferenceRole: 'general', password: secrets.guestPassword },
        ]
      : [{ conferenceRole: 'general', password: secrets.guestPassword }],
    userUUID: anna.user.huaweiUserUuid,
    scheduserName: 'Anna Muster',
    conferenceType: 0,
    confType: 'IMMEDIATELY',
    isAutoMute: 1,
    isAutoRecord: 0,
    ...(chair ? { chairJoinUri: moderatorUrl(h.deps.settings, meeting) } : {}),
    guestJoinUri: participantUrl(h.deps.settings, meeting),
    recordType: 0,
    confConfigInfo: CONFIG,
    terminlCount: 0,
    normalCount: 1,
    ...(conference ? { confUUID: conference.id } : {}),
    ...(o.attendees === false ? {} : { partAttendeeInfo: [{ name: 'Bob', phone: bob.user.directoryNumber, type: 'normal', role: 0, isMute: 0 }] }),
    vmrFlag: 0,
    concurrentParticipants: 0,
    confMode: 'RTC',
  };
}

describe('H3 POST /v1/mmc/management/conferences', () => {
  it('answers the §6.4 instant-meeting example as a top-level array, starts the conference and puts Bob on the roster without calling him', async () => {
    const res = await create(weeklySync());
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/json;charset=UTF-8');
    const body = res.json();
    expect(Array.isArray(body)).toBe(true);
    const meeting = (await h.store.meetings.getByCode(accountId, body[0].conferenceID))!;
    expect(body).toEqual([await weeklyInfo(meeting)]);
    expect(Object.keys(body[0])).toEqual(INFO_KEYS);
    expect(body[0].conferenceID).toMatch(/^[1-9]\d{8}$/);
    expect(body[0].confUUID).toMatch(/^[0-9a-f]{32}$/);
    expect(body[0].passwordEntry[0].password).toMatch(/^\d{6}$/);
    expect(body[0].chairJoinUri).toBe(`https://meet.example.com/j/${formatMeetingNumber(meeting.meetingNumber)}?t=${body[0].chairJoinUri.split('?t=')[1]}`);
    expect(meeting).toMatchObject({ topic: 'Weekly sync', durationMin: 60, startTime: T0, addedByUserId: anna.user.id, origin: 'huawei', videoResolution: 'hd', isRecorded: false });
    const roster = await h.store.roster.list(meeting.id);
    expect(roster).toEqual([
      expect.objectContaining({ position: 0, name: 'Bob', userId: bob.user.id, phone: bob.user.directoryNumber, type: 'normal', hostRole: false, joinMuted: false }),
    ]);
    const conference = await h.store.conferences.getRunning(meeting.id);
    expect(conference).toMatchObject({ startedByUserId: anna.user.id, endedAt: null });
    expect(h.ringer.rings).toEqual([]);
    expect(h.dialer.dials).toEqual([]);
  });

  it('is the same meeting in v6 (GET /api/v6/meeting/{id}) and its conferenceID resolves /j/<conferenceID>', async () => {
    const { meeting } = await created();
    const v6 = await h.v6('GET', `/api/v6/meeting/${meeting.id}`);
    expect(v6.statusCode).toBe(200);
    expect(v6.json().data).toMatchObject({ id: meeting.id, topic: 'Weekly sync', addedByUserId: anna.user.id, meetingId: formatMeetingNumber(meeting.meetingNumber) });
    const join = await h.app.inject({ method: 'GET', url: `/j/${meeting.conferenceId}` });
    expect(join.statusCode).toBe(302);
    expect(join.headers.location).toBe(`/j/${formatMeetingNumber(meeting.meetingNumber)}`);
  });

  it('accepts the vendor curl body verbatim: an instant meeting whose attendee is auto-called on the phone network', async () => {
    const res = await create({ conferenceType: '0', subject: 'user01 conference', mediaTypes: 'HDVideo', attendees: [{ name: 'user01', role: 1, phone: '+8657*******' }] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()[0]).toMatchObject({ subject: 'user01 conference', size: 1, conferenceState: 'Created', partAttendeeInfo: [{ name: 'user01', phone: '+8657*******', type: 'normal', role: 1, isMute: 0 }] });
    expect(h.dialer.dials).toEqual([expect.objectContaining({ target: '+8657*******', kind: 'phone', displayName: 'user01 conference' })]);
  });

  it('schedules a future meeting: Schedule / FUTURE, no confUUID, no conference, a guestPwd and defaults', async () => {
    const res = await create({ mediaTypes: 'Voice', startTime: '2026-12-01 14:00', confConfigInfo: { guestPwd: '4321' }, timeZoneID: '56', language: 'zh-CN' });
    expect(res.statusCode, res.body).toBe(200);
    const info = res.json()[0];
    const meeting = (await h.store.meetings.getByCode(accountId, info.conferenceID))!;
    const secrets = (await h.store.meetingSecrets.get(meeting.id))!;
    expect(secrets.guestPassword).toBe('4321');
    expect(info).toEqual({
      conferenceID: meeting.conferenceId,
      mediaTypes: 'Data,Voice',
      subject: "Anna Muster's meeting",
      size: 0,
      timeZoneID: '56',
      startTime: '2026-12-01 14:00',
      endTime: '2026-12-01 14:30',
      conferenceState: 'Schedule',
      language: 'zh-CN',
      passwordEntry: [
        { conferenceRole: 'chair', password: secrets.chairPassword },
        { conferenceRole: 'general', password: '4321' },
      ],
      userUUID: anna.user.huaweiUserUuid,
      scheduserName: 'Anna Muster',
      conferenceType: 0,
      confType: 'FUTURE',
      isAutoMute: 0,
      isAutoRecord: 0,
      chairJoinUri: moderatorUrl(h.deps.settings, meeting),
      guestJoinUri: participantUrl(h.deps.settings, meeting),
      recordType: 0,
      confConfigInfo: { guestPwd: '4321' },
      terminlCount: 0,
      normalCount: 0,
      partAttendeeInfo: [],
      vmrFlag: 0,
      concurrentParticipants: 0,
      confMode: 'RTC',
    });
    expect(await h.store.conferences.getLatest(meeting.id)).toBeUndefined();
    expect(meeting.startTime).toBe(Date.UTC(2026, 11, 1, 14));
  });

  it('counts hard terminals apart, resolves attendees by userUUID, keeps phone2/phone3 and sends invitations to attendees with an email', async () => {
    const res = await create({
      mediaTypes: 'Video,Data',
      startTime: '2026-12-02 09:00',
      attendees: [
        { name: 'Room 12', phone: 'SIP:room-12@Sim.Convene.Invalid', type: 'TERMINAL', phone2: '+447700900001', phone3: '+447700900002' },
        { userUUID: carla.user.huaweiUserUuid, email: 'carla@example.com', role: 1, isMute: 1 },
        { name: 'Desk', phone: '+44 7700 900000', type: 'mobile', email: 'desk@example.com', sms: '+447700900000', deptName: 'Sales' },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    const info = res.json()[0];
    expect(info).toMatchObject({ mediaTypes: 'Data,Voice,Video', size: 3, terminlCount: 1, normalCount: 2 });
    expect(info.partAttendeeInfo).toEqual([
      { name: 'Carla Rossi', phone: carla.user.directoryNumber, type: 'normal', role: 1, isMute: 1 },
      { name: 'Desk', phone: '+447700900000', type: 'mobile', role: 0, isMute: 0 },
      { name: 'Room 12', phone: 'sip:room-12@sim.convene.invalid', phone2: '+447700900001', phone3: '+447700900002', type: 'terminal', role: 0, isMute: 0 },
    ]);
    const meeting = (await h.store.meetings.getByCode(accountId, info.conferenceID))!;
    expect(meeting.invitedParticipants.map((p) => p.email)).toEqual(['carla@example.com', 'desk@example.com']);
    const mails = await h.store.mail.list({ offset: 0, limit: 10 });
    expect(mails.items.map((m) => m.to).sort()).toEqual(['carla@example.com', 'desk@example.com']);
  });

  it.each([
    [{ mediaTypes: '4K' }, 400, 'MMC.111071018', 'MEDIA_TYPES_ILLEGAL', 'mediaTypes should be a comma list of Voice, Video, HDVideo, Data'],
    [{}, 400, 'MMC.111071018', 'MEDIA_TYPES_ILLEGAL', 'mediaTypes should be a comma list of Voice, Video, HDVideo, Data'],
    [{ mediaTypes: 'Voice,' }, 400, 'MMC.111071018', 'MEDIA_TYPES_ILLEGAL', 'mediaTypes should be a comma list of Voice, Video, HDVideo, Data'],
    [{ mediaTypes: 'Voice', length: 5 }, 400, 'MMC.111071021', 'LENGTH_OVER_RANGE', 'length should be between 15 and 1440'],
    [{ mediaTypes: 'Voice', length: 1441 }, 400, 'MMC.111071021', 'LENGTH_OVER_RANGE', 'length should be between 15 and 1440'],
    [{ mediaTypes: 'Voice', length: 'long' }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'length should be an integer'],
    [{ mediaTypes: 'Voice', startTime: '2026-11-30 10:00' }, 400, 'MMC.111071013', 'CONF_START_TIME_LESS_THAN_CURRENT_TIME', 'startTime 2026-11-30 10:00 is in the past'],
    [{ mediaTypes: 'Voice', startTime: '2026-12-01 08:44' }, 400, 'MMC.111071013', 'CONF_START_TIME_LESS_THAN_CURRENT_TIME', 'startTime 2026-12-01 08:44 is in the past'],
    [{ mediaTypes: 'Voice', startTime: '2026-02-30 10:00' }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'startTime should be yyyy-MM-dd HH:mm (UTC)'],
    [{ mediaTypes: 'Voice', startTime: '2026-12-01T10:00:00Z' }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'startTime should be yyyy-MM-dd HH:mm (UTC)'],
    [{ mediaTypes: 'Voice', subject: 's'.repeat(129) }, 400, 'MMC.111071022', 'SUBJECT_LENGTH_TOO_LONG', 'subject is longer than 128 characters'],
    [{ mediaTypes: 'Voice', attendees: {} }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'attendees should be an array'],
    [{ mediaTypes: 'Voice', attendees: [{ name: 'n'.repeat(97), phone: '+447700900000' }] }, 400, 'MMC.111072034', 'SITE_NAME_TOO_LONG', 'attendees[0].name is longer than 96 characters'],
    [{ mediaTypes: 'Voice', attendees: [{ name: 'A', phone: '+447700900000', role: 2 }] }, 400, 'MMC.111072035', 'SITE_ROLE_NOT_IN_RANGE', 'attendees[0].role should be 0 or 1'],
    [{ mediaTypes: 'Voice', attendees: [{ name: 'A', phone: 'call me' }] }, 400, 'MMC.111072033', 'SITE_CALL_NUMBER_ILLEGAL_URI', 'attendees[0].phone is neither a SIP URI nor a telephone number'],
    [{ mediaTypes: 'Voice', attendees: [{ name: 'A', phone: '1'.repeat(128) }] }, 400, 'MMC.111072032', 'SITE_CALL_NUMBER_LENGTH_TOO_LONG', 'attendees[0].phone is longer than 127 characters'],
    [{ mediaTypes: 'Voice', attendees: [{ name: 'A', phone: '+447700900000', email: 'bob@' }] }, 400, 'MMC.111071024', 'EMAIL_ILLEGAL', 'attendees[0].email is not a valid address'],
    [{ mediaTypes: 'Voice', attendees: [{ name: 'A', phone: '+447700900000', sms: 'abc' }] }, 400, 'MMC.111071025', 'SMS_ILLEGAL', 'attendees[0].sms is not a valid number'],
    [{ mediaTypes: 'Voice', attendees: [{ name: 'A', phone: '+447700900000', type: 'robot' }] }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'attendees[0].type should be one of normal, terminal, outside, mobile, ideahub, board, hwvision, telepresence, telephone, customnumber, anonymous'],
    [{ mediaTypes: 'Voice', attendees: [{ name: 'A', phone: '+447700900000', isMute: 3 }] }, 400, 'MMC.111072038', 'SITE_MUTE_NOT_IN_RANGE', 'attendees[0].isMute should be 0 or 1'],
    [{ mediaTypes: 'Voice', attendees: [{ name: 'A', phone: '+447700900000', uniqueType: 1 }] }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'attendees[0].type should be customnumber when uniqueType is 1'],
    [{ mediaTypes: 'Voice', attendees: [{ role: 0 }] }, 400, 'MMC.111072046', 'SITE_NAME_IS_EMPTY', 'attendees[0].name is empty'],
    [{ mediaTypes: 'Voice', attendees: [{ name: 'A', phone: '+447700900000' }, { name: 'B', phone: '+44 7700-900000' }] }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'attendees[1] duplicates attendees[0] (+447700900000)'],
    [{ mediaTypes: 'Voice', language: 'de-DE' }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'language should be zh-CN or en-US'],
    [{ mediaTypes: 'Voice', recordType: 2 }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'recording is not enabled on this installation'],
    [{ mediaTypes: 'Voice', liveAddress: 'rtmp://x' }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'live streaming is not supported'],
    [{ mediaTypes: 'Voice', vmrFlag: 1 }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'cloud meeting rooms are not supported yet'],
    [{ mediaTypes: 'Voice', confResType: 2 }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'webinars are not supported'],
    [{ mediaTypes: 'Voice', supportSimultaneousInterpretation: true }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'simultaneous interpretation is not supported'],
    [{ mediaTypes: 'Voice', confConfigInfo: [] }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'confConfigInfo should be an object'],
    [{ mediaTypes: 'Voice', confConfigInfo: { isSendSms: true } }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'SMS notifications are not supported'],
    [{ mediaTypes: 'Voice', confConfigInfo: { enableWaitingRoom: 'true' } }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'waiting rooms are not supported yet'],
    [{ mediaTypes: 'Voice', confConfigInfo: { guestPwd: '12' } }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'confConfigInfo.guestPwd should be 4 to 16 digits'],
    [{ mediaTypes: 'Voice', confConfigInfo: { isAutoMute: 'yes' } }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'confConfigInfo.isAutoMute should be a boolean'],
    [{ mediaTypes: 'Voice', confConfigInfo: { prolongLength: 61 } }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'confConfigInfo.prolongLength should be between 0 and 60'],
  ])('refuses %j with %i %s and creates nothing', async (body, status, code, msg, detail) => {
    expectError(await create(body), status, code, msg, detail);
    expect(await meetingCount()).toBe(0);
    expect(h.dialer.dials).toEqual([]);
  });

  it('answers a missing body, a non-object body and non-JSON with their codes', async () => {
    expectError(await h.hw('POST', '/v1/mmc/management/conferences', { token: annaToken }), 400, 'MMC.111072057', 'REQUEST_BODY_IS_NULL', 'request body is required');
    expectError(await create('[1,2]'), 400, 'MMC.111070001', 'CONF_BAD_REQUEST', 'request body should be a JSON object');
    expectError(await create('{"mediaTypes":'), 400, 'MMC.111070001', 'CONF_BAD_REQUEST', 'request body is not valid JSON');
    expect(await meetingCount()).toBe(0);
  });

  it('checks the body before the token (§5.4) and the token before the fields', async () => {
    expectError(await h.hw('POST', '/v1/mmc/management/conferences', { body: '{bad' }), 400, 'MMC.111070001', 'CONF_BAD_REQUEST', 'request body is not valid JSON');
    expectError(await h.hw('POST', '/v1/mmc/management/conferences', { body: { mediaTypes: '4K' } }), 401, 'MMC.111070111', 'REQUEST_TOKEN_IS_NULL', 'header X-Access-Token is required');
    expectError(await create({ mediaTypes: '4K' }, 'stbX5ElstO5QwOwPB9KGQWUZ1DHoFrTsQjjC'), 401, 'MMC.118000001', 'USER_TOKEN_AUTH_FAILED', 'access token is not valid');
  });

  it('ignores X-Conference-Authorization, X-Authorization-Type, X-Site-Id and the deprecated userUUID query', async () => {
    const res = await h.hw('POST', `/v1/mmc/management/conferences?userUUID=${bob.user.huaweiUserUuid}`, {
      token: annaToken,
      body: { mediaTypes: 'Voice' },
      headers: { 'x-conference-authorization': 'stb' + '0'.repeat(48), 'x-authorization-type': 'x', 'x-site-id': 'y' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()[0].userUUID).toBe(anna.user.huaweiUserUuid);
  });

  it('refuses a create in an expired account with 403 USG.000000006', async () => {
    const account = await h.store.accounts.get(accountId, accountId);
    await h.store.accounts.update({ ...account!, paidUntil: T0 - 1 });
    expectError(await create({ mediaTypes: 'Voice' }), 403, 'USG.000000006', 'ACCOUNT_DISABLED', 'the account has expired');
  });
});

describe('H4 GET /v1/mmc/management/conferences and H5 …/online', () => {
  it('lists the §6.5 example: one running and one scheduled meeting, with the exact page body', async () => {
    const { meeting: running } = await created();
    const later = await created({ subject: 'Budget review', mediaTypes: 'Voice', startTime: '2026-12-01 14:00' });
    clock.set(Date.UTC(2026, 11, 1, 8, 50));
    const res = await h.hw('GET', '/v1/mmc/management/conferences?offset=0&limit=20&queryConfMode=ALL&sortType=ASC_StartTIME', { token: annaToken });
    expect(res.statusCode, res.body).toBe(200);
    const secrets = (await h.store.meetingSecrets.get(later.meeting.id))!;
    expect(res.json()).toEqual({
      offset: 0,
      limit: 20,
      count: 2,
      data: [
        await weeklyInfo(running, { attendees: false }),
        {
          conferenceID: later.meeting.conferenceId,
          mediaTypes: 'Data,Voice',
          subject: 'Budget review',
          size: 0,
          startTime: '2026-12-01 14:00',
          endTime: '2026-12-01 14:30',
          conferenceState: 'Schedule',
          language: 'en-US',
          passwordEntry: [
            { conferenceRole: 'chair', password: secrets.chairPassword },
            { conferenceRole: 'general', password: secrets.guestPassword },
          ],
          userUUID: anna.user.huaweiUserUuid,
          scheduserName: 'Anna Muster',
          conferenceType: 0,
          confType: 'FUTURE',
          isAutoMute: 0,
          isAutoRecord: 0,
          chairJoinUri: moderatorUrl(h.deps.settings, later.meeting),
          guestJoinUri: participantUrl(h.deps.settings, later.meeting),
          recordType: 0,
          confConfigInfo: {},
          terminlCount: 0,
          normalCount: 0,
          vmrFlag: 0,
          concurrentParticipants: 0,
          confMode: 'RTC',
        },
      ],
    });
    const desc = await h.hw('GET', '/v1/mmc/management/conferences?sortType=DSC_StartTIME', { token: annaToken });
    expect(desc.json().data.map((d: { subject: string }) => d.subject)).toEqual(['Budget review', 'Weekly sync']);
    const page = await h.hw('GET', '/v1/mmc/management/conferences?offset=1&limit=1', { token: annaToken });
    expect(page.json()).toMatchObject({ offset: 1, limit: 1, count: 2, data: [{ subject: 'Budget review' }] });
  });

  it('lists a meeting scheduled through v6 with derived Huawei fields', async () => {
    const v6 = await h.v6('POST', '/api/v6/meeting', { topic: 'From v6', startTime: '2026-12-03T10:00:00Z', duration: 45 }, { 'x-user-id': anna.user.id });
    expect(v6.statusCode, v6.body).toBe(200);
    const res = await h.hw('GET', '/v1/mmc/management/conferences', { token: annaToken });
    const meeting = (await h.store.meetings.get(accountId, v6.json().data.id))!;
    expect(res.json().data).toEqual([
      expect.objectContaining({
        conferenceID: meeting.conferenceId,
        mediaTypes: 'Data,Voice,Video',
        subject: 'From v6',
        startTime: '2026-12-03 10:00',
        endTime: '2026-12-03 10:45',
        conferenceState: 'Schedule',
        confType: 'FUTURE',
        confConfigInfo: {},
        passwordEntry: [expect.objectContaining({ conferenceRole: 'chair' }), expect.objectContaining({ conferenceRole: 'general' })],
      }),
    ]);
  });

  it('shows members their own meetings only, and admins the account\u2019s with queryAll=true', async () => {
    await created({ subject: 'Anna', mediaTypes: 'Voice', startTime: '2026-12-02 10:00' });
    const bobToken = await h.signIn('bob@example.com');
    await created({ subject: 'Bob', mediaTypes: 'Voice', startTime: '2026-12-02 11:00' }, bobToken);
    const subjects = async (token: string, q = '') => (await h.hw('GET', `/v1/mmc/management/conferences${q}`, { token })).json().data.map((d: { subject: string }) => d.subject);
    expect(await subjects(bobToken)).toEqual(['Bob']);
    expect(await subjects(bobToken, '?queryAll=true')).toEqual(['Bob']);
    expect(await subjects(annaToken)).toEqual(['Anna']);
    expect(await subjects(annaToken, '?queryAll=true')).toEqual(['Anna', 'Bob']);
    expect(await subjects(annaToken, '?queryAll=true&searchKey=bo')).toEqual(['Bob']);
  });

  it('filters by queryConfMode and leaves out cancelled and ended meetings', async () => {
    await created({ subject: 'Tomorrow', mediaTypes: 'Voice', startTime: '2026-12-02 08:00' });
    await created({ subject: 'Next week', mediaTypes: 'Voice', startTime: '2026-12-06 08:00' });
    await created({ subject: 'Next month', mediaTypes: 'Voice', startTime: '2026-12-20 08:00' });
    const gone = await created({ subject: 'Cancelled', mediaTypes: 'Voice', startTime: '2026-12-02 09:00' });
    expect((await h.hw('DELETE', `/v1/mmc/management/conferences?conferenceID=${gone.meeting.conferenceId}`, { token: annaToken })).statusCode).toBe(200);
    const ended = await created({ subject: 'Ended', mediaTypes: 'Voice' });
    expect((await h.hw('DELETE', `/v1/mmc/management/conferences?conferenceID=${ended.meeting.conferenceId}&type=1`, { token: annaToken })).statusCode).toBe(200);
    const subjects = async (mode: string) => (await h.hw('GET', `/v1/mmc/management/conferences?queryConfMode=${mode}`, { token: annaToken })).json().data.map((d: { subject: string }) => d.subject);
    expect(await subjects('ADAY')).toEqual(['Tomorrow']);
    expect(await subjects('AWEEK')).toEqual(['Tomorrow', 'Next week']);
    expect(await subjects('AMONTH')).toEqual(['Tomorrow', 'Next week', 'Next month']);
    expect(await subjects('ALL')).toEqual(['Tomorrow', 'Next week', 'Next month']);
  });

  it.each([
    ['limit=0', 'query limit should be between 1 and 500'],
    ['limit=501', 'query limit should be between 1 and 500'],
    ['limit=ten', 'query limit should be between 1 and 500'],
    ['offset=-1', 'query offset should be an integer of at least 0'],
    ['queryAll=yes', 'query queryAll should be true or false'],
    ['queryConfMode=AYEAR', 'query queryConfMode should be one of ADAY, AWEEK, AMONTH, ALL'],
    ['sortType=ASC', 'query sortType should be ASC_StartTIME or DSC_StartTIME'],
    [`searchKey=${'k'.repeat(129)}`, 'query searchKey is longer than 128 characters'],
  ])('answers ?%s with 400 MMC.111071061', async (q, detail) => {
    expectError(await h.hw('GET', `/v1/mmc/management/conferences?${q}`, { token: annaToken }), 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', detail);
  });

  it('H5 lists running meetings only, with onlineAttendeeAmount counting connected legs', async () => {
    const { meeting } = await created({ ...weeklySync(), attendees: [{ name: 'Desk', phone: '+447700900000' }, { name: 'Slow', phone: '+447700900001' }] });
    await created({ subject: 'Later', mediaTypes: 'Voice', startTime: '2026-12-02 08:00' });
    expect(h.dialer.dials).toHaveLength(2);
    await connect(h.deps, h.dialer.dials[0]!.participantId);
    const res = await h.hw('GET', '/v1/mmc/management/conferences/online?offset=0&limit=20', { token: annaToken });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ offset: 0, limit: 20, count: 1 });
    const item = res.json().data[0];
    expect(item).toMatchObject({ conferenceID: meeting.conferenceId, conferenceState: 'Created', onlineAttendeeAmount: 1 });
    expect(Object.keys(item).slice(-4)).toEqual(['vmrFlag', 'concurrentParticipants', 'confMode', 'onlineAttendeeAmount']);
    expectError(await h.hw('GET', '/v1/mmc/management/conferences/online?limit=0', { token: annaToken }), 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'query limit should be between 1 and 500');
  });
});

describe('H6 GET /v1/mmc/management/conferences/confDetail', () => {
  it('answers the §6.6 example for the organizer', async () => {
    const { meeting } = await created();
    const res = await h.hw('GET', `/v1/mmc/management/conferences/confDetail?conferenceID=${meeting.conferenceId}`, { token: annaToken, headers: { 'x-type': '1', 'x-query-type': '0' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      conferenceData: { ...(await weeklyInfo(meeting)), role: 'chair' },
      data: {
        offset: 0,
        limit: 20,
        count: 1,
        data: [
          {
            participantID: bob.user.directoryNumber,
            name: 'Bob',
            role: 0,
            state: 'MEETTING',
            attendeeType: 'normal',
            accountId: 'bob@example.com',
            userUUID: bob.user.huaweiUserUuid,
            isAutoInvite: 0,
            isNotOverlayPidName: false,
          },
        ],
      },
    });
    expect(Object.keys(res.json().conferenceData)).toEqual([...INFO_KEYS, 'role']);
  });

  it('shows an invitee the general view (guest password, no chair link) and refuses other users of the account', async () => {
    const { meeting } = await created();
    const bobToken = await h.signIn('bob@example.com');
    const res = await h.hw('GET', `/v1/mmc/management/conferences/confDetail?conferenceID=${meeting.conferenceId}`, { token: bobToken });
    expect(res.statusCode).toBe(200);
    expect(res.json().conferenceData).toEqual({ ...(await weeklyInfo(meeting, { viewer: 'general' })), role: 'general' });
    const carlaToken = await h.signIn('carla@example.com');
    expectError(
      await h.hw('GET', `/v1/mmc/management/conferences/confDetail?conferenceID=${meeting.conferenceId}`, { token: carlaToken }),
      403,
      'MMC.111070002',
      'CONF_INSUFFICIENT_PERMISSIONS',
      'only the organizer, an account admin or an invitee may read this conference',
    );
  });

  it('filters and pages the invitees', async () => {
    const { meeting } = await created({
      mediaTypes: 'Voice',
      startTime: '2026-12-02 10:00',
      attendees: [
        { name: 'Alpha', phone: '+447700900001' },
        { name: 'Beta', phone: '+447700900002' },
        { name: 'Gamma', phone: '+447700900003' },
      ],
    });
    const url = `/v1/mmc/management/conferences/confDetail?conferenceID=${meeting.conferenceId}`;
    const paged = await h.hw('GET', `${url}&offset=1&limit=1`, { token: annaToken });
    expect(paged.json().data).toEqual({ offset: 1, limit: 1, count: 3, data: [expect.objectContaining({ name: 'Beta', participantID: '+447700900002', isAutoInvite: 1 })] });
    const search = await h.hw('GET', `${url}&searchKey=900003`, { token: annaToken });
    expect(search.json().data.data.map((d: { name: string }) => d.name)).toEqual(['Gamma']);
  });

  it('answers unknown, other-account, cancelled and ended meetings with 400 MMC.111070005, and a missing conferenceID with 400 MMC.111071061', async () => {
    const other = await h.newAccount({ email: 'olga@example.com' });
    const olgaToken = await h.signIn(other.admin.login);
    const { meeting: foreign } = await created({ mediaTypes: 'Voice' }, olgaToken);
    const { meeting: ended } = await created({ mediaTypes: 'Voice' });
    await h.hw('DELETE', `/v1/mmc/management/conferences?conferenceID=${ended.conferenceId}&type=1`, { token: annaToken });
    for (const id of ['999999999', foreign.conferenceId, ended.conferenceId, formatMeetingNumber(foreign.meetingNumber), 'abc']) {
      expectError(await h.hw('GET', `/v1/mmc/management/conferences/confDetail?conferenceID=${encodeURIComponent(id)}`, { token: annaToken }), 400, 'MMC.111070005', 'CONF_DATA_NOT_FOUND', `conference ${id} not found`);
    }
    expectError(await h.hw('GET', '/v1/mmc/management/conferences/confDetail', { token: annaToken }), 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'query conferenceID is required');
    expectError(await h.hw('GET', `/v1/mmc/management/conferences/confDetail?conferenceID=${'1'.repeat(33)}`, { token: annaToken }), 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'query conferenceID is longer than 32 characters');
  });
});

describe('H7 DELETE /v1/mmc/management/conferences', () => {
  it('cancels a scheduled meeting: gone from v6 and from H6, the v6 deletion event recorded; again → 400 MMC.111070005', async () => {
    const { meeting } = await created({ mediaTypes: 'Voice', startTime: '2026-12-02 10:00' });
    // As the Node SDK sends it: Content-Type application/json and no body.
    const res = await h.hw('DELETE', `/v1/mmc/management/conferences?conferenceID=${meeting.conferenceId}`, { token: annaToken });
    expect({ status: res.statusCode, body: res.json() }).toEqual({ status: 200, body: {} });
    expect(res.headers['content-type']).toBe('application/json;charset=UTF-8');
    expect((await h.v6('GET', `/api/v6/meeting/${meeting.id}`)).statusCode).toBe(404);
    const events = await h.store.outbox.listEvents({ meetingId: meeting.id, offset: 0, limit: 10 });
    expect(events.items.map((e) => e.event)).toContain('onMeetingDeleted');
    expectError(await h.hw('DELETE', `/v1/mmc/management/conferences?conferenceID=${meeting.conferenceId}`, { token: annaToken }), 400, 'MMC.111070005', 'CONF_DATA_NOT_FOUND', `conference ${meeting.conferenceId} not found`);
  });

  it('refuses a running meeting without type=1 (400 MMC.111071067) and ends it with type=1, hanging up its live legs', async () => {
    const { meeting } = await created({ ...weeklySync(), attendees: [{ name: 'Desk', phone: '+447700900000' }] });
    const pid = h.dialer.dials[0]!.participantId;
    await connect(h.deps, pid);
    for (const q of ['', '&type=0']) {
      expectError(
        await h.hw('DELETE', `/v1/mmc/management/conferences?conferenceID=${meeting.conferenceId}${q}`, { token: annaToken }),
        400,
        'MMC.111071067',
        'CONF_CANCEL_FAIL_AS_CONF_STARTED',
        `conference ${meeting.conferenceId} is running; pass type=1 to end it`,
      );
    }
    expect(await h.store.conferences.getRunning(meeting.id)).toBeDefined();
    const res = await h.hw('DELETE', `/v1/mmc/management/conferences?conferenceID=${meeting.conferenceId}&type=1`, { token: annaToken });
    expect({ status: res.statusCode, body: res.json() }).toEqual({ status: 200, body: {} });
    expect(await h.store.conferences.getRunning(meeting.id)).toBeUndefined();
    expect(await h.store.conferences.getLatest(meeting.id)).toMatchObject({ endReason: 'MEETING_ENDED' });
    expect(h.dialer.hangups).toEqual([{ participantId: pid, reason: 'MEETING_ENDED' }]);
    expect((await h.store.participants.get((await h.store.conferences.getLatest(meeting.id))!.id, pid))?.state).toBe('left');
    expect((await h.v6('GET', `/api/v6/meeting/${meeting.id}`)).statusCode).toBe(404);
  });

  it('lets only the organizer or an admin cancel (403 MMC.111070002); another account\u2019s meeting is not found', async () => {
    const bobToken = await h.signIn('bob@example.com');
    const { meeting: annas } = await created({ mediaTypes: 'Voice', startTime: '2026-12-02 10:00' });
    expectError(await h.hw('DELETE', `/v1/mmc/management/conferences?conferenceID=${annas.conferenceId}`, { token: bobToken }), 403, 'MMC.111070002', 'CONF_INSUFFICIENT_PERMISSIONS', 'only the organizer or an account admin may cancel this conference');
    const { meeting: bobs } = await created({ mediaTypes: 'Voice', startTime: '2026-12-02 11:00' }, bobToken);
    expect((await h.hw('DELETE', `/v1/mmc/management/conferences?conferenceID=${bobs.conferenceId}`, { token: annaToken })).statusCode).toBe(200);
    const other = await h.newAccount({ email: 'olga@example.com' });
    const olgaToken = await h.signIn(other.admin.login);
    expectError(await h.hw('DELETE', `/v1/mmc/management/conferences?conferenceID=${annas.conferenceId}&type=1`, { token: olgaToken }), 400, 'MMC.111070005', 'CONF_DATA_NOT_FOUND', `conference ${annas.conferenceId} not found`);
    expect(await h.store.meetings.get(accountId, annas.id)).toBeDefined();
  });

  it.each([
    ['', 'query conferenceID is required'],
    ['?conferenceID=123456789&type=2', 'query type should be 0 or 1'],
    ['?conferenceID=123456789&type=x', 'query type should be 0 or 1'],
  ])('answers %s with 400 MMC.111071061', async (q, detail) => {
    expectError(await h.hw('DELETE', `/v1/mmc/management/conferences${q}`, { token: annaToken }), 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', detail);
  });
});

describe('the /v1/mmc, /v1/usg, /v2/usg and /cms scopes', () => {
  it.each([
    ['GET', '/v1/mmc/management/nothing', 'The API does not exist or has not been published in the environment.'],
    ['GET', '/v1/usg/acs/nothing', 'The API does not exist or has not been published in the environment.'],
    ['POST', '/v2/usg/acs/auth/account', 'The API does not exist or has not been published in the environment.'],
    ['GET', '/cms/open/websocket/confctl/increment/conn?confID=1&tmpToken=x', 'The API does not exist or has not been published in the environment.'],
    ['GET', '/v1/mmc/management/conferences/history', 'The API does not exist or has not been published in the environment.'],
    ['PATCH', '/v1/mmc/management/conferences', 'The API does not exist.'],
    ['PUT', '/v1/mmc/management/conferences/confDetail', 'The API does not exist.'],
    ['GET', '/v1/usg/acs/auth/account', 'The API does not exist.'],
  ])('answers %s %s with 404 APIG.0101', async (method, url, msg) => {
    const res = await h.hw(method, url, { token: annaToken });
    expect({ status: res.statusCode, body: res.json() }).toEqual({ status: 404, body: { error_code: 'APIG.0101', error_msg: msg, request_id: res.headers['x-request-id'] } });
    expect(res.headers['content-type']).toBe('application/json;charset=UTF-8');
  });

  it('answers a body over the limit with 413 APIG.0201', async () => {
    const res = await create({ mediaTypes: 'Voice', subject: 'x'.repeat(1_100_000) });
    expect({ status: res.statusCode, body: res.json() }).toEqual({ status: 413, body: { error_code: 'APIG.0201', error_msg: 'Request entity too large.', request_id: res.headers['x-request-id'] } });
  });

  it('echoes a client X-Request-Id in the header and the body, and accepts bodies without or with other JSON-ish content types', async () => {
    const res = await h.hw('GET', '/v1/mmc/management/conferences/confDetail', { token: annaToken, headers: { 'x-request-id': 'trace-123' } });
    expect(res.headers['x-request-id']).toBe('trace-123');
    expect(res.json().request_id).toBe('trace-123');
    for (const type of [undefined, 'text/plain', 'application/json; charset=UTF-8']) {
      const r = await h.app.inject({
        method: 'POST',
        url: '/v1/mmc/management/conferences',
        headers: { 'x-access-token': annaToken, ...(type ? { 'content-type': type } : {}) },
        payload: JSON.stringify({ mediaTypes: 'Voice', startTime: '2026-12-02 10:00' }),
      });
      expect(r.statusCode, `${type}: ${r.body}`).toBe(200);
    }
    const xml = await h.app.inject({ method: 'POST', url: '/v1/mmc/management/conferences', headers: { 'x-access-token': annaToken, 'content-type': 'application/xml' }, payload: '<a/>' });
    expectError(xml, 400, 'MMC.111070001', 'CONF_BAD_REQUEST', 'request body must be JSON (Content-Type application/json)');
  });
});
