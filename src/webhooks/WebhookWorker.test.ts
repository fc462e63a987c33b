import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DomainSettings } from '../domain/deps.js';
import { DomainError } from '../domain/errors.js';
import type { Store } from '../domain/ports.js';
import { recordEvent } from '../domain/webhooks/recordEvent.js';
import { redeliverDelivery } from '../domain/webhooks/redeliverDelivery.js';
import { testAccount, testHook, testIds, testMeeting, testSettings, TestClock } from '../domain/webhooks/testFixtures.js';
import type { HookConfig, OutboxEvent, WebhookDelivery, WebhookEventName } from '../domain/webhooks/types.js';
import { createStore } from '../storage/index.js';
import { signPayload } from './signing.js';
import { WebhookWorker, type WorkerLogger } from './WebhookWorker.js';

/** One request as the receiver saw it. */
interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}
/** What the receiver answers: a status (plus headers/body), or 'hang' to never answer. */
type Answer = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

/** A real HTTP receiver on 127.0.0.1 whose answers the test scripts per request. */
class Receiver {
  readonly requests: Received[] = [];
  answer: (r: Received, nth: number) => Answer = () => ({ status: 200 });
  readonly #server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      this.requests.push(r);
      this.#reply(res, this.answer(r, this.requests.length));
    });
  });

  #reply(res: ServerResponse, a: Answer): void {
    if (a === 'hang') return;
    res.writeHead(a.status, a.headers);
    res.end(a.body ?? '');
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
  }
  url(path = '/hook'): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}${path}`;
  }
  /** Requests for one event id, in arrival order. */
  forEvent(id: string): Received[] {
    return this.requests.filter((r) => r.headers['webhook-id'] === id);
  }
  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

const silent: WorkerLogger = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

/** The standardwebhooks verifier's view of a request's headers. */
function swHeaders(r: Received): Record<string, string> {
  return {
    'webhook-id': String(r.headers['webhook-id']),
    'webhook-timestamp': String(r.headers['webhook-timestamp']),
    'webhook-signature': String(r.headers['webhook-signature']),
  };
}

describe('WebhookWorker', () => {
  let store: Store;
  let receiver: Receiver;
  let clock: TestClock;
  const ids = testIds();
  let accountId: string;
  const meetings: string[] = [];
  const workers: WebhookWorker[] = [];

  beforeEach(async () => {
    store = await createStore({ url: ':memory:' });
    receiver = new Receiver();
    await receiver.start();
    clock = new TestClock();
    accountId = ids.objectId();
    meetings.length = 0;
    await store.accounts.insert(testAccount(accountId, clock.now()));
    for (let n = 1; n <= 2; n++) {
      const id = ids.objectId();
      meetings.push(id);
      await store.meetings.insert(testMeeting(id, accountId, clock.now(), n));
    }
  });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    await receiver.close();
    await store.close();
  });

  const settings = (o: Partial<DomainSettings> = {}): DomainSettings =>
    // A generous timeout: only the hanging-receiver test waits for it, and a loaded CI machine must not turn a slow
    // localhost answer into an extra attempt.
    testSettings({ webhookRetrySchedule: [0.05, 0.05, 0.05], webhookTimeoutMs: 10_000, ...o });

  const worker = (o: Partial<ConstructorParameters<typeof WebhookWorker>[0]> & { settings?: DomainSettings } = {}) => {
    const w = new WebhookWorker({ store, clock, ids, settings: settings(), logger: silent, leaseMs: 5000, ...o });
    workers.push(w);
    return w;
  };

  const saveHook = async (event: WebhookEventName, o: Partial<HookConfig> = {}): Promise<HookConfig> => {
    const hook = testHook(event, receiver.url(), o);
    await store.webhookConfig.save(hook);
    return hook;
  };

  const record = (event: WebhookEventName, meetingIndex = 0, extra: { recurrenceId?: number } = {}): Promise<OutboxEvent> =>
    store.transaction(async (tx) => {
      const meeting = (await tx.meetings.get(accountId, meetings[meetingIndex]!))!;
      const payload = JSON.stringify({ id: meeting.id, topic: meeting.topic, event });
      return recordEvent(tx, { clock, ids }, { event, meeting, payload, ...extra });
    });

  const deliveryOf = async (eventId: string): Promise<WebhookDelivery> => {
    const { items } = await store.outbox.listDeliveries({ offset: 0, limit: 1000 });
    const d = items.find((x) => x.eventId === eventId);
    if (!d) throw new Error(`no delivery for ${eventId}`);
    return d;
  };

  /** Runs passes, moving the clock past the short test schedule, until nothing is pending. */
  const drain = async (w: WebhookWorker, maxPasses = 100): Promise<void> => {
    for (let i = 0; i < maxPasses; i++) {
      const n = await w.runOnce();
      const pending = (await store.outbox.listDeliveries({ status: 'pending', offset: 0, limit: 1 })).total;
      if (n === 0 && pending === 0) return;
      clock.advance(100);
    }
    throw new Error('deliveries still pending');
  };

  it('retries a failing receiver with the same webhook-id, a verifiable signature and X-API-KEY', async () => {
    const hook = await saveHook('onMeetingUpdated', { method: 'PUT', apiKey: 's3cr3t' });
    receiver.answer = (_r, nth) => (nth <= 2 ? { status: 503, body: 'busy' } : { status: 200, body: 'ok' });
    const e = await record('onMeetingUpdated', 0, { recurrenceId: Date.UTC(2024, 3, 1, 7) });

    await drain(worker());

    expect(receiver.requests).toHaveLength(3);
    const wh = new Webhook(hook.signingSecret);
    receiver.requests.forEach((r, i) => {
      expect(r.method).toBe('PUT');
      expect(r.headers['webhook-id']).toBe(e.id);
      expect(r.body).toBe(e.payload);
      expect(wh.verify(r.body, swHeaders(r))).toEqual(JSON.parse(e.payload));
      expect(r.headers['x-api-key']).toBe('s3cr3t');
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['user-agent']).toBe('Convene-Webhooks/0.1.0');
      expect(r.headers['x-webhook-event']).toBe('onMeetingUpdated');
      expect(r.headers['x-webhook-sequence']).toBe('1');
      expect(r.headers['x-webhook-meeting']).toBe(meetings[0]);
      expect(r.headers['x-webhook-occurred-at']).toBe(new Date(e.occurredAt).toISOString());
      expect(r.headers['x-webhook-occurrence']).toBe('2024-04-01T07:00:00.000Z');
      expect(r.headers['x-webhook-attempt']).toBe(String(i + 1));
    });
    const d = await deliveryOf(e.id);
    expect(d).toMatchObject({ status: 'succeeded', attemptCount: 3, lastHttpStatus: 200, lastError: null, nextAttemptAt: null, lockedUntil: null });
    const attempts = await store.outbox.listAttempts(d.id);
    expect(attempts.map((a) => [a.attempt, a.httpStatus, a.error, a.responseExcerpt, a.method])).toEqual([
      [1, 503, 'HTTP 503', 'busy', 'PUT'],
      [2, 503, 'HTTP 503', 'busy', 'PUT'],
      [3, 200, null, 'ok', 'PUT'],
    ]);
    // webhook-timestamp is the attempt's own time, and the log records it.
    expect(attempts.map((a) => String(a.webhookTimestamp))).toEqual(receiver.requests.map((r) => r.headers['webhook-timestamp']));
  });

  it('sends no X-API-KEY when none is configured, and no X-Webhook-Occurrence for series-wide events', async () => {
    await saveHook('onMeetingScheduled');
    await record('onMeetingScheduled');
    await drain(worker());
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]!.method).toBe('POST');
    expect(receiver.requests[0]!.headers['x-api-key']).toBeUndefined();
    expect(receiver.requests[0]!.headers['x-webhook-occurrence']).toBeUndefined();
  });

  it('orders first attempts by sequence per meeting and URL, and delivers every event exactly once after dedup', async () => {
    await saveHook('onMeetingScheduled');
    await saveHook('onMeetingUpdated');
    // No hook for onMeetingClosed: its number is used anyway, so receivers see a gap (§11.3.3).
    const seen = new Set<string>();
    receiver.answer = (r) => {
      const id = String(r.headers['webhook-id']);
      if (seen.has(id)) return { status: 200 };
      seen.add(id);
      return { status: 503 };
    };
    const events = [
      await record('onMeetingScheduled', 0),
      await record('onMeetingScheduled', 1),
      await record('onMeetingUpdated', 0),
      await record('onMeetingUpdated', 0),
      await record('onMeetingUpdated', 1),
      await record('onMeetingClosed', 0),
      await record('onMeetingUpdated', 0),
      await record('onMeetingUpdated', 1),
    ];
    expect(events.filter((e) => e.meetingId === meetings[0]).map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5]);

    await drain(worker({ concurrency: 4 }));

    for (const meetingId of meetings) {
      const mine = receiver.requests.filter((r) => r.headers['x-webhook-meeting'] === meetingId);
      const firsts = mine.filter((r) => r.headers['x-webhook-attempt'] === '1').map((r) => Number(r.headers['x-webhook-sequence']));
      expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
      expect(new Set(firsts).size).toBe(firsts.length);
      // Deduplicated by webhook-id, in order of first arrival: every delivered event once, in sequence order.
      const dedup = [...new Set(mine.map((r) => String(r.headers['webhook-id'])))];
      const expected = events.filter((e) => e.meetingId === meetingId && e.event !== 'onMeetingClosed').map((e) => e.id);
      expect(dedup).toEqual(expected);
      const succeeded = mine.filter((r) => r.headers['x-webhook-attempt'] === '2').map((r) => String(r.headers['webhook-id']));
      expect([...succeeded].sort()).toEqual([...expected].sort());
    }
    expect(receiver.requests.map((r) => r.headers['x-webhook-sequence'])).not.toContain('4');
    const { items } = await store.outbox.listDeliveries({ offset: 0, limit: 100 });
    expect(items.every((d) => d.status === 'succeeded' && d.attemptCount === 2)).toBe(true);
  });

  it('disables the hook on 410 Gone and cancels its other pending deliveries', async () => {
    await saveHook('onMeetingUpdated', { url: receiver.url('/gone') });
    await saveHook('onMeetingScheduled', { url: receiver.url('/ok') });
    receiver.answer = (r) => (r.path === '/gone' ? { status: 410 } : { status: 200 });
    const e1 = await record('onMeetingUpdated');
    const e2 = await record('onMeetingUpdated');
    const e3 = await record('onMeetingScheduled');

    await drain(worker());

    expect(receiver.requests.filter((r) => r.path === '/gone')).toHaveLength(1);
    expect(await deliveryOf(e1.id)).toMatchObject({ status: 'failed', lastHttpStatus: 410, attemptCount: 1 });
    expect((await deliveryOf(e1.id)).completedAt).not.toBeNull();
    expect(await deliveryOf(e2.id)).toMatchObject({ status: 'cancelled', attemptCount: 0 });
    expect(await deliveryOf(e3.id)).toMatchObject({ status: 'succeeded' });
    const hook = (await store.webhookConfig.get('onMeetingUpdated'))!;
    expect(hook.enabled).toBe(false);
    expect(hook.disabledReason).toMatch(/^410 Gone from http:\/\/127\.0\.0\.1:\d+\/gone at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect((await store.webhookConfig.get('onMeetingScheduled'))!.enabled).toBe(true);
    // A disabled hook records no new delivery.
    await record('onMeetingUpdated');
    expect((await store.outbox.listDeliveries({ event: 'onMeetingUpdated', offset: 0, limit: 10 })).total).toBe(2);
  });

  it('keeps a sibling delivery cancelled when the 410 arrives while it is in flight', async () => {
    await saveHook('onMeetingUpdated');
    receiver.answer = () => ({ status: 410 });
    const e1 = await record('onMeetingUpdated', 0);
    const e2 = await record('onMeetingUpdated', 1);
    // Both meetings' first attempts are claimed in one pass and run concurrently.
    expect(await worker({ concurrency: 2 }).runOnce()).toBe(2);
    expect(receiver.requests).toHaveLength(2);
    const statuses = [(await deliveryOf(e1.id)).status, (await deliveryOf(e2.id)).status].sort();
    expect(statuses).toEqual(['cancelled', 'failed']);
    for (const e of [e1, e2]) expect(await deliveryOf(e.id)).toMatchObject({ lastHttpStatus: 410, attemptCount: 1, nextAttemptAt: null, lockedUntil: null });
    expect((await store.webhookConfig.get('onMeetingUpdated'))!.enabled).toBe(false);
  });

  it('times out a hanging receiver and retries it', async () => {
    await saveHook('onMeetingUpdated');
    receiver.answer = (_r, nth) => (nth === 1 ? 'hang' : { status: 204 });
    const e = await record('onMeetingUpdated');

    await drain(worker({ settings: settings({ webhookTimeoutMs: 1000 }) }));

    const d = await deliveryOf(e.id);
    expect(d.status).toBe('succeeded');
    const attempts = await store.outbox.listAttempts(d.id);
    expect([attempts[0]!.httpStatus, attempts[0]!.error]).toEqual([null, 'timeout']);
    expect([attempts.at(-1)!.httpStatus, attempts.at(-1)!.error]).toEqual([204, null]);
    expect(receiver.forEvent(e.id)).toHaveLength(attempts.length);
  });

  it('delivers nothing for an event recorded in a transaction that then throws', async () => {
    await saveHook('onMeetingUpdated');
    await expect(
      store.transaction(async (tx) => {
        const meeting = (await tx.meetings.get(accountId, meetings[0]!))!;
        await recordEvent(tx, { clock, ids }, { event: 'onMeetingUpdated', meeting, payload: '{}' });
        throw new Error('validation failed after recording');
      }),
    ).rejects.toThrow('validation failed after recording');
    expect(await worker().runOnce()).toBe(0);
    expect(receiver.requests).toHaveLength(0);
    expect((await store.outbox.listDeliveries({ offset: 0, limit: 10 })).total).toBe(0);
  });

  it('attempts again, with a fresh worker, a delivery whose worker died after claiming it', async () => {
    await saveHook('onMeetingUpdated');
    const e = await record('onMeetingUpdated');
    // 1. A worker claims the delivery with a 1 s lease and dies before finishing.
    const claimed = await store.transaction((tx) => tx.outbox.claimDue(clock.now(), clock.now() + 1000, 10));
    expect(claimed.map((d) => d.eventId)).toEqual([e.id]);
    // 2. While the lease lives, a fresh worker leaves it alone.
    const fresh = worker();
    expect(await fresh.runOnce()).toBe(0);
    // 3. After the lease expires, the fresh worker attempts it.
    clock.advance(1001);
    expect(await fresh.runOnce()).toBe(1);
    expect(receiver.forEvent(e.id)).toHaveLength(1);
    expect(await deliveryOf(e.id)).toMatchObject({ status: 'succeeded', lockedUntil: null });
  });

  it('signs with both secrets, new first, while a rotation overlaps', async () => {
    const old = testHook('onMeetingUpdated', '').signingSecret;
    const hook = await saveHook('onMeetingUpdated', { previousSecret: old, previousSecretValidUntil: clock.now() + 3600_000 });
    const e1 = await record('onMeetingUpdated');
    await drain(worker());
    const [r1] = receiver.forEvent(e1.id);
    const sigs = String(r1!.headers['webhook-signature']).split(' ');
    expect(sigs).toHaveLength(2);
    const ts = Number(r1!.headers['webhook-timestamp']);
    expect(sigs[0]).toBe(signPayload(hook.signingSecret, e1.id, ts, r1!.body));
    expect(sigs[1]).toBe(signPayload(old, e1.id, ts, r1!.body));
    expect(() => new Webhook(hook.signingSecret).verify(r1!.body, swHeaders(r1!))).not.toThrow();
    expect(() => new Webhook(old).verify(r1!.body, swHeaders(r1!))).not.toThrow();

    // After the overlap only the new secret signs.
    clock.advance(3600_000);
    const e2 = await record('onMeetingUpdated');
    await drain(worker());
    const [r2] = receiver.forEvent(e2.id);
    expect(String(r2!.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(() => new Webhook(old).verify(r2!.body, swHeaders(r2!))).toThrow();
  });

  it('reads URL, method and API key at attempt time, and cancels when the hook was disabled meanwhile', async () => {
    const hook = await saveHook('onMeetingUpdated', { url: receiver.url('/old') });
    const e1 = await record('onMeetingUpdated');
    await store.webhookConfig.save({ ...hook, url: receiver.url('/new'), method: 'PUT', apiKey: 'k2' });
    await drain(worker());
    expect(receiver.requests.map((r) => [r.path, r.method, r.headers['x-api-key']])).toEqual([['/new', 'PUT', 'k2']]);
    expect((await store.outbox.listAttempts((await deliveryOf(e1.id)).id))[0]!.url).toBe(receiver.url('/new'));

    const e2 = await record('onMeetingUpdated');
    await store.webhookConfig.save({ ...hook, enabled: false });
    await drain(worker());
    expect(receiver.forEvent(e2.id)).toHaveLength(0);
    expect(await deliveryOf(e2.id)).toMatchObject({ status: 'cancelled', lastError: 'hookDisabled', attemptCount: 0 });
  });

  it('fails after the last scheduled retry; E59 redelivery restarts the schedule and keeps numbering attempts', async () => {
    await saveHook('onMeetingUpdated');
    receiver.answer = () => ({ status: 500 });
    const e = await record('onMeetingUpdated');
    const w = worker({ settings: settings({ webhookRetrySchedule: [0.05, 0.05] }) });
    await drain(w);
    let d = await deliveryOf(e.id);
    expect(d).toMatchObject({ status: 'failed', attemptCount: 3, lastHttpStatus: 500, lastError: 'HTTP 500', nextAttemptAt: null });
    expect(d.completedAt).not.toBeNull();

    const deps = { store, clock, notifyOutbox: () => undefined };
    const again = await redeliverDelivery(deps, { deliveryId: d.id });
    expect(again).toMatchObject({ status: 'pending', attemptCount: 0, nextAttemptAt: clock.now(), completedAt: null, eventId: e.id });
    // Idempotent while pending.
    expect(await redeliverDelivery(deps, { deliveryId: d.id })).toEqual(again);

    receiver.answer = (_r, nth) => (nth === 4 ? { status: 503 } : { status: 200 });
    await drain(w);
    d = await deliveryOf(e.id);
    expect(d).toMatchObject({ status: 'succeeded', attemptCount: 2 });
    expect(receiver.forEvent(e.id).map((r) => r.headers['x-webhook-attempt'])).toEqual(['1', '2', '3', '4', '5']);
    expect(new Set(receiver.forEvent(e.id).map((r) => r.headers['webhook-id']))).toEqual(new Set([e.id]));
    expect((await store.outbox.listAttempts(d.id)).map((a) => a.attempt)).toEqual([1, 2, 3, 4, 5]);
  });

  it('refuses E59 on a disabled hook and on an unknown delivery', async () => {
    const hook = await saveHook('onMeetingUpdated');
    const e = await record('onMeetingUpdated');
    await drain(worker());
    const d = await deliveryOf(e.id);
    await store.webhookConfig.save({ ...hook, enabled: false });
    const deps = { store, clock, notifyOutbox: () => undefined };
    await expect(redeliverDelivery(deps, { deliveryId: d.id })).rejects.toSatisfy(
      (err) => err instanceof DomainError && err.code === 'webhook.hook_disabled',
    );
    await expect(redeliverDelivery(deps, { deliveryId: 'ffffffffffffffffffffffff' })).rejects.toSatisfy(
      (err) => err instanceof DomainError && err.code === 'webhook_delivery.not_found',
    );
    expect((await deliveryOf(e.id)).status).toBe('succeeded');
  });

  it('treats a redirect as a failure and does not follow it', async () => {
    await saveHook('onMeetingUpdated', { url: receiver.url('/moved') });
    receiver.answer = () => ({ status: 302, headers: { location: receiver.url('/elsewhere') } });
    const e = await record('onMeetingUpdated');
    await drain(worker({ settings: settings({ webhookRetrySchedule: [] }) }));
    expect(receiver.requests.map((r) => r.path)).toEqual(['/moved']);
    expect(await deliveryOf(e.id)).toMatchObject({ status: 'failed', lastHttpStatus: 302, lastError: 'HTTP 302' });
  });

  it('honours a longer Retry-After on 503', async () => {
    await saveHook('onMeetingUpdated');
    receiver.answer = () => ({ status: 503, headers: { 'retry-after': '120' } });
    const e = await record('onMeetingUpdated');
    await worker().runOnce();
    const d = await deliveryOf(e.id);
    expect(d.status).toBe('pending');
    expect(d.nextAttemptAt! - clock.now()).toBe(120_000);
  });

  it('keeps at most 2 KiB of the response', async () => {
    await saveHook('onMeetingUpdated');
    receiver.answer = () => ({ status: 500, body: 'é'.repeat(5000) });
    const e = await record('onMeetingUpdated');
    await worker().runOnce();
    const [a] = await store.outbox.listAttempts((await deliveryOf(e.id)).id);
    expect(Buffer.byteLength(a!.responseExcerpt!, 'utf8')).toBe(2048);
    expect(a!.responseExcerpt).toBe('é'.repeat(1024));
  });

  it('fails attempts to private targets with blockedTarget when WEBHOOK_BLOCK_PRIVATE_TARGETS is set', async () => {
    await saveHook('onMeetingUpdated');
    await saveHook('onMeetingScheduled', { url: receiver.url().replace('127.0.0.1', 'localhost') });
    const e1 = await record('onMeetingUpdated');
    const e2 = await record('onMeetingScheduled');
    await worker({ settings: settings({ webhookBlockPrivateTargets: true }) }).runOnce();
    expect(receiver.requests).toHaveLength(0);
    for (const e of [e1, e2]) {
      const d = await deliveryOf(e.id);
      expect(d).toMatchObject({ status: 'pending', lastError: 'blockedTarget', lastHttpStatus: null, attemptCount: 1 });
    }
  });

  it('records a refused connection as a failure to retry', async () => {
    const closed = new Receiver();
    await closed.start();
    const url = closed.url();
    await closed.close();
    await saveHook('onMeetingUpdated', { url });
    const e = await record('onMeetingUpdated');
    await worker().runOnce();
    const d = await deliveryOf(e.id);
    expect(d.status).toBe('pending');
    expect(d.lastError).toMatch(/^ECONNREFUSED/);
  });

  it('runs in the background after start(), delivers on wake(), and stops idempotently', async () => {
    await saveHook('onMeetingUpdated');
    const w = worker({ pollIntervalMs: 20 });
    w.start();
    const e = await record('onMeetingUpdated');
    w.wake();
    await vi.waitFor(async () => expect((await deliveryOf(e.id)).status).toBe('succeeded'), { timeout: 5000, interval: 20 });
    await Promise.all([w.stop(), w.stop()]);
    await w.stop();
    expect(receiver.forEvent(e.id)).toHaveLength(1);
  });

  it('stop() waits for attempts in flight', async () => {
    await saveHook('onMeetingUpdated');
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slowFetch: typeof fetch = async (input, init) => {
      await gate;
      return fetch(input, init);
    };
    const w = worker({ fetchImpl: slowFetch, pollIntervalMs: 20 });
    const e = await record('onMeetingUpdated');
    w.start();
    await vi.waitFor(async () => expect((await deliveryOf(e.id)).lockedUntil).not.toBeNull(), { timeout: 5000, interval: 10 });
    const stopped = w.stop();
    release();
    await stopped;
    expect(await deliveryOf(e.id)).toMatchObject({ status: 'succeeded', lockedUntil: null });
  });
});
