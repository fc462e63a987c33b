import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import rrulePkg from 'rrule';
import { DateTime } from 'luxon';
import type { OccurrenceException, Recurrence } from './Meeting.js';
import {
  expand,
  findInRuleSet,
  firstOccurrence,
  isValidTimeZone,
  localToUtc,
  parseRecurrenceId,
  rruleFor,
  seriesEnd,
  utcToLocal,
  type Occurrence,
  type Series,
} from './recurrence.js';

const { rrulestr } = rrulePkg;

const Z = 'Europe/Zurich';
const t = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString();
const NO_HORIZON = Number.POSITIVE_INFINITY;

function recurrence(partial: Partial<Recurrence>): Recurrence {
  return { frequencyType: 'weekly', frequency: 1, monthlyPattern: '', endsType: 'never', endsOn: 0, endsAfter: 0, ...partial };
}

function series(partial: Omit<Partial<Series>, 'recurring'> & { recurring?: Partial<Recurrence> } = {}): Series {
  const { recurring, ...rest } = partial;
  return {
    startLocal: '2024-03-25T09:00:00',
    timezone: Z,
    durationMin: 60,
    isRecurring: true,
    occurrenceExceptions: [],
    topic: 'Weekly sync',
    agenda: '',
    ...rest,
    recurring: recurrence(recurring ?? {}),
  };
}

function cancel(recurrenceId: string): OccurrenceException {
  return { recurrenceId: t(recurrenceId), isCancelled: true, startTime: null, endTime: null, topic: null, agenda: null };
}

function override(recurrenceId: string, start: string, end: string, topic: string | null = null): OccurrenceException {
  return { recurrenceId: t(recurrenceId), isCancelled: false, startTime: t(start), endTime: t(end), topic, agenda: null };
}

const starts = (os: Occurrence[]): string[] => os.map((o) => iso(o.startTime));
const localStarts = (os: Occurrence[], zone = Z): string[] => os.map((o) => utcToLocal(o.startTime, zone));

/** The §9.5 / §10.8 fixture: weekly Monday 09:00 Zurich from 2024-03-25, 10 times, 8 April cancelled, 15 April moved. */
const fixture = series({
  recurring: { endsType: 'after', endsAfter: 10 },
  occurrenceExceptions: [
    cancel('2024-04-08T07:00:00.000Z'),
    override('2024-04-15T07:00:00.000Z', '2024-04-15T08:00:00.000Z', '2024-04-15T09:00:00.000Z', 'Weekly sync (moved)'),
  ],
});

describe('localToUtc', () => {
  it('resolves a local time in the spring-forward gap with the offset before the gap', () => {
    expect(iso(localToUtc('2024-03-31T02:30:00', Z))).toBe('2024-03-31T01:30:00.000Z');
  });

  it('resolves a local time in the fall-back overlap to its first occurrence', () => {
    expect(iso(localToUtc('2024-10-27T02:30:00', Z))).toBe('2024-10-27T00:30:00.000Z');
    expect(iso(localToUtc('2024-11-03T01:30:00', 'America/New_York'))).toBe('2024-11-03T05:30:00.000Z');
  });

  it('agrees with luxon away from transitions, in zones east, west and off the hour', () => {
    for (const zone of ['Europe/Zurich', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham', 'UTC', 'Etc/GMT-14']) {
      for (const local of ['2024-01-15T09:00:00', '2024-07-15T17:45:30', '2031-12-31T23:59:59']) {
        const expected = DateTime.fromISO(local, { zone }).toMillis();
        expect(localToUtc(local, zone), `${local} ${zone}`).toBe(expected);
      }
    }
  });

  it('rejects malformed and impossible local times and unknown zones', () => {
    expect(() => localToUtc('2024-04-31T09:00:00', Z)).toThrow(RangeError);
    expect(() => localToUtc('2024-04-01 09:00', Z)).toThrow(RangeError);
    expect(() => localToUtc('2024-04-01T09:00:00', 'Mars/Olympus')).toThrow(RangeError);
  });
});

describe('utcToLocal', () => {
  it('renders both instants of an overlap with the same wall-clock time', () => {
    expect(utcToLocal(t('2024-10-27T00:30:00Z'), Z)).toBe('2024-10-27T02:30:00');
    expect(utcToLocal(t('2024-10-27T01:30:00Z'), Z)).toBe('2024-10-27T02:30:00');
  });

  it('round-trips with localToUtc outside gaps', () => {
    expect(utcToLocal(localToUtc('2024-03-25T09:00:00', Z), Z)).toBe('2024-03-25T09:00:00');
  });
});

describe('isValidTimeZone', () => {
  it('accepts IANA zones, their backward links, UTC and Etc zones', () => {
    for (const zone of ['Europe/Zurich', 'Asia/Kolkata', 'Asia/Calcutta', 'US/Eastern', 'UTC', 'Etc/UTC', 'Etc/GMT', 'Etc/GMT+5']) {
      expect(isValidTimeZone(zone), zone).toBe(true);
    }
  });

  it('rejects unknown names, offsets and empty strings', () => {
    for (const zone of ['', 'Mars/Olympus', '+01:00', 'Europe/Zurich ', 'Z']) expect(isValidTimeZone(zone), zone).toBe(false);
  });
});

describe('rruleFor', () => {
  it('maps each frequency type and end type as §9.2 says', () => {
    expect(rruleFor(series({ recurring: { endsType: 'after', endsAfter: 10 } }))).toBe('FREQ=WEEKLY;INTERVAL=1;BYDAY=MO;COUNT=10');
    expect(rruleFor(series({ recurring: { frequencyType: 'daily', frequency: 3 } }))).toBe('FREQ=DAILY;INTERVAL=3');
    expect(rruleFor(series({ startLocal: '2024-01-31T09:00:00', recurring: { frequencyType: 'monthly', monthlyPattern: 'dayOfMonth' } }))).toBe(
      'FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=31',
    );
    expect(rruleFor(series({ startLocal: '2024-03-12T09:00:00', recurring: { frequencyType: 'monthly', frequency: 2, monthlyPattern: 'dayOfWeek' } }))).toBe(
      'FREQ=MONTHLY;INTERVAL=2;BYDAY=2TU',
    );
    expect(rruleFor(series({ startLocal: '2024-02-29T09:00:00', recurring: { frequencyType: 'yearly' } }))).toBe('FREQ=YEARLY;INTERVAL=1');
  });

  it('defaults a monthly pattern to dayOfMonth and a missing interval to 1', () => {
    expect(rruleFor(series({ startLocal: '2024-01-15T09:00:00', recurring: { frequencyType: 'monthly', frequency: null } }))).toBe(
      'FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=15',
    );
  });

  it('turns a fifth weekday into "last" (k = 5 → -1)', () => {
    expect(rruleFor(series({ startLocal: '2024-03-29T09:00:00', recurring: { frequencyType: 'monthly', monthlyPattern: 'dayOfWeek' } }))).toBe(
      'FREQ=MONTHLY;INTERVAL=1;BYDAY=-1FR',
    );
  });

  it('writes UNTIL as 23:59:59 local on the local date of endsOn, in UTC', () => {
    // 00:30 on 15 April in Zurich is still 14 April in UTC: the local date must win.
    const s = series({ recurring: { endsType: 'on', endsOn: t('2024-04-14T22:30:00Z') } });
    expect(rruleFor(s)).toBe('FREQ=WEEKLY;INTERVAL=1;BYDAY=MO;UNTIL=20240415T215959Z');
  });

  it('returns null for a non-recurring meeting', () => {
    expect(rruleFor(series({ isRecurring: false, recurring: { frequencyType: '', frequency: null, endsType: '' } }))).toBeNull();
  });
});

describe('expand', () => {
  it('reproduces the §9.5 example: 25 March at 08:00Z, then Mondays at 07:00Z, 8 April missing, 15 April moved and retitled', () => {
    const os = expand(fixture, { from: t('2024-03-25T00:00:00Z'), to: t('2024-04-16T00:00:00Z'), horizonEnd: NO_HORIZON });
    expect(os).toEqual([
      { index: 0, recurrenceId: t('2024-03-25T08:00:00Z'), startTime: t('2024-03-25T08:00:00Z'), endTime: t('2024-03-25T09:00:00Z'), topic: 'Weekly sync', agenda: '', isCancelled: false, isModified: false },
      { index: 1, recurrenceId: t('2024-04-01T07:00:00Z'), startTime: t('2024-04-01T07:00:00Z'), endTime: t('2024-04-01T08:00:00Z'), topic: 'Weekly sync', agenda: '', isCancelled: false, isModified: false },
      { index: 3, recurrenceId: t('2024-04-15T07:00:00Z'), startTime: t('2024-04-15T08:00:00Z'), endTime: t('2024-04-15T09:00:00Z'), topic: 'Weekly sync (moved)', agenda: '', isCancelled: false, isModified: true },
    ]);
    expect(expand(fixture, { horizonEnd: NO_HORIZON })).toHaveLength(9);
  });

  it('keeps a weekly 09:00 Zurich series at 09:00 local across 2024-03-31 and 2024-10-27', () => {
    const os = expand(series({ startLocal: '2024-03-18T09:00:00' }), { from: t('2024-03-18T00:00:00Z'), to: t('2024-11-12T00:00:00Z'), horizonEnd: NO_HORIZON });
    expect(os).toHaveLength(35);
    expect(new Set(localStarts(os).map((l) => l.slice(11)))).toEqual(new Set(['09:00:00']));
    expect(new Set(os.map((o) => utcToLocal(o.endTime, Z).slice(11)))).toEqual(new Set(['10:00:00']));
    expect(starts(os).slice(0, 3)).toEqual(['2024-03-18T08:00:00.000Z', '2024-03-25T08:00:00.000Z', '2024-04-01T07:00:00.000Z']);
    expect(starts(os).slice(-4)).toEqual(['2024-10-21T07:00:00.000Z', '2024-10-28T08:00:00.000Z', '2024-11-04T08:00:00.000Z', '2024-11-11T08:00:00.000Z']);
  });

  it('gives the same instants whatever the process time zone is', () => {
    const run = (): string[] => starts(expand(series({ recurring: { frequencyType: 'monthly', monthlyPattern: 'dayOfWeek', endsType: 'after', endsAfter: 24 } }), { horizonEnd: NO_HORIZON }));
    const saved = process.env.TZ;
    try {
      process.env.TZ = 'UTC';
      const utc = run();
      process.env.TZ = 'America/New_York';
      expect(new Date(2024, 0, 1).getTimezoneOffset()).toBe(300); // the switch really happened
      expect(run()).toEqual(utc);
      process.env.TZ = 'Asia/Kolkata';
      expect(run()).toEqual(utc);
    } finally {
      process.env.TZ = saved;
    }
  });

  it('skips months without day 31 for a monthly dayOfMonth series', () => {
    const os = expand(series({ startLocal: '2024-01-31T09:00:00', recurring: { frequencyType: 'monthly', monthlyPattern: 'dayOfMonth', endsType: 'after', endsAfter: 7 } }), { horizonEnd: NO_HORIZON });
    expect(localStarts(os).map((l) => l.slice(0, 10))).toEqual(['2024-01-31', '2024-03-31', '2024-05-31', '2024-07-31', '2024-08-31', '2024-10-31', '2024-12-31']);
    expect(os.map((o) => o.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('uses the last weekday of each month when the start is the fifth weekday of its month', () => {
    const os = expand(series({ startLocal: '2024-03-29T09:00:00', recurring: { frequencyType: 'monthly', monthlyPattern: 'dayOfWeek', endsType: 'after', endsAfter: 4 } }), { horizonEnd: NO_HORIZON });
    expect(localStarts(os).map((l) => l.slice(0, 10))).toEqual(['2024-03-29', '2024-04-26', '2024-05-31', '2024-06-28']);
  });

  it('uses the k-th weekday for k = ceil(d/7) and honours the interval', () => {
    const os = expand(series({ startLocal: '2024-01-09T09:00:00', recurring: { frequencyType: 'monthly', frequency: 2, monthlyPattern: 'dayOfWeek', endsType: 'after', endsAfter: 4 } }), { horizonEnd: NO_HORIZON });
    expect(localStarts(os).map((l) => l.slice(0, 10))).toEqual(['2024-01-09', '2024-03-12', '2024-05-14', '2024-07-09']);
  });

  it('puts a yearly 29 February series only in leap years', () => {
    const os = expand(series({ startLocal: '2024-02-29T09:00:00', recurring: { frequencyType: 'yearly', endsType: 'after', endsAfter: 3 } }), { horizonEnd: NO_HORIZON });
    expect(localStarts(os).map((l) => l.slice(0, 10))).toEqual(['2024-02-29', '2028-02-29', '2032-02-29']);
  });

  it('counts cancelled occurrences towards `after` (COUNT before EXDATE)', () => {
    const s = series({ recurring: { endsType: 'after', endsAfter: 3 }, occurrenceExceptions: [cancel('2024-04-01T07:00:00.000Z')] });
    expect(starts(expand(s, { horizonEnd: NO_HORIZON }))).toEqual(['2024-03-25T08:00:00.000Z', '2024-04-08T07:00:00.000Z']);
    const all = expand(s, { horizonEnd: NO_HORIZON, includeCancelled: true });
    expect(all.map((o) => [o.index, o.isCancelled])).toEqual([[0, false], [1, true], [2, false]]);
  });

  it('includes an occurrence on the local date of `on` even when that instant is the previous day in UTC', () => {
    const s = series({ recurring: { endsType: 'on', endsOn: t('2024-04-14T22:30:00Z') } }); // 15 April 00:30 in Zurich
    expect(starts(expand(s, { horizonEnd: NO_HORIZON })).slice(-2)).toEqual(['2024-04-08T07:00:00.000Z', '2024-04-15T07:00:00.000Z']);
    const dayBefore = series({ recurring: { endsType: 'on', endsOn: t('2024-04-14T21:30:00Z') } }); // 14 April 23:30 in Zurich
    expect(starts(expand(dayBefore, { horizonEnd: NO_HORIZON })).at(-1)).toBe('2024-04-08T07:00:00.000Z');
  });

  it('places a daily 02:30 occurrence in the gap with the pre-gap offset and one in the overlap at its first instant', () => {
    const spring = expand(series({ startLocal: '2024-03-30T02:30:00', recurring: { frequencyType: 'daily', endsType: 'after', endsAfter: 3 } }), { horizonEnd: NO_HORIZON });
    expect(starts(spring)).toEqual(['2024-03-30T01:30:00.000Z', '2024-03-31T01:30:00.000Z', '2024-04-01T00:30:00.000Z']);
    const autumn = expand(series({ startLocal: '2024-10-26T02:30:00', recurring: { frequencyType: 'daily', endsType: 'after', endsAfter: 3 } }), { horizonEnd: NO_HORIZON });
    expect(starts(autumn)).toEqual(['2024-10-26T00:30:00.000Z', '2024-10-27T00:30:00.000Z', '2024-10-28T01:30:00.000Z']);
  });

  it('removes a cancelled occurrence unless includeCancelled is set, keeping every index', () => {
    expect(expand(fixture, { horizonEnd: NO_HORIZON }).map((o) => o.index)).toEqual([0, 1, 3, 4, 5, 6, 7, 8, 9]);
    const withCancelled = expand(fixture, { horizonEnd: NO_HORIZON, includeCancelled: true });
    expect(withCancelled.map((o) => o.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(withCancelled[2]).toMatchObject({ recurrenceId: t('2024-04-08T07:00:00Z'), startTime: t('2024-04-08T07:00:00Z'), isCancelled: true, isModified: false });
  });

  it('moves an overridden occurrence, marks it modified and sorts by the effective start', () => {
    const s = series({ recurring: { endsType: 'after', endsAfter: 4 }, occurrenceExceptions: [override('2024-04-01T07:00:00.000Z', '2024-04-09T12:00:00.000Z', '2024-04-09T12:30:00.000Z')] });
    const os = expand(s, { horizonEnd: NO_HORIZON });
    expect(os.map((o) => [o.index, iso(o.startTime), o.isModified])).toEqual([
      [0, '2024-03-25T08:00:00.000Z', false],
      [2, '2024-04-08T07:00:00.000Z', false],
      [1, '2024-04-09T12:00:00.000Z', true],
      [3, '2024-04-15T07:00:00.000Z', false],
    ]);
  });

  it('finds an override whose original start lies outside the window when its effective time is inside', () => {
    const s = series({ occurrenceExceptions: [override('2025-06-02T07:00:00.000Z', '2024-04-03T12:00:00.000Z', '2024-04-03T13:00:00.000Z', 'Pulled forward')] });
    const os = expand(s, { from: t('2024-04-03T00:00:00Z'), to: t('2024-04-04T00:00:00Z'), horizonEnd: t('2026-01-01T00:00:00Z') });
    expect(os).toHaveLength(1);
    expect(os[0]).toMatchObject({ index: 62, recurrenceId: t('2025-06-02T07:00:00Z'), topic: 'Pulled forward', isModified: true });
  });

  it('keeps the length of an override that sets only a new start, and inherits the series agenda', () => {
    const s = series({ agenda: 'Status', occurrenceExceptions: [{ recurrenceId: t('2024-04-01T07:00:00Z'), isCancelled: false, startTime: t('2024-04-01T09:00:00Z'), endTime: null, topic: null, agenda: null }] });
    const [o] = expand(s, { from: t('2024-04-01T00:00:00Z'), to: t('2024-04-02T00:00:00Z'), horizonEnd: NO_HORIZON });
    expect(o).toMatchObject({ startTime: t('2024-04-01T09:00:00Z'), endTime: t('2024-04-01T10:00:00Z'), topic: 'Weekly sync', agenda: 'Status', isModified: true });
  });

  it('ignores exceptions that are not in the rule set', () => {
    const s = series({ recurring: { endsType: 'after', endsAfter: 2 }, occurrenceExceptions: [cancel('2024-03-26T08:00:00.000Z'), override('2024-04-08T07:00:00.000Z', '2024-04-02T07:00:00.000Z', '2024-04-02T08:00:00.000Z')] });
    expect(starts(expand(s, { horizonEnd: NO_HORIZON }))).toEqual(['2024-03-25T08:00:00.000Z', '2024-04-01T07:00:00.000Z']);
  });

  it('returns the occurrences overlapping [from, to): one running at `from` is in, one starting at `to` is out', () => {
    const os = expand(fixture, { from: t('2024-04-01T07:30:00Z'), to: t('2024-04-22T07:00:00Z'), horizonEnd: NO_HORIZON });
    expect(os.map((o) => o.index)).toEqual([1, 3]);
  });

  it('clamps a never-ending series at horizonEnd and applies limit after sorting', () => {
    const os = expand(series(), { horizonEnd: t('2024-04-15T07:00:00Z') });
    expect(starts(os)).toEqual(['2024-03-25T08:00:00.000Z', '2024-04-01T07:00:00.000Z', '2024-04-08T07:00:00.000Z', '2024-04-15T07:00:00.000Z']);
    expect(starts(expand(series(), { horizonEnd: t('2024-04-15T06:59:59Z') }))).toHaveLength(3);
    expect(expand(fixture, { horizonEnd: NO_HORIZON, limit: 2 }).map((o) => o.index)).toEqual([0, 1]);
  });

  it('gives one occurrence with index 0 for a non-recurring meeting', () => {
    const s = series({ isRecurring: false, recurring: { frequencyType: '', frequency: null, endsType: '' }, durationMin: 45 });
    expect(expand(s, { horizonEnd: NO_HORIZON })).toEqual([
      { index: 0, recurrenceId: t('2024-03-25T08:00:00Z'), startTime: t('2024-03-25T08:00:00Z'), endTime: t('2024-03-25T08:45:00Z'), topic: 'Weekly sync', agenda: '', isCancelled: false, isModified: false },
    ]);
    expect(expand(s, { from: t('2024-03-25T08:45:00Z'), horizonEnd: NO_HORIZON })).toEqual([]);
  });

  it('expands 500 two-year weekly series inside a 90-day window quickly', () => {
    const many = Array.from({ length: 500 }, (_, i) =>
      series({ startLocal: `2024-0${(i % 9) + 1}-1${i % 10}T09:00:00`, timezone: ['Europe/Zurich', 'America/New_York', 'Asia/Tokyo', 'Australia/Sydney'][i % 4]!, recurring: { endsType: 'on', endsOn: t('2026-06-30T00:00:00Z') }, occurrenceExceptions: [cancel('2025-01-06T08:00:00.000Z')] }),
    );
    const began = performance.now();
    let n = 0;
    for (const s of many) n += expand(s, { from: t('2025-03-01T00:00:00Z'), to: t('2025-05-30T00:00:00Z'), horizonEnd: NO_HORIZON }).length;
    for (const s of many) n += expand(s, { horizonEnd: NO_HORIZON }).length > 0 ? 1 : 0;
    const elapsed = performance.now() - began;
    expect(n).toBeGreaterThan(500 * 12);
    expect(elapsed).toBeLessThan(1500);
  });
});

describe('expand agrees with the rrule package on the RRULE text from rruleFor', () => {
  const zones = ['Europe/Zurich', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata', 'UTC', 'America/Santiago'];
  const basic = (local: string): string => local.replace(/[-:]/g, '');

  it('for random series (times of day outside DST transitions)', () => {
    fc.assert(
      fc.property(
        fc.record({
          day: fc.integer({ min: 0, max: 3650 }),
          minuteOfDay: fc.integer({ min: 6 * 4, max: 22 * 4 }).map((q) => q * 15),
          zone: fc.constantFrom(...zones),
          frequencyType: fc.constantFrom('daily', 'weekly', 'monthly', 'yearly' as const),
          frequency: fc.integer({ min: 1, max: 4 }),
          monthlyPattern: fc.constantFrom('dayOfMonth', 'dayOfWeek' as const),
          ends: fc.oneof(
            fc.record({ endsType: fc.constant('after' as const), n: fc.integer({ min: 1, max: 40 }) }),
            fc.record({ endsType: fc.constant('on' as const), n: fc.integer({ min: 0, max: 1200 }) }),
          ),
        }),
        ({ day, minuteOfDay, zone, frequencyType, frequency, monthlyPattern, ends }) => {
          const startF = Date.UTC(2020, 0, 1) + day * 86_400_000 + minuteOfDay * 60_000;
          const startLocal = new Date(startF).toISOString().slice(0, 19);
          const startTime = localToUtc(startLocal, zone);
          const s = series({
            startLocal,
            timezone: zone,
            recurring: {
              frequencyType,
              frequency,
              monthlyPattern: frequencyType === 'monthly' ? monthlyPattern : '',
              endsType: ends.endsType,
              endsAfter: ends.endsType === 'after' ? ends.n : 0,
              endsOn: ends.endsType === 'on' ? startTime + ends.n * 86_400_000 : startTime,
            },
          });
          // rrule compares a TZID series with a UTC UNTIL in wall-clock time (it drops DTSTART 13:00 Sydney
          // against UNTIL 12:59:59Z), so the oracle runs in floating time: DTSTART and UNTIL as wall clock.
          const text = rruleFor(s)!;
          const floatingText = text.replace(/UNTIL=(\d{8}T\d{6}Z)/, (_, until: string) => {
            const local = utcToLocal(parseRecurrenceId(until)!, zone);
            expect(local.slice(11)).toBe('23:59:59');
            return `UNTIL=${basic(local)}`;
          });
          const rule = rrulestr(`DTSTART:${basic(startLocal)}\nRRULE:${floatingText}`);
          const expected = rule.all().map((d) => localToUtc(d.toISOString().slice(0, 19), zone));
          const actual = expand(s, { horizonEnd: NO_HORIZON }).map((o) => o.startTime);
          expect(actual).toEqual(expected);
          expect(seriesEnd(s)).toBe(expected.length ? expected.at(-1)! + 3_600_000 : null);
        },
      ),
      { numRuns: 300, seed: 20240325 },
    );
  });
});

describe('findInRuleSet', () => {
  it('finds an occurrence by the instant of its original local start, ignoring exceptions', () => {
    expect(findInRuleSet(fixture, t('2024-04-15T07:00:00Z'), NO_HORIZON)).toEqual({ index: 3, originalStart: t('2024-04-15T07:00:00Z'), originalEnd: t('2024-04-15T08:00:00Z') });
    expect(findInRuleSet(fixture, t('2024-04-08T07:00:00Z'), NO_HORIZON)?.index).toBe(2);
  });

  it('finds an occurrence whose original local start is in a DST gap', () => {
    const s = series({ startLocal: '2024-03-24T02:30:00', recurring: { endsType: 'after', endsAfter: 3 } }); // Sundays
    expect(findInRuleSet(s, t('2024-03-31T01:30:00Z'), NO_HORIZON)?.index).toBe(1);
  });

  it('returns undefined off the rule set, after COUNT and past the horizon of an endless series', () => {
    expect(findInRuleSet(fixture, t('2024-04-15T08:00:00Z'), NO_HORIZON)).toBeUndefined();
    expect(findInRuleSet(fixture, t('2024-06-03T07:00:00Z'), NO_HORIZON)).toBeUndefined();
    expect(findInRuleSet(series(), t('2030-01-07T08:00:00Z'), t('2029-01-01T00:00:00Z'))).toBeUndefined();
    expect(findInRuleSet(series(), t('2030-01-07T08:00:00Z'), t('2031-01-01T00:00:00Z'))?.index).toBe(302);
  });
});

describe('seriesEnd', () => {
  it('is the end of the last effective occurrence', () => {
    expect(seriesEnd(fixture)).toBe(t('2024-05-27T08:00:00Z'));
    const lastCancelled = series({ recurring: { endsType: 'after', endsAfter: 3 }, occurrenceExceptions: [cancel('2024-04-08T07:00:00.000Z')] });
    expect(seriesEnd(lastCancelled)).toBe(t('2024-04-01T08:00:00Z'));
    const movedLater = series({ recurring: { endsType: 'after', endsAfter: 3 }, occurrenceExceptions: [override('2024-04-01T07:00:00.000Z', '2024-04-20T07:00:00.000Z', '2024-04-20T09:00:00.000Z')] });
    expect(seriesEnd(movedLater)).toBe(t('2024-04-20T09:00:00Z'));
  });

  it('is null for a never-ending series and the first end for a single meeting', () => {
    expect(seriesEnd(series())).toBeNull();
    expect(seriesEnd(series({ isRecurring: false, recurring: { frequencyType: '', endsType: '' } }))).toBe(t('2024-03-25T09:00:00Z'));
  });
});

describe('firstOccurrence', () => {
  it('derives the DTSTART occurrence from the local start, zone and length', () => {
    expect(firstOccurrence(fixture)).toEqual({ startTime: t('2024-03-25T08:00:00Z'), endTime: t('2024-03-25T09:00:00Z') });
    expect(firstOccurrence(series({ startLocal: '2024-10-27T02:30:00', durationMin: 60 }))).toEqual({ startTime: t('2024-10-27T00:30:00Z'), endTime: t('2024-10-27T02:30:00Z') });
  });
});

describe('parseRecurrenceId', () => {
  it('accepts the API form and the iCalendar form', () => {
    expect(parseRecurrenceId('2024-04-15T07:00:00.000Z')).toBe(t('2024-04-15T07:00:00Z'));
    expect(parseRecurrenceId('2024-04-15T07:00:00Z')).toBe(t('2024-04-15T07:00:00Z'));
    expect(parseRecurrenceId('20240415T070000Z')).toBe(t('2024-04-15T07:00:00Z'));
  });

  it('rejects other forms and impossible dates', () => {
    for (const s of ['2024-04-15T07:00:00', '20240415T070000', '2024-04-31T07:00:00.000Z', '2024-04-15T24:00:00Z', '1713164400000', '']) {
      expect(parseRecurrenceId(s), s).toBeUndefined();
    }
  });
});
