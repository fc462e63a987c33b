/**
 * Meetings through the v6 API: E20–E34 (webmeeting-v6 §8, §9.5) with the §3 auth rules, the §4 bad-input
 * rules, §5 idempotency and the §11.3 outbox. Time is a FixedClock at T0 unless a test moves it.
 */
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { harness, INSTANCE_KEY, type Harness } from '../../../test/support/app.js';
import { adminFixture, as, expectError, expectRejected, HEX24, issueKey, UNKNOWN_ID, type AdminFixture } from '../../../test/support/accountAdmin.js';
import { FixedClock } from '../../infra/ids.js';

const T0 = '2024-03-20T12:00:00.000Z';
const clock = new FixedClock(T0);
const ENV = {
  CONVENE_SIP_PROXY: 'sip.meet.example.com',
  CONVENE_SIP_DOMAIN: 'meet.example.com',
  CONVENE_STANDARD_DIALIN_NUMBERS: JSON.stringify([{ country: 'CH', number: '+41445550100', displayNumber: '+41 44 555 01 00' }]),
};
const MEETING_KEYS = [
  'invitedParticipants',
  'meetingId',
  'id',
  'topic',
  'startTime',
  'endTime',
  'duration',
  'type',
  'roomId',
  'isRecurring',
  'isDialin',
  'recurring',
  'isRecorded',
  'agenda',
  'documents',
  'meetingPermissionId',
  'videoResolution',
  'dtClosedAt',
  'whitelabelId',
  'addedByUserId',
  'addedByUserEmail',
  'accountId',
  'addedByUserName',
  'timezone',
  'privateDataVisible',
  'icalSequence',
  'icsToken',
  'isActive',
  'isClosed',
  'isOpen',
  'dialInConferenceRoom',
  'dialInNumbers',
  'dialInPin',
  'sipProxy',
  'sipDomain',
  'isDemo',
  'isPromo',
  'occurrenceExceptions',
  'createdAt',
  'updatedAt',
];
const ICS_TOKEN = /^[0-9a-f-]{73}$/;
const NUMBER = /^\d{4}-\d{4}-\d{4}-\d{4}$/;

let h: Harness;
let fx: AdminFixture;
/** Instance key with only the `account` permission. */
let instanceAccountOnly = '';

beforeAll(async () => {
  h = await harness({ clock, env: ENV });
  fx = await adminFixture(h);
  instanceAccountOnly = await issueKey(h, 'instance', null, ['account']);
});
afterAll(() => h.close());
afterEach(() => clock.set(T0));

const asAdminA = () => ({ 'x-user-id': fx.A.adminId });
const asAdminB = () => ({ 'x-user-id': fx.B.adminId });
const asOrganizer = () => ({ 'x-user-id': fx.organizer.id });
const BASE = { topic: 'Weekly sync', startTime: '2024-04-01T07:00:00Z', duration: 60 };

function schedule(body: Record<string, unknown> = {}, headers: Record<string, string> = asAdminA()) {
  return h.call('POST', '/api/v6/meeting', { ...BASE, ...body }, headers);
}
async function scheduled(body: Record<string, unknown> = {}, headers: Record<string, string> = asAdminA()) {
  const res = await schedule(body, headers);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data;
}
async function eventsOf(meetingId: string): Promise<Array<[string, number]>> {
  const { items } = await h.store.outbox.listEvents({ meetingId, offset: 0, limit: 100 });
  return items.sort((a, b) => a.sequence - b.sequence).map((e) => [e.event, e.sequence]);
}
async function lastEvent(meetingId: string) {
  const { items } = await h.store.outbox.listEvents({ meetingId, offset: 0, limit: 100 });
  return items.sort((a, b) => b.sequence - a.sequence)[0]!;
}
async function mailsTo(to: string) {
  return (await h.store.mail.list({ to, offset: 0, limit: 100 })).items;
}
async function permissionSet(accountId: string, name = 'Panel'): Promise<string> {
  const res = await h.call('POST', `/api/v6/permission/account/${accountId}`, { name });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data.id as string;
}
let mailSeq = 0;
const freshEmail = (p = 'guest') => `${p}${++mailSeq}@example.com`;

describe('E20 POST /meeting', () => {
  it('schedules a meeting from a full body and returns the Meeting in the FOUND key order', async () => {
    const ps = await permissionSet(fx.A.accountId);
    const bob = freshEmail('bob');
    const carla = freshEmail('carla');
    const res = await h.call(
      'POST',
      '/api/v6/meeting',
      {
        topic: '  Weekly sync ',
        startTime: '2024-03-25T09:00:00+01:00',
        endTime: '2024-03-25T10:00:00+01:00',
        duration: 30,
        type: 'webinar',
        isRecurring: true,
        recurring: { frequencyType: 'Week', frequency: '1', endsType: 'count', endsAfter: 10 },
        isRecorded: true,
        isDialin: true,
        invitedParticipants: [bob.toUpperCase(), { email: carla, firstName: 'Carla', lastName: 'Rossi', isModerator: true, language: 'it' }, { phone: '+41445550199', name: 'Desk' }, bob],
        meetingPermissionId: ps,
        agenda: 'status',
        documents: [{ name: 'Deck', url: 'https://files.example.com/deck.pdf', size: 1024, mimeType: 'application/pdf' }],
        timezone: 'Europe/Zurich',
        videoResolution: 'HD',
        privateDataVisible: false,
        colour: 'blue',
      },
      asAdminA(),
    );
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(Object.keys(body)).toEqual(['responseCode', 'data']);
    expect(Object.keys(body.data)).toEqual(MEETING_KEYS);
    expect(body).toEqual({
      responseCode: 0,
      data: {
        invitedParticipants: [
          { email: bob, name: '', phone: null, language: null, isModerator: false },
          { email: carla, name: 'Carla Rossi', phone: null, language: 'it', isModerator: true },
          { email: null, name: 'Desk', phone: '+41445550199', language: null, isModerator: false },
        ],
        meetingId: expect.stringMatching(NUMBER),
        id: expect.stringMatching(HEX24),
        topic: 'Weekly sync',
        startTime: '2024-03-25T08:00:00.000Z',
        endTime: '2024-03-25T09:00:00.000Z',
        duration: '60',
        type: 'webinar',
        roomId: expect.stringMatching(HEX24),
        isRecurring: true,
        isDialin: true,
        recurring: { frequencyType: 'weekly', frequency: 1, monthlyPattern: '', endsType: 'after', endsOn: T0, endsAfter: 10 },
        isRecorded: true,
        agenda: 'status',
        documents: [{ name: 'Deck', url: 'https://files.example.com/deck.pdf', size: 1024, mimeType: 'application/pdf' }],
        meetingPermissionId: ps,
        videoResolution: 'hd',
        dtClosedAt: null,
        whitelabelId: h.deps.settings.whitelabelId,
        addedByUserId: fx.A.adminId,
        addedByUserEmail: fx.A.adminEmail,
        accountId: fx.A.accountId,
        addedByUserName: 'Ada Admin',
        timezone: 'Europe/Zurich',
        privateDataVisible: false,
        icalSequence: '0',
        icsToken: expect.stringMatching(ICS_TOKEN),
        isActive: true,
        isClosed: false,
        isOpen: false,
        dialInConferenceRoom: expect.stringMatching(/^[1-9]\d{7}$/),
        dialInNumbers: [{ country: 'CH', number: '+41445550100', displayNumber: '+41 44 555 01 00' }],
        dialInPin: expect.stringMatching(/^\d{6}$/),
        sipProxy: 'sip.meet.example.com',
        sipDomain: 'meet.example.com',
        isDemo: false,
        isPromo: false,
        occurrenceExceptions: [],
        createdAt: T0,
        updatedAt: T0,
      },
    });
    // The same Meeting is readable, and is the onMeetingScheduled payload with sequence 1 (§11.1, §11.3).
    const id = body.data.id as string;
    expect((await h.call('GET', `/api/v6/meeting/${id}`)).json()).toEqual(body);
    const ev = await lastEvent(id);
    expect([ev.event, ev.sequence]).toEqual(['onMeetingScheduled', 1]);
    expect(JSON.parse(ev.payload)).toEqual(body.data);
    // Invitations with an iTIP REQUEST to everyone with an email; no ATTENDEE lines since privateDataVisible is false.
    for (const to of [bob, carla]) {
      const mails = await mailsTo(to);
      expect(mails).toHaveLength(1);
      expect(mails[0]).toMatchObject({ template: 'meetingInvitation', icsMethod: 'REQUEST', subject: 'Invitation: Weekly sync' });
      expect(mails[0]!.icsAttachment).toContain('METHOD:REQUEST');
      expect(mails[0]!.icsAttachment).toContain('RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=MO;COUNT=10');
      expect(mails[0]!.icsAttachment).not.toContain('ATTENDEE');
    }
    expect((await mailsTo(carla))[0]!.language).toBe('it');
  });

  it('fills the defaults from the account and the acting user (§8.2)', async () => {
    const acc = await h.newAccount(undefined, { defaultMeetingType: 'webinar', defaultMeetingHasDialin: true, defaultMeetingHasRecording: true, adminTimezone: 'America/New_York' });
    const data = await scheduled({ recurring: {} }, { 'x-user-id': acc.adminId });
    expect(data).toMatchObject({
      invitedParticipants: [],
      type: 'webinar',
      isDialin: true,
      isRecorded: true,
      isRecurring: false,
      recurring: { frequencyType: '', frequency: null, monthlyPattern: '', endsType: '', endsOn: T0, endsAfter: 0 },
      timezone: 'America/New_York',
      agenda: '',
      documents: [],
      meetingPermissionId: null,
      videoResolution: 'standard',
      privateDataVisible: true,
      isDemo: false,
      isPromo: false,
      duration: '60',
      endTime: '2024-04-01T08:00:00.000Z',
    });
  });

  it('treats null on optional fields as the default, accepts a numeric-string duration, and lets endTime win', async () => {
    const data = await scheduled({ duration: '45', type: null, agenda: null, videoResolution: null, invitedParticipants: null, isRecurring: null, recurring: null });
    expect(data).toMatchObject({ duration: '45', type: 'standard', agenda: '', videoResolution: 'standard', invitedParticipants: [], isRecurring: false });
    const won = await scheduled({ duration: 10, endTime: '2024-04-01T08:30:59Z' });
    expect(won).toMatchObject({ duration: '90', endTime: '2024-04-01T08:30:00.000Z' });
  });

  it('reads recurrence enums case-insensitively with their aliases and returns them canonical (§9.1)', async () => {
    const monthly = await scheduled({ isRecurring: true, recurring: { frequencyType: 'MONTH', frequency: '2', endsType: 'until', endsOn: '2024-12-31T00:00:00Z' } });
    expect(monthly.recurring).toEqual({ frequencyType: 'monthly', frequency: 2, monthlyPattern: 'dayOfMonth', endsType: 'on', endsOn: '2024-12-31T00:00:00.000Z', endsAfter: 0 });
    const byDay = await scheduled({ isRecurring: true, recurring: { frequencyType: 'monthly', monthlyPattern: 'byDay', endsType: 'never' } });
    expect(byDay.recurring).toMatchObject({ frequencyType: 'monthly', frequency: 1, monthlyPattern: 'dayOfWeek', endsType: 'never', endsAfter: 0 });
    const daily = await scheduled({ isRecurring: true, recurring: { frequencyType: 'day', endsType: 'Occurrences', endsAfter: 3 } });
    expect(daily).toMatchObject({ recurring: { frequencyType: 'daily', endsType: 'after', endsAfter: 3 }, isActive: true });
    // Recurrence content is ignored (not validated) while isRecurring is false.
    const plain = await scheduled({ isRecurring: false, recurring: { frequencyType: 'fortnightly', frequency: 'x' } });
    expect(plain.recurring).toEqual({ frequencyType: '', frequency: null, monthlyPattern: '', endsType: '', endsOn: T0, endsAfter: 0 });
  });

  it('accepts phone and SIP invitees and de-duplicates emails case-insensitively (§8.12)', async () => {
    const e = freshEmail();
    const data = await scheduled({ invitedParticipants: [e, { email: e.toUpperCase(), name: 'Dup' }, { phone: 'sip:room42@video.example.com' }, { phone: '+8613800138000', firstName: 'Li' }] });
    expect(data.invitedParticipants).toEqual([
      { email: e, name: '', phone: null, language: null, isModerator: false },
      { email: null, name: '', phone: 'sip:room42@video.example.com', language: null, isModerator: false },
      { email: null, name: 'Li', phone: '+8613800138000', language: null, isModerator: false },
    ]);
  });

  it('reports exactly the 7 issues of the §4.7 example, in order, and writes nothing', async () => {
    const res = await expectRejected(
      h,
      () =>
        h.call(
          'POST',
          '/api/v6/meeting',
          {
            topic: '',
            startTime: '2024-04-07 09:00',
            duration: 'sixty',
            isRecurring: true,
            recurring: { frequencyType: 'fortnightly' },
            invitedParticipants: ['bob@', { name: 'Carla' }],
            colour: 'blue',
          },
          asAdminA(),
        ),
      400,
      -4,
    );
    expect(res.json()).toEqual({
      responseCode: -4,
      responseMessage: 'Data not valid',
      data: [
        { field: 'topic', code: 'required', message: 'topic is required' },
        { field: 'startTime', code: 'format', message: 'must be an ISO-8601 date-time with Z or an offset' },
        { field: 'duration', code: 'type', message: 'must be a number of minutes' },
        { field: 'recurring.frequencyType', code: 'enum', message: 'must be one of daily, weekly, monthly, yearly' },
        { field: 'recurring.endsType', code: 'required', message: 'recurring.endsType is required when isRecurring is true' },
        { field: 'invitedParticipants[0]', code: 'format', message: 'not a valid email address' },
        { field: 'invitedParticipants[1]', code: 'required', message: 'email or phone is required' },
      ],
    });
  });

  const REC = { isRecurring: true };
  const weekly = (r: Record<string, unknown>) => ({ ...REC, recurring: { frequencyType: 'weekly', endsType: 'never', ...r } });
  it.each<[string, Record<string, unknown>, string | null, string]>([
    ['topic wrong type', { topic: 5 }, 'topic', 'type'],
    ['topic too long', { topic: 't'.repeat(256) }, 'topic', 'maxLength'],
    ['topic with NUL', { topic: 'a\u0000b' }, 'topic', 'format'],
    ['topic null', { topic: null }, 'topic', 'required'],
    ['startTime missing', { startTime: undefined }, 'startTime', 'required'],
    ['startTime date only', { startTime: '2024-04-01' }, 'startTime', 'format'],
    ['startTime without zone', { startTime: '2024-04-01T07:00:00' }, 'startTime', 'format'],
    ['startTime impossible', { startTime: '2024-02-31T07:00:00Z' }, 'startTime', 'format'],
    ['startTime wrong type', { startTime: 1711954800000 }, 'startTime', 'type'],
    ['startTime before 1970', { startTime: '0001-01-01T00:00:00Z' }, 'startTime', 'min'],
    ['startTime in year 3000', { startTime: '3000-01-01T00:00:00Z' }, 'startTime', 'max'],
    ['endTime bad format', { endTime: 'tomorrow' }, 'endTime', 'format'],
    ['endTime before start', { endTime: '2024-04-01T06:00:00Z' }, 'endTime', 'range'],
    ['endTime under a minute', { endTime: '2024-04-01T07:00:30Z' }, 'endTime', 'range'],
    ['endTime over 24 h', { endTime: '2024-04-02T07:01:00Z' }, 'endTime', 'range'],
    ['duration and endTime missing', { duration: undefined }, 'duration', 'required'],
    ['duration 0', { duration: 0 }, 'duration', 'min'],
    ['duration over 24 h', { duration: 1441 }, 'duration', 'max'],
    ['duration fractional', { duration: 1.5 }, 'duration', 'type'],
    ['duration boolean', { duration: true }, 'duration', 'type'],
    ['type meetme', { type: 'meetme' }, 'type', 'enum'],
    ['type unknown', { type: 'lecture' }, 'type', 'enum'],
    ['isRecurring as string', { isRecurring: 'yes' }, 'isRecurring', 'type'],
    ['recurring not an object', { ...REC, recurring: 'weekly' }, 'recurring', 'type'],
    ['frequencyType missing', { ...REC, recurring: { endsType: 'never' } }, 'recurring.frequencyType', 'required'],
    ['frequencyType empty', weekly({ frequencyType: '' }), 'recurring.frequencyType', 'required'],
    ['frequency 0', weekly({ frequency: 0 }), 'recurring.frequency', 'min'],
    ['frequency 100', weekly({ frequency: '100' }), 'recurring.frequency', 'max'],
    ['frequency word', weekly({ frequency: 'two' }), 'recurring.frequency', 'type'],
    ['monthlyPattern unknown', weekly({ frequencyType: 'monthly', monthlyPattern: 'lunar' }), 'recurring.monthlyPattern', 'enum'],
    ['endsType unknown', weekly({ endsType: 'sometime' }), 'recurring.endsType', 'enum'],
    ['endsOn missing for on', weekly({ endsType: 'on' }), 'recurring.endsOn', 'required'],
    ['endsOn before start', weekly({ endsType: 'on', endsOn: '2024-03-01T00:00:00Z' }), 'recurring.endsOn', 'range'],
    ['endsOn bad format', weekly({ endsType: 'on', endsOn: '31.12.2024' }), 'recurring.endsOn', 'format'],
    ['endsOn in year 9999', weekly({ endsType: 'on', endsOn: '9999-01-01T00:00:00Z' }), 'recurring.endsOn', 'max'],
    ['endsAfter missing for after', weekly({ endsType: 'after' }), 'recurring.endsAfter', 'required'],
    ['endsAfter 0 for after', weekly({ endsType: 'after', endsAfter: 0 }), 'recurring.endsAfter', 'min'],
    ['endsAfter over 1000', weekly({ endsType: 'after', endsAfter: 1001 }), 'recurring.endsAfter', 'max'],
    ['isRecorded as string', { isRecorded: 'true' }, 'isRecorded', 'type'],
    ['isDialin as number', { isDialin: 1 }, 'isDialin', 'type'],
    ['invitedParticipants not an array', { invitedParticipants: 'bob@example.com' }, 'invitedParticipants', 'type'],
    ['invitedParticipants over 500', { invitedParticipants: Array.from({ length: 501 }, (_, i) => `p${i}@example.com`) }, 'invitedParticipants', 'maxLength'],
    ['participant of wrong type', { invitedParticipants: [5] }, 'invitedParticipants[0]', 'type'],
    ['participant email bad', { invitedParticipants: [{ email: 'bob@' }] }, 'invitedParticipants[0].email', 'format'],
    ['participant phone bad', { invitedParticipants: [{ phone: '0445550100' }] }, 'invitedParticipants[0].phone', 'format'],
    ['participant isModerator string', { invitedParticipants: [{ email: 'a@example.com', isModerator: 'yes' }] }, 'invitedParticipants[0].isModerator', 'type'],
    ['participant language unknown', { invitedParticipants: [{ email: 'a@example.com', language: 'xx' }] }, 'invitedParticipants[0].language', 'enum'],
    ['participant name too long', { invitedParticipants: [{ email: 'a@example.com', name: 'n'.repeat(101) }] }, 'invitedParticipants[0].name', 'maxLength'],
    ['meetingPermissionId malformed', { meetingPermissionId: 'abc' }, 'meetingPermissionId', 'format'],
    ['meetingPermissionId wrong type', { meetingPermissionId: 5 }, 'meetingPermissionId', 'type'],
    ['meetingPermissionId unknown', { meetingPermissionId: UNKNOWN_ID }, 'meetingPermissionId', 'unknownReference'],
    ['agenda too long', { agenda: 'a'.repeat(10_001) }, 'agenda', 'maxLength'],
    ['documents over 50', { documents: Array.from({ length: 51 }, (_, i) => ({ name: `d${i}`, url: 'https://x.example.com' })) }, 'documents', 'maxLength'],
    ['document without name', { documents: [{ url: 'https://x.example.com' }] }, 'documents[0].name', 'required'],
    ['document with ftp url', { documents: [{ name: 'd', url: 'ftp://x.example.com/d' }] }, 'documents[0].url', 'format'],
    ['document negative size', { documents: [{ name: 'd', url: 'https://x.example.com', size: -1 }] }, 'documents[0].size', 'min'],
    ['timezone unknown', { timezone: 'Mars/Olympus' }, 'timezone', 'format'],
    ['timezone offset', { timezone: '+01:00' }, 'timezone', 'format'],
    ['videoResolution unknown', { videoResolution: '4k' }, 'videoResolution', 'enum'],
    ['privateDataVisible as string', { privateDataVisible: 'no' }, 'privateDataVisible', 'type'],
    ['isDemo as string', { isDemo: 'no' }, 'isDemo', 'type'],
  ])('answers -4 for %s, naming the field, and writes nothing', async (_name, body, field, code) => {
    await expectRejected(h, () => schedule(body), 400, -4, [{ field, code }]);
  });

  it('lists every required field for an empty body and rejects non-object and malformed bodies', async () => {
    await expectRejected(h, () => h.call('POST', '/api/v6/meeting', {}, asAdminA()), 400, -4, [
      { field: 'topic', code: 'required' },
      { field: 'startTime', code: 'required' },
      { field: 'duration', code: 'required' },
    ]);
    await expectRejected(h, () => h.call('POST', '/api/v6/meeting', undefined, asAdminA()), 400, -4, [
      { field: 'topic', code: 'required' },
      { field: 'startTime', code: 'required' },
      { field: 'duration', code: 'required' },
    ]);
    await expectRejected(h, () => h.call('POST', '/api/v6/meeting', '[1,2]', asAdminA()), 400, -4, [
      { field: null, code: 'type' },
      { field: 'topic', code: 'required' },
      { field: 'startTime', code: 'required' },
      { field: 'duration', code: 'required' },
    ]);
    await expectRejected(h, () => h.call('POST', '/api/v6/meeting', '{"topic":', asAdminA()), 400, -4, [{ field: null, code: 'invalidJson' }]);
  });

  it('lets only an instance key set isDemo/isPromo; an account key may send the unchanged default', async () => {
    await expectRejected(h, () => schedule({ isDemo: true, isPromo: true }, as(fx.keyAMeeting)), 403, -3, [
      { field: 'isDemo', code: 'forbiddenField' },
      { field: 'isPromo', code: 'forbiddenField' },
    ]);
    expect(await scheduled({ isDemo: false, isPromo: null }, as(fx.keyAMeeting))).toMatchObject({ isDemo: false, isPromo: false });
    expect(await scheduled({ isDemo: true }, asAdminA())).toMatchObject({ isDemo: true, isPromo: false });
  });

  it('schedules for the acting user: an organizer, or the first admin of an account key without headers', async () => {
    expect(await scheduled({}, asOrganizer())).toMatchObject({ addedByUserId: fx.organizer.id, addedByUserEmail: fx.organizer.email, addedByUserName: 'Otto Organizer' });
    expect(await scheduled({}, as(fx.keyAMeeting))).toMatchObject({ addedByUserId: fx.A.adminId, accountId: fx.A.accountId });
    expect(await scheduled({}, as(fx.instanceMeeting, asAdminB()))).toMatchObject({ addedByUserId: fx.B.adminId, accountId: fx.B.accountId });
  });

  it('enforces key (-1), permission (-3) and acting user (-2, +U), writing nothing', async () => {
    await expectRejected(h, () => h.app.inject({ method: 'POST', url: '/api/v6/meeting', payload: BASE }), 401, -1);
    await expectRejected(h, () => schedule({}, as('not-a-key', asAdminA())), 401, -1);
    await expectRejected(h, () => schedule({}, as(fx.keyA, asAdminA())), 403, -3);
    await expectRejected(h, () => schedule({}, as(instanceAccountOnly, asAdminA())), 403, -3);
    await expectRejected(h, () => schedule({}, {}), 401, -2, [{ field: 'header.X-USER-ID', code: 'required' }]);
    await expectRejected(h, () => schedule({}, as(fx.keyB, asAdminA())), 401, -2);
    await expectRejected(h, () => schedule({}, { 'x-user-id': UNKNOWN_ID }), 401, -2);
    await expectRejected(h, () => schedule({}, { 'x-user-id': 'abc' }), 401, -2);
  });

  it('answers -6 when numberOfMeetings active meetings exist, counting only meetings that have not ended', async () => {
    const acc = await h.newAccount(undefined, { numberOfMeetings: 1 });
    const u = { 'x-user-id': acc.adminId };
    // An ended meeting does not count against the limit (§6.1: meetings that have not ended).
    await scheduled({ startTime: '2020-04-07T09:00:00Z' }, u);
    await scheduled({}, u);
    await expectRejected(h, () => schedule({}, u), 409, -6, [{ field: null, code: 'limit' }]);
  });

  it('answers -8 for an expired account and accepts start times in the past (C8)', async () => {
    const acc = await h.newAccount(undefined, { accountType: 'paid', paidUntil: '2024-01-01T00:00:00Z' });
    await expectRejected(h, () => schedule({}, { 'x-user-id': acc.adminId }), 402, -8);
    const past = await scheduled({ startTime: '2020-04-07T09:00:00Z' });
    expect(past).toMatchObject({ isClosed: true, isActive: false, isOpen: false, dtClosedAt: null });
  });

  it('spreads overlapping meetings over the account\u2019s rooms, fewest overlaps first (§8.8)', async () => {
    const acc = await h.newAccount(undefined, { numberOfMeetingRooms: 2 });
    const u = { 'x-user-id': acc.adminId };
    const first = await scheduled({}, u);
    const second = await scheduled({ startTime: '2024-04-01T07:30:00Z' }, u);
    const third = await scheduled({ startTime: '2024-04-01T09:00:00Z' }, u);
    const rooms = (await h.store.rooms.listByAccount(acc.accountId)).map((r) => r.id);
    expect(first.roomId).toBe(rooms[0]);
    expect(second.roomId).toBe(rooms[1]);
    expect(third.roomId).toBe(rooms[0]);
    // Permissive mode never rejects: a third overlapping meeting shares a room.
    expect(rooms).toContain((await scheduled({ startTime: '2024-04-01T07:15:00Z' }, u)).roomId);
  });

  it('answers -7 in strict room mode when every room is booked, and writes nothing', async () => {
    const strict = await harness({ clock, env: { ...ENV, CONVENE_ROOM_STRICT: 'true' } });
    try {
      const acc = await strict.newAccount();
      const u = { 'x-user-id': acc.adminId };
      const ok = await strict.call('POST', '/api/v6/meeting', BASE, u);
      expect(ok.statusCode, ok.body).toBe(200);
      await expectRejected(strict, () => strict.call('POST', '/api/v6/meeting', { ...BASE, startTime: '2024-04-01T07:59:00Z' }, u), 409, -7, [{ field: null, code: 'limit' }]);
      const later = await strict.call('POST', '/api/v6/meeting', { ...BASE, startTime: '2024-04-01T08:00:00Z' }, u);
      expect(later.statusCode, later.body).toBe(200);
    } finally {
      await strict.close();
    }
  });
});

describe('E20/E21 never answer 5xx (§15.2 fuzz)', () => {
  it('answers every generated body with 200 or a 4xx, and what it creates can be read, listed and updated', async () => {
    const instant = fc.oneof(
      { arbitrary: fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString()), weight: 5 },
      { arbitrary: fc.constantFrom('1970-01-01T00:00:00Z', '2999-12-31T23:00:00+01:00', '0001-01-01T00:00:00Z', '2024-03-31T02:30:00+01:00', '2024-10-27T02:30:00+02:00', '2024-02-30T10:00:00Z'), weight: 1 },
      { arbitrary: fc.date({ min: new Date('1900-01-01'), max: new Date('3100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()), weight: 1 },
    );
    const any = fc.oneof(fc.constant(null), fc.boolean(), fc.integer({ min: -5, max: 2000 }), fc.double(), fc.string({ maxLength: 12 }), instant);
    // Mostly valid values, so that many bodies get through validation into the domain.
    const mostly = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ arbitrary: valid, weight: 20 }, { arbitrary: any, weight: 1 });
    const word = (...w: string[]) => mostly(fc.constantFrom(...w));
    const recurring = fc.record(
      {
        frequencyType: word('daily', 'WEEK', 'monthly', 'yearly', ''),
        frequency: mostly(fc.integer({ min: 1, max: 99 })),
        monthlyPattern: word('dayOfMonth', 'byDay'),
        endsType: word('never', 'on', 'after', 'count'),
        endsOn: mostly(instant),
        endsAfter: mostly(fc.integer({ min: 1, max: 1000 })),
      },
      { requiredKeys: [] },
    );
    const participant = mostly(fc.oneof(fc.constant('a@example.com'), fc.record({ email: word('b@example.com'), phone: word('+41445550100', 'sip:x@y.example.com'), name: word('N'), isModerator: mostly(fc.boolean()) }, { requiredKeys: [] })));
    const body = fc.record(
      {
        topic: word('Fuzz'),
        startTime: mostly(instant),
        endTime: fc.oneof({ arbitrary: fc.constant(undefined), weight: 5 }, { arbitrary: instant, weight: 1 }),
        duration: mostly(fc.oneof(fc.integer({ min: 1, max: 1440 }), fc.constant('45'))),
        type: word('standard', 'webinar', 'Webinar'),
        isRecurring: mostly(fc.boolean()),
        recurring: mostly(recurring),
        isDialin: mostly(fc.boolean()),
        invitedParticipants: mostly(fc.array(participant, { maxLength: 3 })),
        documents: mostly(fc.array(fc.record({ name: word('d'), url: word('https://x.example.com/d') }), { maxLength: 2 })),
        timezone: word('Europe/Zurich', 'Pacific/Kiritimati', 'America/St_Johns', 'UTC'),
        videoResolution: word('hd'),
        meetingPermissionId: fc.oneof({ arbitrary: fc.constant(null), weight: 6 }, { arbitrary: any, weight: 1 }),
      },
      { requiredKeys: ['topic', 'startTime', 'duration'] },
    );
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const res = await h.call('POST', '/api/v6/meeting', b, asAdminA());
        expect(res.statusCode, `${JSON.stringify(b)} → ${res.body}`).toBeLessThan(500);
        if (res.statusCode !== 200) return;
        const id = res.json().data.id as string;
        for (const url of [`/api/v6/meeting/${id}`, `/api/v6/meeting/${id}/occurrences?from=1970-01-01T00:00:00Z&to=2999-01-01T00:00:00Z`]) {
          const got = await h.call('GET', url);
          expect(got.statusCode, `${url} ${JSON.stringify(b)} → ${got.body}`).toBe(200);
        }
        const upd = await h.call('PUT', `/api/v6/meeting/${id}/true`, b);
        expect(upd.statusCode, `PUT ${JSON.stringify(b)} → ${upd.body}`).toBeLessThan(500);
        await h.call('DELETE', `/api/v6/meeting/${id}`);
      }),
      { numRuns: 300 },
    );
  }, 120_000);
});

describe('E20 Idempotency-Key (§5)', () => {
  const count = async (topic: string) => (await h.store.meetings.find({ scope: fx.A.accountId })).filter((m) => m.topic === topic);

  it('replays the same bytes with Idempotent-Replayed and executes once', async () => {
    const headers = { ...asAdminA(), 'idempotency-key': '"7f0c9a4e-2b1d-4d7e-9d4b-0c1f2a3b4c5d"' };
    const body = { topic: 'Idempotent once', invitedParticipants: [freshEmail('idem')] };
    const first = await schedule(body, headers);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    clock.advance(60_000);
    const again = await schedule(body, headers);
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toBe(first.body);
    const found = await count('Idempotent once');
    expect(found).toHaveLength(1);
    expect(await eventsOf(found[0]!.id)).toEqual([['onMeetingScheduled', 1]]);
    expect(await mailsTo(body.invitedParticipants[0]!)).toHaveLength(1);
  });

  it('answers 422 idempotencyKeyReused for a different body, and -4 for a malformed key, without executing', async () => {
    const headers = { ...asAdminA(), 'idempotency-key': 'k-reused' };
    await scheduled({ topic: 'Reuse A' }, headers);
    await expectRejected(h, () => schedule({ topic: 'Reuse B' }, headers), 422, -4, [{ field: 'header.Idempotency-Key', code: 'idempotencyKeyReused' }]);
    await expectRejected(h, () => schedule({ topic: 'Bad key' }, { ...asAdminA(), 'idempotency-key': 'has space' }), 400, -4, [{ field: 'header.Idempotency-Key', code: 'format' }]);
    expect(await count('Reuse B')).toHaveLength(0);
  });

  it('does not store a -4: the same key may be retried with a fixed body', async () => {
    const headers = { ...asAdminA(), 'idempotency-key': 'k-retry' };
    await expectRejected(h, () => schedule({ topic: '' }, headers), 400, -4, [{ field: 'topic', code: 'required' }]);
    expect((await schedule({ topic: 'Retried' }, headers)).statusCode).toBe(200);
  });

  it('executes 20 concurrent identical requests exactly once: one meeting, one onMeetingScheduled', async () => {
    const headers = { ...asAdminA(), 'idempotency-key': 'k-concurrent' };
    const results = await Promise.all(Array.from({ length: 20 }, () => schedule({ topic: 'Concurrent create' }, headers)));
    const ok = results.filter((r) => r.statusCode === 200);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    for (const r of results) {
      if (r.statusCode !== 200) expectError(r, 409, -13);
    }
    expect(new Set(ok.map((r) => r.body)).size).toBe(1);
    const found = await count('Concurrent create');
    expect(found).toHaveLength(1);
    expect(await eventsOf(found[0]!.id)).toEqual([['onMeetingScheduled', 1]]);
  });
});

describe('E21/E22 PUT /meeting/{id}[/{notify}]', () => {
  it('updates with notify=true: REQUEST mails with the new SEQUENCE to participants, CANCEL to removed ones', async () => {
    const [stay, gone, added] = [freshEmail('stay'), freshEmail('gone'), freshEmail('added')];
    const m = await scheduled({ invitedParticipants: [stay, gone] });
    clock.advance(3_600_000);
    const res = await h.call('PUT', `/api/v6/meeting/${m.id}/true`, { topic: 'Renamed', invitedParticipants: [stay, { email: added, name: 'New' }] });
    expect(res.statusCode, res.body).toBe(200);
    const data = res.json().data;
    expect(Object.keys(data)).toEqual(MEETING_KEYS);
    expect(data).toEqual({
      ...m,
      topic: 'Renamed',
      invitedParticipants: [
        { email: stay, name: '', phone: null, language: null, isModerator: false },
        { email: added, name: 'New', phone: null, language: null, isModerator: false },
      ],
      icalSequence: '1',
      updatedAt: '2024-03-20T13:00:00.000Z',
    });
    expect(await eventsOf(m.id)).toEqual([
      ['onMeetingScheduled', 1],
      ['onMeetingUpdated', 2],
    ]);
    expect(JSON.parse((await lastEvent(m.id)).payload)).toEqual(data);
    for (const to of [stay, added]) {
      const update = (await mailsTo(to)).find((x) => x.template === 'meetingUpdated');
      expect(update).toMatchObject({ icsMethod: 'REQUEST', subject: 'Updated invitation: Renamed' });
      expect(update!.icsAttachment).toContain('SEQUENCE:1');
    }
    const cancel = (await mailsTo(gone)).find((x) => x.template === 'meetingCancelled');
    expect(cancel).toMatchObject({ icsMethod: 'CANCEL' });
    expect(cancel!.icsAttachment).toContain('METHOD:CANCEL');
    expect(cancel!.icsAttachment).toContain('STATUS:CANCELLED');
  });

  it('updates silently with /false, /0 and E22: an event every time, no mail', async () => {
    const p = freshEmail('silent');
    const m = await scheduled({ invitedParticipants: [p] });
    for (const url of [`/api/v6/meeting/${m.id}/false`, `/api/v6/meeting/${m.id}/0`, `/api/v6/meeting/${m.id}`]) {
      const res = await h.call('PUT', url, { agenda: url });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().data.agenda).toBe(url);
    }
    expect((await eventsOf(m.id)).map((e) => e[1])).toEqual([1, 2, 3, 4]);
    expect((await mailsTo(p)).map((x) => x.template)).toEqual(['meetingInvitation']);
    expect((await h.call('PUT', `/api/v6/meeting/${m.id}/1`, {})).json().data.icalSequence).toBe('3');
    expect((await mailsTo(p)).map((x) => x.template)).toEqual(['meetingInvitation', 'meetingUpdated']);
  });

  it('records onMeetingUpdated even when nothing changed, and keeps icalSequence then', async () => {
    const m = await scheduled();
    const res = await h.call('PUT', `/api/v6/meeting/${m.id}`, {});
    expect(res.json().data).toEqual(m);
    expect(await eventsOf(m.id)).toEqual([
      ['onMeetingScheduled', 1],
      ['onMeetingUpdated', 2],
    ]);
  });

  it('accepts a round-tripped GET body (read-only fields ignored), changing nothing', async () => {
    const m = await scheduled({ isRecurring: true, recurring: { frequencyType: 'weekly', endsType: 'never' }, isDialin: true, invitedParticipants: [{ email: freshEmail(), name: 'R' }], documents: [{ name: 'x', url: 'http://x.example.com' }] });
    clock.advance(1000);
    const got = (await h.call('GET', `/api/v6/meeting/${m.id}`, undefined, as(fx.keyAMeeting))).json().data;
    const res = await h.call('PUT', `/api/v6/meeting/${m.id}/false`, got, as(fx.keyAMeeting));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toEqual({ ...got, updatedAt: '2024-03-20T12:00:01.000Z' });
  });

  it('moves a meeting into the future, keeps the instant on a zone change, and recomputes the flags', async () => {
    const past = await scheduled({ startTime: '2020-04-07T09:00:00Z' });
    const moved = (await h.call('PUT', `/api/v6/meeting/${past.id}`, { startTime: '2024-05-01T10:00:00Z' })).json().data;
    expect(moved).toMatchObject({ startTime: '2024-05-01T10:00:00.000Z', endTime: '2024-05-01T11:00:00.000Z', isClosed: false, isActive: true, icalSequence: '1' });
    const rezoned = (await h.call('PUT', `/api/v6/meeting/${past.id}`, { timezone: 'America/New_York' })).json().data;
    expect(rezoned).toMatchObject({ startTime: '2024-05-01T10:00:00.000Z', timezone: 'America/New_York', icalSequence: '2' });
    const stored = await h.store.meetings.get(fx.A.accountId, past.id);
    expect(stored?.startLocal).toBe('2024-05-01T06:00:00');
  });

  it('merges recurrence fields over the stored rule and keeps the duration when only the start moves', async () => {
    const m = await scheduled({ duration: 45, isRecurring: true, recurring: { frequencyType: 'weekly', frequency: 2, endsType: 'never' } });
    const res = (await h.call('PUT', `/api/v6/meeting/${m.id}`, { startTime: '2024-04-02T07:00:00Z', recurring: { endsType: 'after', endsAfter: 4 } })).json().data;
    expect(res).toMatchObject({ duration: '45', endTime: '2024-04-02T07:45:00.000Z', recurring: { frequencyType: 'weekly', frequency: 2, endsType: 'after', endsAfter: 4 } });
    const plain = (await h.call('PUT', `/api/v6/meeting/${m.id}`, { isRecurring: false })).json().data;
    expect(plain.recurring).toEqual({ frequencyType: '', frequency: null, monthlyPattern: '', endsType: '', endsOn: m.createdAt, endsAfter: 0 });
  });

  it('generates dial-in data on false→true and clears it on true→false', async () => {
    const m = await scheduled();
    const on = (await h.call('PUT', `/api/v6/meeting/${m.id}`, { isDialin: true })).json().data;
    expect(on).toMatchObject({ isDialin: true, dialInConferenceRoom: expect.stringMatching(/^\d{8}$/), dialInPin: expect.stringMatching(/^\d{6}$/), sipProxy: 'sip.meet.example.com', sipDomain: 'meet.example.com', icalSequence: '1' });
    expect(on.dialInNumbers).toHaveLength(1);
    const again = (await h.call('PUT', `/api/v6/meeting/${m.id}`, { topic: 'still dial-in' })).json().data;
    expect([again.dialInConferenceRoom, again.dialInPin]).toEqual([on.dialInConferenceRoom, on.dialInPin]);
    const off = (await h.call('PUT', `/api/v6/meeting/${m.id}`, { isDialin: false })).json().data;
    expect(off).toMatchObject({ isDialin: false, dialInConferenceRoom: null, dialInNumbers: [], dialInPin: null, sipProxy: null, sipDomain: null });
    expect((await h.store.meetings.get(fx.A.accountId, m.id))?.dialInConferenceRoom).toBeNull();
  });

  it('drops exceptions when the series anchor changes and keeps those still in the set when only the end rule changes (§8.4)', async () => {
    const m = await scheduled({ startTime: '2024-03-25T08:00:00Z', isRecurring: true, recurring: { frequencyType: 'weekly', endsType: 'after', endsAfter: 10 } });
    const stored = (await h.store.meetings.get(fx.A.accountId, m.id))!;
    const apr8 = Date.parse('2024-04-08T07:00:00Z');
    const may27 = Date.parse('2024-05-27T07:00:00Z');
    stored.occurrenceExceptions = [
      { recurrenceId: apr8, isCancelled: true, startTime: null, endTime: null, topic: null, agenda: null },
      { recurrenceId: may27, isCancelled: true, startTime: null, endTime: null, topic: null, agenda: null },
    ];
    await h.store.meetings.update(stored);
    const shorter = (await h.call('PUT', `/api/v6/meeting/${m.id}`, { recurring: { endsAfter: 5 } })).json().data;
    expect(shorter.occurrenceExceptions).toEqual([{ recurrenceId: '2024-04-08T07:00:00.000Z', isCancelled: true, startTime: null, endTime: null, topic: null, agenda: null }]);
    const moved = (await h.call('PUT', `/api/v6/meeting/${m.id}`, { startTime: '2024-03-25T09:00:00Z' })).json().data;
    expect(moved.occurrenceExceptions).toEqual([]);
  });

  it('lets an account key send isDemo unchanged but not change it (-3 forbiddenField)', async () => {
    const m = await scheduled({ isDemo: true });
    expect((await h.call('PUT', `/api/v6/meeting/${m.id}`, { isDemo: true, topic: 'ok' }, as(fx.keyAMeeting))).statusCode).toBe(200);
    await expectRejected(h, () => h.call('PUT', `/api/v6/meeting/${m.id}`, { isDemo: false }, as(fx.keyAMeeting)), 403, -3, [{ field: 'isDemo', code: 'forbiddenField' }]);
    expect((await h.call('PUT', `/api/v6/meeting/${m.id}`, { isDemo: false })).json().data.isDemo).toBe(false);
  });

  it('answers -4 for a foreign body id, a bad notify, bad fields and merged-range problems, writing nothing', async () => {
    const m = await scheduled();
    await expectRejected(h, () => h.call('PUT', `/api/v6/meeting/${m.id}/false`, { id: UNKNOWN_ID, topic: 'x' }), 400, -4, [{ field: 'id', code: 'mismatch' }]);
    await expectRejected(h, () => h.call('PUT', `/api/v6/meeting/${m.id}/maybe`, { topic: 'x' }), 400, -4, [{ field: 'path.notify', code: 'enum' }]);
    await expectRejected(h, () => h.call('PUT', `/api/v6/meeting/${m.id}`, { topic: null, duration: 0 }), 400, -4, [
      { field: 'topic', code: 'required' },
      { field: 'duration', code: 'min' },
    ]);
    // The stored start is 07:00Z; an endTime before it fails on the merged values.
    await expectRejected(h, () => h.call('PUT', `/api/v6/meeting/${m.id}`, { endTime: '2024-04-01T06:00:00Z' }), 400, -4, [{ field: 'endTime', code: 'range' }]);
    await expectRejected(h, () => h.call('PUT', `/api/v6/meeting/${m.id}`, { isRecurring: true }), 400, -4, [
      { field: 'recurring.frequencyType', code: 'required' },
      { field: 'recurring.endsType', code: 'required' },
    ]);
    await expectRejected(h, () => h.call('PUT', `/api/v6/meeting/${m.id}`, '"text"'), 400, -4, [{ field: null, code: 'type' }]);
  });

  it('answers -8 for an expired account, writing nothing', async () => {
    const acc = await h.newAccount();
    const m = await scheduled({}, { 'x-user-id': acc.adminId });
    await h.call('PUT', `/api/v6/account/${acc.accountId}`, { paidUntil: '2024-01-01T00:00:00Z' });
    await expectRejected(h, () => h.call('PUT', `/api/v6/meeting/${m.id}`, { topic: 'late' }), 402, -8);
  });
});

describe('E23 GET /meeting/{id} and E27 GET /meeting/number/{meetingId}', () => {
  it('reads a meeting by id and by public number, with or without dashes', async () => {
    const m = await scheduled();
    expect((await h.call('GET', `/api/v6/meeting/${m.id}`)).json()).toEqual({ responseCode: 0, data: m });
    expect((await h.call('GET', `/api/v6/meeting/number/${m.meetingId}`, undefined, as(fx.keyAMeeting))).json()).toEqual({ responseCode: 0, data: m });
    expect((await h.call('GET', `/api/v6/meeting/number/${m.meetingId.replace(/-/g, '')}`)).json().data.id).toBe(m.id);
  });

  it('answers -4 for malformed ids, -5 for unknown, deleted and foreign meetings, -3 for a non-admin on another\u2019s meeting', async () => {
    const m = await scheduled();
    await expectRejected(h, () => h.call('GET', '/api/v6/meeting/xyz'), 400, -4, [{ field: 'path.id', code: 'format' }]);
    await expectRejected(h, () => h.call('GET', '/api/v6/meeting/number/12-34'), 400, -4, [{ field: 'path.meetingId', code: 'format' }]);
    await expectRejected(h, () => h.call('GET', `/api/v6/meeting/${UNKNOWN_ID}`), 404, -5, [{ field: 'path.id', code: 'notFound' }]);
    await expectRejected(h, () => h.call('GET', '/api/v6/meeting/number/0000-0000-0000-0001'), 404, -5, [{ field: 'path.meetingId', code: 'notFound' }]);
    await expectRejected(h, () => h.call('GET', `/api/v6/meeting/${m.id}`, undefined, as(fx.keyB)), 404, -5);
    await expectRejected(h, () => h.call('GET', `/api/v6/meeting/number/${m.meetingId}`, undefined, as(fx.keyB)), 404, -5);
    await expectRejected(h, () => h.call('GET', `/api/v6/meeting/${m.id}`, undefined, asAdminB()), 404, -5);
    await expectRejected(h, () => h.call('GET', `/api/v6/meeting/${m.id}`, undefined, asOrganizer()), 403, -3);
    await expectRejected(h, () => h.call('GET', `/api/v6/meeting/number/${m.meetingId}`, undefined, asOrganizer()), 403, -3);
    await h.call('DELETE', `/api/v6/meeting/${m.id}`);
    await expectRejected(h, () => h.call('GET', `/api/v6/meeting/${m.id}`), 404, -5);
    await expectRejected(h, () => h.call('GET', `/api/v6/meeting/number/${m.meetingId}`), 404, -5);
  });
});

describe('E24/E25 DELETE /meeting/{id}[/{notify}]', () => {
  it('soft-deletes with onMeetingDeleted carrying the meeting as it was, and CANCEL mails with notify=true', async () => {
    const p = freshEmail('del');
    const m = await scheduled({ invitedParticipants: [p] });
    clock.advance(60_000);
    const res = await h.call('DELETE', `/api/v6/meeting/${m.id}/true`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ responseCode: 0, data: { id: m.id, deleted: true } });
    expect(await eventsOf(m.id)).toEqual([
      ['onMeetingScheduled', 1],
      ['onMeetingDeleted', 2],
    ]);
    expect(JSON.parse((await lastEvent(m.id)).payload)).toEqual(m);
    const cancel = (await mailsTo(p)).find((x) => x.template === 'meetingCancelled');
    expect(cancel).toMatchObject({ icsMethod: 'CANCEL', subject: 'Cancelled: Weekly sync' });
    expect(cancel!.icsAttachment).toContain('STATUS:CANCELLED');
    expect(cancel!.icsAttachment).toContain('SEQUENCE:1');
    // A tombstone: gone from reads and lists, the number stays reserved, deleting again is -5.
    expect((await h.store.meetings.getAny(fx.A.accountId, m.id))?.deletedAt).toBe(Date.parse('2024-03-20T12:01:00Z'));
    expect(await h.store.meetings.codeExists(m.meetingId)).toBe(true);
    await expectRejected(h, () => h.call('DELETE', `/api/v6/meeting/${m.id}/true`), 404, -5, [{ field: 'path.id', code: 'notFound' }]);
  });

  it('deletes silently with E25 and /false, and allows it on an expired account', async () => {
    const p = freshEmail('quiet');
    const a = await scheduled({ invitedParticipants: [p] });
    const b = await scheduled({ invitedParticipants: [p] });
    expect((await h.call('DELETE', `/api/v6/meeting/${a.id}`)).json().data).toEqual({ id: a.id, deleted: true });
    expect((await h.call('DELETE', `/api/v6/meeting/${b.id}/0`)).json().data).toEqual({ id: b.id, deleted: true });
    expect((await mailsTo(p)).map((x) => x.template)).toEqual(['meetingInvitation', 'meetingInvitation']);
    const acc = await h.newAccount();
    const c = await scheduled({}, { 'x-user-id': acc.adminId });
    await h.call('PUT', `/api/v6/account/${acc.accountId}`, { paidUntil: '2024-01-01T00:00:00Z' });
    expect((await h.call('DELETE', `/api/v6/meeting/${c.id}`)).statusCode).toBe(200);
  });

  it('checks ids, notify, scope and rights before deleting anything', async () => {
    const m = await scheduled();
    await expectRejected(h, () => h.call('DELETE', '/api/v6/meeting/ABC'), 400, -4, [{ field: 'path.id', code: 'format' }]);
    await expectRejected(h, () => h.call('DELETE', `/api/v6/meeting/${m.id}/yes`), 400, -4, [{ field: 'path.notify', code: 'enum' }]);
    await expectRejected(h, () => h.call('DELETE', `/api/v6/meeting/${m.id}`, undefined, as(fx.keyB)), 404, -5);
    await expectRejected(h, () => h.call('DELETE', `/api/v6/meeting/${m.id}`, undefined, asOrganizer()), 403, -3);
    const own = await scheduled({}, asOrganizer());
    expect((await h.call('DELETE', `/api/v6/meeting/${own.id}`, undefined, asOrganizer())).statusCode).toBe(200);
  });
});

describe('meeting lists: E26, E28, E29, E30 (§8.5)', () => {
  let acc: { accountId: string; adminId: string; adminEmail: string };
  let org: { id: string };
  let ids: Record<string, string>;
  beforeAll(async () => {
    acc = await h.newAccount(undefined, { numberOfMeetingRooms: 2 });
    const res = await h.call('POST', `/api/v6/account/user/${acc.accountId}`, { email: freshEmail('listorg'), firstName: 'Lou', lastName: 'List' });
    org = { id: res.json().data.id };
    const admin = { 'x-user-id': acc.adminId };
    ids = {
      ended: (await scheduled({ topic: 'ended', startTime: '2020-04-07T09:00:00Z' }, admin)).id,
      april: (await scheduled({ topic: 'april', startTime: '2024-04-10T07:00:00Z' }, admin)).id,
      march: (await scheduled({ topic: 'march', startTime: '2024-03-28T07:00:00Z' }, admin)).id,
      weekly: (await scheduled({ topic: 'weekly', startTime: '2024-03-25T08:00:00Z', isRecurring: true, recurring: { frequencyType: 'weekly', endsType: 'after', endsAfter: 3 } }, admin)).id,
      orgs: (await scheduled({ topic: 'orgs', startTime: '2024-04-03T07:00:00Z' }, { 'x-user-id': org.id })).id,
    };
  });
  const topics = (res: { json(): { data: Array<{ topic: string }> } }) => res.json().data.map((m) => m.topic);

  it('E26 lists the acting user\u2019s meetings that have not ended, sorted by startTime, with X-Total-Count', async () => {
    const res = await h.call('GET', '/api/v6/meeting', undefined, { 'x-user-id': acc.adminId });
    expect(res.statusCode, res.body).toBe(200);
    expect(topics(res)).toEqual(['weekly', 'march', 'april']);
    expect(res.headers['x-total-count']).toBe('3');
    expect(Object.keys(res.json().data[0])).toEqual(MEETING_KEYS);
    expect(topics(await h.call('GET', '/api/v6/meeting?includeClosed=true&sort=-startTime', undefined, { 'x-user-id': acc.adminId }))).toEqual(['april', 'march', 'weekly', 'ended']);
    const paged = await h.call('GET', '/api/v6/meeting?offset=1&limit=1', undefined, { 'x-user-id': acc.adminId });
    expect(topics(paged)).toEqual(['march']);
    expect(paged.headers['x-total-count']).toBe('3');
    expect(topics(await h.call('GET', '/api/v6/meeting', undefined, { 'x-user-id': org.id }))).toEqual(['orgs']);
  });

  it('filters by occurrences overlapping [from, to) and expands one copy per occurrence', async () => {
    const admin = { 'x-user-id': acc.adminId };
    // The weekly series has occurrences on 25 Mar, 1 Apr and 8 Apr; only the one on 1 Apr overlaps the window.
    expect(topics(await h.call('GET', '/api/v6/meeting?from=2024-03-30T00:00:00Z&to=2024-04-05T00:00:00Z', undefined, admin))).toEqual(['weekly']);
    const exp = await h.call('GET', '/api/v6/meeting?from=2024-03-20T00:00:00Z&to=2024-04-30T00:00:00Z&expand=true', undefined, admin);
    expect(exp.statusCode, exp.body).toBe(200);
    const copies = exp.json().data as Array<Record<string, unknown>>;
    expect(copies.map((c) => [c.topic, c.startTime, c.occurrenceIndex ?? null])).toEqual([
      ['weekly', '2024-03-25T08:00:00.000Z', 0],
      ['march', '2024-03-28T07:00:00.000Z', 0],
      ['weekly', '2024-04-01T07:00:00.000Z', 1],
      ['weekly', '2024-04-08T07:00:00.000Z', 2],
      ['april', '2024-04-10T07:00:00.000Z', 0],
    ]);
    expect(Object.keys(copies[2]!)).toEqual([...MEETING_KEYS, 'occurrenceIndex', 'recurrenceId']);
    expect(copies[2]).toMatchObject({ id: ids.weekly, endTime: '2024-04-01T08:00:00.000Z', recurrenceId: '2024-04-01T07:00:00.000Z' });
    expect(exp.headers['x-total-count']).toBe('5');
  });

  it('reports query problems together: range, expand without a window, window over 366 days, bad values', async () => {
    const admin = { 'x-user-id': acc.adminId };
    await expectRejected(h, () => h.call('GET', '/api/v6/meeting?from=2024-04-01T00:00:00Z&to=2024-03-01T00:00:00Z', undefined, admin), 400, -4, [{ field: 'query.to', code: 'range' }]);
    await expectRejected(h, () => h.call('GET', '/api/v6/meeting?expand=true', undefined, admin), 400, -4, [
      { field: 'query.from', code: 'required' },
      { field: 'query.to', code: 'required' },
    ]);
    await expectRejected(h, () => h.call('GET', '/api/v6/meeting?expand=1&from=2024-01-01T00:00:00Z&to=2025-01-02T00:00:01Z', undefined, admin), 400, -4, [{ field: 'query.to', code: 'range' }]);
    await expectRejected(h, () => h.call('GET', '/api/v6/meeting?from=yesterday&includeClosed=maybe&expand=no&offset=-1&limit=501&sort=topic', undefined, admin), 400, -4, [
      { field: 'query.from', code: 'format' },
      { field: 'query.includeClosed', code: 'type' },
      { field: 'query.expand', code: 'type' },
      { field: 'query.offset', code: 'min' },
      { field: 'query.limit', code: 'max' },
      { field: 'query.sort', code: 'enum' },
    ]);
  });

  it('E28 lists one organizer\u2019s meetings; a non-admin may list only their own', async () => {
    expect(topics(await h.call('GET', `/api/v6/meeting/user/${org.id}`))).toEqual(['orgs']);
    expect(topics(await h.call('GET', `/api/v6/meeting/user/${acc.adminId}?includeClosed=true`, undefined, { 'x-user-id': acc.adminId }))).toEqual(['ended', 'weekly', 'march', 'april']);
    expect(topics(await h.call('GET', `/api/v6/meeting/user/${org.id}`, undefined, { 'x-user-id': org.id }))).toEqual(['orgs']);
    await expectRejected(h, () => h.call('GET', `/api/v6/meeting/user/${acc.adminId}`, undefined, { 'x-user-id': org.id }), 403, -3);
    await expectRejected(h, () => h.call('GET', `/api/v6/meeting/user/${UNKNOWN_ID}`), 404, -5, [{ field: 'path.userId', code: 'notFound' }]);
    await expectRejected(h, () => h.call('GET', `/api/v6/meeting/user/${acc.adminId}`, undefined, as(fx.keyB)), 404, -5);
    await expectRejected(h, () => h.call('GET', '/api/v6/meeting/user/nope'), 400, -4, [{ field: 'path.userId', code: 'format' }]);
  });

  it('E29 lists an account\u2019s meetings; non-admins see their own; another account named in the path is -3', async () => {
    expect(topics(await h.call('GET', `/api/v6/meeting/account/${acc.accountId}`))).toEqual(['weekly', 'march', 'orgs', 'april']);
    expect(topics(await h.call('GET', `/api/v6/meeting/account/${acc.accountId}`, undefined, { 'x-user-id': org.id }))).toEqual(['orgs']);
    await expectRejected(h, () => h.call('GET', `/api/v6/meeting/account/${acc.accountId}`, undefined, as(fx.keyB)), 403, -3);
    await expectRejected(h, () => h.call('GET', `/api/v6/meeting/account/${acc.accountId}`, undefined, asAdminA()), 403, -3);
    await expectRejected(h, () => h.call('GET', `/api/v6/meeting/account/${UNKNOWN_ID}`), 404, -5);
    await expectRejected(h, () => h.call('GET', '/api/v6/meeting/account/123'), 400, -4, [{ field: 'path.accountId', code: 'format' }]);
  });

  it('E30 lists the meetings of one room; rooms of other accounts are -5', async () => {
    const rooms = await h.store.rooms.listByAccount(acc.accountId);
    const all = (await h.call('GET', `/api/v6/meeting/account/${acc.accountId}`)).json().data as Array<{ topic: string; roomId: string }>;
    for (const r of rooms) {
      const res = await h.call('GET', `/api/v6/meeting/room/${r.id}`);
      expect(res.statusCode, res.body).toBe(200);
      expect(topics(res)).toEqual(all.filter((m) => m.roomId === r.id).map((m) => m.topic));
    }
    const orgRoom = all.find((m) => m.topic === 'orgs')!.roomId;
    expect(topics(await h.call('GET', `/api/v6/meeting/room/${orgRoom}`, undefined, { 'x-user-id': org.id }))).toEqual(['orgs']);
    await expectRejected(h, () => h.call('GET', `/api/v6/meeting/room/${orgRoom}`, undefined, as(fx.keyB)), 404, -5);
    await expectRejected(h, () => h.call('GET', `/api/v6/meeting/room/${UNKNOWN_ID}`), 404, -5, [{ field: 'path.roomId', code: 'notFound' }]);
  });

  it('E26 needs an acting user with an instance key (-2)', async () => {
    await expectRejected(h, () => h.call('GET', '/api/v6/meeting'), 401, -2);
    expect((await h.call('GET', '/api/v6/meeting', undefined, as(fx.keyAMeeting))).statusCode).toBe(200);
  });
});

describe('E31/E32 close and E33 reopen (§8.7)', () => {
  it('closes an open meeting once (onMeetingClosed), is idempotent afterwards, and reopens within the window', async () => {
    const m = await scheduled({ startTime: '2024-03-20T12:10:00Z', duration: 30 });
    expect(m).toMatchObject({ isOpen: true, isClosed: false, isActive: true });
    clock.set('2024-03-20T12:20:00.000Z');
    const closed = await h.call('POST', `/api/v6/meeting/${m.id}/close`);
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json().data).toMatchObject({ dtClosedAt: '2024-03-20T12:20:00.000Z', isClosed: true, isOpen: false, isActive: false });
    expect(JSON.parse((await lastEvent(m.id)).payload)).toEqual(closed.json().data);
    clock.advance(1000);
    expect((await h.call('POST', '/api/v6/meeting/close', { id: m.id })).json().data.dtClosedAt).toBe('2024-03-20T12:20:00.000Z');
    const reopened = await h.call('POST', `/api/v6/meeting/${m.id}/reopen`);
    expect(reopened.json().data).toMatchObject({ dtClosedAt: null, isClosed: false, isOpen: true });
    expect((await h.call('POST', `/api/v6/meeting/${m.id}/reopen`)).statusCode).toBe(200);
    expect(await eventsOf(m.id)).toEqual([
      ['onMeetingScheduled', 1],
      ['onMeetingClosed', 2],
      ['onMeetingUpdated', 3],
    ]);
    // E32 closes again; then the window ends and reopening is -9.
    expect((await h.call('POST', '/api/v6/meeting/close', { id: m.id })).json().data.isClosed).toBe(true);
    clock.set('2024-03-20T12:40:01.000Z');
    await expectRejected(h, () => h.call('POST', `/api/v6/meeting/${m.id}/reopen`), 409, -9, [{ field: null, code: 'conflict' }]);
    expect((await eventsOf(m.id)).map((e) => e[0])).toEqual(['onMeetingScheduled', 'onMeetingClosed', 'onMeetingUpdated', 'onMeetingClosed']);
  });

  it('treats close of a meeting that is not open as a no-op without an event', async () => {
    const future = await scheduled();
    const res = await h.call('POST', `/api/v6/meeting/${future.id}/close`);
    expect(res.json()).toEqual({ responseCode: 0, data: future });
    const past = await scheduled({ startTime: '2020-04-07T09:00:00Z' });
    expect((await h.call('POST', '/api/v6/meeting/close', { id: past.id })).json().data).toEqual(past);
    expect(await eventsOf(future.id)).toEqual([['onMeetingScheduled', 1]]);
    expect(await eventsOf(past.id)).toEqual([['onMeetingScheduled', 1]]);
    await expectRejected(h, () => h.call('POST', `/api/v6/meeting/${future.id}/reopen`), 409, -9);
  });

  it('tags onMeetingClosed of a recurring meeting with the occurrence (auto-extended window)', async () => {
    const acc = await h.newAccount(undefined, { autoExtendMeetings: true });
    const m = await scheduled({ startTime: '2024-03-13T11:00:00Z', isRecurring: true, recurring: { frequencyType: 'weekly', endsType: 'never' } }, { 'x-user-id': acc.adminId });
    // 20 Mar 11:00–12:00 plus 60 min auto-extension: still open at 12:30.
    clock.set('2024-03-20T12:30:00.000Z');
    expect((await h.call('GET', `/api/v6/meeting/${m.id}`)).json().data.isOpen).toBe(true);
    await h.call('POST', `/api/v6/meeting/${m.id}/close`);
    const ev = await lastEvent(m.id);
    expect([ev.event, ev.recurrenceId]).toEqual(['onMeetingClosed', Date.parse('2024-03-20T11:00:00Z')]);
    // The next occurrence's window is not closed by the earlier close.
    clock.set('2024-03-27T10:50:00.000Z');
    expect((await h.call('GET', `/api/v6/meeting/${m.id}`)).json().data).toMatchObject({ isOpen: true, isClosed: false, dtClosedAt: '2024-03-20T12:30:00.000Z' });
  });

  it('checks ids, body, scope and rights', async () => {
    const m = await scheduled({ startTime: '2024-03-20T12:05:00Z' });
    await expectRejected(h, () => h.call('POST', '/api/v6/meeting/close', {}), 400, -4, [{ field: 'id', code: 'required' }]);
    await expectRejected(h, () => h.call('POST', '/api/v6/meeting/close', { id: 'x' }), 400, -4, [{ field: 'id', code: 'format' }]);
    await expectRejected(h, () => h.call('POST', '/api/v6/meeting/close', { id: UNKNOWN_ID }), 404, -5, [{ field: 'id', code: 'notFound' }]);
    await expectRejected(h, () => h.call('POST', '/api/v6/meeting/close', { id: m.id }, as(fx.keyB)), 404, -5);
    await expectRejected(h, () => h.call('POST', `/api/v6/meeting/${m.id}/close`, undefined, asOrganizer()), 403, -3);
    await expectRejected(h, () => h.call('POST', `/api/v6/meeting/${m.id}/reopen`, undefined, as(fx.keyB)), 404, -5);
    await expectRejected(h, () => h.call('POST', '/api/v6/meeting/zz/close'), 400, -4, [{ field: 'path.id', code: 'format' }]);
  });
});

describe('E34 GET /meeting/{id}/occurrences (§9.5)', () => {
  it('keeps a weekly 09:00 Europe/Zurich series at 09:00 local across 2024-03-31', async () => {
    const m = await scheduled({ topic: 'Weekly sync', startTime: '2024-03-25T09:00:00+01:00', timezone: 'Europe/Zurich', isRecurring: true, recurring: { frequencyType: 'weekly', endsType: 'after', endsAfter: 10 } });
    const res = await h.call('GET', `/api/v6/meeting/${m.id}/occurrences?from=2024-03-20T00:00:00Z&to=2024-04-16T00:00:00Z`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      responseCode: 0,
      data: [
        { index: 0, recurrenceId: '2024-03-25T08:00:00.000Z', startTime: '2024-03-25T08:00:00.000Z', endTime: '2024-03-25T09:00:00.000Z', topic: 'Weekly sync', isPast: false, isOpen: false, isCancelled: false, isModified: false },
        { index: 1, recurrenceId: '2024-04-01T07:00:00.000Z', startTime: '2024-04-01T07:00:00.000Z', endTime: '2024-04-01T08:00:00.000Z', topic: 'Weekly sync', isPast: false, isOpen: false, isCancelled: false, isModified: false },
        { index: 2, recurrenceId: '2024-04-08T07:00:00.000Z', startTime: '2024-04-08T07:00:00.000Z', endTime: '2024-04-08T08:00:00.000Z', topic: 'Weekly sync', isPast: false, isOpen: false, isCancelled: false, isModified: false },
        { index: 3, recurrenceId: '2024-04-15T07:00:00.000Z', startTime: '2024-04-15T07:00:00.000Z', endTime: '2024-04-15T08:00:00.000Z', topic: 'Weekly sync', isPast: false, isOpen: false, isCancelled: false, isModified: false },
      ],
    });
    // The same wall-clock time on the other side of the autumn change.
    const oct = (await h.call('GET', `/api/v6/meeting/${m.id}/occurrences?from=2024-05-01T00:00:00Z&to=2024-12-01T00:00:00Z&limit=2`)).json().data;
    expect(oct.map((o: { index: number; startTime: string }) => [o.index, o.startTime])).toEqual([
      [6, '2024-05-06T07:00:00.000Z'],
      [7, '2024-05-13T07:00:00.000Z'],
    ]);
  });

  it('defaults to now → now + 90 days, flags past and open occurrences, and shows cancelled ones on request', async () => {
    const m = await scheduled({ startTime: '2024-03-19T12:10:00Z', duration: 30, isRecurring: true, recurring: { frequencyType: 'daily', endsType: 'after', endsAfter: 3 } });
    const stored = (await h.store.meetings.get(fx.A.accountId, m.id))!;
    stored.occurrenceExceptions = [{ recurrenceId: Date.parse('2024-03-21T12:10:00Z'), isCancelled: true, startTime: null, endTime: null, topic: null, agenda: null }];
    await h.store.meetings.update(stored);
    const res = await h.call('GET', `/api/v6/meeting/${m.id}/occurrences`);
    expect(res.json().data.map((o: Record<string, unknown>) => [o.index, o.isPast, o.isOpen, o.isCancelled])).toEqual([[1, false, true, false]]);
    const all = await h.call('GET', `/api/v6/meeting/${m.id}/occurrences?from=2024-03-01T00:00:00Z&includeCancelled=true`);
    expect(all.json().data.map((o: Record<string, unknown>) => [o.index, o.isPast, o.isOpen, o.isCancelled])).toEqual([
      [0, true, false, false],
      [1, false, true, false],
      [2, false, false, true],
    ]);
    const single = await scheduled();
    expect((await h.call('GET', `/api/v6/meeting/${single.id}/occurrences`)).json().data).toEqual([
      { index: 0, recurrenceId: single.startTime, startTime: single.startTime, endTime: single.endTime, topic: 'Weekly sync', isPast: false, isOpen: false, isCancelled: false, isModified: false },
    ]);
  });

  it('answers -4 for bad query values and -5/-3 for meetings the caller may not see', async () => {
    const m = await scheduled();
    await expectRejected(h, () => h.call('GET', `/api/v6/meeting/${m.id}/occurrences?from=2024-05-01T00:00:00Z&to=2024-04-01T00:00:00Z`), 400, -4, [{ field: 'query.to', code: 'range' }]);
    await expectRejected(h, () => h.call('GET', `/api/v6/meeting/${m.id}/occurrences?limit=1001&includeCancelled=perhaps&to=never`), 400, -4, [
      { field: 'query.to', code: 'format' },
      { field: 'query.limit', code: 'max' },
      { field: 'query.includeCancelled', code: 'type' },
    ]);
    await expectRejected(h, () => h.call('GET', `/api/v6/meeting/${m.id}/occurrences`, undefined, as(fx.keyB)), 404, -5);
    await expectRejected(h, () => h.call('GET', `/api/v6/meeting/${m.id}/occurrences`, undefined, asOrganizer()), 403, -3);
  });
});

describe('the outbox sequence of one meeting (§11.3)', () => {
  it('numbers onMeetingScheduled, onMeetingUpdated, onMeetingClosed and onMeetingDeleted 1, 2, 3, 4', async () => {
    const m = await scheduled({ startTime: '2024-03-20T12:05:00Z' });
    expect((await h.call('PUT', `/api/v6/meeting/${m.id}/false`, { topic: 'Now' })).statusCode).toBe(200);
    expect((await h.call('POST', `/api/v6/meeting/${m.id}/close`)).json().data.isClosed).toBe(true);
    expect((await h.call('DELETE', `/api/v6/meeting/${m.id}`)).statusCode).toBe(200);
    const { items } = await h.store.outbox.listEvents({ meetingId: m.id, offset: 0, limit: 10 });
    const sorted = items.sort((a, b) => a.sequence - b.sequence);
    expect(sorted.map((e) => [e.event, e.sequence, e.accountId])).toEqual([
      ['onMeetingScheduled', 1, fx.A.accountId],
      ['onMeetingUpdated', 2, fx.A.accountId],
      ['onMeetingClosed', 3, fx.A.accountId],
      ['onMeetingDeleted', 4, fx.A.accountId],
    ]);
    // Each payload is the plain §8.1 Meeting in FOUND key order.
    for (const e of sorted) expect(Object.keys(JSON.parse(e.payload))).toEqual(MEETING_KEYS);
    expect(JSON.parse(sorted[3]!.payload)).toMatchObject({ topic: 'Now', isClosed: true, dtClosedAt: T0 });
  });
});

describe('meetings made elsewhere', () => {
  it('round-trips a Meet-Me meeting without turning its type into an error', async () => {
    const m = await scheduled();
    const stored = (await h.store.meetings.get(fx.A.accountId, m.id))!;
    await h.store.meetings.update({ ...stored, type: 'meetme' });
    const got = (await h.call('GET', `/api/v6/meeting/${m.id}`)).json().data;
    expect(got.type).toBe('meetme');
    const res = await h.call('PUT', `/api/v6/meeting/${m.id}`, { ...got, topic: 'Still Meet-Me' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toMatchObject({ type: 'meetme', topic: 'Still Meet-Me' });
    const other = await scheduled();
    await expectRejected(h, () => h.call('PUT', `/api/v6/meeting/${other.id}`, { type: 'meetme' }), 400, -4, [{ field: 'type', code: 'enum' }]);
  });
});

describe('auth on every meeting route (§3, §15.8)', () => {
  const routes = (id: string): Array<[string, string, unknown?]> => [
    ['POST', '/api/v6/meeting', BASE],
    ['GET', '/api/v6/meeting'],
    ['PUT', `/api/v6/meeting/${id}/false`, { topic: 'x' }],
    ['PUT', `/api/v6/meeting/${id}`, { topic: 'x' }],
    ['GET', `/api/v6/meeting/${id}`],
    ['DELETE', `/api/v6/meeting/${id}/false`],
    ['DELETE', `/api/v6/meeting/${id}`],
    ['GET', '/api/v6/meeting/number/1234-5678-9012-3456'],
    ['GET', `/api/v6/meeting/user/${fx.A.adminId}`],
    ['GET', `/api/v6/meeting/account/${fx.A.accountId}`],
    ['GET', `/api/v6/meeting/room/${UNKNOWN_ID}`],
    ['POST', `/api/v6/meeting/${id}/close`],
    ['POST', '/api/v6/meeting/close', { id }],
    ['POST', `/api/v6/meeting/${id}/reopen`],
    ['GET', `/api/v6/meeting/${id}/occurrences`],
  ];

  it('answers -1 without a key and -3 with a key lacking the meeting permission, writing nothing', async () => {
    const m = await scheduled();
    for (const [method, url, body] of routes(m.id)) {
      await expectRejected(h, () => h.app.inject({ method: method as 'GET', url, ...(body ? { payload: body as object } : {}) }), 401, -1);
      await expectRejected(h, () => h.call(method, url, body, as(fx.keyA, asAdminA())), 403, -3);
      await expectRejected(h, () => h.call(method, url, body, as(instanceAccountOnly, asAdminA())), 403, -3);
      await expectRejected(h, () => h.call(method, url, body, as(fx.keyAMeeting, { 'x-user-id': fx.B.adminId })), 401, -2);
    }
  });

  it('answers -5 for another account\u2019s meeting and -3 for a non-admin on someone else\u2019s, writing nothing', async () => {
    const m = await scheduled({ startTime: '2024-03-20T12:05:00Z' });
    for (const [method, url, body] of routes(m.id).filter(([, u]) => u.includes(m.id))) {
      await expectRejected(h, () => h.call(method, url, body, as(fx.keyB)), 404, -5);
      await expectRejected(h, () => h.call(method, url, body, { 'x-user-id': fx.B.adminId }), 404, -5);
      await expectRejected(h, () => h.call(method, url, body, as(INSTANCE_KEY, asOrganizer())), 403, -3);
    }
  });
});
