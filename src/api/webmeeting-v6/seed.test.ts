/**
 * webmeeting-v6 §15 item 1: the four calls of seed 003 replayed in order with the seed's own bodies and 2020
 * dates (E1 → E6 → E20 → E21 `/false`), on a clock set to the seed's creation times.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness, type Harness } from '../../../test/support/app.js';
import { FixedClock } from '../../infra/ids.js';

// The seed's responses, verbatim (ids, tokens and numbers are the vendor's; only keys, order and types are compared).
const SEED_ACCOUNT = {
  name: 'test-user@example.com',
  accountType: 'trial',
  numberOfMeetings: 0,
  numberOfMeetingOrganizers: 0,
  numberOfMeetingRooms: 1,
  paidUntil: '2020-04-27T12:23:33.852Z',
  iceCandidatesToFilter: [],
  customDialInNumbers: [],
  displayStandardDialInNumbersInInvite: true,
  defaultMeetingPermissions: null,
  defaultMeetingType: 'standard',
  defaultMeetingHasDialin: false,
  defaultMeetingHasRecording: false,
  autoExtendMeetings: false,
  autoDeleteMeetingsAfterXDays: 360,
  id: '5e9459c5b863b82cefdddf4f',
  canAddMeetingOrganizer: true,
  accountRooms: [],
};
const SEED_ADMIN = {
  email: 'test-user@example.com',
  firstName: 'Test',
  lastName: 'User',
  externalUserId: null,
  preferredLanguage: 'en',
  timezone: 'Europe/Paris',
  additionalTimezones: [],
  id: '5e9459c5b863b82cefdddf4e',
  icsToken: 'ce5494bc-d691-4caf-906c-bfa6403fdc71-32a0633d-99e7-41ff-bfe9-e28fe2f10e73',
  icsPath: '/api/v6/meeting/calender/user/ce5494bc-d691-4caf-906c-bfa6403fdc71-32a0633d-99e7-41ff-bfe9-e28fe2f10e73',
};
const SEED_MEETING = {
  invitedParticipants: [],
  meetingId: '9974-7653-8886-0485',
  id: '5e945c36b863b82cefdddf54',
  topic: 'My Meeting Topic',
  startTime: '2020-04-07T09:00:00.000Z',
  endTime: '2020-04-07T10:00:00.000Z',
  duration: '60',
  type: 'standard',
  roomId: '5e9459c5b863b82cefdddf50',
  isRecurring: false,
  isDialin: false,
  recurring: { frequencyType: '', frequency: null, monthlyPattern: '', endsType: '', endsOn: '2020-04-13T12:18:07.211Z', endsAfter: 0 },
  isRecorded: false,
  agenda: '',
  documents: [],
  meetingPermissionId: null,
  videoResolution: 'standard',
  dtClosedAt: null,
  whitelabelId: '5c737902b377b0f7fbf81fce',
  addedByUserId: '5e9459c5b863b82cefdddf4e',
  addedByUserEmail: 'test-user@example.com',
  accountId: '5e9459c5b863b82cefdddf4f',
  addedByUserName: 'Test User',
  timezone: 'Europe/Zurich',
  privateDataVisible: true,
  icalSequence: '0',
  icsToken: 'c89f842f-3295-4bf9-807d-a46841fbc2ec-25f722e4-70fc-4163-9cda-b4b7d8aec358',
  isActive: false,
  isClosed: true,
  isOpen: false,
  dialInConferenceRoom: null,
  dialInNumbers: [],
  dialInPin: null,
  sipProxy: null,
  sipDomain: null,
  isDemo: false,
  isPromo: false,
};

/** JSON type of a value, telling null and arrays apart. */
const kind = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** The response keys start with the seed's keys in the seed's order, and each shared key has the seed's JSON type. */
function expectSeedShape(actual: Record<string, unknown>, seed: Record<string, unknown>): void {
  expect(Object.keys(actual).slice(0, Object.keys(seed).length)).toEqual(Object.keys(seed));
  for (const [k, v] of Object.entries(seed)) expect(`${k}: ${kind(actual[k])}`).toBe(`${k}: ${kind(v)}`);
}

const ICS_TOKEN = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('seed 003 replay (webmeeting-v6 §15.1)', () => {
  // The account id encodes 2020-04-13T12:23:33Z and the meeting id 2020-04-13T12:33:58Z (§1.2 C7, C8).
  const clock = new FixedClock('2020-04-13T12:23:33.852Z');
  let h: Harness;
  let accountId = '';
  let userId = '';
  let meetingId = '';
  let meetingCreatedAt = '';

  beforeAll(async () => {
    h = await harness({ clock });
  });
  afterAll(() => h.close());

  it('E1 POST /account creates the trial account with the seed body and answers in the seed shape', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v6/account',
      headers: { 'x-api-key': 'test-instance-key-0123456789abcdef', 'content-type': 'application/json' },
      // The tutorial's --data-binary, byte for byte (with its stray backslash removed from the display copy).
      payload:
        '{"sendPassword": true,"accountType": "trial","adminFirstname": "Test","adminLastname": "User","adminEmail": "test-user@example.com", "adminPreferredLanguage": "en","paidUntil": "2020-04-19T19:03:41.203Z"}',
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.responseCode).toBe(0);
    expect(Object.keys(body)).toEqual(['responseCode', 'data']);
    expectSeedShape(body.data, SEED_ACCOUNT);
    accountId = body.data.id;
    expect(body.data).toMatchObject({
      name: 'test-user@example.com',
      accountType: 'trial',
      // C7: creation + 14 days to the millisecond; the requested paidUntil is ignored for trials.
      paidUntil: '2020-04-27T12:23:33.852Z',
      accountRooms: [],
      canAddMeetingOrganizer: true,
    });
    expect(accountId).toMatch(/^5e9459c5[0-9a-f]{16}$/);
  });

  it('E6 GET /account/admin/{accountId} lists the first admin in the seed shape with a relative calender icsPath', async () => {
    const res = await h.call('GET', `/api/v6/account/admin/${accountId}`, undefined, { 'content-type': 'application/json' });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.responseCode).toBe(0);
    expect(Array.isArray(body.data)).toBe(true);
    expect(body.data).toHaveLength(1);
    const admin = body.data[0];
    expectSeedShape(admin, SEED_ADMIN);
    expect(admin).toMatchObject({ email: 'test-user@example.com', firstName: 'Test', lastName: 'User', externalUserId: null, preferredLanguage: 'en', additionalTimezones: [] });
    expect(admin.icsToken).toMatch(ICS_TOKEN);
    expect(admin.icsPath).toBe(`/api/v6/meeting/calender/user/${admin.icsToken}`);
    userId = admin.id;

    const feed = await h.app.inject({ method: 'GET', url: admin.icsPath });
    expect(feed.statusCode).toBe(200);
    expect(feed.headers['content-type']).toMatch(/^text\/calendar/);
  });

  it('E20 POST /meeting schedules the past meeting of the seed and answers in the seed shape', async () => {
    clock.set('2020-04-13T12:33:58.000Z');
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v6/meeting',
      headers: { 'x-user-id': userId, 'x-api-key': 'test-instance-key-0123456789abcdef', 'content-type': 'application/json' },
      payload:
        '{"topic":"My Meeting Topic","startTime":"2020-04-07T09:00:00.000Z", "endTime":"2020-04-07T10:00:00.000Z","duration":60,"type":"standard","isRecurring":false,"isRecorded":false,"isDialin":false,"invitedParticipants":[],"recurring":{},"meetingPermissionId":null}',
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.responseCode).toBe(0);
    expectSeedShape(body.data, SEED_MEETING);
    // FOUND keys first, then exactly the DESIGNED extras (§2.8).
    expect(Object.keys(body.data)).toEqual([...Object.keys(SEED_MEETING), 'occurrenceExceptions', 'createdAt', 'updatedAt']);
    meetingId = body.data.id;
    meetingCreatedAt = body.data.createdAt;
    expect(meetingCreatedAt).toBe('2020-04-13T12:33:58.000Z');
    expect(body.data).toEqual({
      ...SEED_MEETING,
      meetingId: expect.stringMatching(/^\d{4}-\d{4}-\d{4}-\d{4}$/),
      id: expect.stringMatching(/^5e945c36[0-9a-f]{16}$/),
      roomId: expect.stringMatching(/^[0-9a-f]{24}$/),
      // `recurring: {}` comes back as the full empty object, endsOn = the meeting's creation time (§9.1).
      recurring: { ...SEED_MEETING.recurring, endsOn: '2020-04-13T12:33:58.000Z' },
      whitelabelId: expect.stringMatching(/^[0-9a-f]{24}$/),
      addedByUserId: userId,
      accountId,
      icsToken: expect.stringMatching(ICS_TOKEN),
      occurrenceExceptions: [],
      createdAt: '2020-04-13T12:33:58.000Z',
      updatedAt: '2020-04-13T12:33:58.000Z',
    });
  });

  it('E21 PUT /meeting/{id}/false applies the seed update (endTime wins over duration)', async () => {
    clock.set('2020-04-13T12:40:00.000Z');
    const res = await h.app.inject({
      method: 'PUT',
      url: `/api/v6/meeting/${meetingId}/false`,
      headers: { 'x-user-id': userId, 'x-api-key': 'test-instance-key-0123456789abcdef', 'content-type': 'application/json' },
      payload: `{"topic":"My Updated Meeting Topic","id": "${meetingId}","startTime":"2020-04-07T09:05:00.000Z","endTime":"2020-04-07T10:00:05.000Z","duration":60,"type":"standard","isRecurring":false,"isRecorded":false,"isDialin":false,"invitedParticipants":[],"recurring":{},"meetingPermissionId":null}`,
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.responseCode).toBe(0);
    expectSeedShape(body.data, SEED_MEETING);
    expect(body.data).toMatchObject({
      id: meetingId,
      topic: 'My Updated Meeting Topic',
      startTime: '2020-04-07T09:05:00.000Z',
      // 55 min 5 s rounded down to whole minutes (§8.2).
      duration: '55',
      endTime: '2020-04-07T10:00:00.000Z',
      icalSequence: '1',
      isClosed: true,
      isActive: false,
      isOpen: false,
      dtClosedAt: null,
      recurring: { ...SEED_MEETING.recurring, endsOn: meetingCreatedAt },
      createdAt: meetingCreatedAt,
      updatedAt: '2020-04-13T12:40:00.000Z',
    });
  });

  it('the seed run leaves one meeting with onMeetingScheduled then onMeetingUpdated, and no meeting mail', async () => {
    const events = await h.store.outbox.listEvents({ meetingId, offset: 0, limit: 10 });
    expect(events.items.map((e) => [e.event, e.sequence]).sort((a, b) => Number(a[1]) - Number(b[1]))).toEqual([
      ['onMeetingScheduled', 1],
      ['onMeetingUpdated', 2],
    ]);
    const mails = await h.store.mail.list({ offset: 0, limit: 10 });
    // sendPassword: true queued the account mail; the meeting had nobody to invite.
    expect(mails.items.map((m) => m.template)).toEqual(['accountCreated']);
  });
});
