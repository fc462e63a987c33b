/**
 * The ICS feeds over HTTP (webmeeting-v6 §10, §15 item 6): E43 (user feed), E44 (meeting feed), E40 (download).
 * The §10.8 fixture is built through the API with a fixed clock, next to a non-recurring, a UTC, a non-ASCII
 * and a DST-gap/overlap meeting; the feeds are linted, parsed with ical.js and node-ical, and ical.js's
 * expansion is compared with E34.
 */
import ICAL from 'ical.js';
import nodeIcal from 'node-ical';
import { IANAZone } from 'luxon';
import pino from 'pino';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness, type Harness } from '../../../test/support/app.js';
import { as, expectRejected, issueKey, UNKNOWN_ID } from '../../../test/support/accountAdmin.js';
import { buildApp } from '../../app.js';
import { FixedClock } from '../../infra/ids.js';

/** A JSON object from a response body; tests read its fields freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Data = Record<string, any>;

const CREATED = '2024-03-20T12:00:00.000Z';
const CHANGED = '2024-03-26T10:15:00.000Z';
const DAY = 86_400_000;
const STANDARD = [{ country: 'CH', number: '+41445550100', displayNumber: '+41 44 555 01 00' }];
const WINDOW = { from: Date.parse('2024-03-01T00:00:00.000Z'), to: Date.parse('2024-11-01T00:00:00.000Z') };
const NON_ASCII_TOPIC = 'Café Zürich – Übersicht 会議 🎉';
const NON_ASCII_AGENDA = 'Ünïcödé ✓ 会議 '.repeat(12).trim();

let h: Harness;
let clock: FixedClock;
let anna: { accountId: string; adminId: string; adminEmail: string; icsToken: string };
let otto: { id: string };
/** The §10.8 fixture meeting. */
let F: Data;
/** Meetings expected in Anna's feed, by name. */
const mine = {} as Record<'fixture' | 'kickoff' | 'utc' | 'nonAscii' | 'gap' | 'overlap' | 'endless' | 'recentPast', Data>;
/** Meetings that must not be in it. */
const others = {} as Record<'ancient' | 'deleted' | 'otto', Data>;

const U = (id: string) => ({ 'x-user-id': id });
const feedUrl = (kind: 'user' | 'meeting', token: string) => `/api/v6/meeting/calender/${kind}/${token}`;
const get = (url: string, headers: Record<string, string> = {}) => h.app.inject({ method: 'GET', url, headers });

async function schedule(body: Record<string, unknown>, userId = anna.adminId): Promise<Data> {
  const res = await h.call('POST', '/api/v6/meeting', body, U(userId));
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data;
}

function ok(res: LightMyRequestResponse): Data {
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data;
}

beforeAll(async () => {
  clock = new FixedClock(CREATED);
  h = await harness({ clock, env: { CONVENE_STANDARD_DIALIN_NUMBERS: JSON.stringify(STANDARD) } });
  const acc = await h.newAccount('anna@example.com', { adminFirstname: 'Anna', adminLastname: 'Muster' });
  anna = { ...acc, icsToken: ok(await h.call('GET', `/api/v6/user/${acc.adminId}`)).icsToken };
  otto = { id: ok(await h.call('POST', `/api/v6/account/user/${acc.accountId}`, { email: 'otto@example.com', firstName: 'Otto', lastName: 'Other' })).id };

  // §10.8: Monday 09:00 Europe/Zurich, 10 occurrences from 2024-03-25, with dial-in and two attendees.
  F = await schedule({
    topic: 'Weekly sync',
    startTime: '2024-03-25T09:00:00+01:00',
    duration: 60,
    timezone: 'Europe/Zurich',
    agenda: 'Agenda: status, risks; next steps',
    isDialin: true,
    isRecurring: true,
    recurring: { frequencyType: 'weekly', frequency: 1, endsType: 'after', endsAfter: 10 },
    invitedParticipants: [
      { email: 'bob@example.com', name: 'Bob' },
      { email: 'carla@example.com', name: 'Carla', isModerator: true },
    ],
  });
  mine.fixture = F;
  mine.kickoff = await schedule({ topic: 'Kick-off', startTime: '2024-04-03T13:00:00Z', duration: 45, timezone: 'Europe/Zurich' });
  mine.utc = await schedule({
    topic: 'Standup UTC',
    startTime: '2024-04-01T09:00:00Z',
    duration: 15,
    timezone: 'UTC',
    isRecurring: true,
    recurring: { frequencyType: 'daily', endsType: 'on', endsOn: '2024-04-05T00:00:00Z' },
  });
  mine.nonAscii = await schedule({
    topic: NON_ASCII_TOPIC,
    startTime: '2024-03-07T14:00:00-05:00',
    duration: 30,
    timezone: 'America/New_York',
    agenda: NON_ASCII_AGENDA,
    isRecurring: true,
    recurring: { frequencyType: 'weekly', endsType: 'on', endsOn: '2024-04-30T12:00:00Z' },
    invitedParticipants: [{ email: 'zoe@example.com', name: 'Zoë "Q" Ünal' }],
  });
  // 02:30 local: 31 March is in the spring-forward gap, 27 October in the fall-back overlap (§9.3).
  mine.gap = await schedule({ topic: 'Night shift', startTime: '2024-03-29T02:30:00+01:00', duration: 60, timezone: 'Europe/Zurich', isRecurring: true, recurring: { frequencyType: 'daily', endsType: 'after', endsAfter: 5 } });
  mine.overlap = await schedule({ topic: 'Night shift (autumn)', startTime: '2024-10-25T02:30:00+02:00', duration: 60, timezone: 'Europe/Zurich', isRecurring: true, recurring: { frequencyType: 'daily', endsType: 'after', endsAfter: 4 } });
  mine.endless = await schedule({ topic: 'Forever', startTime: '2023-01-02T16:00:00Z', duration: 30, timezone: 'Europe/Zurich', isRecurring: true, recurring: { frequencyType: 'weekly', endsType: 'never' } });
  // Ended 89 days before the feed is read (ICS_PAST_DAYS = 90): still in.
  mine.recentPast = await schedule({ topic: 'Recent past', startTime: '2023-12-20T10:00:00Z', duration: 60, timezone: 'Europe/Zurich' });

  others.ancient = await schedule({ topic: 'Ancient', startTime: '2023-12-01T10:00:00Z', duration: 60, timezone: 'Europe/Zurich' });
  others.deleted = await schedule({ topic: 'Deleted', startTime: '2024-04-10T10:00:00Z', duration: 60 });
  expect((await h.call('DELETE', `/api/v6/meeting/${others.deleted.id}`)).statusCode).toBe(200);
  others.otto = await schedule({ topic: 'Otto invites Anna', startTime: '2024-04-10T10:00:00Z', duration: 60, invitedParticipants: ['anna@example.com'] }, otto.id);

  clock.set(CHANGED);
  ok(await h.call('DELETE', `/api/v6/meeting/${F.id}/occurrences/2024-04-08T07:00:00.000Z`));
  F = ok(await h.call('PUT', `/api/v6/meeting/${F.id}/occurrences/2024-04-15T07:00:00.000Z`, { startTime: '2024-04-15T10:00:00+02:00', topic: 'Weekly sync (moved)' }));
  mine.fixture = F;
  ok(await h.call('DELETE', `/api/v6/meeting/${mine.utc.id}/occurrences/20240403T090000Z`));
  ok(await h.call('PUT', `/api/v6/meeting/${mine.utc.id}/occurrences/2024-04-04T09:00:00.000Z`, { startTime: '2024-04-04T10:00:00Z' }));
  clock.set('2024-03-18T12:00:00.000Z'); // Recent past ended 2023-12-20T11:00Z: 89 days before
});
afterAll(() => h.close());

/** Content lines with folding undone. */
const unfold = (text: string): string[] => text.replace(/\r\n[ \t]/g, '').split('\r\n').slice(0, -1);

/** The VEVENT blocks (unfolded lines) of a body, in order. */
function vevents(text: string): string[][] {
  const out: string[][] = [];
  let cur: string[] | null = null;
  for (const l of unfold(text)) {
    if (l === 'BEGIN:VEVENT') cur = [];
    else if (l === 'END:VEVENT' && cur) {
      out.push(cur);
      cur = null;
    } else cur?.push(l);
  }
  return out;
}

const prop = (ev: string[], name: string): string | undefined => ev.find((l) => l.startsWith(`${name}:`) || l.startsWith(`${name};`));

/** §15 item 6 structural lint; returns the problems found. */
function lint(text: string): string[] {
  const problems: string[] = [];
  if (/\r(?!\n)|(?<!\r)\n/.test(text)) problems.push('a line break is not CRLF');
  if (!text.endsWith('\r\n')) problems.push('the last line lacks CRLF');
  if (text.charCodeAt(0) === 0xfeff) problems.push('BOM');
  if (text.includes('\ufffd')) problems.push('replacement character');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (const line of text.slice(0, -2).split('\r\n')) {
    const bytes = Buffer.from(line, 'utf8');
    if (bytes.length > 75) problems.push(`line over 75 octets: ${line}`);
    try {
      decoder.decode(bytes);
    } catch {
      problems.push(`line splits a UTF-8 sequence: ${line}`);
    }
  }
  const lines = unfold(text);
  if (lines[0] !== 'BEGIN:VCALENDAR' || lines[lines.length - 1] !== 'END:VCALENDAR') problems.push('not one VCALENDAR');
  if (!lines.includes('VERSION:2.0')) problems.push('no VERSION');
  if (!lines.some((l) => l.startsWith('PRODID:'))) problems.push('no PRODID');
  const defined = lines.filter((l) => l.startsWith('TZID:')).map((l) => l.slice(5));
  if (defined.join('\n') !== [...defined].sort().join('\n') || new Set(defined).size !== defined.length) problems.push(`VTIMEZONEs not unique and sorted: ${defined}`);
  for (const l of lines) {
    const used = /;TZID=([^;:]+)/.exec(l)?.[1];
    if (used && !defined.includes(used)) problems.push(`no VTIMEZONE for ${used}`);
    const until = /UNTIL=([^;]*)/.exec(l)?.[1];
    if (until && !/^\d{8}T\d{6}Z$/.test(until)) problems.push(`UNTIL not in UTC: ${l}`);
  }
  const form = (l: string): string => {
    const tzid = /;TZID=([^;:]+)/.exec(l)?.[1] ?? '';
    const value = l.slice(l.lastIndexOf(':') + 1);
    return `${tzid}|${/^\d{8}T\d{6}Z$/.test(value) ? 'utc' : /^\d{8}T\d{6}$/.test(value) ? 'local' : value}`;
  };
  for (const ev of vevents(text)) {
    for (const p of ['UID', 'DTSTAMP', 'DTSTART']) if (!prop(ev, p)) problems.push(`VEVENT without ${p}`);
    if (!/^DTSTAMP:\d{8}T\d{6}Z$/.test(prop(ev, 'DTSTAMP') ?? '')) problems.push('DTSTAMP not in UTC');
    const dtstart = prop(ev, 'DTSTART') ?? '';
    for (const x of ev.filter((y) => y.startsWith('EXDATE') || y.startsWith('RECURRENCE-ID'))) if (form(x) !== form(dtstart)) problems.push(`${x} is not in the form of ${dtstart}`);
  }
  return problems;
}

interface Occ {
  uid: string;
  recurrenceId: string;
  start: string;
  end: string;
  summary: string;
}
const iso = (ms: number) => new Date(ms).toISOString();

/** ical.js (Thunderbird's parser): every occurrence overlapping [from, to), exceptions applied. */
function icalJs(text: string, from: number, to: number): Occ[] {
  const root = new ICAL.Component(ICAL.parse(text));
  const byUid = new Map<string, ICAL.Component[]>();
  for (const v of root.getAllSubcomponents('vevent')) {
    const uid = String(v.getFirstPropertyValue('uid'));
    byUid.set(uid, [...(byUid.get(uid) ?? []), v]);
  }
  const out: Occ[] = [];
  for (const [uid, comps] of byUid) {
    const masterComp = comps.find((c) => !c.hasProperty('recurrence-id'))!;
    const master = new ICAL.Event(masterComp);
    for (const c of comps) if (c !== masterComp) master.relateException(c);
    const push = (rid: ICAL.Time, start: ICAL.Time, end: ICAL.Time, summary: string): void => {
      const s = start.toJSDate().getTime();
      const e = end.toJSDate().getTime();
      if (s < to && e > from) out.push({ uid, recurrenceId: iso(rid.toJSDate().getTime()), start: iso(s), end: iso(e), summary });
    };
    if (!master.isRecurring()) {
      push(master.startDate, master.startDate, master.endDate, master.summary);
      continue;
    }
    const it = master.iterator();
    for (let next = it.next(); next; next = it.next()) {
      const d = master.getOccurrenceDetails(next);
      if (d.recurrenceId.toJSDate().getTime() > to + DAY && d.startDate.toJSDate().getTime() > to) break;
      push(d.recurrenceId, d.startDate, d.endDate, d.item.summary);
    }
  }
  return out;
}

/** E34 of one meeting, in the same shape. */
async function e34(m: Data, from: number, to: number): Promise<Occ[]> {
  const res = await h.call('GET', `/api/v6/meeting/${m.id}/occurrences?from=${iso(from)}&to=${iso(to)}&limit=1000`);
  return ok(res).map((o: Record<string, string>) => ({ uid: `${m.id}@meet.example.com`, recurrenceId: o.recurrenceId, start: o.startTime, end: o.endTime, summary: o.topic }));
}

/** True for an instant within three hours of a UTC offset change of `zone`: where gaps and overlaps live. */
function nearTransition(instant: string, zone: string): boolean {
  if (zone === 'UTC') return false;
  const z = IANAZone.create(zone);
  const t = Date.parse(instant);
  return z.offset(t - 3 * 3_600_000) !== z.offset(t + 3 * 3_600_000);
}

describe('E43 GET /meeting/calender/user/{icsToken}', () => {
  it('serves the §10.8 fixture among the organizer\u2019s meetings with the §10.1 headers', async () => {
    const res = await get(feedUrl('user', anna.icsToken));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('inline; filename="meetings.ics"');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers.etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    // The largest updatedAt of the included meetings: the fixture's change time.
    expect(res.headers['last-modified']).toBe(new Date(CHANGED).toUTCString());

    const lines = unfold(res.body);
    expect(lines.slice(0, 10)).toEqual([
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Convene//Web Meeting API v6//EN',
      'CALSCALE:GREGORIAN',
      'METHOD:PUBLISH',
      'X-WR-CALNAME:Anna Muster \u2013 meetings',
      'X-WR-TIMEZONE:Europe/Zurich',
      'REFRESH-INTERVAL;VALUE=DURATION:PT15M',
      'X-PUBLISHED-TTL:PT15M',
      'BEGIN:VTIMEZONE',
    ]);
    expect(lines.filter((l) => l.startsWith('TZID:'))).toEqual(['TZID:America/New_York', 'TZID:Europe/Zurich']);

    const evs = vevents(res.body);
    const uid = (m: Data) => `UID:${m.id}@meet.example.com`;
    // Masters by (startTime, id); the fixture's override right after its master; nothing of Otto's, nothing old or deleted.
    const order = [mine.endless, mine.recentPast, mine.nonAscii, F, F, mine.gap, mine.utc, mine.utc, mine.kickoff, mine.overlap].map(uid);
    expect(evs.map((e) => prop(e, 'UID'))).toEqual(order);

    const master = evs[3]!;
    const url = `https://meet.example.com/j/${F.meetingId}`;
    for (const line of [
      'DTSTAMP:20240326T101500Z',
      'CREATED:20240320T120000Z',
      'LAST-MODIFIED:20240326T101500Z',
      'SEQUENCE:2',
      'DTSTART;TZID=Europe/Zurich:20240325T090000',
      'DTEND;TZID=Europe/Zurich:20240325T100000',
      'RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=MO;COUNT=10',
      'EXDATE;TZID=Europe/Zurich:20240408T090000',
      'SUMMARY:Weekly sync',
      `DESCRIPTION:Agenda: status\\, risks\\; next steps\\n\\nJoin: ${url}\\nMeeting ID: ${F.meetingId}\\nDial-in: +41 44 555 01 00 / Conference room: ${F.dialInConferenceRoom} / PIN: ${F.dialInPin}`,
      `LOCATION:${url}`,
      'ORGANIZER;CN="Anna Muster":mailto:anna@example.com',
      'STATUS:CONFIRMED',
    ]) {
      expect(master, line).toContain(line);
    }
    expect(prop(master, 'URL')).toMatch(new RegExp(`^URL(;VALUE=URI)?:${url.replace(/\./g, '\\.')}$`));
    const attendees = master.filter((l) => l.startsWith('ATTENDEE'));
    expect(attendees).toHaveLength(2);
    expect(attendees[0]).toMatch(/CN="Bob"/);
    expect(attendees[0]).toMatch(/ROLE=REQ-PARTICIPANT/);
    expect(attendees[1]).toMatch(/CN="Carla"/);
    expect(attendees[1]).toMatch(/ROLE=CHAIR/);
    expect(attendees[1]!.toLowerCase()).toMatch(/:mailto:carla@example\.com$/);

    const moved = evs[4]!;
    for (const line of ['RECURRENCE-ID;TZID=Europe/Zurich:20240415T090000', 'DTSTART;TZID=Europe/Zurich:20240415T100000', 'DTEND;TZID=Europe/Zurich:20240415T110000', 'SUMMARY:Weekly sync (moved)', 'SEQUENCE:2', 'DTSTAMP:20240326T101500Z']) {
      expect(moved, line).toContain(line);
    }
    expect(prop(moved, 'RRULE')).toBeUndefined();
    expect(prop(moved, 'EXDATE')).toBeUndefined();
  });

  it('passes the structural lint, with UTC, non-ASCII and long lines in it', async () => {
    const { body } = await get(feedUrl('user', anna.icsToken));
    expect(lint(body)).toEqual([]);
    const evs = vevents(body);
    const utc = evs.filter((e) => prop(e, 'UID') === `UID:${mine.utc.id}@meet.example.com`);
    expect(utc[0]).toContain('DTSTART:20240401T090000Z');
    expect(utc[0]).toContain('RRULE:FREQ=DAILY;INTERVAL=1;UNTIL=20240405T235959Z');
    expect(utc[0]).toContain('EXDATE:20240403T090000Z');
    expect(utc[1]).toContain('RECURRENCE-ID:20240404T090000Z');
    const na = evs.find((e) => prop(e, 'UID') === `UID:${mine.nonAscii.id}@meet.example.com`)!;
    expect(na).toContain(`SUMMARY:${NON_ASCII_TOPIC}`);
    expect(prop(na, 'DESCRIPTION')).toContain(NON_ASCII_AGENDA);
    expect(prop(na, 'RRULE')).toMatch(/UNTIL=20240501T035959Z$/);
    // A DQUOTE cannot appear in a quoted parameter: it becomes an apostrophe (§10.6).
    expect(prop(na, 'ATTENDEE')).toContain('CN="Zoë \'Q\' Ünal"');
    // Folding happened, and not inside a multi-byte sequence (the lint decodes each physical line).
    expect(body.split('\r\n').some((l) => l.startsWith(' '))).toBe(true);
  });

  it('parses with ical.js and node-ical', async () => {
    const { body } = await get(feedUrl('user', anna.icsToken));
    const root = new ICAL.Component(ICAL.parse(body));
    expect(root.getAllSubcomponents('vevent')).toHaveLength(10);
    expect(root.getAllSubcomponents('vtimezone')).toHaveLength(2);
    const parsed = nodeIcal.sync.parseICS(body);
    const events = Object.values(parsed).filter((c): c is nodeIcal.VEvent => c?.type === 'VEVENT');
    // node-ical folds overrides into `recurrences` of their master.
    expect(events).toHaveLength(8);
    const fixture = events.find((e) => e.uid === `${F.id}@meet.example.com`)!;
    expect(fixture.rrule?.toString()).toContain('FREQ=WEEKLY');
    expect([...new Set(Object.values(fixture.exdate ?? {}).map((d) => d.toISOString()))]).toEqual(['2024-04-08T07:00:00.000Z']);
    // node-ical files each override under two keys (the date and the instant): the same object twice.
    const overrides = [...new Set(Object.values(fixture.recurrences ?? {}))] as Array<{ start: Date; summary: unknown }>;
    expect(overrides.map((o) => [o.start.toISOString(), o.summary])).toEqual([['2024-04-15T08:00:00.000Z', 'Weekly sync (moved)']]);
    const na = events.find((e) => e.uid === `${mine.nonAscii.id}@meet.example.com`)!;
    expect(na.summary).toBe(NON_ASCII_TOPIC);
  });

  it('expands in ical.js to exactly E34, except occurrences in a DST gap or overlap', async () => {
    const { body } = await get(feedUrl('user', anna.icsToken));
    const client = icalJs(body, WINDOW.from, WINDOW.to);
    const api: Occ[] = [];
    for (const m of Object.values(mine)) api.push(...(await e34(m, WINDOW.from, WINDOW.to)));
    const zoneOf = new Map(Object.values(mine).map((m) => [`${m.id}@meet.example.com`, m.timezone as string]));
    const isEdge = (o: Occ) => nearTransition(o.recurrenceId, zoneOf.get(o.uid)!);
    const key = (o: Occ) => `${o.uid} ${o.start} ${o.end} ${o.summary} ${o.recurrenceId}`;
    expect(client.filter((o) => !isEdge(o)).map(key).sort()).toEqual(api.filter((o) => !isEdge(o)).map(key).sort());
    // The exclusion removes only the two known edge occurrences, and the API resolves them as RFC 5545 says.
    expect(api.filter(isEdge).map((o) => [o.summary, o.start])).toEqual([
      ['Night shift', '2024-03-31T01:30:00.000Z'],
      ['Night shift (autumn)', '2024-10-27T00:30:00.000Z'],
    ]);
    expect(client.filter(isEdge)).toHaveLength(2);
    // The §10.8 check: nine occurrences, no 8 April, 15 April moved to 08:00Z with the new title.
    expect(api.filter((o) => o.uid.startsWith(F.id)).map((o) => [o.start, o.summary])).toEqual([
      ['2024-03-25T08:00:00.000Z', 'Weekly sync'],
      ['2024-04-01T07:00:00.000Z', 'Weekly sync'],
      ['2024-04-15T08:00:00.000Z', 'Weekly sync (moved)'],
      ...['04-22', '04-29', '05-06', '05-13', '05-20', '05-27'].map((d) => [`2024-${d}T07:00:00.000Z`, 'Weekly sync']),
    ]);
  });

  it('keeps a stable ETag and honours If-None-Match and If-Modified-Since with 304', async () => {
    const url = feedUrl('user', anna.icsToken);
    const a = await get(url);
    clock.advance(60_000);
    const b = await get(url);
    expect(b.body).toBe(a.body);
    expect(b.headers.etag).toBe(a.headers.etag);
    const etag = a.headers.etag as string;
    for (const inm of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const res = await get(url, { 'if-none-match': inm });
      expect(res.statusCode, inm).toBe(304);
      expect(res.body).toBe('');
      expect(res.headers.etag).toBe(etag);
    }
    expect((await get(url, { 'if-none-match': '"other"' })).statusCode).toBe(200);
    // If-None-Match wins over If-Modified-Since.
    expect((await get(url, { 'if-none-match': '"other"', 'if-modified-since': a.headers['last-modified'] as string })).statusCode).toBe(200);
    expect((await get(url, { 'if-modified-since': a.headers['last-modified'] as string })).statusCode).toBe(304);
    expect((await get(url, { 'if-modified-since': new Date(Date.parse(CHANGED) - 1000).toUTCString() })).statusCode).toBe(200);
    expect((await get(url, { 'if-modified-since': 'yesterday' })).statusCode).toBe(200);
    // Query strings are ignored; the .ics suffix is accepted.
    expect((await get(`${url}.ics?x=1`)).headers.etag).toBe(etag);
    const head = await h.app.inject({ method: 'HEAD', url });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers.etag).toBe(etag);
    expect(head.headers['content-type']).toBe('text/calendar; charset=utf-8');
  });

  it('changes the ETag when a meeting changes', async () => {
    const url = feedUrl('user', anna.icsToken);
    const before = await get(url);
    const m = await schedule({ topic: 'Temporary', startTime: '2024-06-03T10:00:00Z', duration: 30 });
    const after = await get(url);
    expect(after.headers.etag).not.toBe(before.headers.etag);
    expect((await get(url, { 'if-none-match': before.headers.etag as string })).statusCode).toBe(200);
    expect(after.body).toContain(`UID:${m.id}@meet.example.com`);
    ok(await h.call('DELETE', `/api/v6/meeting/${m.id}`));
    expect((await get(url)).body).toBe(before.body);
  });

  it('adds meetings that invite the user with ICS_INCLUDE_INVITED=true', async () => {
    const h2 = await harness({ clock, env: { CONVENE_ICS_INCLUDE_INVITED: 'true' }, store: h.store });
    try {
      const body = (await h2.app.inject({ method: 'GET', url: feedUrl('user', anna.icsToken) })).body;
      expect(body).toContain(`UID:${others.otto.id}@meet.example.com`);
      expect(vevents(body)).toHaveLength(11);
    } finally {
      await h2.close();
    }
  });

  it('serves an empty calendar with the user\u2019s time as Last-Modified', async () => {
    const res = ok(await h.call('POST', `/api/v6/account/user/${anna.accountId}`, { email: 'empty@example.com', firstName: 'Emma', lastName: 'Empty', timezone: 'Asia/Tokyo' }));
    const feed = await get(feedUrl('user', res.icsToken));
    expect(feed.statusCode).toBe(200);
    expect(lint(feed.body)).toEqual([]);
    expect(unfold(feed.body)).toContain('X-WR-CALNAME:Emma Empty \u2013 meetings');
    expect(unfold(feed.body)).toContain('X-WR-TIMEZONE:Asia/Tokyo');
    expect(vevents(feed.body)).toEqual([]);
    expect(feed.headers['last-modified']).toBe(new Date(Math.floor(clock.now() / 1000) * 1000).toUTCString());
  });

  it('stops serving the old URL once the token is regenerated (E19)', async () => {
    const user = ok(await h.call('POST', `/api/v6/account/user/${anna.accountId}`, { email: 'rot@example.com', firstName: 'Rita', lastName: 'Rotate' }));
    expect((await get(feedUrl('user', user.icsToken))).statusCode).toBe(200);
    const fresh = ok(await h.call('POST', `/api/v6/user/${user.id}/icstoken`));
    expect(fresh.icsToken).not.toBe(user.icsToken);
    expect(fresh.icsPath).toBe(`/api/v6/meeting/calender/user/${fresh.icsToken}`);
    const old = await get(feedUrl('user', user.icsToken));
    expect(old.statusCode).toBe(404);
    expect(old.body).toBe('Not found');
    expect((await get(fresh.icsPath)).statusCode).toBe(200);
  });
});

describe('E44 GET /meeting/calender/meeting/{icsToken}', () => {
  it('serves one meeting, master plus overrides, named after the topic', async () => {
    const res = await get(feedUrl('meeting', F.icsToken));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('inline; filename="meeting.ics"');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['last-modified']).toBe(new Date(CHANGED).toUTCString());
    expect(lint(res.body)).toEqual([]);
    const lines = unfold(res.body);
    expect(lines).toContain('X-WR-CALNAME:Weekly sync');
    expect(lines).toContain('X-WR-TIMEZONE:Europe/Zurich');
    expect(vevents(res.body).map((e) => prop(e, 'RECURRENCE-ID') ?? 'master')).toEqual(['master', 'RECURRENCE-ID;TZID=Europe/Zurich:20240415T090000']);
    expect(icalJs(res.body, WINDOW.from, WINDOW.to).map((o) => o.start).sort()).toEqual((await e34(F, WINDOW.from, WINDOW.to)).map((o) => o.start));
    const again = await get(feedUrl('meeting', `${F.icsToken}.ics`), { 'if-none-match': res.headers.etag as string });
    expect(again.statusCode).toBe(304);
  });

  it('omits attendees when privateDataVisible is false', async () => {
    const m = await schedule({ topic: 'Private', startTime: '2024-06-03T10:00:00Z', duration: 30, privateDataVisible: false, invitedParticipants: ['bob@example.com'] });
    const body = (await get(feedUrl('meeting', m.icsToken))).body;
    expect(body).not.toContain('ATTENDEE');
    expect(body).toContain('ORGANIZER');
    // The authenticated download still lists them.
    expect((await h.call('GET', `/api/v6/meeting/${m.id}/ics`)).body).toContain('ATTENDEE');
    ok(await h.call('DELETE', `/api/v6/meeting/${m.id}`));
  });

  it('answers 404 in plain text for unknown, malformed and deleted tokens', async () => {
    for (const url of [
      feedUrl('meeting', 'x'.repeat(20)),
      feedUrl('meeting', others.deleted.icsToken),
      feedUrl('meeting', 'short'),
      feedUrl('meeting', `${'a'.repeat(20)}%20`),
      feedUrl('meeting', 'a'.repeat(15)),
      feedUrl('user', F.icsToken),
      feedUrl('meeting', anna.icsToken),
      feedUrl('user', `${anna.icsToken}.ical`),
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(res.body).toBe('Not found');
    }
    const head = await h.app.inject({ method: 'HEAD', url: feedUrl('user', 'y'.repeat(30)) });
    expect(head.statusCode).toBe(404);
  });
});

describe('feed paths', () => {
  it('answers other methods with 405, Allow: GET, HEAD in plain text, whatever the body', async () => {
    for (const kind of ['user', 'meeting'] as const) {
      for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const) {
        const res = await h.app.inject({ method, url: feedUrl(kind, anna.icsToken), headers: { 'content-type': 'multipart/form-data; boundary=x' }, payload: '--x--' });
        expect(res.statusCode, `${method} ${kind}`).toBe(405);
        expect(res.headers.allow).toBe('GET, HEAD');
        expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
      }
    }
  });

  it('is spelled calender: there is no calendar alias', async () => {
    for (const kind of ['user', 'meeting']) {
      const res = await get(`/api/v6/meeting/calendar/${kind}/${anna.icsToken}`);
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.json()).toMatchObject({ responseCode: -5, data: [{ field: null, code: 'unknownRoute' }] });
    }
  });

  it('needs no API key, and logs only the first 8 characters of a token', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(s) });
    const app = await buildApp({ deps: h.deps, logger });
    try {
      for (const url of [feedUrl('user', anna.icsToken), feedUrl('meeting', `${F.icsToken}.ics?x=1`), feedUrl('user', 'z'.repeat(40))]) {
        const res = await app.inject({ method: 'GET', url });
        expect([200, 404]).toContain(res.statusCode);
      }
      const text = lines.join('');
      expect(text).toContain('incoming request');
      for (const token of [anna.icsToken, F.icsToken, 'z'.repeat(40)]) {
        expect(text).not.toContain(token);
        expect(text).toContain(`${token.slice(0, 8)}\u2026`);
      }
    } finally {
      await app.close();
    }
  });
});

describe('E40 GET /meeting/{id}/ics', () => {
  it('downloads the meeting as an attachment with the feed\u2019s body and caching headers', async () => {
    const res = await h.call('GET', `/api/v6/meeting/${F.id}/ics`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="meeting-${F.meetingId}.ics"`);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['last-modified']).toBe(new Date(CHANGED).toUTCString());
    expect(res.body).toBe((await get(feedUrl('meeting', F.icsToken))).body);
    expect(lint(res.body)).toEqual([]);
    expect((await h.call('GET', `/api/v6/meeting/${F.id}/ics`, undefined, { 'if-none-match': res.headers.etag as string })).statusCode).toBe(304);
    expect((await h.app.inject({ method: 'HEAD', url: `/api/v6/meeting/${F.id}/ics`, headers: as((await issueKey(h, 'instance', null, ['meeting']))) })).statusCode).toBe(200);
  });

  it('answers errors in the JSON envelope and writes nothing', async () => {
    const keyAccount = await issueKey(h, 'account', anna.accountId, ['account']);
    const B = await h.newAccount();
    const keyB = await issueKey(h, 'account', B.accountId, ['meeting']);
    const keyA = await issueKey(h, 'account', anna.accountId, ['meeting']);
    const dl = (id: string, headers: Record<string, string>) => h.app.inject({ method: 'GET', url: `/api/v6/meeting/${id}/ics`, headers });
    await expectRejected(h, () => dl(F.id, {}), 401, -1);
    await expectRejected(h, () => dl(F.id, as(keyAccount)), 403, -3);
    await expectRejected(h, () => dl(F.id, as(keyB)), 404, -5, [{ field: 'path.id', code: 'notFound' }]);
    await expectRejected(h, () => dl(UNKNOWN_ID, as(keyA)), 404, -5, [{ field: 'path.id', code: 'notFound' }]);
    await expectRejected(h, () => dl(others.deleted.id, as(keyA)), 404, -5, [{ field: 'path.id', code: 'notFound' }]);
    await expectRejected(h, () => dl('XYZ', as(keyA)), 400, -4, [{ field: 'path.id', code: 'format' }]);
    await expectRejected(h, () => dl(F.id, as(keyA, U(otto.id))), 403, -3);
    await expectRejected(h, () => dl(F.id, as(keyA, U(B.adminId))), 401, -2);
    expect((await dl(others.otto.id, as(keyA, U(otto.id)))).statusCode).toBe(200);
  });
});
