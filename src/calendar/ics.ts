/**
 * The iCalendar writer behind the feeds (E40, E43, E44) and the invitation mails (webmeeting-v6 §10).
 *
 * `ical-generator` writes the components. What it cannot do as §10 wants is done around it:
 * - §10.3 fixes the order of the calendar properties, and the library puts X-WR-TIMEZONE and the refresh
 *   interval after the VTIMEZONEs (and adds NAME:): those lines are inserted after METHOD instead;
 * - VTIMEZONEs come out in event order, §10.3 wants them sorted by TZID: the blocks are re-sorted;
 * - the library ends the body without a CRLF, §10.6 wants one on every line: it is appended;
 * - `repeating.exclude` joins all EXDATEs into one property, §10.4 wants one each: the RRULE and EXDATE
 *   lines are passed as the library's raw `repeating` string;
 * - the bundled VTIMEZONEs are tzdata 2018g: each is checked against the runtime's tz database and
 *   replaced by a generated one where it disagrees (§10.5).
 * Everything else is library output. The body depends only on the input (no clock, no randomness, no
 * process time zone), because the ETag of the feeds is a hash of it.
 */
import ical, {
  ICalAttendeeRole,
  ICalAttendeeStatus,
  ICalCalendarMethod,
  ICalEventStatus,
  escape as escapeText,
  foldLines,
  type ICalAttendeeData,
  type ICalEventData,
  type ICalTemporalPlainDateStub,
  type ICalTemporalPlainDateTimeStub,
  type ICalTemporalZonedDateTimeStub,
  type ICalTemporalInstantStub,
} from 'ical-generator';
import icalTimezones from '@touch4it/ical-timezones';
import { DateTime, IANAZone } from 'luxon';
import { formatMeetingNumber, type Meeting, type OccurrenceException } from '../domain/meetings/Meeting.js';
import { findInRuleSet, localToUtc, rruleFor, utcToLocal } from '../domain/meetings/recurrence.js';

/** One meeting in a calendar, with what the caller resolved for it. */
export interface IcsEvent {
  meeting: Meeting;
  /** Join link (§8.9): LOCATION, URL and the `Join:` line. */
  participantUrl: string;
  /** Dial-in details for the DESCRIPTION, or null when the meeting has none. */
  dialIn: { displayNumbers: string[]; conferenceRoom: string; pin: string } | null;
  /** ATTENDEE lines; false on E44 when `privateDataVisible` is false. */
  includeAttendees: boolean;
}

/** What to render: one VCALENDAR with the given events. */
export interface CalendarOptions {
  /** X-WR-CALNAME. */
  name: string;
  /** X-WR-TIMEZONE. */
  timezone: string;
  /** UID domain (`<meeting.id>@<uidDomain>`); must never change once calendars subscribe. */
  uidDomain: string;
  method: 'PUBLISH' | 'REQUEST' | 'CANCEL';
  events: IcsEvent[];
  /**
   * iTIP single instance: only the occurrence with this original start (RECURRENCE-ID), as REQUEST (override)
   * or CANCEL. Applies to every event, which must all be recurring and contain it.
   */
  onlyRecurrenceId?: number;
  /** CANCEL of a whole meeting: STATUS:CANCELLED and SEQUENCE = icalSequence + 1 (§10.7). */
  cancelled?: boolean;
}

const { getVtimezoneComponent } = icalTimezones;

const PRODID = '//Convene//Web Meeting API v6//EN'; // the library prefixes the leading '-'
/** Zones written in the UTC form (`…Z`, no TZID, no VTIMEZONE): §10.4 names the first three, the rest are their tzdata links. */
const UTC_ZONES = new Set(['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT', 'Etc/UCT', 'UCT', 'Etc/Universal', 'Universal', 'Etc/Zulu', 'Zulu', 'Etc/GMT0', 'Etc/GMT+0', 'Etc/GMT-0', 'GMT0', 'GMT+0', 'GMT-0', 'Etc/Greenwich', 'Greenwich']);
const MINUTE = 60_000;
const DAY = 86_400_000;
/** Last year the VTIMEZONE definitions are checked against the runtime's tz database. */
const VTIMEZONE_CHECK_UNTIL_YEAR = 2037;

/**
 * Renders one VCALENDAR (§10.2–§10.7): masters ordered by (startTime, id), each followed by its overrides
 * sorted by RECURRENCE-ID; one VTIMEZONE per TZID used, sorted. Byte-stable for the same input.
 * @throws RangeError when `onlyRecurrenceId` is not an occurrence of every event.
 */
export function renderCalendar(opts: CalendarOptions): string {
  const events = [...opts.events].sort((a, b) => a.meeting.startTime - b.meeting.startTime || compareStrings(a.meeting.id, b.meeting.id));
  const earliest = new Map<string, number>();
  for (const { meeting } of events) {
    if (isUtcZone(meeting.timezone)) continue;
    const times = [meeting.startTime, ...meeting.occurrenceExceptions.map((e) => e.startTime ?? e.recurrenceId)];
    earliest.set(meeting.timezone, Math.min(earliest.get(meeting.timezone) ?? Infinity, ...times));
  }

  const cal = ical({
    prodId: PRODID,
    method: ICalCalendarMethod[opts.method],
    scale: 'GREGORIAN',
    // name: null keeps DTSTAMP in UTC (dependency-notes P8); the zone travels on each event instead.
    timezone: { name: null, generator: (zone) => vtimezone(zone, new Date(earliest.get(zone) ?? 0).getUTCFullYear()) },
  });
  for (const event of events) {
    for (const data of eventData(event, opts)) cal.createEvent(data);
  }
  return finish(cal.toString(), opts);
}

// ---------------------------------------------------------------------------------------------------------
// VEVENTs

/** What a master and its overrides share (§10.4: the override repeats the master's stamps and people). */
type EventBase = Omit<ICalEventData, 'start'>;

function eventData(event: IcsEvent, opts: CalendarOptions): ICalEventData[] {
  const m = event.meeting;
  const zone = isUtcZone(m.timezone) ? null : m.timezone;
  const common = (sequence: number): EventBase => ({
    id: `${m.id}@${opts.uidDomain}`,
    sequence,
    stamp: utc(m.updatedAt),
    created: utc(m.createdAt),
    lastModified: utc(m.updatedAt),
    timezone: zone,
    location: event.participantUrl || null,
    url: event.participantUrl || null,
    organizer: m.addedByUserEmail ? { name: paramText(m.addedByUserName) || m.addedByUserEmail, email: m.addedByUserEmail } : null,
    attendees: event.includeAttendees ? attendees(m) : [],
  });
  const plusDuration = (local: string): string => addMinutes(local, m.durationMin);

  if (opts.onlyRecurrenceId !== undefined) {
    const rid = opts.onlyRecurrenceId;
    const inst = rruleFor(m) !== null ? findInRuleSet(m, rid, Number.POSITIVE_INFINITY) : undefined;
    if (!inst) throw new RangeError(`Meeting ${m.id} has no occurrence ${new Date(rid).toISOString()}`);
    const originalLocal = originalLocalStart(m, rid);
    const e = m.occurrenceExceptions.find((x) => x.recurrenceId === rid);
    if (opts.method === 'CANCEL' || e?.isCancelled) {
      return [
        {
          ...common(m.icalSequence),
          recurrenceId: wallClock(originalLocal),
          start: wallClock(originalLocal),
          end: wallClock(plusDuration(originalLocal)),
          summary: text(m.topic),
          description: text(description(m.agenda, event)),
          status: ICalEventStatus.CANCELLED,
        },
      ];
    }
    return [override(m, event, e, inst.originalStart, inst.originalEnd, originalLocal, common(m.icalSequence))];
  }

  const whole = opts.cancelled === true;
  const master: ICalEventData = {
    ...common(whole ? m.icalSequence + 1 : m.icalSequence),
    start: wallClock(m.startLocal),
    end: wallClock(plusDuration(m.startLocal)),
    summary: text(m.topic),
    description: text(description(m.agenda, event)),
    // RFC 5546 §3.2.5: a CANCEL that only uninvites attendees must not carry STATUS.
    status: whole ? ICalEventStatus.CANCELLED : opts.method === 'CANCEL' ? null : ICalEventStatus.CONFIRMED,
  };
  const rule = rruleFor(m);
  if (!rule) return [master];

  const members = m.occurrenceExceptions
    .map((e) => ({ e, inst: findInRuleSet(m, e.recurrenceId, Number.POSITIVE_INFINITY) }))
    .filter((x): x is { e: OccurrenceException; inst: NonNullable<typeof x.inst> } => x.inst !== undefined)
    .sort((a, b) => a.e.recurrenceId - b.e.recurrenceId);
  const exdates = members
    .filter(({ e }) => e.isCancelled)
    .map(({ e }) => (zone ? `EXDATE;TZID=${zone}:${basicLocal(originalLocalStart(m, e.recurrenceId))}` : `EXDATE:${basicUtc(e.recurrenceId)}`));
  master.repeating = [`RRULE:${rule}`, ...exdates].join('\n');
  // A cancellation or an uninvite addresses the whole series through the master UID; overrides add nothing.
  if (opts.method === 'CANCEL' || whole) return [master];
  return [
    master,
    ...members
      .filter(({ e }) => !e.isCancelled)
      .map(({ e, inst }) => override(m, event, e, inst.originalStart, inst.originalEnd, originalLocalStart(m, e.recurrenceId), common(master.sequence!))),
  ];
}

function override(
  m: Meeting,
  event: IcsEvent,
  e: OccurrenceException | undefined,
  originalStart: number,
  originalEnd: number,
  originalLocal: string,
  common: EventBase,
): ICalEventData {
  const start = e?.startTime ?? originalStart;
  const end = e?.endTime ?? start + (originalEnd - originalStart);
  const zone = common.timezone ?? 'utc';
  return {
    ...common,
    recurrenceId: wallClock(originalLocal),
    // Effective times are instants; luxon renders them in the event's zone (dependency-notes P8).
    start: DateTime.fromMillis(start, { zone }),
    end: DateTime.fromMillis(end, { zone }),
    summary: text(e?.topic ?? m.topic),
    description: text(description(e?.agenda ?? m.agenda, event)),
    status: ICalEventStatus.CONFIRMED,
  };
}

function description(agenda: string, event: IcsEvent): string {
  const lines: string[] = [];
  if (agenda.trim() !== '') lines.push(agenda, '');
  lines.push(`Join: ${event.participantUrl}`, `Meeting ID: ${formatMeetingNumber(event.meeting.meetingNumber)}`);
  const d = event.dialIn;
  if (d) {
    const parts = [`Dial-in: ${d.displayNumbers.join(', ')}`];
    if (d.conferenceRoom) parts.push(`Conference room: ${d.conferenceRoom}`);
    if (d.pin) parts.push(`PIN: ${d.pin}`);
    lines.push(parts.join(' / '));
  }
  return lines.join('\n');
}

function attendees(m: Meeting): ICalAttendeeData[] {
  return m.invitedParticipants
    .filter((p) => p.email !== null && p.email.trim() !== '')
    .map((p) => ({
      email: p.email!.trim(),
      name: paramText(p.name) || p.email!.trim(),
      role: p.isModerator ? ICalAttendeeRole.CHAIR : ICalAttendeeRole.REQ,
      status: ICalAttendeeStatus.NEEDSACTION,
      rsvp: false,
    }));
}

/**
 * The original local start of an occurrence. It cannot simply be read back from `recurrenceId`: an
 * occurrence whose wall-clock time fell in a DST gap (02:30) has an instant that reads back as 03:30, and
 * RECURRENCE-ID/EXDATE must repeat the RRULE's own wall-clock time for clients to match it. Every §9.2
 * instance shares the series' time of day, so the candidate is the local date plus that time.
 */
function originalLocalStart(m: Meeting, recurrenceId: number): string {
  const readBack = utcToLocal(recurrenceId, m.timezone);
  const timeOfDay = m.startLocal.slice(10);
  for (const shift of [0, -1, 1]) {
    const date = DateTime.fromISO(readBack.slice(0, 10), { zone: 'utc' }).plus({ days: shift }).toISODate()!;
    const candidate = `${date}${timeOfDay}`;
    if (localToUtc(candidate, m.timezone) === recurrenceId) return candidate;
  }
  return readBack;
}

// ---------------------------------------------------------------------------------------------------------
// Values

/** Text for TEXT properties (§10.6): CR and control characters other than TAB and LF are dropped; the library escapes the rest. */
function text(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\r\n?/g, (m) => (m === '\r\n' ? '\n' : '')).replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
}

/** Text for a quoted parameter (CN): RFC 5545 forbids DQUOTE and control characters there, so `"` becomes `'` (§10.6). */
function paramText(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/"/g, "'").replace(/[\r\n]+/g, ' ').replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, '').trim();
}

function utc(ms: number): DateTime {
  return DateTime.fromMillis(ms, { zone: 'utc' });
}

function isUtcZone(zone: string): boolean {
  return UTC_ZONES.has(zone);
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function parseLocal(local: string): [number, number, number, number, number, number] {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!m) throw new RangeError(`Malformed local date-time: ${local}`);
  return [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
}

function addMinutes(local: string, minutes: number): string {
  const [y, mo, d, h, mi, s] = parseLocal(local);
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s) + minutes * MINUTE).toISOString().slice(0, 19);
}

function basicLocal(local: string): string {
  const [y, mo, d, h, mi, s] = parseLocal(local);
  return `${pad(y, 4)}${pad(mo)}${pad(d)}T${pad(h)}${pad(mi)}${pad(s)}`;
}

function basicUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
}

/**
 * A wall-clock date-time in the shape of the library's Temporal.PlainDateTime stub, which it writes field by
 * field. Luxon cannot carry a wall-clock time that does not exist (02:30 in a spring-forward gap), and
 * DTSTART/DTEND/RECURRENCE-ID must repeat the stored wall-clock time (§9.3), not a reinterpretation of it.
 * Instants (DTSTAMP, override times) are passed as luxon DateTimes instead.
 */
function wallClock(local: string): ICalTemporalPlainDateTimeStub {
  const [year, month, day, hour, minute, second] = parseLocal(local);
  const iso = `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}`;
  const date: ICalTemporalPlainDateStub = { year, month, day, toJSON: () => iso.slice(0, 10), toString: () => iso.slice(0, 10) };
  const plain: ICalTemporalPlainDateTimeStub = {
    year,
    month,
    day,
    hour,
    minute,
    second,
    toJSON: () => iso,
    toString: () => iso,
    toPlainDate: () => date,
    toZonedDateTime: (timeZoneId: string) => zoned(timeZoneId),
  };
  const zoned = (timeZoneId: string): ICalTemporalZonedDateTimeStub => ({
    year,
    month,
    day,
    hour,
    minute,
    second,
    timeZoneId,
    toJSON: () => iso,
    toString: () => iso,
    toPlainDateTime: () => plain,
    // The library only re-zones to the zone it was given, so the wall-clock fields never change.
    withTimeZone: (z: string) => zoned(z),
    toInstant: (): ICalTemporalInstantStub => {
      const epochMilliseconds = timeZoneId.toUpperCase() === 'UTC' ? Date.parse(`${iso}Z`) : localToUtc(iso, timeZoneId);
      return { epochMilliseconds, toJSON: () => new Date(epochMilliseconds).toISOString(), toString: () => new Date(epochMilliseconds).toISOString(), toZonedDateTimeISO: zoned };
    },
  });
  return plain;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------------------
// Calendar post-processing

function finish(body: string, opts: CalendarOptions): string {
  const header = [
    foldLines(`X-WR-CALNAME:${escapeText(text(opts.name), false)}`),
    `X-WR-TIMEZONE:${opts.timezone}`,
    'REFRESH-INTERVAL;VALUE=DURATION:PT15M',
    'X-PUBLISHED-TTL:PT15M',
  ].join('\r\n');
  const methodLine = `\r\nMETHOD:${opts.method}\r\n`;
  const at = body.indexOf(methodLine);
  if (at < 0) throw new Error('ical-generator output lacks METHOD');
  let out = `${body.slice(0, at + methodLine.length)}${header}\r\n${body.slice(at + methodLine.length)}`;

  const first = out.indexOf('BEGIN:VTIMEZONE\r\n');
  if (first >= 0) {
    const endMarker = 'END:VTIMEZONE\r\n';
    const last = out.lastIndexOf(endMarker) + endMarker.length;
    const blocks = out.slice(first, last).split(/(?<=END:VTIMEZONE\r\n)/);
    const tzid = (b: string): string => /\r\nTZID:([^\r\n]*)/.exec(b)?.[1] ?? '';
    blocks.sort((a, b) => compareStrings(tzid(a), tzid(b)));
    out = out.slice(0, first) + blocks.join('') + out.slice(last);
  }
  return out.endsWith('\r\n') ? out : `${out}\r\n`;
}

// ---------------------------------------------------------------------------------------------------------
// VTIMEZONE

const vtimezoneCache = new Map<string, string>();

/**
 * The VTIMEZONE for `zone`, valid for every instant from `fromYear` to 2037. The bundled definitions of
 * `@touch4it/ical-timezones` are tzdata 2018g, which predates many rule changes (Mexico, Brazil, Egypt,
 * Jordan, Iran, Fiji, …) and even has the Etc/GMT±N signs reversed; §10.5 requires agreement with our own
 * expansion, so each is checked against the runtime's tz database and, where it disagrees (or is missing),
 * replaced by one generated from that database.
 */
function vtimezone(zone: string, fromYear: number): string {
  const key = `${zone}\u0000${fromYear}`;
  let block = vtimezoneCache.get(key);
  if (block === undefined) {
    const bundled = bundledVtimezone(zone);
    const transitions = zoneTransitions(zone, Date.UTC(fromYear, 0, 1), Date.UTC(VTIMEZONE_CHECK_UNTIL_YEAR + 1, 0, 1));
    block = bundled && agrees(bundled, zone, fromYear, transitions) ? bundled : generatedVtimezone(zone, fromYear, transitions);
    vtimezoneCache.set(key, block);
  }
  return block;
}

function bundledVtimezone(zone: string): string | null {
  const raw = getVtimezoneComponent(zone);
  if (!raw) return null;
  return (
    raw
      .split(/\r?\n/)
      .filter((l) => l !== '' && !l.startsWith('TZURL:')) // §10.5 lists no TZURL, and clients should not fetch tzurl.org
      // Aliases (US/Eastern) come back under their target's TZID; DTSTART;TZID= must match it exactly.
      .map((l) => (l.startsWith('TZID:') ? `TZID:${zone}` : l.startsWith('X-LIC-LOCATION:') ? `X-LIC-LOCATION:${zone}` : l))
      .join('\r\n') + '\r\n'
  );
}

interface Transition {
  at: number;
  from: number;
  to: number;
}

/**
 * Offset changes of `zone` in [start, end), found by probing and bisecting to the minute. Since 1970 no two
 * changes of one zone are closer than six days, so a six-day probe cannot step over a there-and-back pair.
 */
function zoneTransitions(zone: string, start: number, end: number): Transition[] {
  const z = IANAZone.create(zone);
  const out: Transition[] = [];
  const step = 6 * DAY;
  let prevT = start;
  let prevO = z.offset(start);
  let t = Math.min(start + step, end);
  for (;;) {
    const o = z.offset(t);
    if (o !== prevO) {
      let lo = prevT / MINUTE;
      let hi = t / MINUTE;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (z.offset(mid * MINUTE) === prevO) lo = mid;
        else hi = mid;
      }
      const at = hi * MINUTE;
      const to = z.offset(at);
      out.push({ at, from: prevO, to });
      prevT = at;
      prevO = to;
      continue;
    }
    if (t >= end) break;
    prevT = t;
    t = Math.min(t + step, end);
  }
  return out;
}

const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** Day of month of the n-th (n > 0) or n-th-from-last (n < 0) weekday `wd` of month `m` (1-based), or 0 if none. */
function nthWeekday(y: number, m: number, wd: number, n: number): number {
  const dim = daysInMonth(y, m);
  if (n > 0) {
    const first = new Date(Date.UTC(y, m - 1, 1)).getUTCDay();
    const day = 1 + ((wd - first + 7) % 7) + (n - 1) * 7;
    return day <= dim ? day : 0;
  }
  const lastWd = new Date(Date.UTC(y, m - 1, dim)).getUTCDay();
  const day = dim - ((lastWd - wd + 7) % 7) + (n + 1) * 7;
  return day >= 1 ? day : 0;
}

function parseOffset(s: string | undefined): number | undefined {
  const m = /^([+-])(\d{2})(\d{2})(\d{2})?$/.exec(s ?? '');
  if (!m) return undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3]) + Number(m[4] ?? 0) / 60;
  return m[1] === '-' ? -minutes : minutes;
}

/**
 * Whether a bundled VTIMEZONE gives the runtime's offsets at every instant from `fromYear` to 2037. Only the
 * forms the bundle uses are understood (DTSTART plus an optional FREQ=YEARLY;BYMONTH;BYDAY rule); anything
 * else counts as disagreement, so the worst case is a generated definition, never a wrong one.
 */
function agrees(block: string, zone: string, fromYear: number, runtime: Transition[]): boolean {
  const onsets: Array<{ at: number; to: number }> = [];
  for (const [, body] of block.matchAll(/BEGIN:(?:STANDARD|DAYLIGHT)\r\n([\s\S]*?)END:(?:STANDARD|DAYLIGHT)\r\n/g)) {
    const props = new Map<string, string>();
    for (const line of body!.split('\r\n')) {
      if (line === '') continue;
      const i = line.indexOf(':');
      const name = line.slice(0, i);
      if (props.has(name) || !['TZOFFSETFROM', 'TZOFFSETTO', 'TZNAME', 'DTSTART', 'RRULE'].includes(name)) return false;
      props.set(name, line.slice(i + 1));
    }
    const from = parseOffset(props.get('TZOFFSETFROM'));
    const to = parseOffset(props.get('TZOFFSETTO'));
    const start = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})$/.exec(props.get('DTSTART') ?? '');
    if (from === undefined || to === undefined || !start) return false;
    const [y0, mo0, d0, h, mi, s] = start.slice(1).map(Number) as [number, number, number, number, number, number];
    const tod = ((h * 60 + mi) * 60 + s) * 1000;
    const first = Date.UTC(y0, mo0 - 1, d0) + tod - from * MINUTE;
    const rrule = props.get('RRULE');
    if (rrule === undefined) {
      onsets.push({ at: first, to });
      continue;
    }
    const r = /^FREQ=YEARLY;BYMONTH=(\d{1,2});BYDAY=(-?\d)(SU|MO|TU|WE|TH|FR|SA)$/.exec(rrule);
    if (!r) return false;
    const month = Number(r[1]);
    const n = Number(r[2]);
    const wd = WEEKDAYS.indexOf(r[3]!);
    for (let y = Math.max(y0, fromYear - 1); y <= VTIMEZONE_CHECK_UNTIL_YEAR; y++) {
      const day = nthWeekday(y, month, wd, n);
      const at = Date.UTC(y, month - 1, day) + tod - from * MINUTE;
      if (day && at >= first) onsets.push({ at, to });
    }
  }
  onsets.sort((a, b) => a.at - b.at);
  const bundledAt = (t: number): number | undefined => {
    let result: number | undefined;
    for (const o of onsets) {
      if (o.at > t) break;
      result = o.to;
    }
    return result;
  };
  const z = IANAZone.create(zone);
  const rangeStart = Date.UTC(fromYear, 0, 1);
  const rangeEnd = Date.UTC(VTIMEZONE_CHECK_UNTIL_YEAR + 1, 0, 1);
  // Both are step functions: equal at every step of either (and just before it) means equal everywhere.
  const probes = [rangeStart, ...runtime.map((x) => x.at), ...onsets.map((o) => o.at).filter((t) => t > rangeStart && t < rangeEnd)];
  return probes.every((t) => bundledAt(t) === z.offset(t) && (t === rangeStart || bundledAt(t - MINUTE) === z.offset(t - MINUTE)));
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}${pad(Math.round(abs % 60))}`;
}

/** Local time `YYYYMMDDTHHMMSS` of an onset, in the offset in force before it (RFC 5545 §3.6.5). */
function onsetLocal(at: number, from: number): string {
  return basicUtc(at + from * MINUTE).slice(0, 15);
}

const abbreviationFormats = new Map<string, Intl.DateTimeFormat>();

function zoneAbbreviation(zone: string, at: number): string {
  let format = abbreviationFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'short' });
    abbreviationFormats.set(zone, format);
  }
  const part = format.formatToParts(at).find((p) => p.type === 'timeZoneName');
  return part?.value ?? formatOffset(IANAZone.create(zone).offset(at));
}

/**
 * A VTIMEZONE built from the runtime's tz database. Onsets that repeat every year on the same n-th (or last)
 * weekday of a month at the same local time up to 2037 become one observance with a yearly RRULE (the
 * "current rules" of §10.5); any other onsets are listed with RDATE.
 */
function generatedVtimezone(zone: string, fromYear: number, transitions: Transition[]): string {
  const z = IANAZone.create(zone);
  const rangeStart = Date.UTC(fromYear, 0, 1);
  const lines = ['BEGIN:VTIMEZONE', `TZID:${zone}`, `X-LIC-LOCATION:${zone}`];
  const initial = z.offset(rangeStart);
  const observance = (kind: string, from: number, to: number, name: string, body: string[]): void => {
    lines.push(`BEGIN:${kind}`, `TZOFFSETFROM:${formatOffset(from)}`, `TZOFFSETTO:${formatOffset(to)}`, `TZNAME:${name}`, ...body, `END:${kind}`);
  };
  // Summer time is whatever exceeds the smaller of the January and July offsets of that year (southern
  // zones observe it in January).
  const isDaylight = (at: number, offset: number): boolean => {
    const y = new Date(at).getUTCFullYear();
    return offset > Math.min(z.offset(Date.UTC(y, 0, 1)), z.offset(Date.UTC(y, 6, 1)));
  };
  // The offset in force when the checked range begins, so clients need no history before it.
  observance(isDaylight(rangeStart, initial) ? 'DAYLIGHT' : 'STANDARD', initial, initial, zoneAbbreviation(zone, rangeStart), ['DTSTART:19700101T000000']);

  const groups = new Map<string, Transition[]>();
  for (const t of transitions) {
    const key = `${isDaylight(t.at, t.to) ? 'DAYLIGHT' : 'STANDARD'} ${t.from} ${t.to} ${zoneAbbreviation(zone, t.at)}`;
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  for (const [key, list] of groups) {
    const [kind, , , name] = key.split(' ') as [string, string, string, string];
    const { from, to } = list[0]!;
    const rule = yearlyRule(list);
    if (rule) observance(kind, from, to, name, [`DTSTART:${onsetLocal(list[0]!.at, from)}`, `RRULE:${rule}`]);
    // DTSTART is repeated as an RDATE: ical.js ignores the DTSTART onset of an observance that has RDATEs.
    else observance(kind, from, to, name, [`DTSTART:${onsetLocal(list[0]!.at, from)}`, ...list.map((t) => `RDATE:${onsetLocal(t.at, from)}`)]);
  }
  lines.push('END:VTIMEZONE');
  return lines.join('\r\n') + '\r\n';
}

/** `FREQ=YEARLY;BYMONTH=m;BYDAY=nWD` when the onsets are exactly that rule's instances up to 2037, else null. */
function yearlyRule(list: Transition[]): string | null {
  const locals = list.map((t) => new Date(t.at + t.from * MINUTE));
  const first = locals[0]!;
  const y0 = first.getUTCFullYear();
  const month = first.getUTCMonth() + 1;
  const tod = first.getTime() % DAY;
  const wd = first.getUTCDay();
  if (y0 + locals.length - 1 !== VTIMEZONE_CHECK_UNTIL_YEAR) return null;
  const day = first.getUTCDate();
  for (const n of [Math.ceil(day / 7), -1]) {
    if (n > 4) continue;
    const fits = locals.every((d, i) => d.getUTCFullYear() === y0 + i && d.getUTCMonth() + 1 === month && d.getTime() % DAY === tod && d.getUTCDate() === nthWeekday(y0 + i, month, wd, n));
    if (fits) return `FREQ=YEARLY;BYMONTH=${month};BYDAY=${n}${WEEKDAYS[wd]}`;
  }
  return null;
}
