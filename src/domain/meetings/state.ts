/**
 * The computed state flags of a meeting (webmeeting-v6 §8.7): occurrence windows, `isClosed`, `isOpen`,
 * `isActive`. The rules reproduce the seed: a meeting created after its only window ended shows
 * `isClosed: true, isActive: false, isOpen: false, dtClosedAt: null`.
 */
import { isExpired, type Account } from '../accounts/Account.js';
import type { DomainSettings } from '../deps.js';
import type { Meeting } from './Meeting.js';
import { expand, type Occurrence, type Series } from './recurrence.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
/**
 * How far back the current-or-last window is looked for, widening step by step: 35 days covers daily, weekly
 * and monthly series, 400 days yearly ones; only sparser series (or long runs of cancellations) fall back to
 * a scan from the first occurrence.
 */
const LOOKBACKS_MS = [35 * DAY, 400 * DAY];

/** The settings the state rules read. */
export type StateSettings = Pick<DomainSettings, 'earlyJoinMin' | 'autoExtendMin' | 'closeGraceMin' | 'horizonDays'>;

/** An effective occurrence with its window `[start − early join, end + extension]`. */
export interface OccurrenceWindow {
  occurrence: Occurrence;
  start: number;
  end: number;
}

/** The three computed flags. */
export interface MeetingState {
  isClosed: boolean;
  isOpen: boolean;
  isActive: boolean;
}

/** What happens after an occurrence's end: the auto-extension cap or the close grace, in ms. */
export function extensionMs(settings: StateSettings, account: Pick<Account, 'autoExtendMeetings'>): number {
  return (account.autoExtendMeetings ? settings.autoExtendMin : settings.closeGraceMin) * MINUTE;
}

/** The clamp for `endsType: never` series when expanding around `t`. */
export function horizonEndAt(settings: Pick<DomainSettings, 'horizonDays'>, t: number): number {
  return t + settings.horizonDays * DAY;
}

/** The series view of a meeting for recurrence.ts. */
export function seriesOf(m: Meeting): Series {
  return {
    startLocal: m.startLocal,
    timezone: m.timezone,
    durationMin: m.durationMin,
    isRecurring: m.isRecurring,
    recurring: m.recurring,
    occurrenceExceptions: m.occurrenceExceptions,
    topic: m.topic,
    agenda: m.agenda,
  };
}

/** The window of one occurrence. */
export function windowOf(o: Occurrence, settings: StateSettings, account: Pick<Account, 'autoExtendMeetings'>): OccurrenceWindow {
  return { occurrence: o, start: o.startTime - settings.earlyJoinMin * MINUTE, end: o.endTime + extensionMs(settings, account) };
}

/** The window of the latest effective occurrence whose window has started at `t`, if any. */
export function currentOrLastWindow(meeting: Meeting, account: Pick<Account, 'autoExtendMeetings'>, settings: StateSettings, t: number): OccurrenceWindow | undefined {
  const series = seriesOf(meeting);
  // `to` is exclusive on the effective start: start < t + early + 1 ms ⇔ window start ≤ t.
  const to = t + settings.earlyJoinMin * MINUTE + 1;
  let occ: Occurrence[] = [];
  for (const back of LOOKBACKS_MS) {
    occ = expand(series, { from: t - back, to, horizonEnd: to });
    if (occ.length > 0 || meeting.startTime >= t - back) break;
  }
  if (occ.length === 0 && meeting.startTime < t - LOOKBACKS_MS[LOOKBACKS_MS.length - 1]!) occ = expand(series, { to, horizonEnd: to });
  return latest(occ.map((o) => windowOf(o, settings, account)));
}

/** The window that contains `t` (the latest-starting one when windows overlap), if any. */
export function windowAt(meeting: Meeting, account: Pick<Account, 'autoExtendMeetings'>, settings: StateSettings, t: number): OccurrenceWindow | undefined {
  // start − early ≤ t ≤ end + extension ⇔ the occurrence overlaps [t − extension, t + early].
  const to = t + settings.earlyJoinMin * MINUTE + 1;
  const occ = expand(seriesOf(meeting), { from: t - extensionMs(settings, account) - 1, to, horizonEnd: to });
  return latest(occ.map((o) => windowOf(o, settings, account)).filter((w) => w.start <= t && t <= w.end));
}

function latest(ws: OccurrenceWindow[]): OccurrenceWindow | undefined {
  return ws.reduce<OccurrenceWindow | undefined>((best, w) => (best === undefined || w.start >= best.start ? w : best), undefined);
}

/** Series end plus the extension; +∞ for `endsType: never`. */
export function seriesEndWithExtension(meeting: Pick<Meeting, 'seriesEnd'>, settings: StateSettings, account: Pick<Account, 'autoExtendMeetings'>): number {
  return meeting.seriesEnd === null ? Infinity : meeting.seriesEnd + extensionMs(settings, account);
}

/**
 * §8.7:
 * - isClosed: a recorded close at or after the start of the current-or-last window, or now past the series
 *   end plus extension;
 * - isOpen: not closed, account not expired, and now inside some window;
 * - isActive: not deleted, not closed, and now not past the series end plus extension.
 */
export function meetingState(meeting: Meeting, account: Account, settings: StateSettings, now: number): MeetingState {
  const endExt = seriesEndWithExtension(meeting, settings, account);
  let closedByClose = false;
  if (meeting.dtClosedAt !== null) {
    const last = currentOrLastWindow(meeting, account, settings, now);
    closedByClose = last !== undefined && meeting.dtClosedAt >= last.start;
  }
  const isClosed = closedByClose || now > endExt;
  const isOpen = !isClosed && !isExpired(account, now) && windowAt(meeting, account, settings, now) !== undefined;
  const isActive = meeting.deletedAt === null && !isClosed && now <= endExt;
  return { isClosed, isOpen, isActive };
}
