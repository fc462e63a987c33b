/**
 * Property-based bad input over every sign-in and management route H1–H7 (huawei-meeting.md §5.5): the
 * routes' real field names bound to arbitrary values, arbitrary JSON, raw bytes (invalid UTF-8 included),
 * odd content types, arbitrary query strings, and noise, base64 noise and real credentials in the token
 * headers. Whatever comes in, the answer is below 500, is JSON in the §5.1 shape (`error_code` of the
 * catalogue, `request_id` = the `X-Request-Id` header) when it is an error, never shows internals, and a
 * refused request leaves the stored meetings, rosters, conferences, users, tokens and nonces as they were.
 *
 * `HW_FUZZ_SEED` / `HW_FUZZ_RUNS` replay or deepen a run.
 */
import { createHmac } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, huaweiHarness, PASSWORD, type HuaweiHarness } from '../../../test/support/huaweiApp.js';
import type { SqlStore } from '../../storage/index.js';
import { huaweiCodes } from './errors.js';

const NUM_RUNS = Number(process.env.HW_FUZZ_RUNS ?? 60);
const SEED = process.env.HW_FUZZ_SEED === undefined ? undefined : Number(process.env.HW_FUZZ_SEED);
const params = (): fc.Parameters<unknown> => ({ numRuns: NUM_RUNS, ...(SEED === undefined ? {} : { seed: SEED }) });

/** A stack frame, a source path or an engine error class leaking into a response body. */
const STACK = /\n\s+at\s|\bat [\w$.<>]+ \(|\.[cm]?[jt]s:\d+(:\d+)?|node_modules|\/work\/|(?:TypeError|ReferenceError|RangeError|SyntaxError|SqliteError)[:\s]/;
const CODES = new Set<string>([...Object.keys(huaweiCodes), 'APIG.0101', 'APIG.0201']);

interface Fixture {
  h: HuaweiHarness;
  login: string;
  token: string;
  appId: string;
  appKey: string;
  running: string;
  scheduled: string;
}

let fx: Fixture;

beforeAll(async () => {
  const h = await huaweiHarness();
  const { admin } = await h.newAccount();
  const token = await h.signIn(admin.login);
  const { appId, appKey } = await h.newApp(admin.user.accountId);
  const mk = async (body: unknown): Promise<string> => (await h.hw('POST', '/v1/mmc/management/conferences', { token, body })).json()[0].conferenceID as string;
  const running = await mk({ mediaTypes: 'Voice', attendees: [{ name: 'Desk', phone: '+447700900000' }] });
  const scheduled = await mk({ mediaTypes: 'Voice', startTime: '2999-01-01 10:00' });
  fx = { h, login: admin.login, token, appId, appKey, running, scheduled };
});
afterAll(() => fx.h.close());

// ---------------------------------------------------------------------------------------------------------
// Generators

const edgeStrings = [
  '',
  ' ',
  '\u0000',
  '\ud800',
  '😀'.repeat(40),
  'x'.repeat(129),
  'x'.repeat(5000),
  'null',
  'true',
  '0',
  '1',
  '2',
  '-1',
  '1.5',
  '1e309',
  'NaN',
  '72',
  '999999999',
  '2026-12-01 10:00',
  '2999-01-01 10:00',
  '1970-01-01 00:00',
  '2026-02-30 10:00',
  'Voice',
  'HDVideo',
  'Data,Voice,Video,HDVideo',
  'voice,,',
  '+447700900000',
  '+8657*******',
  'sip:room@sim.convene.invalid',
  'sip:@',
  '+99123456789012',
  'a@b.co',
  'zh-CN',
  'ASC_StartTIME',
  'ALL',
  'ADAY',
  'customnumber',
  'normal',
  '%00',
  "'; DROP TABLE meetings; --",
  '__proto__',
];
const edgeNumbers = [0, -0, 1, 2, -1, 0.5, 14, 15, 1440, 1441, 72, 999, 1000, 2 ** 31, 2 ** 53 + 2, 1e21, -1e21, 1e308, 5e-324];
const protoKeys = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];

function valueArb(extra: string[]): fc.Arbitrary<unknown> {
  const str = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...edgeStrings, ...extra) }, { weight: 2, arbitrary: fc.string({ maxLength: 40 }) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) });
  const num = fc.oneof(fc.constantFrom(...edgeNumbers), fc.integer(), fc.double());
  const key = fc.oneof({ weight: 4, arbitrary: fc.string({ maxLength: 12 }) }, { weight: 1, arbitrary: fc.constantFrom(...protoKeys) });
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', maxDepth: 3 },
      { weight: 4, arbitrary: str },
      { weight: 3, arbitrary: num },
      { weight: 2, arbitrary: fc.boolean() },
      { weight: 2, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 4 }) },
      { weight: 1, arbitrary: fc.dictionary(key, tie('value'), { maxKeys: 4 }) },
    ),
  }));
  return value;
}

/** An object over the route's real field names (each maybe present) with arbitrary values. */
function fieldsArb(fields: readonly string[], extra: string[], nested: Record<string, readonly string[]> = {}): fc.Arbitrary<Record<string, unknown>> {
  const v = valueArb(extra);
  const entries = fields.map((f) => {
    const sub = nested[f];
    const arb = sub ? fc.oneof(v, fc.array(fieldsArb(sub, extra), { maxLength: 3 }), fieldsArb(sub, extra)) : v;
    return fc.option(fc.tuple(fc.constant(f), arb), { nil: undefined });
  });
  return fc.tuple(...entries).map((pairs) => Object.fromEntries(pairs.filter((p): p is [string, unknown] => p !== undefined)));
}

/** A request body: field objects, arbitrary JSON, raw text or raw bytes, or nothing. */
function bodyArb(fields: readonly string[], extra: string[], nested?: Record<string, readonly string[]>, base: Record<string, unknown> = {}): fc.Arbitrary<string | Buffer | undefined> {
  return fc.oneof(
    { weight: 3, arbitrary: fieldsArb(fields, extra, nested).map((o) => JSON.stringify(o)) },
    // Over a valid base, so that the deeper checks (and successes) are reached too.
    { weight: 3, arbitrary: fieldsArb(fields, extra, nested).map((o) => JSON.stringify({ ...base, ...o })) },
    { weight: 1, arbitrary: fc.constant(JSON.stringify(base)) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((j) => JSON.stringify(j)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 60 }).map((b) => Buffer.from(b)) },
    { weight: 1, arbitrary: fc.constantFrom('', '{', '{"a":1', 'null', '[]', '"x"', '\uFEFF{}', '{"__proto__":{"x":1}}', Buffer.from([0xff, 0xfe, 0x7b, 0x7d]).toString('latin1')) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

/** A query string over the route's parameter names. */
function queryArb(names: readonly string[], extra: string[]): fc.Arbitrary<string> {
  const val = fc.oneof(...(extra.length ? [{ weight: 3, arbitrary: fc.constantFrom(...extra) }] : []), { weight: 3, arbitrary: fc.constantFrom(...edgeStrings) }, { weight: 2, arbitrary: fc.string({ maxLength: 30 }) }, { weight: 1, arbitrary: fc.integer().map(String) });
  const one = fc.tuple(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }), val);
  // Percent-encode the UTF-8 bytes (lone surrogates become U+FFFD), and sometimes send raw invalid escapes.
  const enc = (t: string): string => [...Buffer.from(t, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  const pair = fc.oneof({ weight: 9, arbitrary: one.map(([k, v]) => `${enc(k)}=${enc(v)}`) }, { weight: 1, arbitrary: fc.constantFrom('conferenceID=%FF%FE', 'limit=%', 'offset', '=&=', 'type=%E0%80') });
  return fc.array(pair, { maxLength: 5 }).map((pairs) => (pairs.length ? `?${pairs.join('&')}` : ''));
}

const b64noise = fc.uint8Array({ maxLength: 48 }).map((b) => Buffer.from(b).toString('base64'));
const headerText = fc.string({ maxLength: 60 }).map((s) => s.replace(/[^\x20-\x7e]/g, ''));

function hmacHeader(signatureFor: (n: string) => string): fc.Arbitrary<string> {
  return fc.oneof(
    headerText,
    b64noise.map((b) => `HMAC-SHA256 signature=${b}`),
    fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), maxLength: 70 }).map((h) => `HMAC-SHA256 signature=${h},access=${Buffer.from(fx.appId).toString('base64')}`),
    fc.constant(`HMAC-SHA256 signature=${signatureFor('n'.repeat(40))}`),
    fc.constantFrom('HMAC-SHA256', 'HMAC-SHA256 ,,,', 'HMAC-SHA256 signature=,access=', 'hmac-sha256 access=!!!,signature=00'),
  );
}

/** Header sets: credentials (valid, noise, base64 noise), content types, request ids. */
function headersArb(kind: 'basic' | 'hmac' | 'access'): fc.Arbitrary<Record<string, string>> {
  const ct = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('application/json', 'application/json; charset=UTF-8') },
    { weight: 2, arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x', '') },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
  let cred: fc.Arbitrary<Record<string, string>>;
  if (kind === 'basic') {
    cred = fc
      .oneof(
        fc.constant(basic(fx.login, PASSWORD)),
        fc.constant(basic(fx.login, PASSWORD, 'latin1')),
        fc.tuple(headerText, headerText).map(([a, p]) => basic(a, p)),
        b64noise.map((b) => `Basic ${b}`),
        headerText,
      )
      .map((authorization) => ({ authorization }));
  } else if (kind === 'hmac') {
    cred = hmacHeader((n) => createHmac('sha256', fx.appKey).update(`${fx.appId}::0:${n}`).digest('hex')).map((authorization) => ({ authorization, 'x-token-type': 'LongTicket' }));
  } else {
    cred = fc.oneof(fc.constant(fx.token), fc.constant(fx.token), headerText, b64noise, fc.constant('')).map((t) => ({ 'x-access-token': t }));
  }
  return fc.tuple(cred, ct, fc.option(fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/), { nil: undefined })).map(([c, type, rid]) => ({
    ...c,
    ...(type !== undefined ? { 'content-type': type } : {}),
    ...(rid !== undefined ? { 'x-request-id': rid } : {}),
  }));
}

// ---------------------------------------------------------------------------------------------------------
// The routes

const ATTENDEE = ['userUUID', 'accountId', 'name', 'role', 'phone', 'phone2', 'phone3', 'email', 'sms', 'type', 'deptUUID', 'deptName', 'isMute', 'isAutoInvite', 'uniqueType', 'address', 'appId'];
const CONFIG = ['isSendNotify', 'isSendSms', 'isSendCalendar', 'isAutoMute', 'guestPwd', 'callInRestriction', 'enableWaitingRoom', 'prolongLength', 'allowGuestStartConf'];
const CREATE = ['startTime', 'length', 'subject', 'mediaTypes', 'attendees', 'language', 'timeZoneID', 'groupuri', 'encryptMode', 'recordType', 'isAutoRecord', 'liveAddress', 'vmrFlag', 'concurrentParticipants', 'confResType', 'supportSimultaneousInterpretation', 'confConfigInfo', 'conferenceType'];

interface Route {
  name: string;
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  creds: 'basic' | 'hmac' | 'access';
  body?: () => fc.Arbitrary<string | Buffer | undefined>;
  query?: () => fc.Arbitrary<string>;
}

const ROUTES: Route[] = [
  { name: 'H1', method: 'POST', path: '/v1/usg/acs/auth/account', creds: 'basic', body: () => bodyArb(['account', 'clientType', 'createTokenType', 'HA2'], [fx.login], undefined, { clientType: 72 }) },
  {
    name: 'H2',
    method: 'POST',
    path: '/v2/usg/acs/auth/appauth',
    creds: 'hmac',
    body: () => bodyArb(['appId', 'clientType', 'expireTime', 'nonce', 'userId', 'corpId', 'userName', 'userEmail', 'userPhone', 'deptCode'], [fx.appId, 'n'.repeat(40)], undefined, { appId: fx.appId, expireTime: 0, nonce: 'n'.repeat(40) }),
  },
  {
    name: 'H3',
    method: 'POST',
    path: '/v1/mmc/management/conferences',
    creds: 'access',
    body: () => bodyArb(CREATE, [], { attendees: ATTENDEE, confConfigInfo: CONFIG }, { mediaTypes: 'Voice', startTime: '2999-01-01 10:00' }),
  },
  { name: 'H4', method: 'GET', path: '/v1/mmc/management/conferences', creds: 'access', query: () => queryArb(['offset', 'limit', 'queryAll', 'searchKey', 'queryConfMode', 'sortType'], []) },
  { name: 'H5', method: 'GET', path: '/v1/mmc/management/conferences/online', creds: 'access', query: () => queryArb(['offset', 'limit', 'queryAll', 'searchKey'], []) },
  { name: 'H6', method: 'GET', path: '/v1/mmc/management/conferences/confDetail', creds: 'access', query: () => queryArb(['conferenceID', 'offset', 'limit', 'searchKey'], [fx.running, fx.scheduled]) },
  { name: 'H7', method: 'DELETE', path: '/v1/mmc/management/conferences', creds: 'access', query: () => queryArb(['conferenceID', 'type'], [fx.running, fx.scheduled]) },
];

/** Row counts of everything a refused request must not touch (sign-in failure counters excepted: they are the point). */
async function footprint(): Promise<Record<string, number>> {
  const db = (fx.h.store as SqlStore).db;
  const out: Record<string, number> = {};
  for (const t of ['meetings', 'roster_entries', 'conferences', 'participants', 'users', 'access_tokens', 'auth_nonces', 'meeting_secrets', 'outbox_events']) {
    try {
      const r = await sql<{ n: number }>`select count(*) as n from ${sql.table(t)}`.execute(db);
      out[t] = Number(r.rows[0]?.n ?? 0);
    } catch {
      // A table of another name in this schema version: the others still guard.
    }
  }
  const del = await sql<{ n: number }>`select count(*) as n from meetings where deleted_at is not null`.execute(db);
  out.deletedMeetings = Number(del.rows[0]?.n ?? 0);
  return out;
}

function check(res: LightMyRequestResponse): void {
  expect(res.statusCode, res.body).toBeLessThan(500);
  expect(res.headers['content-type']).toBe('application/json;charset=UTF-8');
  expect(res.headers['x-request-id']).toBeTruthy();
  expect(res.body).not.toMatch(STACK);
  const body = JSON.parse(res.body) as unknown;
  if (res.statusCode >= 400) {
    const b = body as Record<string, unknown>;
    expect(Object.keys(b).filter((k) => !['error_code', 'error_msg', 'error_detail', 'request_id'].includes(k))).toEqual([]);
    expect(CODES.has(b.error_code as string), String(b.error_code)).toBe(true);
    expect(typeof b.error_msg).toBe('string');
    expect((b.error_msg as string).length).toBeGreaterThan(0);
    expect(b.request_id).toBe(res.headers['x-request-id']);
    if (b.error_detail !== undefined) expect(typeof b.error_detail).toBe('string');
  }
}

describe('every H1–H7 request answers < 500 with a §5.1 body and a refused one changes nothing', () => {
  for (const r of ROUTES) {
    it(`${r.name} ${r.method} ${r.path}`, async () => {
      const arb = fc.record({
        body: r.body ? r.body() : fc.constant(undefined),
        query: r.query ? r.query() : fc.constant(''),
        headers: headersArb(r.creds),
      });
      await fc.assert(
        fc.asyncProperty(arb, async ({ body, query, headers }) => {
          const before = await footprint();
          const res = await fx.h.app.inject({ method: r.method, url: `${r.path}${query}`, headers, ...(body !== undefined ? { payload: body } : {}) });
          check(res);
          // Sign-ins that succeed write a token (H1, H2) and creates/cancels that succeed write meetings.
          if (res.statusCode >= 400) expect(await footprint()).toEqual(before);
        }),
        params(),
      );
    });
  }
});
