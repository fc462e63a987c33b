import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_SCHEDULE,
  MAX_RETRY_AFTER_MS,
  nextRetryDelayMs,
  parseRetryAfter,
  parseRetrySchedule,
  scheduleCoversMinimumSpan,
} from './schedule.js';

describe('retry schedule', () => {
  it('defaults to 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h: 8 attempts spanning 28.4–34.8 h', () => {
    expect(DEFAULT_RETRY_SCHEDULE).toEqual([5, 300, 1800, 7200, 18000, 36000, 50400]);
    const total = DEFAULT_RETRY_SCHEDULE.reduce((a, b) => a + b, 0);
    expect(total * 0.9).toBeGreaterThan(28.4 * 3600 - 1);
    expect(scheduleCoversMinimumSpan(DEFAULT_RETRY_SCHEDULE)).toBe(true);
    expect(scheduleCoversMinimumSpan([0.05, 0.05])).toBe(false);
  });

  it('parses WEBHOOK_RETRY_SCHEDULE and rejects bad values', () => {
    expect(parseRetrySchedule('5,300, 1800')).toEqual([5, 300, 1800]);
    expect(parseRetrySchedule('0.05,0.05')).toEqual([0.05, 0.05]);
    expect(() => parseRetrySchedule('')).toThrow();
    expect(() => parseRetrySchedule('5,,6')).toThrow();
    expect(() => parseRetrySchedule('5,-1')).toThrow();
    expect(() => parseRetrySchedule('5,abc')).toThrow();
  });

  it('applies ±10 % jitter to the delay after the n-th failure', () => {
    const s = DEFAULT_RETRY_SCHEDULE;
    expect(nextRetryDelayMs({ schedule: s, failures: 1, httpStatus: 500, random: () => 0 })).toBe(4500);
    expect(nextRetryDelayMs({ schedule: s, failures: 1, httpStatus: 500, random: () => 0.5 })).toBe(5000);
    expect(nextRetryDelayMs({ schedule: s, failures: 1, httpStatus: 500, random: () => 0.999999 })).toBe(5500);
    expect(nextRetryDelayMs({ schedule: s, failures: 7, httpStatus: null, random: () => 0.5 })).toBe(50_400_000);
    for (let i = 0; i < 200; i++) {
      const d = nextRetryDelayMs({ schedule: s, failures: 2, httpStatus: 503 })!;
      expect(d).toBeGreaterThanOrEqual(270_000);
      expect(d).toBeLessThanOrEqual(330_000);
    }
  });

  it('gives up after the last scheduled delay (the 8th failure by default)', () => {
    expect(nextRetryDelayMs({ schedule: DEFAULT_RETRY_SCHEDULE, failures: 8, httpStatus: 500 })).toBeNull();
    expect(nextRetryDelayMs({ schedule: [], failures: 1, httpStatus: 500 })).toBeNull();
  });

  it('honours a longer Retry-After on 429 and 503 only, capped at 24 h', () => {
    const base = { schedule: [5], failures: 1, random: () => 0.5 };
    expect(nextRetryDelayMs({ ...base, httpStatus: 503, retryAfterMs: 120_000 })).toBe(120_000);
    expect(nextRetryDelayMs({ ...base, httpStatus: 429, retryAfterMs: 120_000 })).toBe(120_000);
    expect(nextRetryDelayMs({ ...base, httpStatus: 500, retryAfterMs: 120_000 })).toBe(5000);
    expect(nextRetryDelayMs({ ...base, httpStatus: 503, retryAfterMs: 1000 })).toBe(5000);
    expect(nextRetryDelayMs({ ...base, httpStatus: 503, retryAfterMs: 3 * MAX_RETRY_AFTER_MS })).toBe(MAX_RETRY_AFTER_MS);
    // Retry-After never adds attempts beyond the schedule.
    expect(nextRetryDelayMs({ ...base, failures: 2, httpStatus: 503, retryAfterMs: 1000 })).toBeNull();
  });

  it('parses Retry-After as seconds or an HTTP-date', () => {
    const now = Date.UTC(2024, 3, 7, 9, 0, 0);
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Sun, 07 Apr 2024 09:02:00 GMT', now)).toBe(120_000);
    expect(parseRetryAfter('Sun, 07 Apr 2024 08:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});
