/**
 * Webhook configuration and delivery log through the v6 API: E54–E59 (webmeeting-v6 §11.2, §11.5; §15 item 7),
 * with a real HTTP receiver on 127.0.0.1 and a real WebhookWorker driven pass by pass over the app's store.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { harness, INSTANCE_KEY, type Harness } from '../../../test/support/app.js';
import { as, expectError, HEX24, ISO_MS, issueKey, UNKNOWN_ID } from '../../../test/support/accountAdmin.js';
import type { Deps } from '../../domain/deps.js';
import { TestClock } from '../../domain/webhooks/testFixtures.js';
import { webhookEventNames, type OutboxEvent } from '../../domain/webhooks/types.js';
import type { Database, SqlStore } from '../../storage/index.js';
import { WebhookWorker, type WorkerLogger } from '../../webhooks/WebhookWorker.js';

/** The §11.4 test vector. */
const VECTOR = {
  secret: 'whsec_raQeM3NP4gTv2CXLxYmmPuCrW5UAZ3D7oECKgumdyFs=',
  id: '66a1f3d4b1e4c35a9d0e7a40',
  timestamp: 1712480472,
  body: '{"id":"5e945c36b863b82cefdddf54","topic":"My Meeting Topic"}',
  signature: 'v1,+iFnrAzpXUqElrpyhaWTeJSzSjh+Mg1JoJDJ/VokaLY=',
};
const HOOK_KEYS = ['url', 'method', 'apiKey', 'enabled', 'payloadFormat', 'signingSecret', 'previousSecretValidUntil', 'disabledReason'];
const DELIVERY_KEYS = [
  'id',
  'eventId',
  'event',
  'meeting',
  'recurrenceId',
  'sequence',
  'occurredAt',
  'payloadFormat',
  'status',
  'attemptCount',
  'nextAttemptAt',
  'lastHttpStatus',
  'lastError',
  'createdAt',
  'completedAt',
];
const SECRET_32 = /^whsec_[A-Za-z0-9+/]{43}=$/;
const HOUR = 3_600_000;

/** One request as the receiver saw it. */
interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP receiver on 127.0.0.1:0 whose answers the test scripts per request. */
class Receiver {
  readonly requests: Received[] = [];
  answer: (r: Received, nth: number) => { status: number; body?: string } = () => ({ status: 200 });
  readonly #server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      this.requests.push(r);
      const a = this.answer(r, this.requests.length);
      res.writeHead(a.status);
      res.end(a.body ?? '');
    });
  });

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
  }
  url(path = '/hook'): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}${path}`;
  }
  forEvent(id: string): Received[] {
    return this.requests.filter((r) => r.headers['webhook-id'] === id);
  }
  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

const silent: WorkerLogger = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

/** The Standard Webhooks headers of a received request. */
const swHeaders = (r: Received): Record<string, string> => ({
  'webhook-id': String(r.headers['webhook-id']),
  'webhook-timestamp': String(r.headers['webhook-timestamp']),
  'webhook-signature': String(r.headers['webhook-signature']),
});

/** `v1,<base64 HMAC-SHA256>` computed here from §11.4, independently of src/webhooks/signing.ts. */
function hmacSignature(secret: string, id: string, timestamp: string | number, body: string): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

const whsec = (bytes: number): string => `whsec_${randomBytes(bytes).toString('base64')}`;
const iso = (ms: number): string => new Date(ms).toISOString();

let h: Harness;
let clock: TestClock;
let receiver: Receiver;
let account: { accountId: string; adminId: string; adminEmail: string };
const workers: WebhookWorker[] = [];

beforeEach(async () => {
  clock = new TestClock();
  h = await harness({ clock });
  receiver = new Receiver();
  await receiver.start();
  account = await h.newAccount();
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
  await receiver.close();
  await h.close();
});

/** A worker over the app's store, with a short schedule (5 s, 60 s) and no jitter, so times are exact. */
function worker(): WebhookWorker {
  const settings = { ...h.deps.settings, webhookRetrySchedule: [5, 60], webhookTimeoutMs: 10_000 };
  const w = new WebhookWorker({ store: h.store, clock, settings, logger: silent, random: () => 0.5, leaseMs: 30_000 });
  workers.push(w);
  return w;
}

/** Runs passes, moving the clock to the next due attempt each time, until nothing is pending. */
async function drain(w: WebhookWorker): Promise<void> {
  for (let i = 0; i < 50; i++) {
    await w.runOnce();
    const { items } = await h.store.outbox.listDeliveries({ status: 'pending', offset: 0, limit: 500 });
    if (items.length === 0) return;
    const next = Math.min(...items.map((d) => d.nextAttemptAt ?? Infinity));
    clock.advance(Math.max(0, next - clock.now()));
  }
  throw new Error('deliveries still pending');
}

/** A meeting as E20 returned it. */
interface V6Meeting {
  id: string;
  meetingId: string;
  accountId: string;
}

/** E20 as the account's admin: a one-hour meeting that started a minute ago (open now), or a recurring one. */
async function schedule(body: Record<string, unknown> = {}): Promise<V6Meeting> {
  const res = await h.call('POST', '/api/v6/meeting', { topic: 'Weekly sync', startTime: iso(clock.now() - 60_000), duration: 60, ...body }, { 'x-user-id': account.adminId });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data as V6Meeting;
}

/** The newest outbox event of a meeting (events themselves are not exposed by the API). */
async function lastEvent(meetingId: string): Promise<OutboxEvent> {
  const { items } = await h.store.outbox.listEvents({ meetingId, offset: 0, limit: 500 });
  const e = items.at(-1);
  if (!e) throw new Error(`no event for ${meetingId}`);
  return e;
}

/** E21 `/false`: retitles the meeting, which records onMeetingUpdated. */
async function update(m: V6Meeting): Promise<OutboxEvent> {
  const res = await h.call('PUT', `/api/v6/meeting/${m.id}/false`, { topic: `Retitled ${clock.now()}` });
  expect(res.statusCode, res.body).toBe(200);
  const e = await lastEvent(m.id);
  expect(e.event).toBe('onMeetingUpdated');
  return e;
}

/** E20, returning the meeting and its onMeetingScheduled event. */
async function scheduled(body: Record<string, unknown> = {}): Promise<{ m: V6Meeting; e: OutboxEvent }> {
  const m = await schedule(body);
  const e = await lastEvent(m.id);
  expect(e.event).toBe('onMeetingScheduled');
  return { m, e };
}

const getConfig = async () => {
  const res = await h.call('GET', '/api/v6/webhook');
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data as Record<string, Record<string, unknown>>;
};
const putConfig = async (body: unknown) => {
  const res = await h.call('PUT', '/api/v6/webhook', body);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data as Record<string, Record<string, unknown>>;
};
const deliveries = async (query = '') => {
  const res = await h.call('GET', `/api/v6/webhook/delivery${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return { total: Number(res.headers['x-total-count']), items: res.json().data as Array<Record<string, unknown>> };
};
const delivery = async (id: string) => {
  const res = await h.call('GET', `/api/v6/webhook/delivery/${id}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data as Record<string, unknown> & { attempts: Array<Record<string, unknown>>; body: string };
};
const deliveryIdOf = async (eventId: string): Promise<string> => {
  const { items } = await h.store.outbox.listDeliveries({ offset: 0, limit: 500 });
  const d = items.find((x) => x.eventId === eventId);
  if (!d) throw new Error(`no delivery for ${eventId}`);
  return d.id;
};

/** Every row of every table, as one comparable string: a rejected request must leave it unchanged. */
async function snapshot(): Promise<string> {
  const db = (h.store as SqlStore).db;
  const tables: Array<keyof Database> = [
    'instance_settings',
    'accounts',
    'users',
    'api_keys',
    'rooms',
    'permission_sets',
    'meetings',
    'outbox_events',
    'webhook_deliveries',
    'webhook_attempts',
    'webhook_config',
    'idempotency_keys',
    'mail_outbox',
    'password_tokens',
  ];
  const out: Record<string, string[]> = {};
  for (const t of tables) out[t] = (await db.selectFrom(t).selectAll().execute()).map((r) => JSON.stringify(r)).sort();
  return JSON.stringify(out);
}

async function expectRejected(
  request: () => Promise<LightMyRequestResponse>,
  status: number,
  responseCode: number,
  issues?: Array<{ field: string | null; code: string }>,
): Promise<void> {
  const before = await snapshot();
  const res = await request();
  expectError(res, status, responseCode, issues);
  expect(await snapshot()).toBe(before);
}

describe('auth on E54–E59', () => {
  const routes: Array<[string, string, unknown?]> = [
    ['GET', '/api/v6/webhook'],
    ['PUT', '/api/v6/webhook', { onMeetingUpdated: { enabled: false } }],
    ['POST', '/api/v6/webhook/onMeetingUpdated/secret'],
    ['GET', '/api/v6/webhook/delivery'],
    ['GET', `/api/v6/webhook/delivery/${UNKNOWN_ID}`],
    ['POST', `/api/v6/webhook/delivery/${UNKNOWN_ID}/redeliver`],
  ];

  it.each(routes)('%s %s: no key -1, unknown key -1, account key -3, meeting-only instance key -3, bad X-USER-ID -2', async (method, url, body) => {
    const accountKey = await issueKey(h, 'account', account.accountId, ['account', 'meeting']);
    const meetingOnly = await issueKey(h, 'instance', null, ['meeting']);
    const payload = body === undefined ? {} : { payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
    await expectRejected(() => h.app.inject({ method: method as 'GET', url, ...payload }), 401, -1, [{ field: 'header.X-API-KEY', code: 'required' }]);
    await expectRejected(() => h.call(method, url, body, as('not-a-key')), 401, -1, [{ field: 'header.X-API-KEY', code: 'unauthorized' }]);
    await expectRejected(() => h.call(method, url, body, as(accountKey)), 403, -3, [{ field: null, code: 'notAllowed' }]);
    await expectRejected(() => h.call(method, url, body, as(meetingOnly)), 403, -3, [{ field: null, code: 'notAllowed' }]);
    await expectRejected(() => h.call(method, url, body, as(INSTANCE_KEY, { 'x-user-id': 'nope' })), 401, -2, [{ field: 'header.X-USER-ID', code: 'format' }]);
  });
});

describe('E54 GET /webhook', () => {
  it('shows every event of the catalogue in order with defaults, and saves them so the secrets are stable', async () => {
    expect(await h.store.webhookConfig.list()).toEqual([]);
    const res = await h.call('GET', '/api/v6/webhook');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.responseCode).toBe(0);
    expect(Object.keys(body.data)).toEqual([...webhookEventNames]);
    const secrets = new Set<string>();
    for (const event of webhookEventNames) {
      const hook = body.data[event];
      expect(Object.keys(hook)).toEqual(HOOK_KEYS);
      expect(hook).toEqual({
        url: null,
        method: 'POST',
        apiKey: null,
        enabled: false,
        payloadFormat: 'plain',
        signingSecret: expect.stringMatching(SECRET_32),
        previousSecretValidUntil: null,
        disabledReason: null,
      });
      secrets.add(hook.signingSecret);
    }
    expect(secrets.size).toBe(8);
    expect((await h.store.webhookConfig.list()).map((x) => x.event)).toEqual([...webhookEventNames]);
    // A second read writes nothing and shows the same secrets.
    const before = await snapshot();
    expect((await h.call('GET', '/api/v6/webhook')).json()).toEqual(body);
    expect(await snapshot()).toBe(before);
  });
});

describe('E55 PUT /webhook', () => {
  it('changes only the events and fields present, ignores unknown ones, and returns the whole configuration', async () => {
    const initial = await getConfig();
    const url = receiver.url('/meeting');
    const data = await putConfig({
      onMeetingUpdated: { url: ` ${url} `, method: 'put', apiKey: ' s3cr3t ', enabled: true, payloadFormat: 'ENVELOPE', signingSecret: VECTOR.secret, colour: 'blue' },
      onMeetingTeleported: { url: 'nonsense', enabled: 'maybe' },
      somethingElse: 42,
    });
    expect(Object.keys(data)).toEqual([...webhookEventNames]);
    expect(data.onMeetingUpdated).toEqual({
      url,
      method: 'PUT',
      apiKey: 's3cr3t',
      enabled: true,
      payloadFormat: 'envelope',
      signingSecret: VECTOR.secret,
      previousSecretValidUntil: null,
      disabledReason: null,
    });
    expect({ ...data, onMeetingUpdated: undefined }).toEqual({ ...initial, onMeetingUpdated: undefined });
    expect(await getConfig()).toEqual(data);

    // One field of one hook; null on an event is ignored like absence.
    const next = await putConfig({ onMeetingUpdated: { apiKey: null }, onMeetingClosed: null });
    expect(next.onMeetingUpdated).toEqual({ ...data.onMeetingUpdated, apiKey: null });
    expect(next.onMeetingClosed).toEqual(initial.onMeetingClosed);

    // An empty body changes nothing.
    expect(await putConfig({})).toEqual(next);
  });

  it('accepts a round-tripped GET body unchanged, read-only fields included', async () => {
    await putConfig({ onMeetingScheduled: { url: receiver.url(), enabled: true } });
    await h.call('POST', '/api/v6/webhook/onMeetingScheduled/secret');
    const config = await getConfig();
    expect(config.onMeetingScheduled!.previousSecretValidUntil).toMatch(ISO_MS);
    const before = await snapshot();
    expect(await putConfig(config)).toEqual(config);
    // Writing the same values changes nothing but updatedAt.
    const strip = (s: string) => s.replace(/"updated_at":\d+/g, '');
    expect(strip(await snapshot())).toBe(strip(before));
  });

  it('enables a hook whose URL is stored, clears url/apiKey with "", and keeps the overlap unless a secret is set by hand', async () => {
    await putConfig({ onMeetingLeft: { url: receiver.url(), apiKey: 'k' } });
    expect((await putConfig({ onMeetingLeft: { enabled: true } })).onMeetingLeft).toMatchObject({ url: receiver.url(), enabled: true });
    expect((await putConfig({ onMeetingLeft: { enabled: false, url: '', apiKey: '' } })).onMeetingLeft).toMatchObject({ url: null, apiKey: null, enabled: false });

    const rotated = (await h.call('POST', '/api/v6/webhook/onMeetingLeft/secret')).json().data;
    expect(rotated.previousSecretValidUntil).toMatch(ISO_MS);
    // Sending the current secret back is no change: the overlap stays.
    expect((await putConfig({ onMeetingLeft: { signingSecret: rotated.signingSecret } })).onMeetingLeft).toEqual(rotated);
    const own = whsec(24);
    expect((await putConfig({ onMeetingLeft: { signingSecret: own } })).onMeetingLeft).toMatchObject({ signingSecret: own, previousSecretValidUntil: null });
    const long = whsec(64);
    expect((await putConfig({ onMeetingLeft: { signingSecret: long } })).onMeetingLeft).toMatchObject({ signingSecret: long });
  });

  const bad: Array<[string, unknown, Array<{ field: string | null; code: string }>]> = [
    ['url of the wrong type', { onMeetingUpdated: { url: 5 } }, [{ field: 'onMeetingUpdated.url', code: 'type' }]],
    ['url with another scheme', { onMeetingUpdated: { url: 'ftp://example.com/hook' } }, [{ field: 'onMeetingUpdated.url', code: 'format' }]],
    ['url that is not a URL', { onMeetingUpdated: { url: 'crm.example.com/hook' } }, [{ field: 'onMeetingUpdated.url', code: 'format' }]],
    ['url with a NUL', { onMeetingUpdated: { url: 'https://example.com/\u0000' } }, [{ field: 'onMeetingUpdated.url', code: 'format' }]],
    ['url over 2048 characters', { onMeetingUpdated: { url: `https://example.com/${'a'.repeat(2030)}` } }, [{ field: 'onMeetingUpdated.url', code: 'maxLength' }]],
    ['method not POST or PUT', { onMeetingClosed: { method: 'GET' } }, [{ field: 'onMeetingClosed.method', code: 'enum' }]],
    ['method of the wrong type', { onMeetingClosed: { method: 1 } }, [{ field: 'onMeetingClosed.method', code: 'type' }]],
    ['apiKey over 255 characters', { onMeetingDeleted: { apiKey: 'k'.repeat(256) } }, [{ field: 'onMeetingDeleted.apiKey', code: 'maxLength' }]],
    ['apiKey of the wrong type', { onMeetingDeleted: { apiKey: 7 } }, [{ field: 'onMeetingDeleted.apiKey', code: 'type' }]],
    ['enabled as a string', { onMeetingJoined: { enabled: 'true' } }, [{ field: 'onMeetingJoined.enabled', code: 'type' }]],
    ['enabled as a number', { onMeetingJoined: { enabled: 1 } }, [{ field: 'onMeetingJoined.enabled', code: 'type' }]],
    ['payloadFormat unknown', { onMeetingLeft: { payloadFormat: 'xml' } }, [{ field: 'onMeetingLeft.payloadFormat', code: 'enum' }]],
    ['signingSecret without whsec_', { onMeetingScheduled: { signingSecret: randomBytes(32).toString('base64') } }, [{ field: 'onMeetingScheduled.signingSecret', code: 'format' }]],
    ['signingSecret of 23 bytes', { onMeetingScheduled: { signingSecret: whsec(23) } }, [{ field: 'onMeetingScheduled.signingSecret', code: 'format' }]],
    ['signingSecret of 65 bytes', { onMeetingScheduled: { signingSecret: whsec(65) } }, [{ field: 'onMeetingScheduled.signingSecret', code: 'format' }]],
    ['signingSecret not base64', { onMeetingScheduled: { signingSecret: 'whsec_not base64 at all, not at all!!' } }, [{ field: 'onMeetingScheduled.signingSecret', code: 'format' }]],
    ['signingSecret of the wrong type', { onMeetingScheduled: { signingSecret: 42 } }, [{ field: 'onMeetingScheduled.signingSecret', code: 'type' }]],
    ['enabled without a url', { onMeetingUpdated: { enabled: true } }, [{ field: 'onMeetingUpdated.url', code: 'required' }]],
    ['enabled with url null', { onMeetingUpdated: { enabled: true, url: null } }, [{ field: 'onMeetingUpdated.url', code: 'required' }]],
    ['enabled with url ""', { onMeetingUpdated: { enabled: true, url: '  ' } }, [{ field: 'onMeetingUpdated.url', code: 'required' }]],
    ['an event that is not an object', { onMeetingSummaryCreated: 'on' }, [{ field: 'onMeetingSummaryCreated', code: 'type' }]],
    ['an event that is an array', { onMeetingSummaryCreated: [] }, [{ field: 'onMeetingSummaryCreated', code: 'type' }]],
    ['a body that is an array', [], [{ field: null, code: 'type' }]],
    [
      'many problems at once, the url-required rule included',
      {
        onMeetingScheduled: { enabled: true },
        onMeetingUpdated: { url: 'nope', method: 'GET', apiKey: 5, enabled: 'on', payloadFormat: 'xml', signingSecret: 'x', disabledReason: 'ignored' },
        onMeetingLeft: { enabled: true, url: null },
        onMeetingClosed: { enabled: false },
      },
      [
        { field: 'onMeetingUpdated.url', code: 'format' },
        { field: 'onMeetingUpdated.method', code: 'enum' },
        { field: 'onMeetingUpdated.apiKey', code: 'type' },
        { field: 'onMeetingUpdated.enabled', code: 'type' },
        { field: 'onMeetingUpdated.payloadFormat', code: 'enum' },
        { field: 'onMeetingUpdated.signingSecret', code: 'format' },
        { field: 'onMeetingScheduled.url', code: 'required' },
        { field: 'onMeetingLeft.url', code: 'required' },
      ],
    ],
  ];

  it.each(bad)('rejects %s with 400 -4 naming the field, and writes nothing', async (_name, body, issues) => {
    // Once on a fresh instance (no hook saved: even the defaults must not be saved), once on a saved one.
    await expectRejected(() => h.call('PUT', '/api/v6/webhook', body), 400, -4, issues);
    await getConfig();
    await expectRejected(() => h.call('PUT', '/api/v6/webhook', body), 400, -4, issues);
  });

  it('rejects malformed JSON with invalidJson', async () => {
    await expectRejected(() => h.call('PUT', '/api/v6/webhook', '{"onMeetingUpdated": {'), 400, -4, [{ field: null, code: 'invalidJson' }]);
  });

  it('switching a hook off cancels its pending deliveries in the same request; a rejected request cancels nothing', async () => {
    await putConfig({ onMeetingUpdated: { url: receiver.url(), enabled: true }, onMeetingScheduled: { url: receiver.url(), enabled: true } });
    const { m: m1, e: s1 } = await scheduled();
    const { m: m2, e: s2 } = await scheduled();
    const u1 = await update(m1);
    const u2 = await update(m2);

    await expectRejected(() => h.call('PUT', '/api/v6/webhook', { onMeetingUpdated: { enabled: false }, onMeetingClosed: { method: 'GET' } }), 400, -4, [
      { field: 'onMeetingClosed.method', code: 'enum' },
    ]);
    expect((await deliveries('?status=pending')).total).toBe(4);

    clock.advance(1000);
    const data = await putConfig({ onMeetingUpdated: { enabled: false } });
    expect(data.onMeetingUpdated).toMatchObject({ enabled: false, url: receiver.url(), disabledReason: null });
    const cancelled = await deliveries('?status=cancelled');
    expect(cancelled.items.map((d) => d.eventId)).toEqual([u2.id, u1.id]);
    for (const d of cancelled.items) expect(d).toMatchObject({ attemptCount: 0, nextAttemptAt: null, completedAt: iso(clock.now()) });
    expect((await deliveries('?status=pending')).items.map((d) => d.eventId)).toEqual([s2.id, s1.id]);

    await drain(worker());
    expect(receiver.requests.map((r) => r.headers['webhook-id'])).toEqual([s1.id, s2.id]);
    // A disabled hook records no delivery for new events.
    await update(m1);
    expect((await deliveries('?event=onMeetingUpdated')).total).toBe(2);
  });
});

describe('E56 POST /webhook/{event}/secret', () => {
  it('rotates: both signatures, new first, during the overlap; only the new one after it', async () => {
    const old = (await putConfig({ onMeetingUpdated: { url: receiver.url(), enabled: true } })).onMeetingUpdated!.signingSecret as string;
    const res = await h.call('POST', '/api/v6/webhook/onMeetingUpdated/secret');
    expect(res.statusCode, res.body).toBe(200);
    const hook = res.json().data;
    expect(Object.keys(hook)).toEqual(HOOK_KEYS);
    expect(hook).toEqual({
      url: receiver.url(),
      method: 'POST',
      apiKey: null,
      enabled: true,
      payloadFormat: 'plain',
      signingSecret: expect.stringMatching(SECRET_32),
      previousSecretValidUntil: iso(clock.now() + 24 * HOUR),
      disabledReason: null,
    });
    expect(hook.signingSecret).not.toBe(old);
    expect((await getConfig()).onMeetingUpdated).toEqual(hook);

    const m = await schedule();
    const e1 = await update(m);
    await drain(worker());
    const [r1] = receiver.forEvent(e1.id);
    const ts = String(r1!.headers['webhook-timestamp']);
    expect(String(r1!.headers['webhook-signature']).split(' ')).toEqual([
      hmacSignature(hook.signingSecret, e1.id, ts, r1!.body),
      hmacSignature(old, e1.id, ts, r1!.body),
    ]);
    expect(new Webhook(hook.signingSecret).verify(r1!.body, swHeaders(r1!))).toEqual(JSON.parse(r1!.body));
    expect(new Webhook(old).verify(r1!.body, swHeaders(r1!))).toEqual(JSON.parse(r1!.body));

    clock.advance(24 * HOUR);
    const e2 = await update(m);
    await drain(worker());
    const [r2] = receiver.forEvent(e2.id);
    expect(r2!.headers['webhook-signature']).toBe(hmacSignature(hook.signingSecret, e2.id, String(r2!.headers['webhook-timestamp']), r2!.body));
  });

  it('gives a never-saved hook its first secret with no previous one, and a second rotation drops the oldest', async () => {
    const first = (await h.call('POST', '/api/v6/webhook/onMeetingLeft/secret')).json().data;
    expect(first).toMatchObject({ url: null, enabled: false, signingSecret: expect.stringMatching(SECRET_32), previousSecretValidUntil: null });
    const second = (await h.call('POST', '/api/v6/webhook/onMeetingLeft/secret')).json().data;
    const third = (await h.call('POST', '/api/v6/webhook/onMeetingLeft/secret')).json().data;
    const stored = (await h.store.webhookConfig.get('onMeetingLeft'))!;
    expect(stored).toMatchObject({ signingSecret: third.signingSecret, previousSecret: second.signingSecret });
    expect(new Set([first.signingSecret, second.signingSecret, third.signingSecret]).size).toBe(3);
  });

  it('keeps the old secret for CONVENE_WEBHOOK_SECRET_OVERLAP_HOURS', async () => {
    const h2 = await harness({ clock, env: { CONVENE_WEBHOOK_SECRET_OVERLAP_HOURS: '2' } });
    try {
      await h2.call('GET', '/api/v6/webhook');
      const res = await h2.call('POST', '/api/v6/webhook/onMeetingClosed/secret');
      expect(res.json().data.previousSecretValidUntil).toBe(iso(clock.now() + 2 * HOUR));
    } finally {
      await h2.close();
    }
  });

  it('rejects an unknown event with path.event enum and writes nothing', async () => {
    await expectRejected(() => h.call('POST', '/api/v6/webhook/onMeetingTeleported/secret'), 400, -4, [{ field: 'path.event', code: 'enum' }]);
    await expectRejected(() => h.call('POST', '/api/v6/webhook/delivery/secret'), 400, -4, [{ field: 'path.event', code: 'enum' }]);
  });
});

describe('delivery through the worker, seen in E57–E59', () => {
  it('retries a failing receiver with the same webhook-id, signed with the configured secret, and logs every attempt', async () => {
    // The §11.4 vector: standardwebhooks agrees with the configured secret's signature.
    expect(new Webhook(VECTOR.secret).sign(VECTOR.id, new Date(VECTOR.timestamp * 1000), VECTOR.body)).toBe(VECTOR.signature);
    expect(hmacSignature(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.body)).toBe(VECTOR.signature);

    const url = receiver.url('/hooks/meeting');
    await putConfig({ onMeetingUpdated: { url, method: 'PUT', apiKey: 's3cr3t', enabled: true, signingSecret: VECTOR.secret } });
    receiver.answer = (_r, nth) => (nth <= 2 ? { status: 503, body: 'busy' } : { status: 200, body: 'ok' });
    const m = await schedule();
    clock.advance(1000);
    const t0 = clock.now();
    const e = await update(m);
    const w = worker();

    // 1. The first attempt fails; the log shows a pending delivery due 5 s later.
    await w.runOnce();
    const listed = await deliveries();
    expect(listed.total).toBe(1);
    expect(Object.keys(listed.items[0]!)).toEqual(DELIVERY_KEYS);
    const id = listed.items[0]!.id as string;
    expect(id).toMatch(HEX24);
    expect(listed.items[0]).toEqual({
      id,
      eventId: e.id,
      event: 'onMeetingUpdated',
      meeting: { id: m.id, meetingId: m.meetingId, accountId: account.accountId },
      recurrenceId: null,
      sequence: 2,
      occurredAt: iso(t0),
      payloadFormat: 'plain',
      status: 'pending',
      attemptCount: 1,
      nextAttemptAt: iso(t0 + 5000),
      lastHttpStatus: 503,
      lastError: 'HTTP 503',
      createdAt: iso(t0),
      completedAt: null,
    });
    expect((listed.items[0]!.meeting as { meetingId: string }).meetingId).toMatch(/^\d{4}-\d{4}-\d{4}-\d{4}$/);

    // 2. Two more passes on the schedule (5 s, then 60 s): the third attempt succeeds.
    await drain(w);
    expect(clock.now() - t0).toBe(65_000);
    expect(receiver.requests).toHaveLength(3);
    receiver.requests.forEach((r, i) => {
      expect(r.method).toBe('PUT');
      expect(r.path).toBe('/hooks/meeting');
      expect(r.headers['webhook-id']).toBe(e.id);
      expect(r.headers['x-api-key']).toBe('s3cr3t');
      expect(r.headers['x-webhook-attempt']).toBe(String(i + 1));
      expect(r.body).toBe(e.payload);
      expect(new Webhook(VECTOR.secret).verify(r.body, swHeaders(r))).toEqual(JSON.parse(e.payload));
      expect(r.headers['webhook-signature']).toBe(hmacSignature(VECTOR.secret, e.id, String(r.headers['webhook-timestamp']), r.body));
    });

    // 3. E58 shows the body sent and every attempt.
    const d = await delivery(id);
    expect(Object.keys(d)).toEqual([...DELIVERY_KEYS, 'body', 'attempts']);
    expect(d).toMatchObject({ status: 'succeeded', attemptCount: 3, nextAttemptAt: null, lastHttpStatus: 200, lastError: null, completedAt: iso(t0 + 65_000) });
    expect(d.body).toBe(receiver.requests[0]!.body);
    expect(d.attempts.map((a) => Object.keys(a))).toEqual(Array(3).fill(['attempt', 'startedAt', 'url', 'method', 'webhookTimestamp', 'durationMs', 'httpStatus', 'error', 'responseExcerpt']));
    expect(d.attempts.map((a) => [a.attempt, a.startedAt, a.url, a.method, a.httpStatus, a.error, a.responseExcerpt])).toEqual([
      [1, iso(t0), url, 'PUT', 503, 'HTTP 503', 'busy'],
      [2, iso(t0 + 5000), url, 'PUT', 503, 'HTTP 503', 'busy'],
      [3, iso(t0 + 65_000), url, 'PUT', 200, null, 'ok'],
    ]);
    expect(d.attempts.map((a) => String(a.webhookTimestamp))).toEqual(receiver.requests.map((r) => r.headers['webhook-timestamp']));
    for (const a of d.attempts) expect(Number.isInteger(a.durationMs) && (a.durationMs as number) >= 0).toBe(true);

    // 4. E59 sends it again with the same event id and body; attemptCount restarts, the log keeps numbering.
    let wakes = 0;
    (h.deps as Deps & { onOutbox: (fn: () => void) => void }).onOutbox(() => wakes++);
    clock.advance(1000);
    const res = await h.call('POST', `/api/v6/webhook/delivery/${id}/redeliver`);
    expect(res.statusCode, res.body).toBe(200);
    const again = res.json().data;
    expect(again).toEqual({ ...d, status: 'pending', attemptCount: 0, nextAttemptAt: iso(clock.now()), completedAt: null });
    expect(wakes).toBe(1);
    // Idempotent while pending: the same answer, nothing written, no second wake.
    const before = await snapshot();
    expect((await h.call('POST', `/api/v6/webhook/delivery/${id}/redeliver`)).json()).toEqual({ responseCode: 0, data: again });
    expect(await snapshot()).toBe(before);
    expect(wakes).toBe(1);

    await drain(w);
    const r4 = receiver.requests[3]!;
    expect([r4.headers['webhook-id'], r4.headers['x-webhook-attempt'], r4.body]).toEqual([e.id, '4', e.payload]);
    expect(new Webhook(VECTOR.secret).verify(r4.body, swHeaders(r4))).toEqual(JSON.parse(e.payload));
    const after = await delivery(id);
    expect(after).toMatchObject({ eventId: e.id, sequence: 2, status: 'succeeded', attemptCount: 1, body: d.body });
    expect(after.attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4]);
  });

  it('410 Gone disables the hook (E54 shows why), cancels its pending deliveries, and E59 then answers -9 until it is enabled again', async () => {
    const gone = receiver.url('/gone');
    await putConfig({ onMeetingUpdated: { url: gone, enabled: true }, onMeetingScheduled: { url: receiver.url('/ok'), enabled: true } });
    receiver.answer = (r) => (r.path === '/gone' ? { status: 410 } : { status: 200 });
    const { m, e: s1 } = await scheduled();
    const u1 = await update(m);
    const u2 = await update(m);

    await drain(worker());

    expect(receiver.forEvent(u1.id)).toHaveLength(1);
    expect(receiver.forEvent(u2.id)).toHaveLength(0);
    const config = await getConfig();
    expect(config.onMeetingUpdated).toMatchObject({ enabled: false, url: gone, disabledReason: `410 Gone from ${gone} at ${iso(clock.now())}` });
    expect(config.onMeetingScheduled).toMatchObject({ enabled: true, disabledReason: null });
    const updated = await deliveries('?event=onMeetingUpdated');
    expect(updated.items.map((d) => [d.eventId, d.status, d.lastHttpStatus, d.attemptCount])).toEqual([
      [u2.id, 'cancelled', null, 0],
      [u1.id, 'failed', 410, 1],
    ]);
    expect((await deliveries('?event=onMeetingScheduled')).items.map((d) => [d.eventId, d.status])).toEqual([[s1.id, 'succeeded']]);

    const u1Id = await deliveryIdOf(u1.id);
    await expectRejected(() => h.call('POST', `/api/v6/webhook/delivery/${u1Id}/redeliver`), 409, -9, [{ field: null, code: 'conflict' }]);

    // Enabling again clears the reason; the receiver is fixed, and E59 delivers the failed event.
    expect((await putConfig({ onMeetingUpdated: { enabled: true, url: receiver.url('/ok') } })).onMeetingUpdated).toMatchObject({ enabled: true, disabledReason: null });
    expect((await h.call('POST', `/api/v6/webhook/delivery/${u1Id}/redeliver`)).json().data.status).toBe('pending');
    await drain(worker());
    expect(receiver.forEvent(u1.id).map((r) => r.path)).toEqual(['/gone', '/ok']);
    expect((await delivery(u1Id)).status).toBe('succeeded');
  });

  it('sends and logs the envelope format when the hook asks for it', async () => {
    await putConfig({ onMeetingUpdated: { url: receiver.url(), enabled: true, payloadFormat: 'envelope' } });
    const m = await schedule();
    const e = await update(m);
    await drain(worker());
    const [listed] = (await deliveries()).items;
    expect(listed!.payloadFormat).toBe('envelope');
    const d = await delivery(listed!.id as string);
    expect(JSON.parse(d.body)).toEqual({
      eventId: e.id,
      event: 'onMeetingUpdated',
      sequence: 2,
      occurredAt: iso(e.occurredAt),
      meeting: { id: m.id, meetingId: m.meetingId, accountId: account.accountId },
      recurrenceId: null,
      data: JSON.parse(e.payload),
    });
    expect(JSON.parse(d.body).data).toMatchObject({ id: m.id, meetingId: m.meetingId });
    expect(receiver.requests[0]!.body).toBe(d.body);
  });

  it('shows the occurrence of an event tied to one occurrence (E31 on a recurring meeting) as an ISO recurrenceId', async () => {
    await putConfig({ onMeetingClosed: { url: receiver.url(), enabled: true } });
    const start = clock.now() - 60_000;
    const m = await schedule({ startTime: iso(start), isRecurring: true, recurring: { frequencyType: 'daily', frequency: 1, endsType: 'after', endsAfter: 3 } });
    const res = await h.call('POST', `/api/v6/meeting/${m.id}/close`);
    expect(res.statusCode, res.body).toBe(200);
    const e = await lastEvent(m.id);
    expect(e.event).toBe('onMeetingClosed');
    // Whole seconds: the meeting's start is kept to the second.
    const occurrence = iso(Math.floor(start / 1000) * 1000);
    const [listed] = (await deliveries('?event=onMeetingClosed')).items;
    expect(listed).toMatchObject({ eventId: e.id, recurrenceId: occurrence, sequence: 2 });
    await drain(worker());
    expect(receiver.requests[0]!.headers['x-webhook-occurrence']).toBe(occurrence);
  });
});

describe('E57 GET /webhook/delivery', () => {
  it('lists newest first with X-Total-Count and filters by event, meeting, status, from/to and paging', async () => {
    await putConfig({ onMeetingScheduled: { url: receiver.url(), enabled: true }, onMeetingUpdated: { url: receiver.url(), enabled: true } });
    const t0 = clock.now();
    const { m: m1, e: s1 } = await scheduled();
    clock.advance(1000);
    const { m: m2, e: s2 } = await scheduled();
    clock.advance(1000);
    const u1 = await update(m1);
    clock.advance(1000);
    const u2 = await update(m2);
    const ids = async (q: string) => {
      const { items, total } = await deliveries(q);
      return { ids: items.map((d) => d.eventId), total };
    };

    expect(await ids('')).toEqual({ ids: [u2.id, u1.id, s2.id, s1.id], total: 4 });
    expect(await ids('?event=onMeetingUpdated')).toEqual({ ids: [u2.id, u1.id], total: 2 });
    expect(await ids(`?meeting=${m1.id}`)).toEqual({ ids: [u1.id, s1.id], total: 2 });
    expect(await ids(`?meeting=${m1.id}&event=onMeetingScheduled`)).toEqual({ ids: [s1.id], total: 1 });
    expect(await ids('?status=pending')).toEqual({ ids: [u2.id, u1.id, s2.id, s1.id], total: 4 });
    expect(await ids('?status=succeeded')).toEqual({ ids: [], total: 0 });
    expect(await ids(`?from=${iso(t0 + 1000)}`)).toEqual({ ids: [u2.id, u1.id, s2.id], total: 3 });
    expect(await ids(`?to=${iso(t0 + 2000)}`)).toEqual({ ids: [s2.id, s1.id], total: 2 });
    expect(await ids(`?from=${encodeURIComponent(new Date(t0 + 1000).toISOString().replace('Z', '+00:00'))}&to=${iso(t0 + 2001)}`)).toEqual({ ids: [u1.id, s2.id], total: 2 });
    expect(await ids('?offset=1&limit=2')).toEqual({ ids: [u1.id, s2.id], total: 4 });
    expect(await ids(`?meeting=${UNKNOWN_ID}`)).toEqual({ ids: [], total: 0 });

    await drain(worker());
    expect(await ids('?status=succeeded')).toEqual({ ids: [u2.id, u1.id, s2.id, s1.id], total: 4 });
    expect(await ids('?status=pending')).toEqual({ ids: [], total: 0 });
  });

  const badQueries: Array<[string, Array<{ field: string | null; code: string }>]> = [
    ['?event=onMeetingTeleported', [{ field: 'query.event', code: 'enum' }]],
    ['?meeting=5e945c36', [{ field: 'query.meeting', code: 'format' }]],
    ['?status=done', [{ field: 'query.status', code: 'enum' }]],
    ['?from=2024-04-07', [{ field: 'query.from', code: 'format' }]],
    ['?to=2024-04-07T09:00:00', [{ field: 'query.to', code: 'format' }]],
    ['?from=2024-04-08T00:00:00Z&to=2024-04-07T00:00:00Z', [{ field: 'query.to', code: 'range' }]],
    ['?limit=501', [{ field: 'query.limit', code: 'max' }]],
    ['?limit=0', [{ field: 'query.limit', code: 'min' }]],
    ['?limit=ten', [{ field: 'query.limit', code: 'type' }]],
    ['?offset=-1', [{ field: 'query.offset', code: 'min' }]],
    [
      '?event=x&meeting=y&status=z&from=a&to=b&offset=-1&limit=501',
      [
        { field: 'query.event', code: 'enum' },
        { field: 'query.meeting', code: 'format' },
        { field: 'query.status', code: 'enum' },
        { field: 'query.from', code: 'format' },
        { field: 'query.to', code: 'format' },
        { field: 'query.offset', code: 'min' },
        { field: 'query.limit', code: 'max' },
      ],
    ],
  ];
  it.each(badQueries)('rejects %s with 400 -4 naming the parameter', async (query, issues) => {
    await expectRejected(() => h.call('GET', `/api/v6/webhook/delivery${query}`), 400, -4, issues);
  });
});

describe('E58 / E59 path ids', () => {
  it.each([
    ['GET', '/api/v6/webhook/delivery/%s'],
    ['POST', '/api/v6/webhook/delivery/%s/redeliver'],
  ])('%s %s: a malformed id is path.deliveryId format, an unknown one -5 notFound', async (method, pattern) => {
    await expectRejected(() => h.call(method, pattern.replace('%s', 'ABC')), 400, -4, [{ field: 'path.deliveryId', code: 'format' }]);
    await expectRejected(() => h.call(method, pattern.replace('%s', UNKNOWN_ID.toUpperCase())), 400, -4, [{ field: 'path.deliveryId', code: 'format' }]);
    await expectRejected(() => h.call(method, pattern.replace('%s', UNKNOWN_ID)), 404, -5, [{ field: 'path.deliveryId', code: 'notFound' }]);
  });
});
