/**
 * Property-based bad input over EVERY v6 route (webmeeting-v6 §0.2 rule 2, §4, §15 item 2): arbitrary JSON,
 * the routes' real field names bound to arbitrary values, odd content types, raw non-JSON bytes, arbitrary
 * query strings, path ids of other objects and malformed ids, with every kind of credential. Whatever comes
 * in, the answer is below 500, is the v6 envelope, never shows a stack trace, and a 4xx leaves the store
 * exactly as it was.
 *
 * Each route runs against its own fresh app and fixture, so a request that happens to succeed (a DELETE on a
 * real id, say) cannot starve the routes after it. `V6_FUZZ_SEED` / `V6_FUZZ_RUNS` replay or deepen a run;
 * `V6_FUZZ_PG_URL=postgres://…` runs it on PostgreSQL (a fresh schema per route), where integer overflow
 * and text rules are stricter than SQLite's.
 */
import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import fc from 'fast-check';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { webhookEventNames } from '../../src/domain/webhooks/types.js';
import { createStore } from '../../src/storage/index.js';
import { harness, type Harness } from '../support/app.js';
import { expectError, UNKNOWN_ID } from '../support/accountAdmin.js';
import {
  encodeComponent,
  INPUTS,
  isKeyRoute,
  opKey,
  openApiOperations,
  paramNames,
  paramsFor,
  storeSnapshot,
  urlOf,
  V6,
  v6Fixture,
  V6_ROUTES,
  type FieldShape,
  type V6Fixture,
  type V6Route,
} from '../support/v6Routes.js';

const NUM_RUNS = Number(process.env.V6_FUZZ_RUNS ?? 60);
const SEED = process.env.V6_FUZZ_SEED === undefined ? undefined : Number(process.env.V6_FUZZ_SEED);
const params = (): fc.Parameters<unknown> => ({ numRuns: NUM_RUNS, ...(SEED === undefined ? {} : { seed: SEED }) });
const PG_URL = process.env.V6_FUZZ_PG_URL;

/** A fresh app on in-memory SQLite, or on a new PostgreSQL schema that `close` drops. */
async function freshHarness(): Promise<{ h: Harness; close: () => Promise<void> }> {
  if (!PG_URL) {
    const h = await harness();
    return { h, close: () => h.close() };
  }
  const schema = `v6_fuzz_${randomBytes(6).toString('hex')}`;
  const admin = async (statement: string) => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    try {
      await c.query(statement);
    } finally {
      await c.end();
    }
  };
  await admin(`create schema ${schema}`);
  const store = await createStore({ url: PG_URL, schema });
  const h = await harness({ store });
  return {
    h,
    close: async () => {
      await h.close();
      await store.close();
      await admin(`drop schema if exists ${schema} cascade`);
    },
  };
}

/** A stack frame, a source path or an engine error class leaking into a response body. */
const STACK = /\n\s+at\s|\bat [\w$.<>]+ \(|\.[cm]?[jt]s:\d+(:\d+)?|node_modules|\/work\/|(?:TypeError|ReferenceError|RangeError|SyntaxError|SqliteError)[:\s]/;

// Served routes, read from the app itself so that a route the lead adds is fuzzed as soon as it exists.
const probe = await harness();
const ops = openApiOperations(probe);
await probe.close();
const served = V6_ROUTES.filter((r) => ops.has(opKey(r)));

// ---------------------------------------------------------------------------------------------------------
// Value generators
// ---------------------------------------------------------------------------------------------------------

const BIG = 'x'.repeat(10_001);
const OVERSIZED = `{"topic":"${'y'.repeat(1_100_000)}"}`;

/** Strings that sit on the edges of every v6 reader: NUL, emoji, lone surrogates, near-valid formats. */
const edgeStrings = [
  '',
  ' ',
  '   \t\n ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff\ud800',
  '😀'.repeat(60),
  '👩‍👩‍👧‍👦',
  'x'.repeat(101),
  'x'.repeat(256),
  BIG,
  'null',
  'true',
  'false',
  '0',
  '60',
  '-1',
  '2147483648',
  '9007199254740993',
  '9223372036854775808',
  '-9223372036854775809',
  '99999999999999999999',
  '1.5',
  '1e309',
  'NaN',
  'Infinity',
  '2024-04-07T09:00:00.000Z',
  '2024-04-07T09:00:00',
  '2024-04-07',
  '2024-02-30T10:00:00Z',
  '2024-13-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
  '0000-01-01T00:00:00Z',
  '1969-12-31T23:59:59Z',
  '+275760-09-13T00:00:00Z',
  '2030-01-01T00:00:00+14:00',
  '2030-01-01T00:00:00-99:99',
  'Europe/Zurich',
  'europe/zurich',
  'Mars/Olympus',
  'Etc/GMT+12',
  'UTC',
  'a@b.co',
  'A@EXAMPLE.COM',
  '@',
  'a@b',
  'daily',
  'weekly',
  'WEEK',
  'never',
  'after',
  'count',
  'on',
  'dayOfWeek',
  'standard',
  'webinar',
  'meetme',
  'fullhd',
  'en',
  'xx',
  'account',
  'meeting',
  'trial',
  'paid',
  'http://127.0.0.1:9/x',
  'https://example.com/a b',
  'javascript:alert(1)',
  'whsec_AAAA',
  'whsec_' + 'A'.repeat(43) + '=',
  '+41445550100',
  '+0',
  'sip:1@x',
  'ffffffffffffffffffffffff',
  'FFFFFFFFFFFFFFFFFFFFFFFF',
  '0123456789abcdef0123456',
  '${7*7}',
  '<script>',
  "'; DROP TABLE users; --",
  '%00',
  '../../etc/passwd',
];

const edgeNumbers = [0, -0, 1, -1, 0.5, -0.5, 59, 60, 1440, 1441, 1000, 1001, 99, 100, 500, 501, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), 3e9, 2 ** 53 + 2, 2 ** 63, 1e21, -1e21, 1e308, -1e308, 5e-324];

/** Keys that must never reach an object's prototype. */
const protoKeys = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

function valueArb(ids: string[]): fc.Arbitrary<unknown> {
  const str = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...edgeStrings, ...ids) },
    { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  );
  const num = fc.oneof(fc.constantFrom(...edgeNumbers), fc.integer(), fc.double());
  const key = fc.oneof({ weight: 4, arbitrary: fc.string({ maxLength: 12 }) }, { weight: 1, arbitrary: fc.constantFrom(...protoKeys) });
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', maxDepth: 3 },
      { weight: 4, arbitrary: str },
      { weight: 3, arbitrary: num },
      { weight: 2, arbitrary: fc.boolean() },
      { weight: 2, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
      { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 4 }) },
      { weight: 1, arbitrary: fc.array(fc.array(tie('value'), { maxLength: 3 }), { maxLength: 3 }) },
      { weight: 1, arbitrary: fc.dictionary(key, tie('value'), { maxKeys: 4 }) },
    ),
  }));
  return value;
}

/** An object whose keys are the route's real fields (each optional) bound to arbitrary values. */
function shapedArb(shape: Record<string, FieldShape>, any: fc.Arbitrary<unknown>, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, s] of Object.entries(shape)) fields[name] = fieldArb(s, any, depth);
  return fc.record(fields, { requiredKeys: [] });
}

function fieldArb(s: FieldShape, any: fc.Arbitrary<unknown>, depth: number): fc.Arbitrary<unknown> {
  if (s === 'any' || depth > 2) return any;
  if ('obj' in s) return fc.oneof({ weight: 1, arbitrary: any }, { weight: 3, arbitrary: shapedArb(s.obj, any, depth + 1) });
  return fc.oneof({ weight: 1, arbitrary: any }, { weight: 3, arbitrary: fc.array(fieldArb(s.arr, any, depth + 1), { maxLength: 4 }) });
}

/** Content types: the accepted JSON spellings, the lenient ones, and the ones §4.2 refuses. */
const contentTypes = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'APPLICATION/JSON',
      'application/vnd.api+json',
      'application/merge-patch+json; charset=latin1',
      'application/json; charset=nonsense; boundary=x',
      'text/plain',
      'text/plain;charset=UTF-8',
      'application/x-www-form-urlencoded',
      '',
      'multipart/form-data; boundary=----x',
      'application/xml',
      'text/html',
      'application/octet-stream',
      'application/jsonx',
      'json',
      '*/*',
      ';',
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz/+;=- '.split('')), maxLength: 30 }) },
);

/** A request body as sent: text or bytes, and the content type to send it with (null/undefined: no header). */
interface Body {
  payload?: string | Buffer;
  contentType?: string | null;
}

function bodyArb(r: V6Route, any: fc.Arbitrary<unknown>): fc.Arbitrary<Body> {
  const shape = INPUTS[r.id]?.body;
  const names = Object.keys(shape ?? { id: 'any', topic: 'any', name: 'any' });
  // curl -d without -H sends no content type at all; §4.2 parses that leniently too.
  const withType = fc.option(contentTypes, { freq: 10 });
  const text = (a: fc.Arbitrary<string>) => fc.record({ payload: a, contentType: withType });
  const json = (a: fc.Arbitrary<unknown>) => text(a.map((v) => JSON.stringify(v) ?? 'null'));
  const literal = fc
    .tuple(fc.constantFrom(...names), fc.constantFrom('1e400', '-1e400', '1e-400', '123456789012345678901234567890', '-0', '0.1e1', '1E2', '0x10', '.5', '01'))
    .map(([f, lit]) => `{"${f}":${lit}}`);
  const duplicate = fc.tuple(fc.constantFrom(...names), any, any).map(([f, a, b]) => `{"${f}":${JSON.stringify(a) ?? 'null'},"${f}":${JSON.stringify(b) ?? 'null'}}`);
  const prototype = fc.constantFrom(
    '{"__proto__":{"isAdmin":true,"level":"instance"},"constructor":{"prototype":{"polluted":1}}}',
    '{"recurring":{"__proto__":{"frequencyType":"weekly"}},"invitedParticipants":{"length":3}}',
    '{"toString":1,"valueOf":"x","hasOwnProperty":null}',
  );
  const broken = fc.oneof(
    fc.constantFrom('{', '{"a":', '[1,2', '{"a":1}}', 'nul', "{'a':1}", '{"a":1,}', '\u0000', '\ufeff{}', '{}\u0000', 'a=1&b=2', '--x\r\nContent-Disposition: form-data'),
    fc.string({ maxLength: 60 }),
    fc.json().map((s) => s.slice(0, Math.max(0, s.length - 1))),
  );
  const arms: Array<fc.WeightedArbitrary<Body>> = [
    { weight: 2, arbitrary: fc.constant({}) },
    { weight: 2, arbitrary: json(fc.jsonValue({ maxDepth: 3 })) },
    { weight: 2, arbitrary: text(broken) },
    { weight: 1, arbitrary: fc.record({ payload: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)), contentType: withType }) },
    { weight: 1, arbitrary: text(literal) },
    { weight: 1, arbitrary: text(duplicate) },
    { weight: 1, arbitrary: text(prototype) },
  ];
  if (shape) arms.push({ weight: 8, arbitrary: json(shapedArb(shape, any)) });
  else arms.push({ weight: 2, arbitrary: json(fc.dictionary(fc.string({ maxLength: 10 }), any, { maxKeys: 4 })) });
  // Now and then a body past MAX_BODY_BYTES (413); a constant, so generating it costs nothing.
  arms.push({ weight: 1, arbitrary: fc.constant<Body>({ payload: OVERSIZED, contentType: 'application/json' }) });
  return fc.oneof(...arms);
}

/** Query strings: the route's real parameter names with arbitrary values, repeats, and raw garbage. */
function queryArb(r: V6Route, any: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  const names = [...(INPUTS[r.id]?.query ?? []), 'localeCode', 'offset', 'limit'];
  const scalar = any.map((v) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? '')));
  const pair = fc.tuple(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }), scalar);
  const encoded = fc.array(pair, { maxLength: 5 }).map((ps) => ps.map(([k, v]) => `${encodeComponent(k)}=${encodeComponent(v)}`).join('&'));
  const raw = fc.constantFrom('%', '%zz', '%ED%A0%80', '%C0%AF', '%FF', 'offset=99999999999999999999', 'limit=9223372036854775808', '%E0%A4%A', '&&==&', 'limit[]=1&limit[]=2', 'from=2024-01-01T00:00:00Z&from=2025-01-01T00:00:00Z', 'a[b][c]=1', 'expand', '=', 'limit=%00', 'offset=1e3', 'limit=0x10');
  return fc.oneof({ weight: 2, arbitrary: fc.constant('') }, { weight: 6, arbitrary: encoded }, { weight: 2, arbitrary: raw }, { weight: 1, arbitrary: fc.tuple(encoded, raw).map(([a, b]) => `${a}&${b}`) });
}

/** `.` and `..` are resolved by the client before the request leaves (RFC 3986 §5.2.4): another URL, not an input. */
const notDotSegment = (v: string): boolean => v !== '.' && v !== '..';

/** Values for one path parameter: the real objects of both accounts, other kinds' ids, and malformed strings. */
function paramArb(name: string, fx: V6Fixture): fc.Arbitrary<string> {
  const { A, B } = fx;
  const real: Record<string, string[]> = {
    accountId: [A.accountId, B.accountId],
    userId: [A.admin.id, A.organizer.id, B.admin.id],
    keyId: [A.keyIds.account, A.keyIds.revoked, A.keyIds.both, B.keyIds.both],
    email: [A.admin.email, A.organizer.email.toUpperCase(), B.admin.email, encodeURIComponent(A.admin.email), 'not-an-email'],
    id: [A.meeting.id, A.orgMeeting.id, B.meeting.id],
    notify: ['true', 'false', '1', '0', 'TRUE', 'yes', 'null'],
    meetingId: [A.meeting.number, A.meeting.number.replace(/-/g, ''), B.meeting.number, '0000-0000-0000-0000', '1234-5678', '1234-56781234-5678'],
    roomId: [A.roomId, B.roomId],
    recurrenceId: [A.meeting.recurrenceId, A.meeting.recurrenceId.replace(/[-:]|\.000/g, ''), B.meeting.recurrenceId, '2020-01-06T08:00:00.000Z', '2024-02-30T09:00:00Z', '99999999T999999Z'],
    icsToken: [A.admin.icsToken, A.meeting.icsToken, `${A.meeting.icsToken}.ics`, B.admin.icsToken],
    permissionId: [A.permissionId, B.permissionId],
    event: [...webhookEventNames, 'onmeetingupdated', 'onNothing'],
    deliveryId: [fx.deliveryId],
    recordingId: [],
  };
  const otherKinds = [A.accountId, A.meeting.id, A.roomId, A.permissionId, A.admin.id, fx.deliveryId, UNKNOWN_ID];
  const malformed = ['', ' ', 'ZZZZZZZZZZZZZZZZZZZZZZZZ', A.meeting.id.toUpperCase(), `${A.meeting.id}0`, A.meeting.id.slice(1), '...', '.x', '😀', '\u0000', 'a'.repeat(199), '%', 'null', 'undefined', '-1'];
  return fc
    .oneof(
      { weight: 5, arbitrary: real[name]?.length ? fc.constantFrom(...real[name]!) : fc.constant(UNKNOWN_ID) },
      { weight: 2, arbitrary: fc.constantFrom(...otherKinds) },
      { weight: 2, arbitrary: fc.constantFrom(...malformed) },
      { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
    )
    .filter(notDotSegment);
}

/** Printable header values (light-my-request refuses control characters, as Node's http does). */
const headerValue = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 });

/** Credentials: mostly ones that get past auth, so the inputs reach the readers. */
function authArb(fx: V6Fixture): fc.Arbitrary<Record<string, string>> {
  const { A, B } = fx;
  const k = (key: string, extra: Record<string, string> = {}) => ({ 'x-api-key': key, ...extra });
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant(k(fx.instance.both, { 'x-user-id': A.admin.id })) },
    { weight: 2, arbitrary: fc.constant(k(fx.instance.both)) },
    { weight: 3, arbitrary: fc.constant(k(A.keys.both)) },
    { weight: 1, arbitrary: fc.constant(k(A.keys.both, { 'x-user-id': A.organizer.id })) },
    { weight: 1, arbitrary: fc.constant(k(B.keys.both)) },
    { weight: 1, arbitrary: fc.constant(k(A.keys.meeting)) },
    { weight: 1, arbitrary: fc.constant({}) },
    { weight: 1, arbitrary: fc.tuple(headerValue, headerValue).map(([id, email]) => k(fx.instance.both, { 'x-user-id': id, 'x-user-email': email })) },
    { weight: 1, arbitrary: headerValue.map((key) => ({ 'x-api-key': key })) },
  );
}

/** One generated request. */
interface Req {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
}

/** Counterexamples print with long URLs and bodies cut, so a 1 MiB body does not flood the report. */
function printable(req: Req): Req {
  const cut = (v: string) => (v.length > 400 ? `${v.slice(0, 400)}…(${v.length} chars)` : v);
  Object.defineProperty(req, fc.toStringMethod, {
    enumerable: false,
    value: () =>
      JSON.stringify({
        method: req.method,
        url: cut(req.url),
        headers: req.headers,
        payload: req.payload === undefined ? undefined : Buffer.isBuffer(req.payload) ? `<${req.payload.length} bytes: ${req.payload.toString('hex').slice(0, 80)}>` : cut(req.payload),
      }),
  });
  return req;
}

function requestArb(r: V6Route, fx: V6Fixture): fc.Arbitrary<Req> {
  const ids = [fx.A.accountId, fx.A.meeting.id, fx.B.meeting.id, fx.A.permissionId, fx.B.permissionId, fx.A.admin.id, fx.A.organizer.id, fx.A.roomId, UNKNOWN_ID, fx.A.admin.email];
  const any = valueArb(ids);
  const pathParams = fc.record(Object.fromEntries(paramNames(r).map((n) => [n, paramArb(n, fx)])) as Record<string, fc.Arbitrary<string>>);
  const hasBody = r.method === 'POST' || r.method === 'PUT' || r.method === 'DELETE';
  const extraHeaders = fc.record(
    {
      'idempotency-key': fc.oneof(headerValue, fc.constant('"quoted-key"'), fc.constant('k'.repeat(256))),
      'accept-language': fc.oneof(headerValue, fc.constantFrom('de-CH,de;q=0.9', 'fr', '*', 'zz')),
      range: fc.oneof(headerValue, fc.constantFrom('bytes=0-10', 'bytes=-5', 'bytes=500-', 'bytes=600-700', 'bytes=10-5', 'bytes=0-0,5-6', 'bytes=99999999999999999999-', 'items=0-1')),
      'if-none-match': fc.oneof(headerValue, fc.constant('*')),
    },
    { requiredKeys: [] },
  );
  return fc
    .record({
      params: pathParams,
      query: queryArb(r, any),
      body: hasBody ? bodyArb(r, any) : fc.constant<Body>({}),
      auth: authArb(fx),
      extra: extraHeaders,
    })
    .map(({ params: p, query, body, auth, extra }) =>
      printable({
        method: r.method,
        url: urlOf(r, p, query),
        headers: { ...auth, ...extra, ...(typeof body.contentType === 'string' && body.payload !== undefined ? { 'content-type': body.contentType } : {}) },
        ...(body.payload !== undefined ? { payload: body.payload } : {}),
      }),
    );
}

// ---------------------------------------------------------------------------------------------------------
// The property
// ---------------------------------------------------------------------------------------------------------

/** Asserts the v6 answer to any input: below 500, the envelope (or a calendar / plain-text feed answer), no stack. */
function expectSane(r: V6Route | undefined, req: Req, res: LightMyRequestResponse): void {
  const where = `${req.method} ${req.url.slice(0, 300)} → ${res.statusCode} ${res.body.slice(0, 500)}`;
  expect(res.statusCode, where).toBeLessThan(500);
  expect(STACK.test(res.body), `stack trace in ${where}`).toBe(false);
  const type = String(res.headers['content-type'] ?? '');
  if (r?.auth === 'token') {
    expect([200, 304, 404, 405], where).toContain(res.statusCode);
    expect(type, where).toMatch(res.statusCode === 200 ? /^text\/calendar/ : res.statusCode === 304 ? /.*/ : /^text\/plain/);
    return;
  }
  if (r?.id === 'E40' && res.statusCode === 304) {
    expect(res.body, where).toBe('');
    return;
  }
  if (r?.id === 'E40' && res.statusCode === 200) {
    expect(type, where).toMatch(/^text\/calendar/);
    return;
  }
  if (r?.id === 'E42' && (res.statusCode === 200 || res.statusCode === 206)) {
    expect(type, where).toMatch(/^video\/webm/);
    return;
  }
  if (r?.id === 'E60' && res.statusCode === 200) {
    expect(JSON.parse(res.body), where).toHaveProperty('openapi');
    return;
  }
  expect(type, where).toMatch(/^application\/json/);
  const body = JSON.parse(res.body) as { responseCode: unknown; responseMessage?: unknown; data?: unknown };
  expect(typeof body.responseCode, where).toBe('number');
  if (res.statusCode === 200) {
    expect(body.responseCode, where).toBe(0);
    expect(body, where).toHaveProperty('data');
    return;
  }
  expect(res.statusCode, where).toBeGreaterThanOrEqual(400);
  expect(body.responseCode as number, where).toBeLessThan(0);
  expect(typeof body.responseMessage, where).toBe('string');
  expect(Array.isArray(body.data), where).toBe(true);
  for (const d of body.data as Array<Record<string, unknown>>) {
    expect(d.field === null || typeof d.field === 'string', where).toBe(true);
    expect(typeof d.code, where).toBe('string');
    expect(typeof d.message, where).toBe('string');
  }
}

async function inject(h: Harness, req: Req): Promise<LightMyRequestResponse> {
  return h.app.inject({ method: req.method as 'GET', url: req.url, headers: req.headers, ...(req.payload !== undefined ? { payload: req.payload } : {}) });
}

/** Runs the property for one route on a fresh app. */
async function fuzzRoute(r: V6Route): Promise<void> {
  const { h, close } = await freshHarness();
  try {
    const fx = await v6Fixture(h);
    await fc.assert(
      fc.asyncProperty(requestArb(r, fx), async (req) => {
        const before = await storeSnapshot(h);
        const res = await inject(h, req);
        expectSane(r, req, res);
        if (res.statusCode >= 400) expect(await storeSnapshot(h), `a ${res.statusCode} wrote to the store: ${req.method} ${req.url.slice(0, 200)} ${res.body.slice(0, 300)}`).toBe(before);
      }),
      params(),
    );
  } finally {
    await close();
  }
}

describe('§4 / §15 item 2: no input makes a v6 route answer 5xx, leave the envelope, leak a stack, or write on a 4xx', () => {
  for (const r of served.filter((x) => isKeyRoute(x) || x.auth === 'public')) {
    it(`${r.id} ${r.method} ${r.path}`, () => fuzzRoute(r));
  }

  for (const r of served.filter((x) => x.auth === 'token')) {
    it(`${r.id} ${r.method} ${r.path}: arbitrary tokens and methods get a calendar or a plain-text answer`, async () => {
      const { h, close } = await freshHarness();
      try {
        const fx = await v6Fixture(h);
        // An empty token is another path (`/meeting/{id}/{notify}` matches `calender/user`), not a feed request.
        const token = fc.oneof(paramArb('icsToken', fx), fc.stringMatching(/^[A-Za-z0-9_-]{10,140}(\.ics)?$/)).filter((t) => t !== '');
        await fc.assert(
          fc.asyncProperty(token, fc.constantFrom('GET', 'HEAD', 'POST', 'DELETE'), authArb(fx), async (t, method, auth) => {
            const req: Req = { method, url: urlOf(r, { icsToken: t }), headers: auth };
            const before = await storeSnapshot(h);
            const res = await inject(h, req);
            if (method === 'GET' || method === 'HEAD') expectSane(r, req, res);
            else {
              // Other methods on a feed path: the v6 405 envelope (or a plain-text 405), never 5xx.
              expect(res.statusCode, res.body).toBe(405);
              expect(STACK.test(res.body)).toBe(false);
            }
            expect(await storeSnapshot(h)).toBe(before);
          }),
          params(),
        );
      } finally {
        await close();
      }
    });
  }

  // The router rejects these before any v6 handler runs (Fastify's onBadUrl / onMaxParamLength), so they are
  // checked on every route with a path parameter here rather than inside the properties above, where they
  // would hide whatever else a route gets wrong.
  const routerCases: Array<[string, string]> = [
    ['an id longer than the router allows (250 characters)', 'a'.repeat(250)],
    ['a broken percent escape', '%E0%A4%A'],
    ['a lone percent sign', '%'],
  ];
  for (const [what, segment] of routerCases) {
    it(`${what} in any path parameter gets the v6 envelope (-4), not Fastify's default body`, async () => {
      const { h, close } = await freshHarness();
      try {
        const fx = await v6Fixture(h);
        const offenders: string[] = [];
        for (const r of served.filter((x) => paramNames(x).length > 0)) {
          const names = paramNames(r);
          const values = Object.fromEntries(names.map((n) => [n, UNKNOWN_ID]));
          const url = urlOf(r, { ...values, [names[0]!]: segment }, '', new Set([names[0]!]));
          const res = await inject(h, { method: r.method, url, headers: { 'x-api-key': fx.instance.both } });
          const body = (() => {
            try {
              return JSON.parse(res.body) as { responseCode?: unknown; data?: unknown };
            } catch {
              return {};
            }
          })();
          // A feed may answer in plain text as its own 404s do; everything else is the -4 (or -5) envelope.
          const envelope = (body.responseCode === -4 || body.responseCode === -5) && Array.isArray(body.data);
          const plainFeed = r.auth === 'token' && /^text\/plain/.test(String(res.headers['content-type']));
          const ok = [400, 404, 414].includes(res.statusCode) && (envelope || plainFeed);
          if (!ok) offenders.push(`${r.id} ${r.method} ${url.slice(0, 80)} → ${res.statusCode} ${res.body.slice(0, 120)}`);
        }
        expect(offenders).toEqual([]);
      } finally {
        await close();
      }
    });
  }

  it('unknown paths and methods under /api/v6 get the -5 / 405 envelope', async () => {
    const { h, close } = await freshHarness();
    try {
      const fx = await v6Fixture(h);
      const segment = fc.oneof(
        fc.constantFrom('account', 'meeting', 'user', 'webhook', 'delivery', 'calender', 'calendar', 'room', 'permission', 'dialin', 'close', 'occurrences', 'admin', fx.A.meeting.id, UNKNOWN_ID, '', '...'),
        fc.string({ maxLength: 12 }),
      ).filter(notDotSegment);
      await fc.assert(
        fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 5 }), fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'), async (segs, method) => {
          const url = `${V6}/${segs.map(encodeComponent).join('/')}`;
          // A random path may hit a real route; it is then judged as that route (a feed answers in text).
          const route = served.find((x) => (x.method === method || x.auth === 'token') && new RegExp(`^${V6}${x.path.replace(/\{\w+\}/g, '[^/]+')}/?$`).test(url));
          const before = await storeSnapshot(h);
          const res = await inject(h, { method, url, headers: { 'x-api-key': fx.instance.both } });
          expectSane(route, { method, url, headers: {} }, res);
          if (res.statusCode >= 400) expect(await storeSnapshot(h)).toBe(before);
        }),
        params(),
      );
    } finally {
      await close();
    }
  });
});

describe('regressions the fuzzer found (deterministic replays)', () => {
  it('a paging offset beyond 2^53−1 is -4 query.offset max on every paged route (SQLite and PostgreSQL refused it as a 500)', async () => {
    const { h, close } = await freshHarness();
    try {
      const fx = await v6Fixture(h);
      const paged = served.filter((r) => r.method === 'GET' && (INPUTS[r.id]?.query ?? []).includes('offset'));
      expect(paged.map((r) => r.id)).toEqual(expect.arrayContaining(['E2', 'E9', 'E26', 'E28', 'E29', 'E30', 'E57']));
      for (const r of paged) {
        for (const offset of ['99999999999999999999', '9223372036854775808', '9007199254740992']) {
          const url = urlOf(r, paramsFor(r, fx.A, fx), `offset=${offset}`);
          const before = await storeSnapshot(h);
          const res = await inject(h, { method: 'GET', url, headers: { 'x-api-key': fx.instance.both, 'x-user-id': fx.A.admin.id } });
          expectError(res, 400, -4, [{ field: 'query.offset', code: 'max' }]);
          expect(await storeSnapshot(h)).toBe(before);
        }
        const ok = await inject(h, { method: 'GET', url: urlOf(r, paramsFor(r, fx.A, fx), 'offset=9007199254740991'), headers: { 'x-api-key': fx.instance.both, 'x-user-id': fx.A.admin.id } });
        expect(ok.statusCode, `${r.id} ${ok.body}`).toBe(200);
        expect(ok.json().data).toEqual([]);
      }
    } finally {
      await close();
    }
  });

  it('account limits beyond the integer column are -4 max on E1 and E4 (PostgreSQL refused the write as a 500)', async () => {
    const { h, close } = await freshHarness();
    try {
      const fx = await v6Fixture(h);
      const limits = { numberOfMeetings: 2_147_483_648, numberOfMeetingOrganizers: 1e21 };
      const issues = [
        { field: 'numberOfMeetings', code: 'max' },
        { field: 'numberOfMeetingOrganizers', code: 'max' },
      ];
      const json = { 'x-api-key': fx.instance.both, 'content-type': 'application/json' };
      const create = { accountType: 'paid', adminFirstname: 'Big', adminLastname: 'Limits', adminEmail: 'big-limits@example.com', ...limits };
      for (const [method, url, body] of [
        ['POST', `${V6}/account`, create],
        ['PUT', `${V6}/account/${fx.A.accountId}`, limits],
      ] as const) {
        const before = await storeSnapshot(h);
        expectError(await inject(h, { method, url, headers: json, payload: JSON.stringify(body) }), 400, -4, issues);
        expect(await storeSnapshot(h)).toBe(before);
      }
      const max = await inject(h, { method: 'PUT', url: `${V6}/account/${fx.A.accountId}`, headers: json, payload: JSON.stringify({ numberOfMeetings: 2_147_483_647 }) });
      expect(max.statusCode, max.body).toBe(200);
      expect(max.json().data.numberOfMeetings).toBe(2_147_483_647);
    } finally {
      await close();
    }
  });
});
