/**
 * Property-based bad input over P1-1…P1-6 (dingtalk-conference.md §4.3 "Bad input never gives 500"): the
 * routes' real field names bound to arbitrary values, arbitrary JSON, raw bytes (invalid UTF-8 included),
 * odd content types, arbitrary path ids and query strings. Whatever comes in, the answer is a JSON object;
 * an error is `{code, requestid, message}` with a catalogue code, `requestid` = `x-acs-request-id`, status
 * below 500 (never systemError from client input) and no internals.
 *
 * `DT_FUZZ_SEED` / `DT_FUZZ_RUNS` replay or deepen a run.
 */
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dingtalkHarness, type DingtalkHarness } from '../../../test/support/dingtalkApp.js';

const NUM_RUNS = Number(process.env.DT_FUZZ_RUNS ?? 60);
const SEED = process.env.DT_FUZZ_SEED === undefined ? undefined : Number(process.env.DT_FUZZ_SEED);
const params = (): fc.Parameters<unknown> => ({ numRuns: NUM_RUNS, ...(SEED === undefined ? {} : { seed: SEED }) });

const STACK = /\n\s+at\s|\bat [\w$.<>]+ \(|\.[cm]?[jt]s:\d+(:\d+)?|node_modules|\/work\/|(?:TypeError|ReferenceError|RangeError|SyntaxError|SqliteError)[:\s]/;
const CODES = new Set(['paramsError', 'unknownUserError', 'InvalidAuthentication', 'Missingbody', 'invalidClientIdOrSecret', 'NotFound']);
const HOST = 'fuzzHostUnionId';
const ALICE = 'fuzzAliceUnionId';

let h: DingtalkHarness;
let token: string;
let running: string;

beforeAll(async () => {
  h = await dingtalkHarness({ maxParticipants: 1000 });
  const { accountId } = await h.newAccount({ adminUnionId: HOST });
  await h.newUser(accountId, ALICE);
  token = await h.token(await h.newApp(accountId));
  const res = await h.dt('POST', '/v1.0/conference/videoConferences', { token, body: { confTitle: 'Fuzz', userId: HOST, inviteCaller: false } });
  running = res.json().conferenceId;
});
afterAll(async () => {
  await h.close();
});

/** Checks one answer against the §4 rules. */
function check(res: LightMyRequestResponse): void {
  expect(res.statusCode).toBeLessThan(500);
  expect(res.headers['content-type']).toBe('application/json;charset=utf-8');
  const body = res.json() as Record<string, unknown>;
  expect(typeof body).toBe('object');
  if (res.statusCode >= 400) {
    expect(CODES.has(body.code as string)).toBe(true);
    expect(body.requestid).toBe(res.headers['x-acs-request-id']);
    expect(typeof body.message).toBe('string');
    expect(STACK.test(res.body)).toBe(false);
  }
}

const anyValue = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 300 }),
  fc.constantFrom(HOST, ALICE, '', ' ', '+447700900000', '13800000000', 'x'.repeat(5000)),
  fc.array(fc.anything({ maxDepth: 3 }), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 10 }), fc.anything({ maxDepth: 2 }), { maxKeys: 4 }),
);
const invitee = fc.record({ unionId: anyValue, nick: anyValue }, { requiredKeys: [] });
const phoneInvitee = fc.record({ phoneNumber: anyValue, nick: anyValue, statusCode: anyValue, inviteClient: anyValue }, { requiredKeys: [] });
const inviteBody = fc.record(
  { unionId: anyValue, inviteeList: fc.oneof(anyValue, fc.array(fc.oneof(invitee, anyValue), { maxLength: 6 })), phoneInviteeList: fc.oneof(anyValue, fc.array(fc.oneof(phoneInvitee, anyValue), { maxLength: 6 })) },
  { requiredKeys: [] },
);
const createBody = fc.record({ confTitle: anyValue, inviteCaller: anyValue, inviteUserIds: fc.oneof(anyValue, fc.array(anyValue, { maxLength: 5 })), userId: anyValue }, { requiredKeys: [] });
const tokenBody = fc.record({ appKey: anyValue, appSecret: anyValue }, { requiredKeys: [] });
const rawBody = fc.oneof(
  fc.json(),
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
  fc.string({ maxLength: 200 }),
  fc.constantFrom('{', '[]', 'null', '"x"', '{"inviteeList":', '\u0000', '{"a":' + '['.repeat(200)),
);
const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined);
const pathId = fc.oneof(fc.constantFrom('undefined', 'null', 'a%20b', '0123456789abcdef01234567', '%E4%B8%AD'), fc.stringMatching(/^[0-9a-zA-Z_-]{0,40}$/));

describe('DingTalk fuzz (§4.3: bad input never gives 500)', () => {
  it('P1-1 getAccessToken: structured and raw bodies', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(tokenBody.map((b) => JSON.stringify(b)), rawBody), contentType, async (body, ct) => {
        check(await h.app.inject({ method: 'POST', url: '/v1.0/oauth2/accessToken', headers: ct ? { 'content-type': ct } : {}, payload: body }));
      }),
      params(),
    );
  });

  it('P1-2 createVideoConference', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(createBody.map((b) => JSON.stringify(b)), rawBody), contentType, async (body, ct) => {
        check(await h.app.inject({ method: 'POST', url: '/v1.0/conference/videoConferences', headers: { 'x-acs-dingtalk-access-token': token, ...(ct ? { 'content-type': ct } : {}) }, payload: body }));
      }),
      params(),
    );
  });

  it('P1-6 inviteUsers on a running or arbitrary conference', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(inviteBody.map((b) => JSON.stringify(b)), rawBody), fc.oneof(fc.constant(running), pathId), contentType, async (body, id, ct) => {
        check(await h.app.inject({ method: 'POST', url: `/v1.0/conference/videoConferences/${id}/users/invite`, headers: { 'x-acs-dingtalk-access-token': token, ...(ct ? { 'content-type': ct } : {}) }, payload: body }));
      }),
      params(),
    );
  });

  it('P1-3/4/5: arbitrary ids and query strings', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constant(running), pathId),
        fc.dictionary(fc.constantFrom('maxResults', 'nextToken', 'unionId', 'x'), fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom(ALICE, '-1', '1e3', '0')), { maxKeys: 3 }),
        fc.constantFrom('GET info', 'GET members', 'DELETE'),
        async (id, q, which) => {
          const qs = new URLSearchParams(q).toString();
          const url = which === 'GET members' ? `/v1.0/conference/videoConferences/${id}/members?${qs}` : `/v1.0/conference/videoConferences/${id}?${qs}`;
          // Never close the shared conference: the host is not in the generated unionIds.
          check(await h.app.inject({ method: which === 'DELETE' ? 'DELETE' : 'GET', url, headers: { 'x-acs-dingtalk-access-token': token } }));
        },
      ),
      params(),
    );
  });

  it('token header noise', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 300 }).filter((s) => !/[\r\n\0]/.test(s) && /^[\x20-\x7e]*$/.test(s)), fc.constantFrom(`"${token}"`, `${token} `, token.toUpperCase())), async (t) => {
        const res = await h.app.inject({ method: 'GET', url: `/v1.0/conference/videoConferences/${running}`, headers: { 'x-acs-dingtalk-access-token': t } });
        check(res);
        if (t.trim() !== token) expect(res.statusCode).toBe(400);
      }),
      params(),
    );
  });
});
