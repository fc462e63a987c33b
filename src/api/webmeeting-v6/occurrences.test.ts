/**
 * Occurrence exceptions through the v6 API: E35 override, E36 cancel, E37 restore (webmeeting-v6 §9.4) and
 * their effect everywhere (§15 item 5): E34, the list filters, the state flags, the feeds, icalSequence,
 * onMeetingUpdated, the single-instance iTIP mails, and how E21 treats exceptions.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { harness, type Harness } from '../../../test/support/app.js';
import { as, expectError, expectRejected, issueKey, UNKNOWN_ID } from '../../../test/support/accountAdmin.js';
import { FixedClock } from '../../infra/ids.js';

/** A JSON object from a response body; tests read its fields freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Data = Record<string, any>;

const NOW = '2024-03-20T12:00:00.000Z';
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** The §10.8 series: Monday 09:00 Europe/Zurich, 10 occurrences from 2024-03-25 (CET, then CEST from 31 March). */
const SERIES = {
  topic: 'Weekly sync',
  startTime: '2024-03-25T08:00:00.000Z',
  duration: 60,
  timezone: 'Europe/Zurich',
  agenda: 'Agenda: status, risks; next steps',
  isRecurring: true,
  recurring: { frequencyType: 'weekly', frequency: 1, endsType: 'after', endsAfter: 10 },
  invitedParticipants: [
    { email: 'bob@example.com', name: 'Bob' },
    { email: 'carla@example.com', name: 'Carla', isModerator: true },
  ],
};
/** UTC starts of the ten occurrences: 08:00Z in CET (25 March), 07:00Z in CEST afterwards. */
const STARTS = ['2024-03-25T08:00:00.000Z', ...[1, 8, 15, 22, 29].map((d) => `2024-04-${String(d).padStart(2, '0')}T07:00:00.000Z`), ...[6, 13, 20, 27].map((d) => `2024-05-${String(d).padStart(2, '0')}T07:00:00.000Z`)];
const APR8 = STARTS[2]!;
const APR15 = STARTS[3]!;

let h: Harness;
let clock: FixedClock;
let A: { accountId: string; adminId: string; adminEmail: string };
let B: { accountId: string; adminId: string; adminEmail: string };
let organizer: { id: string; email: string };
const U = (id: string) => ({ 'x-user-id': id });

beforeAll(async () => {
  clock = new FixedClock(NOW);
  h = await harness({ clock });
  A = await h.newAccount();
  B = await h.newAccount();
  const res = await h.call('POST', `/api/v6/account/user/${A.accountId}`, { email: `otto-${A.accountId}@example.com`, firstName: 'Otto', lastName: 'Organizer' });
  expect(res.statusCode, res.body).toBe(200);
  organizer = { id: res.json().data.id, email: res.json().data.email };
});
afterAll(() => h.close());
beforeEach(() => clock.set(NOW));

async function schedule(body: Record<string, unknown> = {}, userId = A.adminId): Promise<Data> {
  const res = await h.call('POST', '/api/v6/meeting', { ...SERIES, ...body }, U(userId));
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data;
}

const occUrl = (id: string, rid: string, suffix = '') => `/api/v6/meeting/${id}/occurrences/${rid}${suffix}`;
const cancel = (id: string, rid: string, query = '') => h.call('DELETE', occUrl(id, rid, query));
const override = (id: string, rid: string, body: unknown, query = '') => h.call('PUT', occUrl(id, rid, query), body);
const restore = (id: string, rid: string, query = '') => h.call('POST', occUrl(id, rid, `/restore${query}`));

async function occurrences(id: string, query = ''): Promise<Array<Data>> {
  const res = await h.call('GET', `/api/v6/meeting/${id}/occurrences${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data;
}

async function getMeeting(id: string): Promise<Data> {
  const res = await h.call('GET', `/api/v6/meeting/${id}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data;
}

async function updates(id: string): Promise<number> {
  return (await h.store.outbox.listEvents({ meetingId: id, event: 'onMeetingUpdated', offset: 0, limit: 1 })).total;
}

async function mails(): Promise<Array<{ to: string; template: string; icsMethod: string | null; icsAttachment: string | null }>> {
  return (await h.store.mail.list({ offset: 0, limit: 1000 })).items;
}

async function meetingFeed(m: Data): Promise<string> {
  const res = await h.app.inject({ method: 'GET', url: `/api/v6/meeting/calender/meeting/${m.icsToken}` });
  expect(res.statusCode).toBe(200);
  return res.body;
}

/**
 * E26 over one window, restricted to meeting `id` (other tests' meetings share the account): `[id]` when it has
 * an effective occurrence in [from, to), else `[]`; with `expand`, one `id@recurrenceId` per occurrence copy.
 */
async function listIds(id: string, from: string, to: string, expand = false): Promise<string[]> {
  const res = await h.call('GET', `/api/v6/meeting?from=${from}&to=${to}&limit=500${expand ? '&expand=true' : ''}`, undefined, U(A.adminId));
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data.filter((m: { id: string }) => m.id === id).map((m: { id: string; recurrenceId?: string }) => (expand ? `${m.id}@${m.recurrenceId}` : m.id));
}

function expectMeetingOk(res: LightMyRequestResponse): Data {
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json();
  expect(body.responseCode).toBe(0);
  return body.data;
}

describe('E36 DELETE /meeting/{id}/occurrences/{recurrenceId}', () => {
  it('cancels one occurrence and the change shows in E34, the lists, the feed, icalSequence and the webhooks', async () => {
    const m = await schedule();
    expect(await listIds(m.id, '2024-04-08T06:00:00.000Z', '2024-04-08T09:00:00.000Z')).toEqual([m.id]);
    const mailsBefore = (await mails()).length;

    const data = expectMeetingOk(await cancel(m.id, APR8));
    expect(data.id).toBe(m.id);
    expect(data.icalSequence).toBe('1');
    expect(data.occurrenceExceptions).toEqual([{ recurrenceId: APR8, isCancelled: true, startTime: null, endTime: null, topic: null, agenda: null }]);
    expect(data.updatedAt).toBe(NOW);
    // The series keeps its first occurrence and its end: COUNT counts the cancelled one (RFC 5545).
    expect([data.startTime, data.endTime]).toEqual(['2024-03-25T08:00:00.000Z', '2024-03-25T09:00:00.000Z']);
    expect(await getMeeting(m.id)).toEqual(data);

    const occ = await occurrences(m.id);
    expect(occ.map((o) => o.index)).toEqual([0, 1, 3, 4, 5, 6, 7, 8, 9]);
    expect(occ.map((o) => o.startTime)).toEqual(STARTS.filter((s) => s !== APR8));
    const withCancelled = await occurrences(m.id, '?includeCancelled=true');
    expect(withCancelled[2]).toEqual({ index: 2, recurrenceId: APR8, startTime: APR8, endTime: '2024-04-08T08:00:00.000Z', topic: 'Weekly sync', isPast: false, isOpen: false, isCancelled: true, isModified: false });

    expect(await listIds(m.id, '2024-04-08T06:00:00.000Z', '2024-04-08T09:00:00.000Z')).toEqual([]);
    expect(await listIds(m.id, '2024-04-01T00:00:00.000Z', '2024-04-16T00:00:00.000Z', true)).toEqual([`${m.id}@${STARTS[1]}`, `${m.id}@${APR15}`]);

    const feed = await meetingFeed(m);
    expect(feed).toContain('\r\nSEQUENCE:1\r\n');
    expect(feed).toContain('\r\nEXDATE;TZID=Europe/Zurich:20240408T090000\r\n');

    expect(await updates(m.id)).toBe(1);
    const [event] = (await h.store.outbox.listEvents({ meetingId: m.id, event: 'onMeetingUpdated', offset: 0, limit: 1 })).items;
    expect(JSON.parse(event!.payload)).toMatchObject({ id: m.id, icalSequence: '1', occurrenceExceptions: data.occurrenceExceptions });
    // Without ?notify nobody is mailed.
    expect((await mails()).length).toBe(mailsBefore);
  });

  it('accepts the iCalendar form of the recurrence id and replaces an override', async () => {
    const m = await schedule();
    expectMeetingOk(await override(m.id, APR15, { topic: 'Moved' }));
    const data = expectMeetingOk(await cancel(m.id, '20240415T070000Z'));
    expect(data.occurrenceExceptions).toEqual([{ recurrenceId: APR15, isCancelled: true, startTime: null, endTime: null, topic: null, agenda: null }]);
    expect(data.icalSequence).toBe('2');
  });

  it('with ?notify=true mails each participant an iTIP CANCEL for that instance only', async () => {
    const m = await schedule();
    const before = (await mails()).length;
    expectMeetingOk(await cancel(m.id, APR8, '?notify=true'));
    const sent = (await mails()).slice(before);
    expect(sent.map((x) => [x.to, x.template, x.icsMethod])).toEqual([
      ['bob@example.com', 'occurrenceCancelled', 'CANCEL'],
      ['carla@example.com', 'occurrenceCancelled', 'CANCEL'],
    ]);
    const ics = sent[0]!.icsAttachment!;
    expect(ics).toContain('\r\nMETHOD:CANCEL\r\n');
    expect(ics).toContain('\r\nRECURRENCE-ID;TZID=Europe/Zurich:20240408T090000\r\n');
    expect(ics).toContain('\r\nSTATUS:CANCELLED\r\n');
    expect(ics).toContain('\r\nSEQUENCE:1\r\n');
    expect(ics).not.toMatch(/\r\nRRULE:FREQ=(?!YEARLY;BYMONTH)/);
    expect(ics.match(/BEGIN:VEVENT/g)).toHaveLength(1);
  });

  it('moves the series end when the last occurrence is cancelled, which the state flags follow', async () => {
    const plain = await schedule();
    const m = await schedule();
    expectMeetingOk(await cancel(m.id, STARTS[9]!));
    // 21 May: the 20 May occurrence is now the last one.
    clock.set('2024-05-21T12:00:00.000Z');
    expect(await getMeeting(m.id)).toMatchObject({ isClosed: true, isActive: false, isOpen: false });
    expect(await getMeeting(plain.id)).toMatchObject({ isClosed: false, isActive: true, isOpen: false });
    // E26 hides series that have ended unless includeClosed is set.
    const list = await h.call('GET', '/api/v6/meeting?from=2024-05-01T00:00:00.000Z&to=2024-06-01T00:00:00.000Z', undefined, U(A.adminId));
    const ids = list.json().data.map((x: { id: string }) => x.id);
    expect(ids).toContain(plain.id);
    expect(ids).not.toContain(m.id);
  });

  it('keeps a cancelled occurrence closed: no open window inside it', async () => {
    const plain = await schedule();
    const m = await schedule();
    expectMeetingOk(await cancel(m.id, APR8));
    clock.set('2024-04-08T07:10:00.000Z');
    expect((await getMeeting(plain.id)).isOpen).toBe(true);
    expect((await getMeeting(m.id)).isOpen).toBe(false);
  });

  it('refuses an occurrence that has started or is cancelled (-9), and writes nothing', async () => {
    const m = await schedule();
    expectMeetingOk(await cancel(m.id, APR8));
    await expectRejected(h, () => cancel(m.id, APR8), 409, -9, [{ field: 'path.recurrenceId', code: 'conflict' }]);
    clock.set('2024-03-25T08:00:00.000Z');
    await expectRejected(h, () => cancel(m.id, STARTS[0]!), 409, -9, [{ field: 'path.recurrenceId', code: 'conflict' }]);
    clock.set('2024-03-25T07:59:59.999Z');
    expectMeetingOk(await cancel(m.id, STARTS[0]!));
  });
});

describe('E35 PUT /meeting/{id}/occurrences/{recurrenceId}', () => {
  it('moves and retitles one occurrence (§10.8), visible in E34, the lists and the feed', async () => {
    const m = await schedule();
    const data = expectMeetingOk(await override(m.id, APR15, { startTime: '2024-04-15T10:00:00+02:00', topic: 'Weekly sync (moved)' }));
    expect(data.icalSequence).toBe('1');
    expect(data.occurrenceExceptions).toEqual([
      { recurrenceId: APR15, isCancelled: false, startTime: '2024-04-15T08:00:00.000Z', endTime: '2024-04-15T09:00:00.000Z', topic: 'Weekly sync (moved)', agenda: null },
    ]);
    const occ = await occurrences(m.id, '?from=2024-04-14T00:00:00.000Z&to=2024-04-16T00:00:00.000Z');
    expect(occ).toEqual([
      { index: 3, recurrenceId: APR15, startTime: '2024-04-15T08:00:00.000Z', endTime: '2024-04-15T09:00:00.000Z', topic: 'Weekly sync (moved)', isPast: false, isOpen: false, isCancelled: false, isModified: true },
    ]);
    // The old slot is free, the new one taken.
    expect(await listIds(m.id, '2024-04-15T07:00:00.000Z', '2024-04-15T07:30:00.000Z')).toEqual([]);
    expect(await listIds(m.id, '2024-04-15T08:30:00.000Z', '2024-04-15T08:45:00.000Z')).toEqual([m.id]);
    const copy = (await h.call('GET', '/api/v6/meeting?from=2024-04-15T00:00:00.000Z&to=2024-04-16T00:00:00.000Z&expand=true&limit=500', undefined, U(A.adminId))).json().data.filter((x: { id: string }) => x.id === m.id);
    expect(copy).toHaveLength(1);
    expect(copy[0]).toMatchObject({ topic: 'Weekly sync (moved)', startTime: '2024-04-15T08:00:00.000Z', recurrenceId: APR15, occurrenceIndex: 3 });

    const feed = await meetingFeed(m);
    const override15 = feed.split('BEGIN:VEVENT').find((b) => b.includes('\r\nRECURRENCE-ID;TZID=Europe/Zurich:20240415T090000\r\n')) ?? '';
    expect(override15).toContain('\r\nDTSTART;TZID=Europe/Zurich:20240415T100000\r\n');
    expect(override15).toContain('\r\nSUMMARY:Weekly sync (moved)\r\n');
    expect(await updates(m.id)).toBe(1);
  });

  it('merges: absent fields keep the override, null resets to the series, a no-op override disappears', async () => {
    const m = await schedule();
    const rid = STARTS[4]!; // 22 April, 07:00Z
    let ex = expectMeetingOk(await override(m.id, rid, { startTime: '2024-04-22T09:00:00.000Z', topic: 'Later' })).occurrenceExceptions[0];
    expect(ex).toMatchObject({ startTime: '2024-04-22T09:00:00.000Z', endTime: '2024-04-22T10:00:00.000Z', topic: 'Later', agenda: null });
    ex = expectMeetingOk(await override(m.id, rid, { agenda: 'Only this week' })).occurrenceExceptions[0];
    expect(ex).toMatchObject({ startTime: '2024-04-22T09:00:00.000Z', endTime: '2024-04-22T10:00:00.000Z', topic: 'Later', agenda: 'Only this week' });
    ex = expectMeetingOk(await override(m.id, rid, { duration: '30' })).occurrenceExceptions[0];
    expect(ex).toMatchObject({ startTime: '2024-04-22T09:00:00.000Z', endTime: '2024-04-22T09:30:00.000Z' });
    // Moving only the start keeps the current length; endTime wins over duration.
    ex = expectMeetingOk(await override(m.id, rid, { startTime: '2024-04-22T11:00:00.000Z' })).occurrenceExceptions[0];
    expect(ex).toMatchObject({ startTime: '2024-04-22T11:00:00.000Z', endTime: '2024-04-22T11:30:00.000Z' });
    ex = expectMeetingOk(await override(m.id, rid, { endTime: '2024-04-22T13:00:00.000Z', duration: 5 })).occurrenceExceptions[0];
    expect(ex).toMatchObject({ startTime: '2024-04-22T11:00:00.000Z', endTime: '2024-04-22T13:00:00.000Z' });
    ex = expectMeetingOk(await override(m.id, rid, { topic: null, endTime: null })).occurrenceExceptions[0];
    expect(ex).toMatchObject({ startTime: '2024-04-22T11:00:00.000Z', endTime: '2024-04-22T12:00:00.000Z', topic: null, agenda: 'Only this week' });
    const last = expectMeetingOk(await override(m.id, rid, { startTime: null, agenda: null }));
    expect(last.occurrenceExceptions).toEqual([]);
    expect(last.icalSequence).toBe('7');
    expect((await occurrences(m.id)).find((o) => o.recurrenceId === rid)).toMatchObject({ startTime: rid, isModified: false });
  });

  it('moving the last occurrence later moves the series end', async () => {
    const m = await schedule();
    expectMeetingOk(await override(m.id, STARTS[9]!, { startTime: '2024-05-30T07:00:00.000Z' }));
    clock.set('2024-05-28T12:00:00.000Z');
    expect(await getMeeting(m.id)).toMatchObject({ isClosed: false, isActive: true });
  });

  it('with ?notify=1 mails an iTIP REQUEST carrying only that instance', async () => {
    const m = await schedule();
    const before = (await mails()).length;
    expectMeetingOk(await override(m.id, APR15, { startTime: '2024-04-15T08:00:00.000Z', topic: 'Weekly sync (moved)' }, '?notify=1'));
    const sent = (await mails()).slice(before);
    expect(sent.map((x) => [x.to, x.template, x.icsMethod])).toEqual([
      ['bob@example.com', 'occurrenceUpdated', 'REQUEST'],
      ['carla@example.com', 'occurrenceUpdated', 'REQUEST'],
    ]);
    const ics = sent[0]!.icsAttachment!;
    expect(ics).toContain('\r\nMETHOD:REQUEST\r\n');
    expect(ics).toContain('\r\nRECURRENCE-ID;TZID=Europe/Zurich:20240415T090000\r\n');
    expect(ics).toContain('\r\nDTSTART;TZID=Europe/Zurich:20240415T100000\r\n');
    expect(ics).toContain('\r\nSUMMARY:Weekly sync (moved)\r\n');
    expect(ics).not.toMatch(/\r\nRRULE:FREQ=(?!YEARLY;BYMONTH)/);
    expect(ics.match(/BEGIN:VEVENT/g)).toHaveLength(1);
  });

  it('refuses a cancelled occurrence, a start that is not in the future, and a started occurrence (-9)', async () => {
    const m = await schedule();
    expectMeetingOk(await cancel(m.id, APR8));
    await expectRejected(h, () => override(m.id, APR8, { topic: 'x' }), 409, -9, [{ field: 'path.recurrenceId', code: 'conflict' }]);
    await expectRejected(h, () => override(m.id, APR15, { startTime: '2024-03-20T11:00:00.000Z' }), 409, -9, [{ field: 'startTime', code: 'conflict' }]);
    expectMeetingOk(await override(m.id, APR15, { startTime: '2024-04-01T07:00:00.000Z' }));
    // The override now starts on 1 April: once that has passed, the occurrence is history even though 15 April is not.
    clock.set('2024-04-02T00:00:00.000Z');
    await expectRejected(h, () => override(m.id, APR15, { topic: 'x' }), 409, -9, [{ field: 'path.recurrenceId', code: 'conflict' }]);
    await expectRejected(h, () => restore(m.id, APR15), 409, -9, [{ field: 'path.recurrenceId', code: 'conflict' }]);
  });

  it('reports every bad input at once (-4) and writes nothing', async () => {
    const m = await schedule();
    await expectRejected(
      h,
      () => override(m.id, APR15, { startTime: '2024-04-15 10:00', endTime: 5, duration: 'sixty', topic: 7, agenda: 'x'.repeat(10_001), ignored: true }, '?notify=maybe'),
      400,
      -4,
      [
        { field: 'query.notify', code: 'enum' },
        { field: 'startTime', code: 'format' },
        { field: 'endTime', code: 'type' },
        { field: 'duration', code: 'type' },
        { field: 'topic', code: 'type' },
        { field: 'agenda', code: 'maxLength' },
      ],
    );
    await expectRejected(h, () => override(m.id, APR15, { topic: '  ', duration: 0 }), 400, -4, [
      { field: 'duration', code: 'min' },
      { field: 'topic', code: 'minLength' },
    ]);
    await expectRejected(h, () => override(m.id, APR15, { topic: 'x'.repeat(256), duration: 1441 }), 400, -4, [
      { field: 'duration', code: 'max' },
      { field: 'topic', code: 'maxLength' },
    ]);
    await expectRejected(h, () => override(m.id, APR15, { endTime: '2024-04-15T07:00:30.000Z' }), 400, -4, [{ field: 'endTime', code: 'range' }]);
    await expectRejected(h, () => override(m.id, APR15, { endTime: '2024-04-16T07:00:01.000Z' }), 400, -4, [{ field: 'endTime', code: 'range' }]);
    await expectRejected(h, () => override(m.id, APR15, [1, 2]), 400, -4, [{ field: null, code: 'type' }]);
    await expectRejected(h, () => override(m.id, 'monday', { topic: 5 }), 400, -4, [
      { field: 'path.recurrenceId', code: 'format' },
      { field: 'topic', code: 'type' },
    ]);
    await expectRejected(h, () => h.call('PUT', occUrl(m.id, APR15), '{"topic":'), 400, -4, [{ field: null, code: 'invalidJson' }]);
  });

  it('accepts an empty body, and a round-tripped exception object (its read-only keys are ignored)', async () => {
    const m = await schedule();
    const first = expectMeetingOk(await override(m.id, APR15, { topic: 'Once' }));
    const again = expectMeetingOk(await override(m.id, APR15, { ...first.occurrenceExceptions[0] }));
    expect(again.occurrenceExceptions).toEqual(first.occurrenceExceptions);
    expect(again.icalSequence).toBe('2');
    const empty = expectMeetingOk(await h.app.inject({ method: 'PUT', url: occUrl(m.id, APR15), headers: { 'x-api-key': (await issueKey(h, 'instance', null, ['meeting'])), 'content-type': 'application/json' } }));
    expect(empty.occurrenceExceptions).toEqual(first.occurrenceExceptions);
  });
});

describe('E37 POST /meeting/{id}/occurrences/{recurrenceId}/restore', () => {
  it('drops a cancellation: the occurrence is back everywhere; a second call is an idempotent 0', async () => {
    const m = await schedule();
    expectMeetingOk(await cancel(m.id, APR8));
    const data = expectMeetingOk(await restore(m.id, APR8));
    expect(data.occurrenceExceptions).toEqual([]);
    expect(data.icalSequence).toBe('2');
    expect((await occurrences(m.id)).map((o) => o.startTime)).toEqual(STARTS);
    expect(await listIds(m.id, '2024-04-08T06:00:00.000Z', '2024-04-08T09:00:00.000Z')).toEqual([m.id]);
    expect(await meetingFeed(m)).not.toContain('EXDATE');
    expect(await updates(m.id)).toBe(2);

    const again = expectMeetingOk(await restore(m.id, APR8));
    expect(again.icalSequence).toBe('2');
    expect(await updates(m.id)).toBe(2);
    // A plain occurrence in the past is still an idempotent 0: nothing is edited.
    clock.set('2024-05-01T00:00:00.000Z');
    expect(expectMeetingOk(await restore(m.id, APR8)).icalSequence).toBe('2');
  });

  it('brings back the series end and the state flags when the last occurrence is restored', async () => {
    const m = await schedule();
    expectMeetingOk(await cancel(m.id, STARTS[9]!));
    clock.set('2024-05-21T12:00:00.000Z');
    expect(await getMeeting(m.id)).toMatchObject({ isClosed: true, isActive: false });
    const data = expectMeetingOk(await restore(m.id, STARTS[9]!));
    expect(data).toMatchObject({ isClosed: false, isActive: true, icalSequence: '2', occurrenceExceptions: [] });
    expect(await listIds(m.id, '2024-05-27T00:00:00.000Z', '2024-05-28T00:00:00.000Z')).toEqual([m.id]);
  });

  it('drops an override, and with ?notify=true mails the plain instance as an iTIP REQUEST', async () => {
    const m = await schedule();
    expectMeetingOk(await override(m.id, APR15, { startTime: '2024-04-15T08:00:00.000Z', topic: 'Moved' }));
    const before = (await mails()).length;
    const data = expectMeetingOk(await restore(m.id, APR15, '?notify=true'));
    expect(data.occurrenceExceptions).toEqual([]);
    expect((await occurrences(m.id)).find((o) => o.index === 3)).toMatchObject({ startTime: APR15, topic: 'Weekly sync', isModified: false });
    expect(await meetingFeed(m)).not.toContain('RECURRENCE-ID');
    const sent = (await mails()).slice(before);
    expect(sent.map((x) => x.icsMethod)).toEqual(['REQUEST', 'REQUEST']);
    expect(sent[0]!.icsAttachment).toContain('\r\nRECURRENCE-ID;TZID=Europe/Zurich:20240415T090000\r\n');
    expect(sent[0]!.icsAttachment).toContain('\r\nDTSTART;TZID=Europe/Zurich:20240415T090000\r\n');
    expect(sent[0]!.icsAttachment).toContain('\r\nSUMMARY:Weekly sync\r\n');
  });
});

describe('E35–E37 shared refusals', () => {
  it('-4 notRecurring on a single meeting, -5 for an id outside the rule set', async () => {
    const single = await schedule({ isRecurring: false, recurring: {} });
    for (const call of [() => cancel(single.id, single.startTime), () => override(single.id, single.startTime, {}), () => restore(single.id, single.startTime)]) {
      await expectRejected(h, call, 400, -4, [{ field: 'path.recurrenceId', code: 'notRecurring' }]);
    }
    const m = await schedule();
    for (const rid of ['2024-04-09T07:00:00.000Z', '2024-04-08T08:00:00.000Z', '2024-06-03T07:00:00.000Z', '2024-03-18T08:00:00.000Z']) {
      await expectRejected(h, () => cancel(m.id, rid), 404, -5, [{ field: 'path.recurrenceId', code: 'notFound' }]);
      await expectRejected(h, () => restore(m.id, rid), 404, -5, [{ field: 'path.recurrenceId', code: 'notFound' }]);
    }
    for (const rid of ['2024-04-08', '2024-04-08T07:00:00Z.ics', '2024-02-30T07:00:00.000Z', '20240408T0700Z']) {
      await expectRejected(h, () => cancel(m.id, encodeURIComponent(rid)), 400, -4, [{ field: 'path.recurrenceId', code: 'format' }]);
    }
  });

  it('finds occurrences of endless series beyond the scan default, and caps exceptions at 500 (-4 maxLength)', async () => {
    const m = await schedule({ startTime: '2024-03-21T08:00:00.000Z', recurring: { frequencyType: 'daily', endsType: 'never' }, invitedParticipants: [] });
    expectMeetingOk(await cancel(m.id, '2025-03-21T08:00:00.000Z'));
    const stored = (await h.store.meetings.get('*', m.id))!;
    stored.occurrenceExceptions = Array.from({ length: 500 }, (_, i) => ({ recurrenceId: Date.parse('2024-03-22T08:00:00.000Z') + i * DAY + (i >= 9 ? -HOUR : 0), isCancelled: true, startTime: null, endTime: null, topic: null, agenda: null }));
    await h.store.meetings.update(stored);
    await expectRejected(h, () => cancel(m.id, '2026-01-05T08:00:00.000Z'), 400, -4, [{ field: null, code: 'maxLength' }]);
    // Changing an existing exception does not add one.
    expectMeetingOk(await restore(m.id, '2024-03-22T08:00:00.000Z'));
  });

  it('-8 on an expired account; restore included', async () => {
    const C = await h.newAccount(undefined, { accountType: 'paid' });
    const res = await h.call('POST', '/api/v6/meeting', SERIES, U(C.adminId));
    const m = res.json().data;
    const account = (await h.store.accounts.get('*', C.accountId))!;
    await h.store.accounts.update({ ...account, paidUntil: Date.parse('2024-03-01T00:00:00.000Z') });
    await expectRejected(h, () => cancel(m.id, APR8), 402, -8);
    await expectRejected(h, () => override(m.id, APR8, { topic: 'x' }), 402, -8);
    await expectRejected(h, () => restore(m.id, APR8), 402, -8);
  });

  it('checks the key, the permission, the acting user, the scope and the organizer\u2019s right', async () => {
    const m = await schedule();
    const own = await schedule({}, organizer.id);
    const keyAccount = await issueKey(h, 'account', A.accountId, ['account']);
    const keyB = await issueKey(h, 'account', B.accountId, ['account', 'meeting']);
    const keyA = await issueKey(h, 'account', A.accountId, ['meeting']);
    const calls = [
      (hd: Record<string, string>, id = m.id) => h.app.inject({ method: 'DELETE', url: occUrl(id, APR8), headers: hd }),
      (hd: Record<string, string>, id = m.id) => h.app.inject({ method: 'PUT', url: occUrl(id, APR8), headers: { ...hd, 'content-type': 'application/json' }, payload: '{"topic":"x"}' }),
      (hd: Record<string, string>, id = m.id) => h.app.inject({ method: 'POST', url: occUrl(id, APR8, '/restore'), headers: hd }),
    ];
    for (const call of calls) {
      await expectRejected(h, () => call({}), 401, -1);
      await expectRejected(h, () => call(as('nope-nope-nope-nope')), 401, -1);
      await expectRejected(h, () => call(as(keyAccount)), 403, -3);
      await expectRejected(h, () => call(as(keyB)), 404, -5, [{ field: 'path.id', code: 'notFound' }]);
      await expectRejected(h, () => call(as(keyA), UNKNOWN_ID), 404, -5, [{ field: 'path.id', code: 'notFound' }]);
      await expectRejected(h, () => call(as(keyA), 'not-an-id'), 400, -4, [{ field: 'path.id', code: 'format' }]);
      await expectRejected(h, () => call(as(keyA, U(organizer.id))), 403, -3);
      await expectRejected(h, () => call(as(keyA, U(B.adminId))), 401, -2);
      await expectRejected(h, () => call(as(keyA, U('0123456789abcdef01234567'))), 401, -2);
    }
    // The organizer may change their own meeting; the account key without a user acts as the first admin.
    expectMeetingOk(await h.app.inject({ method: 'DELETE', url: occUrl(own.id, APR8), headers: as(keyA, U(organizer.id)) }));
    expectMeetingOk(await h.app.inject({ method: 'DELETE', url: occUrl(m.id, APR8), headers: as(keyA) }));
  });
});

describe('E21 and exceptions (§9.4, §8.4 step 5)', () => {
  it('a change of the series anchor clears every exception', async () => {
    for (const change of [{ startTime: '2024-03-25T09:00:00.000Z' }, { timezone: 'Europe/London' }, { duration: 45 }, { recurring: { frequency: 2 } }]) {
      const m = await schedule();
      expectMeetingOk(await cancel(m.id, APR8));
      expectMeetingOk(await override(m.id, APR15, { topic: 'Moved' }));
      const res = await h.call('PUT', `/api/v6/meeting/${m.id}/false`, change);
      expect(expectMeetingOk(res).occurrenceExceptions, JSON.stringify(change)).toEqual([]);
      expect(await meetingFeed(m)).not.toMatch(/EXDATE|RECURRENCE-ID/);
    }
  });

  it('a change of the end rule keeps the exceptions still in the set, and other changes keep them all', async () => {
    const m = await schedule();
    expectMeetingOk(await cancel(m.id, APR8));
    expectMeetingOk(await override(m.id, STARTS[8]!, { topic: 'Late' }));
    let data = expectMeetingOk(await h.call('PUT', `/api/v6/meeting/${m.id}`, { topic: 'Weekly sync v2' }));
    expect(data.occurrenceExceptions.map((e: { recurrenceId: string }) => e.recurrenceId)).toEqual([APR8, STARTS[8]]);
    data = expectMeetingOk(await h.call('PUT', `/api/v6/meeting/${m.id}`, { recurring: { endsType: 'after', endsAfter: 5 } }));
    expect(data.occurrenceExceptions.map((e: { recurrenceId: string }) => e.recurrenceId)).toEqual([APR8]);
    data = expectMeetingOk(await h.call('PUT', `/api/v6/meeting/${m.id}`, { recurring: { endsType: 'on', endsOn: '2024-04-30T00:00:00.000Z' } }));
    expect(data.occurrenceExceptions).toEqual([{ recurrenceId: APR8, isCancelled: true, startTime: null, endTime: null, topic: null, agenda: null }]);
  });
});

describe('route shapes', () => {
  it('has no collection write: PUT /meeting/{id}/occurrences is E21 with a bad {notify}', async () => {
    const m = await schedule();
    const res = await h.call('PUT', `/api/v6/meeting/${m.id}/occurrences`, {});
    // `/meeting/{id}/{notify}` takes it: "occurrences" is not a notify value.
    expectError(res, 400, -4, [{ field: 'path.notify', code: 'enum' }]);
  });
});
