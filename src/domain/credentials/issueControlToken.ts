/**
 * Issues or keeps alive a Huawei conference control token (huawei-meeting.md §2.3, §6.8): the meeting's
 * chair password gives role 1, its guest password role 0; a still-valid token of the same meeting is renewed
 * for 30 minutes without a password. Tokens are `stb` + 48 lower-case hex, stored only as SHA-256.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Deps } from '../deps.js';
import type { Meeting } from '../meetings/Meeting.js';
import type { Repositories } from '../ports.js';
import type { ControlToken } from './ports.js';

/** A control token lives 30 minutes from issue or its last keep-alive (FOUND `confTokenExpireTime` 1800). */
export const CONTROL_TOKEN_TTL_MS = 30 * 60_000;
/** At most this many live tokens per meeting; the next one revokes the oldest (DESIGNED storage bound). */
export const MAX_CONTROL_TOKENS_PER_MEETING = 64;
/** Wrong passwords per (client IP, conferenceID) within the window that lock the pair (DESIGNED). */
export const CONTROL_LOGIN_MAX_FAILURES = 5;
/** The failure window, and how long a lock lasts. */
export const CONTROL_LOGIN_WINDOW_MS = 10 * 60_000;

/** How long an expired token is kept so that it is answered as "expired" rather than "unknown". */
export const EXPIRED_TOKEN_RETENTION_MS = 24 * 3_600_000;

/** The shape of a control token on the wire. */
export const CONTROL_TOKEN_PATTERN = /^[a-z]{3}[0-9a-f]{48}$/;

/** SHA-256 hex of a control token: the only form that is stored. */
export function hashControlToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Input of issueControlToken. */
export interface IssueControlTokenInput {
  /** The Huawei `conferenceID` (9 digits) from the query. Other public numbers of a meeting do not match. */
  conferenceId: string;
  /** `X-Password`; null or empty = absent. */
  password: string | null;
  /**
   * Present when `X-Conference-Authorization` was sent (a keep-alive): `token` is the decoded token, or null
   * when the header could not be decoded.
   */
  keepAlive: { token: string | null } | null;
  /** The client IP (brute-force lock key and `createdIp`). */
  ip: string | null;
}

/** Why no token was given. The dialect renders each (huawei-meeting.md §6.8 error table). */
export type ControlTokenRefusal =
  /** 5 wrong passwords from this IP for this conference within 10 minutes; `until` is when the lock ends. */
  | { reason: 'locked'; until: number }
  /** No password and no keep-alive token. */
  | { reason: 'password_required' }
  /** Unknown conferenceID, or a wrong password (one answer for both, so meetings cannot be probed). */
  | { reason: 'not_found_or_wrong_password' }
  /** A keep-alive token that is expired, unknown or of another meeting, without a right password. */
  | { reason: 'keep_alive_invalid'; expired: boolean }
  /** The meeting exists and the credential is right, but it has not started. */
  | { reason: 'not_started'; meeting: Meeting }
  /** The meeting's conference has ended. */
  | { reason: 'ended'; meeting: Meeting };

/** A token issued or renewed. */
export interface IssuedControlToken {
  /** The token itself (the same one on keep-alive). */
  token: string;
  role: 0 | 1;
  /** Epoch ms. */
  expiresAt: number;
  meeting: Meeting;
  /** True when an existing token was renewed. */
  renewed: boolean;
}

/** The outcome of issueControlToken. */
export type IssueControlTokenResult = ({ ok: true } & IssuedControlToken) | ({ ok: false } & ControlTokenRefusal);

/** Compares a presented meeting password with a stored one in constant time. */
export function sameSecret(a: string, b: string): boolean {
  // Hashing first gives equal lengths, so the comparison is constant-time whatever the inputs.
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/** The (not deleted) meeting whose Huawei conferenceID is `code`; the other public numbers never match. */
async function meetingByConferenceId(tx: Repositories, code: string): Promise<Meeting | undefined> {
  const m = await tx.meetings.getByCode('*', code);
  return m && m.conferenceId === code ? m : undefined;
}

/** 'running' | 'not_started' | 'ended' from the meeting's conferences. */
async function conferenceState(tx: Repositories, meetingId: string): Promise<'running' | 'not_started' | 'ended'> {
  if (await tx.conferences.getRunning(meetingId)) return 'running';
  return (await tx.conferences.getLatest(meetingId)) ? 'ended' : 'not_started';
}

/**
 * When the lock of `lockKey` ends. The throttle port only counts, so the lock's start is found by bisecting
 * the window (about 20 indexed counts, and only on the locked path).
 */
async function lockedUntil(tx: Repositories, lockKey: string, now: number): Promise<number | undefined> {
  if ((await tx.authThrottle.count(lockKey, now, CONTROL_LOGIN_WINDOW_MS)) === 0) return undefined;
  // count(w) > 0 ⇔ the lock row's instant `at` > now − w; the smallest such w is now − at + 1.
  // Invariant: count(lo) = 0 < count(hi).
  let lo = 0;
  let hi = CONTROL_LOGIN_WINDOW_MS;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if ((await tx.authThrottle.count(lockKey, now, mid)) > 0) hi = mid;
    else lo = mid;
  }
  return now - hi + 1 + CONTROL_LOGIN_WINDOW_MS;
}

/**
 * Issues a control token for the running meeting `conferenceId`, or renews the keep-alive token.
 * Checks, in the order of huawei-meeting.md §6.8: keep-alive token (valid → renewed) → brute-force lock →
 * password present → meeting exists and password matches (a wrong one counts towards the lock) → running.
 * Refusals are returned, not thrown, so that the failure counter commits with them.
 */
export async function issueControlToken(deps: Deps, input: IssueControlTokenInput): Promise<IssueControlTokenResult> {
  const now = deps.clock.now();
  const pair = `${input.ip ?? '-'}|${input.conferenceId}`;
  const failKey = `huawei.control_login:${pair}`;
  const lockKey = `huawei.control_login_lock:${pair}`;
  return deps.store.transaction(async (tx): Promise<IssueControlTokenResult> => {
    const meeting = await meetingByConferenceId(tx, input.conferenceId);

    let keepAliveExpired = false;
    if (input.keepAlive?.token) {
      const hash = hashControlToken(input.keepAlive.token);
      const stored = await tx.controlTokens.get(hash);
      if (stored && meeting && stored.meetingId === meeting.id) {
        if (stored.expiresAt > now) {
          const state = await conferenceState(tx, meeting.id);
          if (state !== 'running') return { ok: false, reason: state, meeting };
          const renewed: ControlToken = { ...stored, expiresAt: now + CONTROL_TOKEN_TTL_MS };
          await tx.controlTokens.update(renewed);
          return { ok: true, token: input.keepAlive.token, role: stored.role, expiresAt: renewed.expiresAt, meeting, renewed: true };
        }
        keepAliveExpired = true;
      }
    }

    const until = await lockedUntil(tx, lockKey, now);
    if (until !== undefined) return { ok: false, reason: 'locked', until };

    const password = input.password ?? '';
    if (password === '') return input.keepAlive ? { ok: false, reason: 'keep_alive_invalid', expired: keepAliveExpired } : { ok: false, reason: 'password_required' };

    // Meetings created before this dialect (or through another one) get their passwords on first use.
    const secrets = meeting && (await tx.meetingSecrets.getOrInit({ meetingId: meeting.id, chairPassword: deps.ids.digits(6), guestPassword: deps.ids.digits(6) }));
    const role: 0 | 1 | undefined = !secrets ? undefined : sameSecret(password, secrets.chairPassword) ? 1 : sameSecret(password, secrets.guestPassword) ? 0 : undefined;
    if (!meeting || role === undefined) {
      const failures = await tx.authThrottle.fail(failKey, now, CONTROL_LOGIN_WINDOW_MS);
      if (failures >= CONTROL_LOGIN_MAX_FAILURES) {
        await tx.authThrottle.fail(lockKey, now, CONTROL_LOGIN_WINDOW_MS);
        await tx.authThrottle.clear(failKey);
      }
      return input.keepAlive ? { ok: false, reason: 'keep_alive_invalid', expired: keepAliveExpired } : { ok: false, reason: 'not_found_or_wrong_password' };
    }
    await tx.authThrottle.clear(failKey);

    const state = await conferenceState(tx, meeting.id);
    if (state !== 'running') return { ok: false, reason: state, meeting };

    const token = `stb${deps.ids.hex(48)}`;
    const issued: ControlToken = {
      hash: hashControlToken(token),
      meetingId: meeting.id,
      accountId: meeting.accountId,
      role,
      createdAt: now,
      expiresAt: now + CONTROL_TOKEN_TTL_MS,
      createdIp: input.ip,
    };
    // Tokens expired for a day are forgotten (until then they still earn the clearer "expired" answer);
    // then, if the meeting holds the maximum of live tokens, its oldest ones make room.
    const existing = await tx.controlTokens.listByMeeting(meeting.id);
    const live: ControlToken[] = [];
    for (const t of existing) {
      if (t.expiresAt <= now - EXPIRED_TOKEN_RETENTION_MS) await tx.controlTokens.delete(t.hash);
      else if (t.expiresAt > now) live.push(t);
    }
    for (const t of live.slice(0, Math.max(0, live.length - (MAX_CONTROL_TOKENS_PER_MEETING - 1)))) await tx.controlTokens.delete(t.hash);
    await tx.controlTokens.insert(issued);
    return { ok: true, token, role, expiresAt: issued.expiresAt, meeting, renewed: false };
  });
}
