/**
 * HousekeepingJob over a real SQLite store with an injected clock: what each run deletes at the retention
 * cutoffs (src/domain/retention.ts), batching, failure isolation and the start/stop lifecycle.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { THROTTLE_WINDOW_MS } from '../api/auth/sessionToken.js';
import { CONTROL_LOGIN_WINDOW_MS, EXPIRED_TOKEN_RETENTION_MS } from '../domain/credentials/issueControlToken.js';
import { NONCE_RETENTION_MS } from '../domain/credentials/signInWithApp.js';
import { SIGN_IN_WINDOW_MS } from '../domain/credentials/signInWithPassword.js';
import type { Store } from '../domain/ports.js';
import { AUTH_FAILURE_RETENTION_MS, EXPIRED_TOKEN_GRACE_MS } from '../domain/retention.js';
import { FixedClock } from '../infra/ids.js';
import {
  hash64,
  makeAccessToken,
  makeAccount,
  makeConference,
  makeControlToken,
  makeDelivery,
  makeEvent,
  makeIdempotency,
  makeLiveEvent,
  makeUser,
  oid,
} from '../storage/contract/fixtures.js';
import { createStore } from '../storage/index.js';
import { HOUSEKEEPING_BATCH_SIZE, HousekeepingJob, type HousekeepingCounts, type HousekeepingLogger } from './HousekeepingJob.js';

const MIN = 60_000;
const DAY = 86_400_000;
const NOW = Date.parse('2026-05-06T08:00:00.000Z');
const SETTINGS = { webhookLogRetentionDays: 30 };
const NONE: HousekeepingCounts = {
  authNonces: 0,
  authFailures: 0,
  accessTokens: 0,
  controlTokens: 0,
  passwordTokens: 0,
  idempotencyKeys: 0,
  webhookLog: 0,
  liveEvents: 0,
  dialInReleases: 0,
};

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

/** A logger that keeps what it was told. */
function memoryLogger(): HousekeepingLogger & { debugs: object[]; errors: object[] } {
  const debugs: object[] = [];
  const errors: object[] = [];
  return { debugs, errors, debug: (o) => void debugs.push(o), error: (o) => void errors.push(o) };
}

async function setup(o: { batchSize?: number; intervalMs?: number } = {}) {
  store = await createStore({ url: ':memory:' });
  const clock = new FixedClock(NOW);
  const logger = memoryLogger();
  const job = new HousekeepingJob({ store, clock, settings: SETTINGS, logger, ...o });
  return { store, clock, logger, job };
}

/** `store` with one repository replaced; every other repository is the real one. */
function withRepo<K extends keyof Store>(s: Store, key: K, repo: Store[K]): Store {
  return Object.create(s, { [key]: { value: repo } }) as Store;
}

/** `n` nonces of one app expiring at `expiresAt`. */
async function nonces(s: Store, n: number, expiresAt: number): Promise<void> {
  for (let i = 0; i < n; i++) await s.nonces.tryUse('app-backlog', hash64(), expiresAt, expiresAt - 1);
}

describe('HousekeepingJob.runOnce', () => {
  it('deletes each table’s rows at its cutoff and keeps those one millisecond younger', async () => {
    const { store: s, job, logger } = await setup();
    const tokenCut = NOW - EXPIRED_TOKEN_GRACE_MS;
    const logCut = NOW - 30 * DAY;

    // 1. Replay nonces: free again at their expiry (tryUse would overwrite them).
    await s.nonces.tryUse('app-1', 'nonce-expired', NOW, NOW - NONCE_RETENTION_MS);
    await s.nonces.tryUse('app-1', 'nonce-live', NOW + 1, NOW - NONCE_RETENTION_MS);
    // 2. Sign-in failures: kept for an hour, longer than any window they are counted in.
    await s.authThrottle.fail('k-old', NOW - AUTH_FAILURE_RETENTION_MS, MIN);
    await s.authThrottle.fail('k-young', NOW - AUTH_FAILURE_RETENTION_MS + 1, MIN);
    // 3. Access and control tokens: kept a day past expiry, so they are still answered as expired.
    const access = [tokenCut, tokenCut + 1].map((expiresAt) => makeAccessToken(oid(), oid(), { createdAt: expiresAt - DAY, expiresAt }));
    for (const t of access) await s.accessTokens.insert(t);
    const control = [tokenCut, tokenCut + 1].map((expiresAt) => makeControlToken(oid(), oid(), { createdAt: expiresAt - 30 * MIN, expiresAt }));
    for (const t of control) await s.controlTokens.insert(t);
    // 4. Password-set tokens and idempotency records: useless from their expiry.
    const account = makeAccount();
    await s.accounts.insert(account);
    const user = makeUser(account.id);
    await s.users.insert(user);
    await s.passwordTokens.insert({ tokenHash: 'pw-expired', userId: user.id, expiresAt: NOW, createdAt: NOW - DAY });
    await s.passwordTokens.insert({ tokenHash: 'pw-live', userId: user.id, expiresAt: NOW + 1, createdAt: NOW - DAY });
    const idem = [NOW, NOW + 1].map((expiresAt) => makeIdempotency({ createdAt: expiresAt - DAY, expiresAt }));
    for (const r of idem) await s.idempotency.tryInsert(r);
    // 5. The webhook log: finished deliveries kept 30 days after completion (webmeeting-v6 §11.3.13).
    const meetingId = oid();
    const oldEvent = makeEvent(meetingId, 1, { createdAt: logCut - 10 });
    const keptEvent = makeEvent(meetingId, 2, { createdAt: logCut - 10 });
    for (const e of [oldEvent, keptEvent]) await s.outbox.insertEvent(e);
    const oldDelivery = makeDelivery(oldEvent, 'https://hook.example.org', { status: 'succeeded', completedAt: logCut - 1, nextAttemptAt: null });
    const keptDelivery = makeDelivery(keptEvent, 'https://hook.example.org', { status: 'failed', completedAt: logCut, nextAttemptAt: null });
    for (const d of [oldDelivery, keptDelivery]) await s.outbox.insertDelivery(d);
    // 6. Live events: kept as long as the webhook log, counted from their conference's end.
    const endedOld = makeConference(oid(), account.id, { startedAt: logCut - DAY, endedAt: logCut - 1, endReason: 'MEETING_ENDED' });
    const endedAtCut = makeConference(oid(), account.id, { startedAt: logCut - DAY, endedAt: logCut, endReason: 'MEETING_ENDED' });
    for (const c of [endedOld, endedAtCut]) await s.conferences.insert(c);
    await s.liveEvents.insert(makeLiveEvent(endedOld, 1, { occurredAt: logCut - DAY }));
    const keptLive = makeLiveEvent(endedAtCut, 1, { occurredAt: logCut - DAY });
    await s.liveEvents.insert(keptLive);
    // 7. Dial-in releases: a room is quarantined 30 days after it was given up (webmeeting-v6 §8.4 step 7).
    await s.meetings.recordDialInRelease({ conferenceRoom: '12345678', meetingId: oid(), releasedAt: logCut - 1 });
    await s.meetings.recordDialInRelease({ conferenceRoom: '87654321', meetingId: oid(), releasedAt: logCut });

    const counts = await job.runOnce();
    expect(counts).toEqual({
      authNonces: 1,
      authFailures: 1,
      accessTokens: 1,
      controlTokens: 1,
      passwordTokens: 1,
      idempotencyKeys: 1,
      webhookLog: 2,
      liveEvents: 1,
      dialInReleases: 1,
    });
    expect(logger.debugs).toEqual([{ deleted: counts }]);
    expect(logger.errors).toEqual([]);

    expect(await s.nonces.tryUse('app-1', 'nonce-live', NOW + 2, NOW)).toBe(false);
    expect(await s.authThrottle.count('k-young', NOW, AUTH_FAILURE_RETENTION_MS)).toBe(1);
    expect(await s.accessTokens.get(access[0]!.hash)).toBeUndefined();
    expect(await s.accessTokens.get(access[1]!.hash)).toEqual(access[1]);
    expect(await s.controlTokens.get(control[0]!.hash)).toBeUndefined();
    expect(await s.controlTokens.get(control[1]!.hash)).toEqual(control[1]);
    expect(await s.passwordTokens.take('pw-expired', NOW - 1)).toBeUndefined();
    expect(await s.passwordTokens.take('pw-live', NOW)).toEqual({ userId: user.id });
    expect(await s.idempotency.get(idem[0]!.apiKeyId, idem[0]!.key)).toBeUndefined();
    expect(await s.idempotency.get(idem[1]!.apiKeyId, idem[1]!.key)).toEqual(idem[1]);
    expect(await s.outbox.getDelivery(oldDelivery.id)).toBeUndefined();
    expect(await s.outbox.getEvent(oldEvent.id)).toBeUndefined();
    expect(await s.outbox.getDelivery(keptDelivery.id)).toEqual(keptDelivery);
    expect(await s.outbox.getEvent(keptEvent.id)).toEqual(keptEvent);
    expect(await s.liveEvents.list(endedOld.meetingId)).toEqual([]);
    expect(await s.liveEvents.list(endedAtCut.meetingId)).toEqual([keptLive]);
    expect(await s.meetings.pruneDialInReleases(logCut + 1)).toBe(1);

    // Nothing is left to do at the same instant.
    expect(await job.runOnce()).toEqual(NONE);
  });

  it('follows CONVENE_WEBHOOK_LOG_RETENTION_DAYS for the webhook and live event logs', async () => {
    store = await createStore({ url: ':memory:' });
    const job = new HousekeepingJob({ store, clock: new FixedClock(NOW), settings: { webhookLogRetentionDays: 2 }, logger: memoryLogger() });
    const c = makeConference(oid(), oid(), { startedAt: NOW - 3 * DAY, endedAt: NOW - 2 * DAY - 1, endReason: 'MEETING_ENDED' });
    await store.conferences.insert(c);
    await store.liveEvents.insert(makeLiveEvent(c, 1, { occurredAt: NOW - 3 * DAY }));
    const e = makeEvent(oid(), 1, { createdAt: NOW - 2 * DAY - 1 });
    await store.outbox.insertEvent(e);
    expect(await job.runOnce()).toEqual({ ...NONE, webhookLog: 1, liveEvents: 1 });
  });

  it('drains a backlog larger than one batch in batches of batchSize', async () => {
    const { store: s } = await setup();
    await nonces(s, 10, NOW - 1);
    const calls: number[] = [];
    const spied = withRepo(s, 'nonces', {
      tryUse: (...a) => s.nonces.tryUse(...a),
      pruneExpired: async (now, limit) => {
        const n = await s.nonces.pruneExpired(now, limit);
        calls.push(n);
        return n;
      },
    });
    const job = new HousekeepingJob({ store: spied, clock: new FixedClock(NOW), settings: SETTINGS, logger: memoryLogger(), batchSize: 3 });
    expect((await job.runOnce()).authNonces).toBe(10);
    expect(calls).toEqual([3, 3, 3, 1]);
    expect(await s.nonces.pruneExpired(NOW, HOUSEKEEPING_BATCH_SIZE)).toBe(0);
  });

  it('logs a table that fails and still prunes the others', async () => {
    const { store: s } = await setup();
    await nonces(s, 2, NOW - 1);
    await s.authThrottle.fail('k', NOW - 2 * AUTH_FAILURE_RETENTION_MS, MIN);
    const broken = withRepo(s, 'nonces', {
      tryUse: (...a) => s.nonces.tryUse(...a),
      pruneExpired: () => Promise.reject(new Error('disk I/O error')),
    });
    const logger = memoryLogger();
    const job = new HousekeepingJob({ store: broken, clock: new FixedClock(NOW), settings: SETTINGS, logger });
    expect(await job.runOnce()).toEqual({ ...NONE, authFailures: 1 });
    expect(logger.errors).toEqual([{ err: expect.objectContaining({ message: 'disk I/O error' }), table: 'auth_nonces', deletedBeforeFailure: 0 }]);
    expect(await s.nonces.pruneExpired(NOW, 10)).toBe(2);
  });

  it('rejects a batch size that is not a positive integer', async () => {
    const { store: s } = await setup();
    for (const batchSize of [0, -1, 1.5]) {
      expect(() => new HousekeepingJob({ store: s, clock: new FixedClock(NOW), settings: SETTINGS, logger: memoryLogger(), batchSize })).toThrow(RangeError);
    }
  });
});

describe('HousekeepingJob timer', () => {
  it('start() runs at once and only once when called twice; stop() waits for the run', async () => {
    const { store: s, job, logger } = await setup();
    await nonces(s, 3, NOW);
    job.start();
    job.start();
    await job.stop();
    expect(logger.debugs).toEqual([{ deleted: { ...NONE, authNonces: 3 } }]);
    // Stopped: a later start() runs again.
    await nonces(s, 1, NOW);
    job.start();
    await job.stop();
    expect(logger.debugs).toHaveLength(2);
    expect(logger.debugs[1]).toEqual({ deleted: { ...NONE, authNonces: 1 } });
  });

  it('stop() during a drain ends the run after its current batch', async () => {
    const { store: s } = await setup();
    await nonces(s, 10, NOW - 1);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const slow = withRepo(s, 'nonces', {
      tryUse: (...a) => s.nonces.tryUse(...a),
      pruneExpired: async (now, limit) => {
        entered();
        await gate;
        return s.nonces.pruneExpired(now, limit);
      },
    });
    const logger = memoryLogger();
    const job = new HousekeepingJob({ store: slow, clock: new FixedClock(NOW), settings: SETTINGS, logger, batchSize: 3 });
    // 1. The run is inside its first batch …
    job.start();
    await inside;
    // 2. … stop() is asked for while that batch is still open …
    const stopped = job.stop();
    release();
    await stopped;
    // 3. … so the first batch completes, and neither a second batch nor any other table runs.
    expect(logger.debugs).toEqual([{ deleted: { ...NONE, authNonces: 3 } }]);
    expect(await s.nonces.pruneExpired(NOW, 100)).toBe(7);
  });
});

describe('retention policy', () => {
  it('keeps sign-in failures at least as long as every window that counts them', () => {
    for (const w of [SIGN_IN_WINDOW_MS, CONTROL_LOGIN_WINDOW_MS, THROTTLE_WINDOW_MS]) expect(AUTH_FAILURE_RETENTION_MS).toBeGreaterThanOrEqual(w);
  });

  it('keeps expired tokens as long as the control-token issuer still answers "expired"', () => {
    expect(EXPIRED_TOKEN_GRACE_MS).toBe(EXPIRED_TOKEN_RETENTION_MS);
  });
});
