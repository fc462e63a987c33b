import { describe, it, expect } from 'vitest';
import ICAL from 'ical.js';
import nodeIcal from 'node-ical';
import type { InvitedParticipant, Meeting, OccurrenceException, Recurrence } from '../domain/meetings/Meeting.js';
import { expand, firstOccurrence, localToUtc } from '../domain/meetings/recurrence.js';
import { renderCalendar, type CalendarOptions, type IcsEvent } from './ics.js';

const t = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString();
const URL_10_8 = 'https://meet.example.com/meeting/4821-0937-5512-6604';
const DIAL_IN_10_8 = { displayNumbers: ['+41 44 555 01 00'], conferenceRoom: '12345678', pin: '123456' };

/** The §10.8 body, verbatim from the spec (there with LF; the real body uses CRLF). */
const SPEC_10_8 = `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Convene//Web Meeting API v6//EN
CALSCALE:GREGORIAN
METHOD:PUBLISH
X-WR-CALNAME:Anna Muster – meetings
X-WR-TIMEZONE:Europe/Zurich
REFRESH-INTERVAL;VALUE=DURATION:PT15M
X-PUBLISHED-TTL:PT15M
BEGIN:VTIMEZONE
TZID:Europe/Zurich
X-LIC-LOCATION:Europe/Zurich
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
BEGIN:VEVENT
UID:66a1f2c0b1e4c35a9d0e7a31@meet.example.com
DTSTAMP:20240326T101500Z
CREATED:20240320T120000Z
LAST-MODIFIED:20240326T101500Z
SEQUENCE:2
DTSTART;TZID=Europe/Zurich:20240325T090000
DTEND;TZID=Europe/Zurich:20240325T100000
RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=MO;COUNT=10
EXDATE;TZID=Europe/Zurich:20240408T090000
SUMMARY:Weekly sync
DESCRIPTION:Agenda: status\\, risks\\; next steps\\n\\nJoin: https://meet.examp
 le.com/meeting/4821-0937-5512-6604\\nMeeting ID: 4821-0937-5512-6604\\nDial-
 in: +41 44 555 01 00 / Conference room: 12345678 / PIN: 123456
LOCATION:https://meet.example.com/meeting/4821-0937-5512-6604
URL:https://meet.example.com/meeting/4821-0937-5512-6604
ORGANIZER;CN="Anna Muster":mailto:anna@example.com
ATTENDEE;CN="Bob";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mai
 lto:bob@example.com
ATTENDEE;CN="Carla";ROLE=CHAIR;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:carl
 a@example.com
STATUS:CONFIRMED
END:VEVENT
BEGIN:VEVENT
UID:66a1f2c0b1e4c35a9d0e7a31@meet.example.com
RECURRENCE-ID;TZID=Europe/Zurich:20240415T090000
DTSTAMP:20240326T101500Z
CREATED:20240320T120000Z
LAST-MODIFIED:20240326T101500Z
SEQUENCE:2
DTSTART;TZID=Europe/Zurich:20240415T100000
DTEND;TZID=Europe/Zurich:20240415T110000
SUMMARY:Weekly sync (moved)
DESCRIPTION:Agenda: status\\, risks\\; next steps\\n\\nJoin: https://meet.examp
 le.com/meeting/4821-0937-5512-6604\\nMeeting ID: 4821-0937-5512-6604\\nDial-
 in: +41 44 555 01 00 / Conference room: 12345678 / PIN: 123456
LOCATION:https://meet.example.com/meeting/4821-0937-5512-6604
URL:https://meet.example.com/meeting/4821-0937-5512-6604
ORGANIZER;CN="Anna Muster":mailto:anna@example.com
ATTENDEE;CN="Bob";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mai
 lto:bob@example.com
ATTENDEE;CN="Carla";ROLE=CHAIR;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:carl
 a@example.com
STATUS:CONFIRMED
END:VEVENT
END:VCALENDAR
`.replace(/\n/g, '\r\n');

function participant(email: string | null, name: string, isModerator = false): InvitedParticipant {
  return { email, name, phone: null, language: null, isModerator };
}

function cancel(recurrenceId: string): OccurrenceException {
  return { recurrenceId: t(recurrenceId), isCancelled: true, startTime: null, endTime: null, topic: null, agenda: null };
}

const NOT_RECURRING: Recurrence = { frequencyType: '', frequency: null, monthlyPattern: '', endsType: '', endsOn: t('2024-03-20T12:00:00Z'), endsAfter: 0 };

/** The §10.8 fixture as a Meeting; `partial` overrides fields and re-derives startTime/endTime. */
function meeting(partial: Partial<Meeting> = {}): Meeting {
  const m: Meeting = {
    id: '66a1f2c0b1e4c35a9d0e7a31',
    accountId: 'acc1',
    meetingNumber: '4821093755126604',
    conferenceId: '123456789',
    roomCode: '12345678901',
    topic: 'Weekly sync',
    startLocal: '2024-03-25T09:00:00',
    timezone: 'Europe/Zurich',
    durationMin: 60,
    startTime: 0,
    endTime: 0,
    seriesEnd: null,
    type: 'standard' as Meeting['type'],
    roomId: 'room1',
    isRecurring: true,
    recurring: { frequencyType: 'weekly', frequency: 1, monthlyPattern: '', endsType: 'after', endsOn: t('2024-03-20T12:00:00Z'), endsAfter: 10 },
    isRecorded: false,
    isDialin: true,
    invitedParticipants: [participant('bob@example.com', 'Bob'), participant('carla@example.com', 'Carla', true), participant(null, 'Phone only')],
    agenda: 'Agenda: status, risks; next steps',
    documents: [],
    meetingPermissionId: null,
    videoResolution: 'hd',
    dtClosedAt: null,
    addedByUserId: 'user1',
    addedByUserEmail: 'anna@example.com',
    addedByUserName: 'Anna Muster',
    privateDataVisible: true,
    icalSequence: 2,
    icsToken: 'token1',
    dialInConferenceRoom: '12345678',
    dialInPin: '123456',
    isDemo: false,
    isPromo: false,
    occurrenceExceptions: [
      cancel('2024-04-08T07:00:00.000Z'),
      { recurrenceId: t('2024-04-15T07:00:00Z'), isCancelled: false, startTime: t('2024-04-15T08:00:00Z'), endTime: t('2024-04-15T09:00:00Z'), topic: 'Weekly sync (moved)', agenda: null },
    ],
    origin: 'webmeeting-v6',
    eventSeq: 0,
    deletedAt: null,
    createdAt: t('2024-03-20T12:00:00Z'),
    updatedAt: t('2024-03-26T10:15:00Z'),
    ...partial,
  };
  const first = firstOccurrence(m);
  return { ...m, startTime: first.startTime, endTime: first.endTime };
}

function event(m: Meeting, partial: Partial<IcsEvent> = {}): IcsEvent {
  return { meeting: m, participantUrl: `https://meet.example.com/meeting/${m.meetingNumber.replace(/(\d{4})(?=\d)/g, '$1-')}`, dialIn: null, includeAttendees: true, ...partial };
}

function render(events: IcsEvent[], partial: Partial<CalendarOptions> = {}): string {
  return renderCalendar({ name: 'Anna Muster – meetings', timezone: 'Europe/Zurich', uidDomain: 'meet.example.com', method: 'PUBLISH', events, ...partial });
}

const fixtureEvent = (): IcsEvent => event(meeting(), { participantUrl: URL_10_8, dialIn: DIAL_IN_10_8 });

const unfold = (text: string): string[] => text.replace(/\r\n[ \t]/g, '').split('\r\n').slice(0, -1);
/** Content lines from the first VEVENT on (the VTIMEZONE has RRULEs of its own). */
const veventLines = (lines: string[]): string[] => lines.slice(lines.indexOf('BEGIN:VEVENT'));

/** The structural lint of §15 item 6; returns the problems found. */
function lint(text: string): string[] {
  const problems: string[] = [];
  if (/\r(?!\n)|(?<!\r)\n/.test(text)) problems.push('a line break is not CRLF');
  if (!text.endsWith('\r\n')) problems.push('the last line lacks CRLF');
  if (text.charCodeAt(0) === 0xfeff) problems.push('BOM');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (const line of text.split('\r\n')) {
    const bytes = Buffer.from(line, 'utf8');
    if (bytes.length > 75) problems.push(`line over 75 octets: ${line}`);
    try {
      decoder.decode(bytes);
    } catch {
      problems.push(`line splits a UTF-8 sequence: ${line}`);
    }
  }
  const lines = unfold(text);
  if (!lines.includes('VERSION:2.0')) problems.push('no VERSION');
  if (!lines.some((l) => l.startsWith('PRODID:'))) problems.push('no PRODID');
  const tzids = new Set(lines.filter((l) => l.startsWith('TZID:')).map((l) => l.slice(5)));
  for (const l of lines) {
    const used = /;TZID=([^;:]+)/.exec(l)?.[1];
    if (used && !tzids.has(used)) problems.push(`no VTIMEZONE for ${used}`);
    const until = /UNTIL=([^;]*)/.exec(l)?.[1];
    if (until && !/^\d{8}T\d{6}Z$/.test(until)) problems.push(`UNTIL not in UTC: ${l}`);
  }
  const form = (l: string): string => {
    const tzid = /;TZID=([^;:]+)/.exec(l)?.[1] ?? '';
    const value = l.slice(l.lastIndexOf(':') + 1);
    return `${tzid}|${/^\d{8}T\d{6}Z$/.test(value) ? 'utc' : /^\d{8}T\d{6}$/.test(value) ? 'local' : value}`;
  };
  let current: string[] | null = null;
  for (const l of lines) {
    if (l === 'BEGIN:VEVENT') current = [];
    else if (l === 'END:VEVENT' && current) {
      for (const p of ['UID:', 'DTSTAMP:', 'DTSTART']) if (!current.some((x) => x.startsWith(p))) problems.push(`VEVENT without ${p}`);
      if (!current.some((x) => /^DTSTAMP:\d{8}T\d{6}Z$/.test(x))) problems.push('DTSTAMP not in UTC');
      const dtstart = current.find((x) => x.startsWith('DTSTART'))!;
      for (const x of current.filter((y) => y.startsWith('EXDATE') || y.startsWith('RECURRENCE-ID'))) {
        if (form(x) !== form(dtstart)) problems.push(`${x} is not in the form of ${dtstart}`);
      }
      current = null;
    } else current?.push(l);
  }
  return problems;
}

interface SimpleOccurrence {
  uid: string;
  start: string;
  end: string;
  summary: string;
}

/** Occurrences overlapping [from, to) as ical.js (Thunderbird's parser) expands the feed, exceptions applied. */
function icalJsOccurrences(text: string, from: number, to: number): SimpleOccurrence[] {
  const root = new ICAL.Component(ICAL.parse(text));
  const byUid = new Map<string, ICAL.Component[]>();
  for (const v of root.getAllSubcomponents('vevent')) {
    const uid = String(v.getFirstPropertyValue('uid'));
    byUid.set(uid, [...(byUid.get(uid) ?? []), v]);
  }
  const out: SimpleOccurrence[] = [];
  for (const [uid, comps] of byUid) {
    const masterComp = comps.find((c) => !c.hasProperty('recurrence-id'))!;
    const master = new ICAL.Event(masterComp);
    for (const c of comps) if (c !== masterComp) master.relateException(c);
    const push = (start: ICAL.Time, end: ICAL.Time, summary: string): void => {
      const s = start.toJSDate().getTime();
      const e = end.toJSDate().getTime();
      if (s < to && e > from) out.push({ uid, start: iso(s), end: iso(e), summary });
    };
    if (!master.isRecurring()) {
      push(master.startDate, master.endDate, master.summary);
      continue;
    }
    const it = master.iterator();
    for (let next = it.next(); next; next = it.next()) {
      const d = master.getOccurrenceDetails(next);
      if (d.recurrenceId.toJSDate().getTime() > to + 86_400_000 && d.startDate.toJSDate().getTime() > to) break;
      push(d.startDate, d.endDate, d.item.summary);
    }
  }
  return out.sort((a, b) => a.start.localeCompare(b.start) || a.uid.localeCompare(b.uid));
}

/** The same with node-ical. */
function nodeIcalOccurrences(text: string, from: number, to: number): SimpleOccurrence[] {
  const parsed = nodeIcal.sync.parseICS(text);
  const out: SimpleOccurrence[] = [];
  for (const c of Object.values(parsed)) {
    if (c?.type !== 'VEVENT') continue;
    for (const i of nodeIcal.expandRecurringEvent(c, { from: new Date(from - 86_400_000), to: new Date(to) })) {
      const s = i.start.getTime();
      const e = i.end.getTime();
      const summary = typeof i.summary === 'string' ? i.summary : i.summary.val;
      if (s < to && e > from) out.push({ uid: c.uid, start: iso(s), end: iso(e), summary });
    }
  }
  return out.sort((a, b) => a.start.localeCompare(b.start) || a.uid.localeCompare(b.uid));
}

/** What `expand()` says for the same window, in the same shape. */
function apiOccurrences(meetings: Meeting[], from: number, to: number): SimpleOccurrence[] {
  return meetings
    .flatMap((m) => expand(m, { from, to, horizonEnd: to }).map((o) => ({ uid: `${m.id}@meet.example.com`, start: iso(o.startTime), end: iso(o.endTime), summary: o.topic })))
    .sort((a, b) => a.start.localeCompare(b.start) || a.uid.localeCompare(b.uid));
}

/** jCal with property order, parameter order and the case of `mailto:` made irrelevant. */
function semantic(text: string): unknown {
  const norm = (c: unknown[]): unknown => {
    const [name, props, comps] = c as [string, unknown[][], unknown[][]];
    const p = props
      .map(([n, params, type, ...values]) => [n, params, type, ...values.map((v) => (type === 'cal-address' && typeof v === 'string' ? v.replace(/^mailto:/i, 'mailto:') : v))])
      .map((x) => JSON.stringify(x, (_, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort()) : v)))
      .sort();
    return [name, p, comps.map(norm)];
  };
  return norm(ICAL.parse(text) as unknown[]);
}

const MARCH = t('2024-03-01T00:00:00Z');
const JULY = t('2024-07-01T00:00:00Z');

describe('renderCalendar', () => {
  it('renders the §10.8 worked example: the same calendar as the spec body, property by property', () => {
    const out = render([fixtureEvent()]);
    expect(lint(out)).toEqual([]);
    expect(semantic(out)).toEqual(semantic(SPEC_10_8));
  });

  it('writes the calendar properties in the §10.3 order, then the VTIMEZONE, then the VEVENTs', () => {
    const lines = unfold(render([fixtureEvent()]));
    expect(lines.slice(0, 10)).toEqual([
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Convene//Web Meeting API v6//EN',
      'CALSCALE:GREGORIAN',
      'METHOD:PUBLISH',
      'X-WR-CALNAME:Anna Muster – meetings',
      'X-WR-TIMEZONE:Europe/Zurich',
      'REFRESH-INTERVAL;VALUE=DURATION:PT15M',
      'X-PUBLISHED-TTL:PT15M',
      'BEGIN:VTIMEZONE',
    ]);
    expect(lines.at(-1)).toBe('END:VCALENDAR');
    // The VTIMEZONE is exactly the §10.8 one: the bundled definition agrees with the tz database.
    const tz = (s: string[]): string[] => s.slice(s.indexOf('BEGIN:VTIMEZONE'), s.indexOf('END:VTIMEZONE') + 1);
    expect(tz(lines)).toEqual(tz(unfold(SPEC_10_8)));
  });

  it('lets ical.js expand the §10.8 feed to the same 9 occurrences as expand(): no 8 April, 15 April moved and retitled', () => {
    const out = render([fixtureEvent()]);
    const client = icalJsOccurrences(out, MARCH, JULY);
    expect(client).toEqual(apiOccurrences([meeting()], MARCH, JULY));
    expect(client).toHaveLength(9);
    expect(client[0]).toMatchObject({ start: '2024-03-25T08:00:00.000Z', summary: 'Weekly sync' });
    expect(client.slice(1).every((o) => o.start.endsWith(o.summary === 'Weekly sync' ? 'T07:00:00.000Z' : 'T08:00:00.000Z'))).toBe(true);
    expect(client.some((o) => o.start.startsWith('2024-04-08'))).toBe(false);
    expect(client.find((o) => o.start.startsWith('2024-04-15'))).toMatchObject({ start: '2024-04-15T08:00:00.000Z', end: '2024-04-15T09:00:00.000Z', summary: 'Weekly sync (moved)' });
  });

  it('lets node-ical parse the §10.8 feed and expand it to the same occurrences', () => {
    const out = render([fixtureEvent()]);
    const parsed = Object.values(nodeIcal.sync.parseICS(out)).filter((c) => c?.type === 'VEVENT');
    expect(parsed).toHaveLength(1); // node-ical folds the override into `recurrences` of the master
    expect(nodeIcalOccurrences(out, MARCH, JULY)).toEqual(apiOccurrences([meeting()], MARCH, JULY));
  });

  it('passes the lint and matches both parsers for a feed with the fixture, a single, a UTC, a dial-in and a non-ASCII meeting', () => {
    const single = meeting({ id: 'b-single', isRecurring: false, recurring: NOT_RECURRING, occurrenceExceptions: [], startLocal: '2024-04-03T14:30:00', durationMin: 45, agenda: '' });
    const utcSeries = meeting({
      id: 'c-utc',
      timezone: 'UTC',
      startLocal: '2024-03-26T16:00:00',
      recurring: { frequencyType: 'daily', frequency: 2, monthlyPattern: '', endsType: 'on', endsOn: t('2024-04-10T10:00:00Z'), endsAfter: 0 },
      occurrenceExceptions: [cancel('2024-03-30T16:00:00.000Z')],
    });
    const dialIn = meeting({ id: 'd-dialin', isRecurring: false, recurring: NOT_RECURRING, occurrenceExceptions: [], startLocal: '2024-04-02T08:00:00', timezone: 'America/New_York' });
    const nonAscii = meeting({
      id: 'e-unicode',
      topic: 'Réunion – 会议 ✓ über die Überprüfung der Ölförderung 🚀 und 日本語のテキスト',
      agenda: 'Punkte: ① Budget; ② Zeitplan, ③ Risiken\nZweite Zeile mit 😀',
      recurring: { frequencyType: 'monthly', frequency: 1, monthlyPattern: 'dayOfWeek', endsType: 'never', endsOn: 0, endsAfter: 0 },
      startLocal: '2024-03-28T17:00:00',
      timezone: 'Asia/Tokyo',
      occurrenceExceptions: [],
    });
    const all = [fixtureEvent(), event(single), event(utcSeries), event(dialIn, { dialIn: { displayNumbers: ['+1 212 555 0100', '+1 646 555 0199'], conferenceRoom: '87654321', pin: '' } }), event(nonAscii)];
    const out = render(all);
    expect(lint(out)).toEqual([]);
    const meetings = all.map((e) => e.meeting);
    expect(icalJsOccurrences(out, MARCH, JULY)).toEqual(apiOccurrences(meetings, MARCH, JULY));
    expect(nodeIcalOccurrences(out, MARCH, JULY)).toEqual(apiOccurrences(meetings, MARCH, JULY));
    const tzids = unfold(out).filter((l) => l.startsWith('TZID:'));
    expect(tzids).toEqual(['TZID:America/New_York', 'TZID:Asia/Tokyo', 'TZID:Europe/Zurich']); // sorted, none for UTC
  });

  it('writes a non-recurring meeting as one VEVENT without RRULE', () => {
    const single = meeting({ isRecurring: false, recurring: NOT_RECURRING, occurrenceExceptions: [], startLocal: '2024-04-03T14:30:00', durationMin: 45 });
    const lines = unfold(render([event(single)]));
    expect(lines.filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(1);
    expect(lines).toContain('DTSTART;TZID=Europe/Zurich:20240403T143000');
    expect(lines).toContain('DTEND;TZID=Europe/Zurich:20240403T151500');
    expect(veventLines(lines).some((l) => /^(RRULE|EXDATE|RECURRENCE-ID)/.test(l))).toBe(false);
  });

  it('writes a UTC meeting in the UTC form, without TZID or VTIMEZONE, EXDATE included', () => {
    for (const timezone of ['UTC', 'Etc/UTC', 'Etc/GMT']) {
      const m = meeting({ timezone, startLocal: '2024-03-25T09:00:00', occurrenceExceptions: [cancel('2024-04-08T09:00:00.000Z')] });
      const out = render([event(m)]);
      const lines = unfold(out);
      expect(lint(out)).toEqual([]);
      expect(lines).toContain('DTSTART:20240325T090000Z');
      expect(lines).toContain('DTEND:20240325T100000Z');
      expect(lines).toContain('EXDATE:20240408T090000Z');
      expect(out).not.toContain('TZID');
      expect(out).not.toContain('VTIMEZONE');
      expect(icalJsOccurrences(out, MARCH, JULY)).toEqual(apiOccurrences([m], MARCH, JULY));
    }
  });

  it('adds the dial-in line only when dial-in details are given, and the agenda only when it is not empty', () => {
    const withDialIn = unfold(render([fixtureEvent()])).find((l) => l.startsWith('DESCRIPTION:'));
    expect(withDialIn).toBe(
      'DESCRIPTION:Agenda: status\\, risks\\; next steps\\n\\nJoin: https://meet.example.com/meeting/4821-0937-5512-6604\\nMeeting ID: 4821-0937-5512-6604\\nDial-in: +41 44 555 01 00 / Conference room: 12345678 / PIN: 123456',
    );
    const plain = unfold(render([event(meeting({ agenda: '' }), { participantUrl: URL_10_8 })])).find((l) => l.startsWith('DESCRIPTION:'));
    expect(plain).toBe('DESCRIPTION:Join: https://meet.example.com/meeting/4821-0937-5512-6604\\nMeeting ID: 4821-0937-5512-6604');
  });

  it('folds a long non-ASCII topic at 75 octets without splitting a character, and both parsers read it back intact', () => {
    const topic = 'Réunion – 会议 ✓ '.repeat(6) + '🚀';
    const out = render([event(meeting({ topic, isRecurring: false, recurring: NOT_RECURRING, occurrenceExceptions: [] }))]);
    expect(lint(out)).toEqual([]);
    const summaryLines = out.split('\r\n').filter((l, i, all) => l.startsWith('SUMMARY:') || (l.startsWith(' ') && all.slice(0, i).reverse().find((x) => !x.startsWith(' '))?.startsWith('SUMMARY:')));
    expect(summaryLines.length).toBeGreaterThan(2);
    const vevent = new ICAL.Component(ICAL.parse(out)).getFirstSubcomponent('vevent')!;
    expect(vevent.getFirstPropertyValue('summary')).toBe(topic);
    const parsed = Object.values(nodeIcal.sync.parseICS(out)).find((c) => c?.type === 'VEVENT') as nodeIcal.VEvent;
    expect(typeof parsed.summary === 'string' ? parsed.summary : parsed.summary.val).toBe(topic);
  });

  it('escapes TEXT, drops control characters and quotes CN with " replaced by \'', () => {
    const m = meeting({
      topic: 'A, B; C \\ D',
      agenda: 'line 1\r\nline 2\rstill 2\u0007\tend',
      addedByUserName: 'Anna "The Boss" Muster',
      invitedParticipants: [participant('bob@example.com', 'Bob "B" Builder; Jr, PhD')],
      isRecurring: false,
      recurring: NOT_RECURRING,
      occurrenceExceptions: [],
    });
    const out = render([event(m)]);
    const lines = unfold(out);
    expect(lines).toContain('SUMMARY:A\\, B\\; C \\\\ D');
    expect(lines.find((l) => l.startsWith('DESCRIPTION:'))).toMatch(/^DESCRIPTION:line 1\\nline 2still 2\tend\\n\\nJoin: /);
    expect(lines).toContain('ORGANIZER;CN="Anna \'The Boss\' Muster":mailto:anna@example.com');
    expect(lines.find((l) => l.startsWith('ATTENDEE'))).toContain(';CN="Bob \'B\' Builder; Jr, PhD"');
    const vevent = new ICAL.Component(ICAL.parse(out)).getFirstSubcomponent('vevent')!;
    expect(vevent.getFirstPropertyValue('summary')).toBe('A, B; C \\ D');
    expect(vevent.getFirstProperty('attendee')!.getParameter('cn')).toBe("Bob 'B' Builder; Jr, PhD");
  });

  it('writes attendees with an email only, CHAIR for moderators, and none when includeAttendees is false', () => {
    const attendees = (e: IcsEvent): string[] => unfold(render([e])).filter((l) => l.startsWith('ATTENDEE'));
    const lines = attendees(event(meeting({ isRecurring: false, recurring: NOT_RECURRING, occurrenceExceptions: [] })));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE;CN="Bob":MAILTO:bob@example\.com$/);
    expect(lines[1]).toMatch(/;ROLE=CHAIR;.*;CN="Carla":MAILTO:carla@example\.com$/);
    expect(attendees(event(meeting(), { includeAttendees: false }))).toEqual([]);
  });

  it('orders masters by (startTime, id) with each master immediately followed by its overrides sorted by RECURRENCE-ID', () => {
    const later = meeting({
      id: 'aaa-later',
      startLocal: '2024-03-26T09:00:00',
      occurrenceExceptions: [
        { recurrenceId: t('2024-04-16T07:00:00Z'), isCancelled: false, startTime: t('2024-04-16T09:00:00Z'), endTime: t('2024-04-16T10:00:00Z'), topic: null, agenda: null },
        { recurrenceId: t('2024-04-02T07:00:00Z'), isCancelled: false, startTime: t('2024-04-02T09:00:00Z'), endTime: t('2024-04-02T10:00:00Z'), topic: 'early', agenda: null },
      ],
    });
    const sameStart = meeting({ id: '00-same-start', isRecurring: false, recurring: NOT_RECURRING, occurrenceExceptions: [] });
    const lines = unfold(render([event(later), fixtureEvent(), event(sameStart)]));
    const order = lines.filter((l) => l.startsWith('UID:') || l.startsWith('RECURRENCE-ID')).map((l) => l.replace('@meet.example.com', ''));
    expect(order).toEqual([
      'UID:00-same-start',
      'UID:66a1f2c0b1e4c35a9d0e7a31',
      'UID:66a1f2c0b1e4c35a9d0e7a31',
      'RECURRENCE-ID;TZID=Europe/Zurich:20240415T090000',
      'UID:aaa-later',
      'UID:aaa-later',
      'RECURRENCE-ID;TZID=Europe/Zurich:20240402T090000',
      'UID:aaa-later',
      'RECURRENCE-ID;TZID=Europe/Zurich:20240416T090000',
    ]);
  });

  it('is byte-stable: the same input gives the same bytes, whatever the process time zone and the input order', () => {
    const other = event(meeting({ id: 'zz-other', timezone: 'America/New_York', startLocal: '2024-03-27T10:00:00', occurrenceExceptions: [] }));
    const first = render([fixtureEvent(), other]);
    expect(render([fixtureEvent(), other])).toBe(first);
    expect(render([other, fixtureEvent()])).toBe(first);
    const saved = process.env.TZ;
    try {
      process.env.TZ = 'America/New_York';
      expect(new Date(2024, 0, 1).getTimezoneOffset()).toBe(300);
      expect(render([fixtureEvent(), other])).toBe(first);
      process.env.TZ = 'Asia/Kolkata';
      expect(render([fixtureEvent(), other])).toBe(first);
    } finally {
      process.env.TZ = saved;
    }
  });

  it('writes a CANCEL for one occurrence (onlyRecurrenceId) as a single VEVENT with RECURRENCE-ID and STATUS:CANCELLED', () => {
    const out = render([fixtureEvent()], { method: 'CANCEL', onlyRecurrenceId: t('2024-04-08T07:00:00Z') });
    expect(lint(out)).toEqual([]);
    const lines = unfold(out);
    expect(lines).toContain('METHOD:CANCEL');
    expect(lines.filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(1);
    expect(lines).toContain('RECURRENCE-ID;TZID=Europe/Zurich:20240408T090000');
    expect(lines).toContain('DTSTART;TZID=Europe/Zurich:20240408T090000');
    expect(lines).toContain('STATUS:CANCELLED');
    expect(lines).toContain('SEQUENCE:2');
    expect(veventLines(lines).some((l) => l.startsWith('RRULE') || l.startsWith('EXDATE'))).toBe(false);
    const vevent = new ICAL.Component(ICAL.parse(out)).getFirstSubcomponent('vevent')!;
    expect((vevent.getFirstPropertyValue('recurrence-id') as ICAL.Time).toJSDate().toISOString()).toBe('2024-04-08T07:00:00.000Z');
    const parsed = Object.values(nodeIcal.sync.parseICS(out)).find((c) => c?.type === 'VEVENT') as nodeIcal.VEvent;
    expect(parsed.recurrenceid?.toISOString()).toBe('2024-04-08T07:00:00.000Z');
    expect(parsed.status).toBe('CANCELLED');
  });

  it('writes a REQUEST for one overridden occurrence with its original RECURRENCE-ID and effective times', () => {
    const lines = unfold(render([fixtureEvent()], { method: 'REQUEST', onlyRecurrenceId: t('2024-04-15T07:00:00Z') }));
    expect(lines).toContain('METHOD:REQUEST');
    expect(lines.filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(1);
    expect(lines).toContain('RECURRENCE-ID;TZID=Europe/Zurich:20240415T090000');
    expect(lines).toContain('DTSTART;TZID=Europe/Zurich:20240415T100000');
    expect(lines).toContain('SUMMARY:Weekly sync (moved)');
    expect(lines).toContain('STATUS:CONFIRMED');
  });

  it('refuses onlyRecurrenceId for an instant that is not an occurrence', () => {
    expect(() => render([fixtureEvent()], { method: 'CANCEL', onlyRecurrenceId: t('2024-04-08T08:00:00Z') })).toThrow(RangeError);
  });

  it('cancels a whole meeting with STATUS:CANCELLED and SEQUENCE = icalSequence + 1, without override VEVENTs', () => {
    const lines = unfold(render([fixtureEvent()], { method: 'CANCEL', cancelled: true }));
    expect(lines.filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(1);
    expect(lines).toContain('STATUS:CANCELLED');
    expect(lines).toContain('SEQUENCE:3');
    expect(lines.some((l) => l.startsWith('RECURRENCE-ID'))).toBe(false);
  });

  it('writes EXDATE and RECURRENCE-ID of an occurrence in a DST gap with its original wall-clock time', () => {
    const m = meeting({
      startLocal: '2024-03-24T02:30:00', // Sundays; 31 March 02:30 does not exist in Zurich
      recurring: { frequencyType: 'weekly', frequency: 1, monthlyPattern: '', endsType: 'after', endsAfter: 3, endsOn: 0 },
      occurrenceExceptions: [cancel('2024-03-31T01:30:00.000Z')],
    });
    expect(unfold(render([event(m)]))).toContain('EXDATE;TZID=Europe/Zurich:20240331T023000');
    const moved = meeting({ ...m, occurrenceExceptions: [{ recurrenceId: t('2024-03-31T01:30:00Z'), isCancelled: false, startTime: t('2024-03-31T08:00:00Z'), endTime: t('2024-03-31T09:00:00Z'), topic: null, agenda: null }] });
    expect(unfold(render([event(moved)]))).toContain('RECURRENCE-ID;TZID=Europe/Zurich:20240331T023000');
  });

  it('replaces stale or wrong bundled VTIMEZONEs so that ical.js agrees with expand() in those zones', () => {
    // Bundled data is tzdata 2018g: Mexico dropped DST in 2022, Egypt restored it in 2023, Brazil dropped it in
    // 2019, and Etc/GMT-1 (UTC+1) is bundled with the sign reversed.
    for (const timezone of ['America/Mexico_City', 'Africa/Cairo', 'America/Sao_Paulo', 'Etc/GMT-1', 'Asia/Tehran', 'America/Ciudad_Juarez']) {
      const m = meeting({ timezone, startLocal: '2024-01-03T12:00:00', recurring: { frequencyType: 'weekly', frequency: 1, monthlyPattern: '', endsType: 'never', endsOn: 0, endsAfter: 0 }, occurrenceExceptions: [] });
      const out = render([event(m)]);
      expect(lint(out), timezone).toEqual([]);
      const from = t('2024-01-01T00:00:00Z');
      const to = t('2027-01-01T00:00:00Z');
      expect(icalJsOccurrences(out, from, to), timezone).toEqual(apiOccurrences([m], from, to));
    }
  });

  it('gives every IANA zone (and common links) a VTIMEZONE that ical.js reads with the tz database offsets, 2024–2030', () => {
    const mismatches: string[] = [];
    const zones = [...Intl.supportedValuesOf('timeZone'), 'Asia/Kolkata', 'US/Eastern', 'Europe/Kyiv', 'America/Argentina/Buenos_Aires'];
    for (const timezone of zones.filter((z) => !['UTC', 'Etc/UTC', 'Etc/GMT'].includes(z))) {
      const m = meeting({ timezone, startLocal: '2024-01-15T12:00:00', isRecurring: false, recurring: NOT_RECURRING, occurrenceExceptions: [] });
      const root = new ICAL.Component(ICAL.parse(render([event(m)])));
      const vtimezone = root.getFirstSubcomponent('vtimezone')!;
      expect(vtimezone.getFirstPropertyValue('tzid')).toBe(timezone);
      const zone = new ICAL.Timezone(vtimezone);
      for (let year = 2024; year <= 2030 && !mismatches.includes(timezone); year++) {
        for (const month of [1, 4, 7, 10]) {
          const local = `${year}-${String(month).padStart(2, '0')}-15T12:00:00`;
          const client = new ICAL.Time({ year, month, day: 15, hour: 12, minute: 0, second: 0, isDate: false }, zone).toUnixTime() * 1000;
          if (client !== localToUtc(local, timezone)) {
            mismatches.push(timezone);
            break;
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('keeps DTSTAMP at updatedAt in UTC rather than the render time', () => {
    const lines = unfold(render([fixtureEvent()]));
    expect(lines.filter((l) => l.startsWith('DTSTAMP'))).toEqual(['DTSTAMP:20240326T101500Z', 'DTSTAMP:20240326T101500Z']);
  });
});
