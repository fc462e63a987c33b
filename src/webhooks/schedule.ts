/**
 * The webhook retry schedule (webmeeting-v6 §11.3.7).
 */

/** Default delays in seconds after the 1st … 7th failed attempt: 8 attempts over ≈ 31.6 h. */
export const DEFAULT_RETRY_SCHEDULE: readonly number[] = Object.freeze([5, 300, 1800, 7200, 18000, 36000, 50400]);
/** Relative jitter applied to each scheduled delay (±10 %). */
export const RETRY_JITTER = 0.1;
/** Upper bound for an honoured `Retry-After` (24 h). */
export const MAX_RETRY_AFTER_MS = 24 * 3600 * 1000;
/** Retries must cover at least this span, else the server warns at start (§11.3.7). */
export const MIN_RETRY_SPAN_MS = 24 * 3600 * 1000;

/**
 * Parses `WEBHOOK_RETRY_SCHEDULE`: comma-separated non-negative seconds (decimals allowed, for tests).
 * @throws Error on an empty list or a value that is not a finite non-negative number.
 */
export function parseRetrySchedule(text: string): number[] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.every((p) => p === '')) throw new Error('WEBHOOK_RETRY_SCHEDULE is empty');
  return parts.map((p) => {
    const n = Number(p);
    if (p === '' || !Number.isFinite(n) || n < 0) throw new Error(`WEBHOOK_RETRY_SCHEDULE: bad delay "${p}"`);
    return n;
  });
}

/**
 * Whether a schedule's nominal total covers {@link MIN_RETRY_SPAN_MS}. Jitter can shorten the real span by
 * up to 10 %; the default totals ≈ 31.6 h, so even at −10 % it stays above 24 h (28.4 h).
 */
export function scheduleCoversMinimumSpan(schedule: readonly number[]): boolean {
  return schedule.reduce((a, b) => a + b, 0) * 1000 >= MIN_RETRY_SPAN_MS;
}

/**
 * Parses a `Retry-After` header (delay-seconds or an HTTP-date) into milliseconds from `now`.
 * @returns null when absent or unparseable; 0 for a date in the past.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  if (value === null || value === undefined) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now);
}

/** Input of {@link nextRetryDelayMs}. */
export interface RetryDecisionInput {
  /** Delays in seconds after the 1st, 2nd, … failure of the current cycle. */
  schedule: readonly number[];
  /** Failed attempts in the current cycle, including the one just made (1 after the first failure). */
  failures: number;
  /** HTTP status of the failed attempt, or null for a transport error. */
  httpStatus: number | null;
  /** The parsed `Retry-After` in ms (see {@link parseRetryAfter}); only honoured on 429 and 503. */
  retryAfterMs?: number | null;
  /** Uniform [0, 1) source for the jitter; defaults to `Math.random`. */
  random?: () => number;
}

/**
 * The delay before the next attempt, or null when the schedule is exhausted (the delivery becomes `failed`).
 *
 * The scheduled delay gets ±10 % jitter so that deliveries that failed together (a receiver outage) do not
 * retry in lockstep. A `Retry-After` on 429/503 replaces it when longer, capped at 24 h; it never extends the
 * number of attempts.
 */
export function nextRetryDelayMs(input: RetryDecisionInput): number | null {
  const { schedule, failures } = input;
  if (failures < 1 || failures > schedule.length) return null;
  const base = (schedule[failures - 1] ?? 0) * 1000;
  const random = input.random ?? Math.random;
  let delay = Math.round(base * (1 - RETRY_JITTER + 2 * RETRY_JITTER * random()));
  if ((input.httpStatus === 429 || input.httpStatus === 503) && input.retryAfterMs != null) {
    const honoured = Math.min(input.retryAfterMs, MAX_RETRY_AFTER_MS);
    if (honoured > delay) delay = honoured;
  }
  return delay;
}
