/**
 * Recurrence expansion for webmeeting-v6 §9.
 *
 * The series is wall-clock time plus an IANA zone (§9.3): rule instances are generated in *floating* time
 * (a wall-clock time held in the UTC fields of an epoch-ms number) and only then converted to instants with
 * the zone's rules at each date. That is why a weekly 09:00 Europe/Zurich meeting stays at 09:00 local on
 * both sides of a DST change, and why nothing here depends on the process time zone.
 *
 * The rule set is the narrow one of §9.2 (one BYDAY or BYMONTHDAY derived from the start, COUNT or UNTIL),
 * so it is expanded arithmetically rather than through `rrule`: list calls expand hundreds of series, and
 * `index` needs the position counted from DTSTART, which arithmetic gives without walking every instance.
 * The RRULE text from {@link rruleFor} is what calendar clients expand; the tests check both agree with
 * the `rrule` package.
 */
import { IANAZone } from 'luxon';
import type { OccurrenceException, Recurrence } from './Meeting.js';

/** The fields of a meeting that define its occurrences; a `Meeting` satisfies it structurally. */
export interface Series {
  /** Local wall-clock start of the first occurrence, `YYYY-MM-DDTHH:mm:ss`. */
  startLocal: string;
  /** IANA zone the wall-clock times are in. */
  timezone: string;
  durationMin: number;
  isRecurring: boolean;
  recurring: Recurrence;
  occurrenceExceptions: OccurrenceException[];
  topic: string;
  agenda: string;
}

/** One occurrence of a series with its exception (if any) applied. */
export interface Occurrence {
  /** 0-based position in the rule set; cancellations and overrides do not renumber. */
  index: number;
  /** UTC instant of the ORIGINAL local start: the occurrence's identity (§9.3 item 6). */
  recurrenceId: number;
  /** Effective start and end (override applied), epoch ms. */
  startTime: number;
  endTime: number;
  /** Effective topic and agenda (override or series value). */
  topic: string;
  agenda: string;
  isCancelled: boolean;
  isModified: boolean;
}

const MINUTE = 60_000;
const DAY = 86_400_000;
/**
 * Slack between floating and real time when scanning a window: UTC offsets stay within ±14 h, and a DST
 * correction adds at most a few hours, so two days can never drop an occurrence that belongs in the window.
 */
const SCAN_MARGIN = 2 * DAY;
const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'] as const;
const LOCAL_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

// ---------------------------------------------------------------------------------------------------------
// Zones

/**
 * UTC offsets of one zone, learnt lazily one UTC year at a time. Asking Intl (through luxon) costs a few
 * microseconds per call and a conversion needs several, so the transitions of a year are found once
 * (probe every 2 days, then bisect to the minute) and every later lookup is a short array scan.
 */
class ZoneOffsets {
  private readonly zone: IANAZone;
  private readonly years = new Map<number, { at: number[]; offset: number[] }>();

  constructor(name: string) {
    this.zone = IANAZone.create(name);
  }

  /** Offset in minutes at instant `t`. */
  offsetAt(t: number): number {
    const year = new Date(t).getUTCFullYear();
    if (Number.isNaN(year)) throw new RangeError(`Instant out of range: ${t}`);
    let table = this.years.get(year);
    if (!table) {
      table = this.learnYear(year);
      this.years.set(year, table);
    }
    let result = table.offset[0]!;
    for (let i = 1; i < table.at.length && table.at[i]! <= t; i++) result = table.offset[i]!;
    return result;
  }

  private learnYear(year: number): { at: number[]; offset: number[] } {
    const start = Date.UTC(year, 0, 1);
    const end = Date.UTC(year + 1, 0, 1);
    const at = [start];
    const offset = [this.zone.offset(start)];
    // Two days is shorter than any pair of transitions since 1970 (the closest are a week apart), so no
    // there-and-back change can hide between two probes.
    const step = 2 * DAY;
    let prevT = start;
    let prevO = offset[0]!;
    let t = Math.min(start + step, end);
    for (;;) {
      const o = this.zone.offset(t);
      if (o !== prevO) {
        let lo = prevT / MINUTE;
        let hi = t / MINUTE;
        while (hi - lo > 1) {
          const mid = Math.floor((lo + hi) / 2);
          if (this.zone.offset(mid * MINUTE) === prevO) lo = mid;
          else hi = mid;
        }
        prevT = hi * MINUTE;
        prevO = this.zone.offset(prevT);
        at.push(prevT);
        offset.push(prevO);
        continue; // the same probe again: a second change inside one interval is found too
      }
      if (t >= end) break;
      prevT = t;
      t = Math.min(t + step, end);
    }
    return { at, offset };
  }
}

const zoneCache = new Map<string, ZoneOffsets>();

function zoneOffsets(zone: string): ZoneOffsets {
  let z = zoneCache.get(zone);
  if (!z) {
    if (!isValidTimeZone(zone)) throw new RangeError(`Unknown time zone: ${zone}`);
    z = new ZoneOffsets(zone);
    zoneCache.set(zone, z);
  }
  return z;
}

/**
 * Floating wall-clock ms to an instant (RFC 5545 §3.3.5): in a gap the offset before the gap applies, in an
 * overlap the first (earlier) instant wins. Luxon resolves overlaps to the later offset, which is why the
 * candidates are computed here instead of with `DateTime.fromObject`.
 */
function floatingToUtc(f: number, zone: ZoneOffsets): number {
  const before = zone.offsetAt(f - DAY);
  const after = zone.offsetAt(f + DAY);
  const t1 = f - before * MINUTE;
  if (before === after) return t1;
  const t2 = f - after * MINUTE;
  const ok1 = zone.offsetAt(t1) === before;
  const ok2 = zone.offsetAt(t2) === after;
  if (ok1 && ok2) return Math.min(t1, t2);
  if (ok2) return t2;
  return t1; // valid, or a gap: both resolve with the offset before the transition
}

function utcToFloating(t: number, zone: ZoneOffsets): number {
  return t + zone.offsetAt(t) * MINUTE;
}

function parseLocal(local: string): number {
  const m = LOCAL_RE.exec(local);
  if (!m) throw new RangeError(`Malformed local date-time: ${local}`);
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  const f = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(f);
  // Date.UTC silently rolls 31 April over to 1 May; a stored series must never be reinterpreted that way.
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    throw new RangeError(`Invalid local date-time: ${local}`);
  }
  return f;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function formatFloating(f: number): string {
  const d = new Date(f);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

function formatUtcBasic(t: number): string {
  const d = new Date(t);
  return `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;
}

/**
 * Whether `zone` is an IANA zone this runtime can convert with: anything Intl accepts, which includes UTC,
 * `Etc/*` and the backward-compatible links (`Asia/Kolkata`, `US/Eastern`). Offset strings are refused even
 * where a newer runtime accepts them, because they are not IANA names and carry no DST rules.
 */
export function isValidTimeZone(zone: string): boolean {
  if (typeof zone !== 'string' || zone.length === 0 || zone.length > 64 || /^[+-]|\s/.test(zone)) return false;
  return IANAZone.isValidZone(zone);
}

/**
 * Instant of a local wall-clock time `YYYY-MM-DDTHH:mm[:ss]` in `zone`, resolving DST gaps with the offset
 * before the gap and overlaps to the first occurrence (RFC 5545 §3.3.5), e.g. 02:30 on 2024-03-31 in
 * Europe/Zurich is 01:30Z and 02:30 on 2024-10-27 is 00:30Z.
 * @throws RangeError for a malformed time or an unknown zone.
 */
export function localToUtc(local: string, zone: string): number {
  return floatingToUtc(parseLocal(local), zoneOffsets(zone));
}

/** Local wall-clock time of an instant in `zone`, as `YYYY-MM-DDTHH:mm:ss` (milliseconds dropped). */
export function utcToLocal(ms: number, zone: string): string {
  return formatFloating(utcToFloating(ms, zoneOffsets(zone)));
}

// ---------------------------------------------------------------------------------------------------------
// Rules

type Freq = 'once' | 'daily' | 'weekly' | 'monthlyDay' | 'monthlyNth' | 'yearly';

interface CompiledRule {
  freq: Freq;
  /** Floating start of instance 0 (DTSTART). */
  f0: number;
  /** Local time of day shared by every instance, ms since midnight. */
  tod: number;
  y0: number;
  /** 0-based month. */
  m0: number;
  d0: number;
  /** Local weekday of DTSTART, 0 = Sunday. */
  wd: number;
  /** 1..4, or -1 for "last" (§9.2). */
  nth: number;
  interval: number;
  /** Instances in the rule set (COUNT); Infinity without one. */
  count: number;
  /** Last allowed floating start (UNTIL, 23:59:59 local on the local date of endsOn); Infinity without one. */
  untilF: number;
  /** `endsType: never`: callers must bound every scan. */
  never: boolean;
  durationMs: number;
  zone: ZoneOffsets;
}

function recurs(series: Series): boolean {
  return series.isRecurring && series.recurring.frequencyType !== '';
}

function compile(series: Series): CompiledRule {
  const f0 = parseLocal(series.startLocal);
  const zone = zoneOffsets(series.timezone);
  const start = new Date(f0);
  const y0 = start.getUTCFullYear();
  const m0 = start.getUTCMonth();
  const d0 = start.getUTCDate();
  const r = series.recurring;
  let freq: Freq = 'once';
  if (recurs(series)) {
    if (r.frequencyType === 'daily') freq = 'daily';
    else if (r.frequencyType === 'weekly') freq = 'weekly';
    else if (r.frequencyType === 'yearly') freq = 'yearly';
    else freq = r.monthlyPattern === 'dayOfWeek' ? 'monthlyNth' : 'monthlyDay';
  }
  const k = Math.ceil(d0 / 7);
  let count = Infinity;
  let untilF = Infinity;
  // An empty endsType on a recurring series is a broken record; treating it as `never` keeps it bounded
  // by the caller's horizon instead of inventing an end.
  const never = freq !== 'once' && (r.endsType === 'never' || r.endsType === '');
  if (freq === 'once') count = 1;
  else if (r.endsType === 'after') count = Math.max(1, Math.floor(r.endsAfter));
  else if (r.endsType === 'on') {
    const endDate = new Date(utcToFloating(r.endsOn, zone));
    untilF = Date.UTC(endDate.getUTCFullYear(), endDate.getUTCMonth(), endDate.getUTCDate(), 23, 59, 59);
  }
  return {
    freq,
    f0,
    tod: f0 - Date.UTC(y0, m0, d0),
    y0,
    m0,
    d0,
    wd: start.getUTCDay(),
    nth: k >= 5 ? -1 : k,
    interval: Math.max(1, Math.floor(r.frequency ?? 1) || 1),
    count,
    untilF,
    never,
    durationMs: series.durationMin * MINUTE,
    zone,
  };
}

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
}

/** Day of month of the nth (1..4) or last (-1) weekday `wd` of a month. */
function nthWeekday(y: number, m: number, wd: number, nth: number): number {
  if (nth > 0) {
    const first = new Date(Date.UTC(y, m, 1)).getUTCDay();
    return 1 + ((wd - first + 7) % 7) + (nth - 1) * 7;
  }
  const last = daysInMonth(y, m);
  const lastWd = new Date(Date.UTC(y, m, last)).getUTCDay();
  return last - ((lastWd - wd + 7) % 7);
}

/**
 * Calls `visit(index, floatingStart)` for the rule instances with floating start in [lowF, highF], in order.
 * Instances before `lowF` are skipped arithmetically where the rule allows it (daily, weekly), and counted
 * otherwise so that `index` stays the position in the whole rule set. `visit` returns false to stop.
 */
function forEachInstance(rule: CompiledRule, lowF: number, highF: number, visit: (index: number, f: number) => boolean | void): void {
  if (rule.never && !Number.isFinite(highF)) throw new RangeError('An endless series needs a finite scan bound');
  const { f0, count, untilF, interval } = rule;
  const inRange = (index: number, f: number): 'stop' | 'skip' | 'take' => {
    if (index >= count) return 'stop';
    // DTSTART always counts as the first instance (RFC 5545 §3.8.5.3), even against an odd UNTIL.
    if (index > 0 && f > untilF) return 'stop';
    if (f > highF) return 'stop';
    return f >= lowF ? 'take' : 'skip';
  };
  switch (rule.freq) {
    case 'once':
    case 'daily':
    case 'weekly': {
      const step = (rule.freq === 'weekly' ? 7 : 1) * interval * DAY;
      const first = lowF > f0 ? Math.ceil((lowF - f0) / step) : 0;
      for (let k = first; ; k++) {
        const f = f0 + k * step;
        const s = inRange(k, f);
        if (s === 'stop') return;
        if (s === 'take' && visit(k, f) === false) return;
      }
    }
    case 'monthlyDay':
    case 'monthlyNth': {
      let index = 0;
      for (let j = 0; ; j++) {
        const months = rule.m0 + j * interval;
        const y = rule.y0 + Math.floor(months / 12);
        const m = months % 12;
        const monthStart = Date.UTC(y, m, 1);
        if (monthStart > highF || (index > 0 && monthStart > untilF) || index >= count) return;
        let day: number;
        if (rule.freq === 'monthlyNth') day = nthWeekday(y, m, rule.wd, rule.nth);
        else if (rule.d0 <= daysInMonth(y, m)) day = rule.d0;
        else continue; // RFC 5545: an invalid date such as 31 April is no instance and is not counted
        const f = monthStart + (day - 1) * DAY + rule.tod;
        const s = inRange(index, f);
        if (s === 'stop') return;
        if (s === 'take' && visit(index, f) === false) return;
        index++;
      }
    }
    case 'yearly': {
      let index = 0;
      for (let j = 0; ; j++) {
        const y = rule.y0 + j * interval;
        const yearStart = Date.UTC(y, 0, 1);
        if (yearStart > highF || (index > 0 && yearStart > untilF) || index >= count) return;
        if (rule.d0 > daysInMonth(y, rule.m0)) continue; // 29 February outside leap years
        const f = Date.UTC(y, rule.m0, rule.d0) + rule.tod;
        const s = inRange(index, f);
        if (s === 'stop') return;
        if (s === 'take' && visit(index, f) === false) return;
        index++;
      }
    }
  }
}

interface RuleInstance {
  index: number;
  floating: number;
  originalStart: number;
  originalEnd: number;
}

function instanceAt(rule: CompiledRule, index: number, f: number): RuleInstance {
  return {
    index,
    floating: f,
    originalStart: floatingToUtc(f, rule.zone),
    // §9.3: the end is the local start plus the length, converted like the start (not start + length in UTC).
    originalEnd: floatingToUtc(f + rule.durationMs, rule.zone),
  };
}

function locate(rule: CompiledRule, recurrenceId: number, horizonEnd: number): RuleInstance | undefined {
  if (!Number.isFinite(recurrenceId) || recurrenceId > horizonEnd) return undefined;
  // In a gap the original wall-clock time is not what the instant reads back as, so look around it.
  const f = utcToFloating(recurrenceId, rule.zone);
  let found: RuleInstance | undefined;
  forEachInstance(rule, f - SCAN_MARGIN, f + SCAN_MARGIN, (index, g) => {
    const inst = instanceAt(rule, index, g);
    if (inst.originalStart !== recurrenceId) return true;
    found = inst;
    return false;
  });
  return found;
}

function exceptionsById(series: Series): Map<number, OccurrenceException> {
  const map = new Map<number, OccurrenceException>();
  if (recurs(series)) for (const e of series.occurrenceExceptions) map.set(e.recurrenceId, e);
  return map;
}

function effective(series: Series, inst: RuleInstance, e: OccurrenceException | undefined): Occurrence {
  if (!e) {
    return {
      index: inst.index,
      recurrenceId: inst.originalStart,
      startTime: inst.originalStart,
      endTime: inst.originalEnd,
      topic: series.topic,
      agenda: series.agenda,
      isCancelled: false,
      isModified: false,
    };
  }
  if (e.isCancelled) {
    return {
      index: inst.index,
      recurrenceId: inst.originalStart,
      startTime: inst.originalStart,
      endTime: inst.originalEnd,
      topic: series.topic,
      agenda: series.agenda,
      isCancelled: true,
      isModified: false,
    };
  }
  const startTime = e.startTime ?? inst.originalStart;
  // An override that moved only the start keeps the occurrence's length.
  const endTime = e.endTime ?? startTime + (inst.originalEnd - inst.originalStart);
  return {
    index: inst.index,
    recurrenceId: inst.originalStart,
    startTime,
    endTime,
    topic: e.topic ?? series.topic,
    agenda: e.agenda ?? series.agenda,
    isCancelled: false,
    isModified: true,
  };
}

/**
 * The RRULE value (without `RRULE:`) for a series, per the §9.2 tables, e.g.
 * `FREQ=WEEKLY;INTERVAL=1;BYDAY=MO;COUNT=10`; null for a non-recurring series. UNTIL is the instant of
 * 23:59:59 local on the local date of `endsOn`, in UTC, because RFC 5545 requires UTC when DTSTART has a TZID.
 */
export function rruleFor(series: Series): string | null {
  if (!recurs(series)) return null;
  const rule = compile(series);
  const wd = WEEKDAYS[rule.wd]!;
  const parts = [`INTERVAL=${rule.interval}`];
  switch (rule.freq) {
    case 'daily':
      parts.unshift('FREQ=DAILY');
      break;
    case 'weekly':
      parts.unshift('FREQ=WEEKLY');
      parts.push(`BYDAY=${wd}`);
      break;
    case 'monthlyDay':
      parts.unshift('FREQ=MONTHLY');
      parts.push(`BYMONTHDAY=${rule.d0}`);
      break;
    case 'monthlyNth':
      parts.unshift('FREQ=MONTHLY');
      parts.push(`BYDAY=${rule.nth}${wd}`);
      break;
    default:
      parts.unshift('FREQ=YEARLY');
  }
  if (rule.count !== Infinity) parts.push(`COUNT=${rule.count}`);
  if (rule.untilF !== Infinity) parts.push(`UNTIL=${formatUtcBasic(floatingToUtc(rule.untilF, rule.zone))}`);
  return parts.join(';');
}

/**
 * Effective occurrences overlapping [from, to) (effective start < to and effective end > from), sorted by
 * effective start, at most `limit` of them. Cancelled occurrences appear only with `includeCancelled`.
 * A `never` series is clamped at `horizonEnd`: nothing starts after it. A non-recurring series is one
 * occurrence with index 0. COUNT includes cancelled occurrences (RFC 5545: EXDATE applies after COUNT).
 */
export function expand(
  series: Series,
  opts: { from?: number; to?: number; limit?: number; includeCancelled?: boolean; horizonEnd: number },
): Occurrence[] {
  const from = opts.from ?? -Infinity;
  const to = opts.to ?? Infinity;
  const limit = opts.limit ?? Infinity;
  if (!(limit > 0) || !(to > from)) return [];
  const rule = compile(series);
  const horizon = rule.never ? opts.horizonEnd : Infinity;
  const exceptions = exceptionsById(series);
  const out: Occurrence[] = [];
  const overlaps = (o: Occurrence): boolean => o.startTime < to && o.endTime > from && o.startTime <= horizon;

  forEachInstance(rule, from - rule.durationMs - SCAN_MARGIN, Math.min(to, horizon) + SCAN_MARGIN, (index, f) => {
    const inst = instanceAt(rule, index, f);
    const e = exceptions.get(inst.originalStart);
    if (e && !e.isCancelled) return; // overrides can move anywhere; they are placed below
    if (e && !opts.includeCancelled) return;
    const o = effective(series, inst, e);
    if (overlaps(o)) out.push(o);
  });
  for (const e of exceptions.values()) {
    if (e.isCancelled) continue;
    const inst = locate(rule, e.recurrenceId, horizon);
    if (!inst) continue; // orphaned by an end-rule change: not part of the series any more
    const o = effective(series, inst, e);
    if (overlaps(o)) out.push(o);
  }
  out.sort((a, b) => a.startTime - b.startTime || a.index - b.index);
  return out.length > limit ? out.slice(0, limit) : out;
}

/**
 * The rule-set instance whose original start is `recurrenceId`, or undefined when there is none (or, for a
 * `never` series, when it lies after `horizonEnd`). Exceptions are not applied: this is the identity check
 * behind E35–E37.
 */
export function findInRuleSet(
  series: Series,
  recurrenceId: number,
  horizonEnd: number,
): { index: number; originalStart: number; originalEnd: number } | undefined {
  const rule = compile(series);
  const inst = locate(rule, recurrenceId, rule.never ? horizonEnd : Infinity);
  return inst && { index: inst.index, originalStart: inst.originalStart, originalEnd: inst.originalEnd };
}

/**
 * End of the last effective occurrence (cancellations and overrides applied); null for `endsType: never`.
 * If every occurrence is cancelled, the end of the last rule instance is returned, so the series still
 * ages out of the feeds and lists like one that ran.
 */
export function seriesEnd(series: Series): number | null {
  const rule = compile(series);
  if (rule.never) return null;
  const exceptions = exceptionsById(series);
  // Only the tail matters: at most one instance per exception can be skipped before an unexcepted one.
  const keep = exceptions.size + 1;
  let floats: Array<[number, number]> = [];
  forEachInstance(rule, -Infinity, Infinity, (index, f) => {
    floats.push([index, f]);
    if (floats.length > 2 * keep + 64) floats = floats.slice(-keep);
  });
  if (floats.length > keep) floats = floats.slice(-keep);
  let end = -Infinity;
  let lastOriginalEnd = -Infinity;
  for (let i = floats.length - 1; i >= 0; i--) {
    const inst = instanceAt(rule, floats[i]![0], floats[i]![1]);
    if (lastOriginalEnd === -Infinity) lastOriginalEnd = inst.originalEnd;
    if (!exceptions.has(inst.originalStart)) {
      end = inst.originalEnd;
      break;
    }
  }
  for (const e of exceptions.values()) {
    if (e.isCancelled) continue;
    const inst = locate(rule, e.recurrenceId, Infinity);
    if (inst) end = Math.max(end, effective(series, inst, e).endTime);
  }
  return end === -Infinity ? lastOriginalEnd : end;
}

/** The DTSTART occurrence (rule instance 0) from `startLocal`, `timezone` and `durationMin`; exceptions are not applied. */
export function firstOccurrence(series: Series): { startTime: number; endTime: number } {
  const rule = compile(series);
  const inst = instanceAt(rule, 0, rule.f0);
  return { startTime: inst.originalStart, endTime: inst.originalEnd };
}

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?Z$/;
const BASIC_RE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/**
 * Parses an occurrence id from a path: `2024-04-15T07:00:00.000Z` (the API's rendering) or
 * `20240415T070000Z` (the iCalendar form). Anything else, including impossible dates, gives undefined.
 */
export function parseRecurrenceId(s: string): number | undefined {
  const m = ISO_RE.exec(s) ?? BASIC_RE.exec(s);
  if (!m) return undefined;
  const [y, mo, d, h, mi, sec] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = m[7] ? Number(m[7].padEnd(3, '0')) : 0;
  const t = Date.UTC(y, mo - 1, d, h, mi, sec, ms);
  const check = new Date(t);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || sec > 59) {
    return undefined;
  }
  return t;
}
