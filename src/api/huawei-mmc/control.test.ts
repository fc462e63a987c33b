/**
 * Huawei conference control H8–H20 (huawei-meeting.md §2.3, §5.3, §6.8–§6.19) through the real Huawei plugin
 * over SQLite, with fakes only at the process edges (dialer, ringer, publisher). Every error row asserts the
 * exact status and body; a fast-check fuzz per route asserts a 4xx in the §5.1 shape that changed nothing.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import type { Account } from '../../domain/accounts/Account.js';
import type { User } from '../../domain/accounts/User.js';
import { hashControlToken } from '../../domain/credentials/issueControlToken.js';
import type { Dialer, LiveDeps, LivePublisher, OutgoingCall, RingRequest, Ringer } from '../../domain/live/ports.js';
import type { LegSignal } from '../../domain/live/Participant.js';
import { recordCallProgress } from '../../domain/live/recordCallProgress.js';
import { startConference } from '../../domain/live/startConference.js';
import type { DisconnectReason, LiveEvent, Participant } from '../../domain/live/types.js';
import type { Meeting } from '../../domain/meetings/Meeting.js';
import type { Store } from '../../domain/ports.js';
import { TestClock } from '../../domain/webhooks/testFixtures.js';
import { makeAccount, makeMeeting, makeUser } from '../../storage/contract/fixtures.js';
import { createStore } from '../../storage/index.js';
import { createDeps } from '../../wiring.js';
import { enforceAuthPolicy } from '../common/authPolicy.js';
import { huaweiMmc } from './index.js';
import { orderLegs } from './realtimeInfo.js';

// ── Fixtures ──────────────────────────────────────────────────────────────────────────────────────────────

const CONF = '914083136';
const OTHER_CONF = '920517384';
const FOREIGN_CONF = '930771245';
const SCHEDULED_CONF = '940118273';
const CHAIR_PWD = '739201';
const GUEST_PWD = '508114';
const ANNA_UUID = '5d2c8a1e9b7f4e3a8c6d0f1b2a3e4c5d';
const BOB_UUID = '9a4b6c8d0e1f42a3b5c7d9e1f3a5b7c9';
const ANNA_DN = '+99510337829104';
const BOB_DN = '+99518826604377';
const T_START = Date.UTC(2026, 11, 1, 8, 45);
const MIN = 60_000;

/** A dialer that records what the core asked for. */
class FakeDialer implements Dialer {
  readonly network = 'simulated' as const;
  dials: OutgoingCall[] = [];
  hangups: Array<{ participantId: string; reason: DisconnectReason }> = [];
  dial(call: OutgoingCall): void {
    this.dials.push(call);
  }
  hangup(participantId: string, reason: DisconnectReason): void {
    this.hangups.push({ participantId, reason });
  }
  async close(): Promise<void> {}
}

/** A ringer whose online users are set by the test. */
class FakeRinger implements Ringer {
  online = new Set<string>();
  rings: RingRequest[] = [];
  cancels: Array<{ participantId: string; why: string }> = [];
  isOnline(userId: string): boolean {
    return this.online.has(userId);
  }
  ring(req: RingRequest): void {
    this.rings.push(req);
  }
  cancel(participantId: string, why: string): void {
    this.cancels.push({ participantId, why });
  }
}

class FakePublisher implements LivePublisher {
  events: LiveEvent[] = [];
  publish(events: LiveEvent[]): void {
    this.events.push(...events);
  }
}

interface World {
  app: FastifyInstance;
  store: Store;
  clock: TestClock;
  deps: LiveDeps;
  dialer: FakeDialer;
  ringer: FakeRinger;
  account: Account;
  anna: User;
  bob: User;
  meeting: Meeting;
  /** Same account, another running meeting. */
  other: Meeting;
  /** Another account's running meeting. */
  foreign: Meeting;
  /** Same account, scheduled, never started. */
  scheduled: Meeting;
}

let w: World;

async function addMeeting(store: Store, account: Account, organizer: User, conferenceId: string, topic: string): Promise<Meeting> {
  const m = makeMeeting(account.id, {
    conferenceId,
    topic,
    isRecurring: false,
    recurring: { frequencyType: '', frequency: null, monthlyPattern: '', endsType: '', endsOn: T_START, endsAfter: 0 },
    occurrenceExceptions: [],
    startTime: T_START,
    endTime: T_START + 60 * MIN,
    seriesEnd: T_START + 60 * MIN,
    addedByUserId: organizer.id,
    addedByUserEmail: organizer.email,
    addedByUserName: `${organizer.firstName} ${organizer.lastName}`,
  });
  await store.meetings.insert(m);
  await store.meetingSecrets.getOrInit({ meetingId: m.id, chairPassword: CHAIR_PWD, guestPassword: GUEST_PWD });
  return m;
}

/** The app under test: the real Huawei plugin on a root configured like src/app.ts. */
async function buildControlApp(deps: LiveDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, requestIdHeader: 'x-request-id', genReqId: () => randomUUID(), bodyLimit: 1_048_576 });
  enforceAuthPolicy(app);
  await app.register(huaweiMmc, { deps, maxBodyBytes: 1_048_576 });
  await app.ready();
  return app;
}

async function world(o: { maxParticipants?: number } = {}): Promise<World> {
  const clock = new TestClock(T_START);
  const store = await createStore({ url: ':memory:' });
  const base = await createDeps(store, loadConfig({ CONVENE_PUBLIC_URL: 'https://meet.example.com', LOG_LEVEL: 'silent' }), { clock });
  const dialer = new FakeDialer();
  const ringer = new FakeRinger();
  const deps: LiveDeps = { ...base, dialer, ringer, publisher: new FakePublisher(), live: { ringTimeoutMs: 60_000, maxParticipants: o.maxParticipants ?? 500 } };

  const account = makeAccount({ id: '66a1f0a9b1e4c35a9d0e7a01' });
  const anna = makeUser(account.id, { email: 'anna@example.com', firstName: 'Anna', lastName: 'Muster', isAdmin: true, huaweiUserUuid: ANNA_UUID, loginName: 'anna@example.com', directoryNumber: ANNA_DN, externalUserId: null, phone: null });
  const bob = makeUser(account.id, { email: 'bob@example.com', firstName: 'Bob', lastName: '', isAdmin: false, huaweiUserUuid: BOB_UUID, loginName: 'bob@example.com', directoryNumber: BOB_DN, externalUserId: 'crm-4711', phone: '+447700900123' });
  const foreignAccount = makeAccount();
  const carl = makeUser(foreignAccount.id, { email: 'carl@example.net', loginName: 'carl@example.net', externalUserId: 'crm-9' });
  await store.accounts.insert(account);
  await store.accounts.insert(foreignAccount);
  for (const u of [anna, bob, carl]) await store.users.insert(u);
  const meeting = await addMeeting(store, account, anna, CONF, 'Weekly sync');
  const other = await addMeeting(store, account, anna, OTHER_CONF, 'Budget review');
  const foreign = await addMeeting(store, foreignAccount, carl, FOREIGN_CONF, 'Elsewhere');
  const scheduled = await addMeeting(store, account, anna, SCHEDULED_CONF, 'Later');
  for (const m of [meeting, other, foreign]) await startConference(deps, { accountId: m.accountId, canControl: true, meetingId: m.id, name: 'test', userId: null }, { meetingId: m.id });
  const app = await buildControlApp(deps);
  return { app, store, clock, deps, dialer, ringer, account, anna, bob, meeting, other, foreign, scheduled };
}

beforeEach(async () => {
  w = await world();
});
afterEach(async () => {
  await w.app.close();
  await w.store.close();
});

// ── Request helpers ───────────────────────────────────────────────────────────────────────────────────────

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

function call(method: Method, url: string, o: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {}): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(o.token !== undefined ? { 'x-conference-authorization': o.token } : {}), ...o.headers };
  const payload = o.raw ?? (o.body !== undefined ? JSON.stringify(o.body) : undefined);
  return w.app.inject({ method, url, headers, ...(payload !== undefined ? { payload } : {}) });
}

/** H8 with the chair (or guest) password; returns the token. */
async function controlToken(conferenceId = CONF, password = CHAIR_PWD): Promise<string> {
  const res = await call('GET', `/v1/mmc/control/conferences/token?conferenceID=${conferenceId}`, { headers: { 'x-password': password, 'x-login-type': '1' } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data.token as string;
}

/** Asserts a §5.1 error body exactly (request_id = the X-Request-Id header). */
function expectError(res: LightMyRequestResponse, status: number, code: string, msg: string, detail: string): void {
  expect({ status: res.statusCode, body: res.json() }).toEqual({ status, body: { error_code: code, error_msg: msg, error_detail: detail, request_id: res.headers['x-request-id'] } });
  expect(res.headers['content-type']).toBe('application/json;charset=UTF-8');
}

function expectOk(res: LightMyRequestResponse): void {
  expect({ status: res.statusCode, body: res.body }).toEqual({ status: 200, body: '{}' });
}

const q = (path: string, extra = '') => `/v1/mmc/control/conferences/${path}?conferenceID=${CONF}${extra}`;

async function realTime(token: string): Promise<{ attendees: Array<Record<string, unknown>>; participants: Array<Record<string, unknown>>; confInfo: Record<string, unknown> }> {
  const res = await call('GET', q('realTimeInfo'), { token });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** The meeting's legs in H11 order (oldest first, one invite's legs in attendee order). */
async function legs(meeting = w.meeting): Promise<Participant[]> {
  const c = await w.store.conferences.getLatest(meeting.id);
  return orderLegs(await w.store.participants.list(c!.id), await w.store.roster.list(meeting.id));
}

async function legByPhone(phone: string): Promise<Participant> {
  const p = (await legs()).filter((l) => l.phone === phone).at(-1);
  if (!p) throw new Error(`no leg for ${phone}`);
  return p;
}

async function progress(pid: string, signal: LegSignal): Promise<void> {
  await recordCallProgress(w.deps, { participantId: pid, signal });
}

/** Invites `attendees` with the chair token and returns the new legs (by phone/name order). */
async function invite(token: string, attendees: unknown[]): Promise<void> {
  const res = await call('POST', q('participants'), { token, body: { attendees } });
  expect(res.statusCode, res.body).toBe(200);
}

/** A connected phone leg for `phone`. */
async function connectedPhone(token: string, phone: string, name = `Line ${phone.slice(-3)}`): Promise<Participant> {
  await invite(token, [{ name, phone, type: 'mobile' }]);
  const p = await legByPhone(phone);
  await progress(p.id, { kind: 'answered', connectNow: true });
  return (await w.store.participants.getById(p.id))!;
}

/** Everything a control request could change, for "nothing changed" assertions. */
async function snapshot(): Promise<string> {
  const parts: unknown[] = [];
  for (const m of [w.meeting, w.other]) {
    const c = await w.store.conferences.getLatest(m.id);
    parts.push(c, await w.store.roster.list(m.id), c && (await w.store.participants.list(c.id)), (await w.store.liveEvents.list(m.id)).length);
  }
  parts.push(w.dialer.dials.length, w.dialer.hangups.length, w.ringer.rings.length, w.ringer.cancels.length);
  return JSON.stringify(parts);
}

// ── H8 ────────────────────────────────────────────────────────────────────────────────────────────────────

describe('H8 GET /v1/mmc/control/conferences/token', () => {
  const url = (id = CONF) => `/v1/mmc/control/conferences/token?conferenceID=${id}`;
  const pwd = (password: string, extra: Record<string, string> = {}) => ({ headers: { 'x-password': password, 'x-login-type': '1', ...extra } });

  it('answers a chair token with the §6.8 body, ignoring X-Access-Token and Authorization', async () => {
    const res = await call('GET', url(), pwd(CHAIR_PWD, { 'x-access-token': 'stbX5ElstO5QwOwPB9KGQWUZ1DHoFrTsQjjC', authorization: 'garbage' }));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const token = res.json().data.token as string;
    expect(token).toMatch(/^stb[0-9a-f]{48}$/);
    expect(res.body).toBe(
      JSON.stringify({ data: { token, role: 1, expireTime: T_START + 30 * MIN, userID: ANNA_UUID, orgID: w.account.id, confTokenExpireTime: 1800 }, gloablPublicIP: 'meet.example.com' }),
    );
  });

  it('answers a guest token (role 0) for the guest password', async () => {
    const res = await call('GET', url(), pwd(GUEST_PWD));
    expect(res.json().data.role).toBe(0);
  });

  it('keeps a token alive in every encoding: the same token, expireTime now + 30 min, no password needed', async () => {
    const token = await controlToken();
    const b64 = Buffer.from(token).toString('base64');
    const urlSafe = b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    for (const [i, header] of [token, `Basic ${b64}`, `basic ${urlSafe}`, b64, `  ${token}  `].entries()) {
      w.clock.advance(MIN);
      const res = await call('GET', url(), { headers: { 'x-conference-authorization': header, 'x-password': '', 'x-login-type': '1' } });
      expect({ i, status: res.statusCode }).toEqual({ i, status: 200 });
      expect(res.json().data).toMatchObject({ token, role: 1, expireTime: w.clock.now() + 30 * MIN });
    }
  });

  it('keeps a token alive past its first 30 minutes, and other control calls do not extend it', async () => {
    const token = await controlToken();
    w.clock.advance(25 * MIN);
    expect((await call('GET', url(), { headers: { 'x-conference-authorization': token, 'x-login-type': '1' } })).statusCode).toBe(200);
    w.clock.advance(25 * MIN);
    expect((await call('GET', q('realTimeInfo'), { token })).statusCode).toBe(200);
    w.clock.advance(5 * MIN - 1);
    expect((await call('GET', q('realTimeInfo'), { token })).statusCode).toBe(200);
    w.clock.advance(1);
    expectError(await call('GET', q('realTimeInfo'), { token }), 401, 'MMC.118000001', 'USER_TOKEN_AUTH_FAILED', 'control token expired');
  });

  it('issues a new token when the keep-alive token expired and the password is right', async () => {
    const token = await controlToken();
    w.clock.advance(30 * MIN);
    const res = await call('GET', url(), { headers: { 'x-conference-authorization': token, 'x-password': CHAIR_PWD, 'x-login-type': '1' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().data.token).not.toBe(token);
  });

  describe('errors (§6.8 table)', () => {
    it('X-Password: 000000 → 400 MMC.111072065', async () => {
      expectError(await call('GET', url(), pwd('000000')), 400, 'MMC.111072065', 'CONF_NOT_FOUND_OR_AUTH_FAILED', 'conference not found or password wrong');
    });
    it('an unknown conferenceID, or another account meeting with a wrong password → the same 400 MMC.111072065', async () => {
      expectError(await call('GET', url('123456789'), pwd(CHAIR_PWD)), 400, 'MMC.111072065', 'CONF_NOT_FOUND_OR_AUTH_FAILED', 'conference not found or password wrong');
      expectError(await call('GET', url(FOREIGN_CONF), pwd('111111')), 400, 'MMC.111072065', 'CONF_NOT_FOUND_OR_AUTH_FAILED', 'conference not found or password wrong');
    });
    it('no X-Password and no keep-alive token → 400 MMC.111070009', async () => {
      expectError(await call('GET', url(), { headers: { 'x-login-type': '1' } }), 400, 'MMC.111070009', 'CONF_AUTHEN_NEED_PASSWORD', 'header X-Password is required');
      expectError(await call('GET', url(), pwd('')), 400, 'MMC.111070009', 'CONF_AUTHEN_NEED_PASSWORD', 'header X-Password is required');
    });
    it('X-Login-Type: 2, or none → 400 MMC.111071061', async () => {
      expectError(await call('GET', url(), { headers: { 'x-password': CHAIR_PWD, 'x-login-type': '2' } }), 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'header X-Login-Type must be 1');
      expectError(await call('GET', url(), { headers: { 'x-password': CHAIR_PWD } }), 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'header X-Login-Type must be 1');
    });
    it('X-Login-Type is checked before conferenceID, conferenceID before the password', async () => {
      expectError(await call('GET', '/v1/mmc/control/conferences/token', { headers: {} }), 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'header X-Login-Type must be 1');
      expectError(await call('GET', '/v1/mmc/control/conferences/token', { headers: { 'x-login-type': '1' } }), 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'query conferenceID is required');
      expectError(await call('GET', url('1'.repeat(33)), pwd(CHAIR_PWD)), 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'query conferenceID is longer than 32 characters');
    });
    it('a scheduled meeting that has not started → 400 MMC.111072005', async () => {
      expectError(await call('GET', url(SCHEDULED_CONF), pwd(CHAIR_PWD)), 400, 'MMC.111072005', 'CONF_NOT_STARTED', `conference ${SCHEDULED_CONF} has not started`);
    });
    it('an ended meeting → 400 MMC.111072006', async () => {
      const token = await controlToken();
      expectOk(await call('PUT', q('stop'), { token }));
      expectError(await call('GET', url(), pwd(CHAIR_PWD)), 400, 'MMC.111072006', 'CONF_IS_CLOSED', `conference ${CONF} has ended`);
    });
    it('an expired keep-alive token without a password → 401 MMC.118000001 "control token expired"', async () => {
      const token = await controlToken();
      w.clock.advance(31 * MIN);
      expectError(await call('GET', url(), { headers: { 'x-conference-authorization': token, 'x-login-type': '1' } }), 401, 'MMC.118000001', 'USER_TOKEN_AUTH_FAILED', 'control token expired');
    });
    it('an unknown or undecodable keep-alive token without a password → 401 MMC.118000001', async () => {
      expectError(
        await call('GET', url(), { headers: { 'x-conference-authorization': `stb${'0'.repeat(48)}`, 'x-login-type': '1' } }),
        401,
        'MMC.118000001',
        'USER_TOKEN_AUTH_FAILED',
        `token is not valid for conference ${CONF}`,
      );
      expectError(await call('GET', url(), { headers: { 'x-conference-authorization': 'Basic !!!', 'x-login-type': '1' } }), 401, 'MMC.118000001', 'USER_TOKEN_AUTH_FAILED', `token is not valid for conference ${CONF}`);
    });
    it('the sixth wrong password within 10 min from this IP → 400 MMC.111072064, even with the right password', async () => {
      for (let i = 0; i < 5; i++) expect((await call('GET', url(), pwd(`00000${i}`))).json().error_code).toBe('MMC.111072065');
      w.clock.advance(2 * MIN);
      expectError(await call('GET', url(), pwd('000009')), 400, 'MMC.111072064', 'CONF_CTR_LOGIN_LOCKED', 'too many failed attempts; try again after 08:55');
      expectError(await call('GET', url(), pwd(CHAIR_PWD)), 400, 'MMC.111072064', 'CONF_CTR_LOGIN_LOCKED', 'too many failed attempts; try again after 08:55');
      w.clock.advance(8 * MIN);
      expect((await call('GET', url(), pwd(CHAIR_PWD))).statusCode).toBe(200);
    });
  });
});

// ── Credential checks shared by H9–H20 ────────────────────────────────────────────────────────────────────

/** Every control route with a body that passes its checks (given a live pid where one is needed). */
function routes(pid: string): Array<{ name: string; method: Method; path: string; extra: string; body: unknown; chairOnly: boolean; verb: string }> {
  return [
    { name: 'H9', method: 'POST', path: 'participants', extra: '', body: { attendees: [{ name: 'X', phone: '+447700900000' }] }, chairOnly: true, verb: 'invite participants' },
    { name: 'H10', method: 'POST', path: 'participants/delete', extra: '', body: { bulkHangUpParticipants: [pid] }, chairOnly: true, verb: 'hang up participants' },
    { name: 'H11', method: 'GET', path: 'realTimeInfo', extra: '', body: undefined, chairOnly: false, verb: '' },
    { name: 'H12', method: 'PUT', path: 'participants/mute', extra: `&participantID=${pid}`, body: { isMute: 1 }, chairOnly: true, verb: 'mute participants' },
    { name: 'H13', method: 'PUT', path: 'mute', extra: '', body: { isMute: 1 }, chairOnly: true, verb: 'mute everyone' },
    { name: 'H14', method: 'PUT', path: 'lock', extra: '', body: { isLock: 1 }, chairOnly: true, verb: 'lock the conference' },
    { name: 'H15', method: 'PUT', path: 'participants/role', extra: `&participantID=${pid}`, body: { applyChair: 0 }, chairOnly: true, verb: 'release the chair' },
    { name: 'H16', method: 'PUT', path: 'participants/cohost', extra: `&participantID=${pid}`, body: { isCohost: 1 }, chairOnly: true, verb: 'set co-hosts' },
    { name: 'H17', method: 'PUT', path: 'participants/name', extra: '', body: { participantID: pid, number: '+447700900000', newName: 'New' }, chairOnly: true, verb: 'rename participants' },
    { name: 'H18', method: 'PUT', path: 'participants/hands', extra: `&participantID=${pid}`, body: { handsState: 0 }, chairOnly: true, verb: 'raise or lower hands' },
    { name: 'H19', method: 'PUT', path: 'participants/batch/hands', extra: '', body: { handsState: 0, pids: [pid] }, chairOnly: true, verb: 'raise or lower hands' },
    { name: 'H20', method: 'PUT', path: 'stop', extra: '', body: undefined, chairOnly: true, verb: 'stop the conference' },
  ];
}

describe('control token checks (§2.4, §5.3, §5.4) on every route H9–H20', () => {
  const pid = 'ba9acb1e216d11eabc5165c2b91ad427';

  it('no X-Conference-Authorization (or an empty one) → 401 MMC.111070111', async () => {
    for (const r of routes(pid)) {
      for (const token of [undefined, '', '   ']) {
        const res = await call(r.method, q(r.path, r.extra), { ...(token !== undefined ? { token } : {}), ...(r.body !== undefined ? { body: r.body } : {}) });
        expectError(res, 401, 'MMC.111070111', 'REQUEST_TOKEN_IS_NULL', 'header X-Conference-Authorization is required');
      }
    }
  });

  it('a token but no conferenceID → 400 MMC.111071061', async () => {
    const token = await controlToken();
    for (const r of routes(pid)) {
      const res = await call(r.method, `/v1/mmc/control/conferences/${r.path}${r.extra.replace(/^&/, '?')}`, { token, ...(r.body !== undefined ? { body: r.body } : {}) });
      expectError(res, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'query conferenceID is required');
    }
  });

  it('an undecodable, unknown, other-meeting or other-account token → 401 MMC.118000001', async () => {
    const sameAccount = await controlToken(OTHER_CONF);
    const otherAccount = await controlToken(FOREIGN_CONF);
    const snap = await snapshot();
    for (const r of routes(pid)) {
      for (const token of ['not a token', `stb${'a'.repeat(48)}`, sameAccount, otherAccount, `Basic ${Buffer.from(otherAccount).toString('base64')}`, 'Basic', 'x'.repeat(5000)]) {
        const res = await call(r.method, q(r.path, r.extra), { token, ...(r.body !== undefined ? { body: r.body } : {}) });
        expectError(res, 401, 'MMC.118000001', 'USER_TOKEN_AUTH_FAILED', `token is not valid for conference ${CONF}`);
      }
    }
    expect(await snapshot()).toBe(snap);
  });

  it('a token 30 minutes old → 401 MMC.118000001 "control token expired" (one ms earlier it works)', async () => {
    const token = await controlToken();
    w.clock.advance(30 * MIN - 1);
    expect((await call('GET', q('realTimeInfo'), { token })).statusCode).toBe(200);
    w.clock.advance(1);
    for (const r of routes(pid)) {
      const res = await call(r.method, q(r.path, r.extra), { token, ...(r.body !== undefined ? { body: r.body } : {}) });
      expectError(res, 401, 'MMC.118000001', 'USER_TOKEN_AUTH_FAILED', 'control token expired');
    }
  });

  it('accepts the token raw, as Basic base64(token), and ignores X-Access-Token and Authorization', async () => {
    const token = await controlToken();
    for (const header of [token, `Basic ${Buffer.from(token).toString('base64')}`, Buffer.from(token).toString('base64')]) {
      const res = await call('GET', q('realTimeInfo'), { token: header, headers: { 'x-access-token': 'nonsense', authorization: 'Bearer nonsense' } });
      expect(res.statusCode).toBe(200);
    }
  });

  it('a guest token on a chair-only route → 403 MMC.111072070 naming the operation; H11 works', async () => {
    const guest = await controlToken(CONF, GUEST_PWD);
    const snap = await snapshot();
    for (const r of routes(pid)) {
      const res = await call(r.method, q(r.path, r.extra), { token: guest, ...(r.body !== undefined ? { body: r.body } : {}) });
      if (r.chairOnly) expectError(res, 403, 'MMC.111072070', 'GUEST_NO_PERMISSION_OPERATION', `a guest token cannot ${r.verb}`);
      else expect(res.statusCode).toBe(200);
    }
    expect(await snapshot()).toBe(snap);
  });

  it('body syntax is checked before the credential (§5.4 step 2 before step 3)', async () => {
    const res = await call('POST', q('participants'), { raw: '{"attendees":[' });
    expectError(res, 400, 'MMC.111070001', 'CONF_BAD_REQUEST', 'request body is not valid JSON');
  });

  it('after the meeting ended a still-valid token gets MMC.111072006 on every route but H20 (MMC.111072005)', async () => {
    const token = await controlToken();
    expectOk(await call('PUT', q('stop'), { token }));
    const snap = await snapshot();
    for (const r of routes(pid)) {
      const res = await call(r.method, q(r.path, r.extra), { token, ...(r.body !== undefined ? { body: r.body } : {}) });
      if (r.name === 'H20') expectError(res, 400, 'MMC.111072005', 'CONF_NOT_STARTED', `conference ${CONF} has already ended`);
      else expectError(res, 400, 'MMC.111072006', 'CONF_IS_CLOSED', `conference ${CONF} has ended`);
    }
    expect(await snapshot()).toBe(snap);
  });

  it('a token of a meeting that has not started → MMC.111072005 on every route', async () => {
    // H8 never issues one (it refuses), but a token may outlive a restart of the meeting's data: store one.
    const token = `stb${'c'.repeat(48)}`;
    await w.store.controlTokens.insert({ hash: hashControlToken(token), meetingId: w.scheduled.id, accountId: w.account.id, role: 1, createdAt: T_START, expiresAt: T_START + 30 * MIN, createdIp: null });
    for (const r of routes(pid)) {
      const res = await call(r.method, `/v1/mmc/control/conferences/${r.path}?conferenceID=${SCHEDULED_CONF}${r.extra}`, { token, ...(r.body !== undefined ? { body: r.body } : {}) });
      expectError(res, 400, 'MMC.111072005', 'CONF_NOT_STARTED', `conference ${SCHEDULED_CONF} has not started`);
    }
  });
});

// ── H9 ────────────────────────────────────────────────────────────────────────────────────────────────────

describe('H9 POST /v1/mmc/control/conferences/participants (seed 000)', () => {
  it('accepts both seed examples as written: 200 {} and a phone leg to the masked number', async () => {
    const token = await controlToken();
    const listing = `{ "attendees": [ { "name": "Shanghai Venue", "role": 1, "phone": "+8657*******", "type": "normal" }] }`;
    const res1 = await w.app.inject({ method: 'POST', url: q('participants'), headers: { 'x-conference-authorization': token, 'content-type': 'application/json', 'user-agent': 'WeLink-desktop' }, payload: listing });
    expectOk(res1);
    const res2 = await w.app.inject({ method: 'POST', url: q('participants'), headers: { 'x-conference-authorization': token, 'content-type': 'application/json' }, payload: '{"attendees":[{"name":"user01","role":0,"phone":"+8657*******"}]}' });
    expectOk(res2);
    // The second entry has the same number: the first leg is still calling, so it is a no-op (§4.5).
    expect(w.dialer.dials.map((d) => [d.target, d.kind])).toEqual([['+8657*******', 'phone']]);
    const info = await realTime(token);
    expect(info.attendees).toEqual([{ name: 'Shanghai Venue', phone: '+8657*******' }]);
    expect(info.participants).toEqual([{ pid: (await legByPhone('+8657*******')).id, name: 'Shanghai Venue', phone: '+8657*******', state: 1, video: 0, mute: 0, hand: 0 }]);
  });

  it('routes the §6.9 example: Bob rings in his app, numbers and the room system are dialled; H11 shows five legs with state 1', async () => {
    const token = await controlToken();
    w.ringer.online.add(w.bob.id);
    const res = await call('POST', q('participants'), {
      token,
      body: {
        attendees: [
          { name: 'Bob', userUUID: BOB_UUID, phone: BOB_DN, type: 'normal' },
          { name: 'Shanghai Venue', role: 0, phone: '+447700900000', type: 'mobile' },
          { name: 'Busy line', phone: '+447700900486', type: 'mobile' },
          { name: 'Slow line', phone: '+447700900001', type: 'mobile' },
          { name: 'Room 12', phone: 'sip:room-12@sim.convene.invalid', type: 'terminal' },
        ],
      },
    });
    expectOk(res);
    expect(w.ringer.rings).toMatchObject([{ userId: w.bob.id, subject: 'Weekly sync', inviterName: 'Anna Muster', ringTimeoutMs: 60_000 }]);
    expect(w.dialer.dials.map((d) => [d.target, d.kind])).toEqual([
      ['+447700900000', 'phone'],
      ['+447700900486', 'phone'],
      ['+447700900001', 'phone'],
      ['sip:room-12@sim.convene.invalid', 'sip'],
    ]);
    const all = await legs();
    const info = await realTime(token);
    expect(info).toEqual({
      attendees: [
        { accountID: 'bob@example.com', userUUID: BOB_UUID, name: 'Bob', phone: BOB_DN },
        { name: 'Shanghai Venue', phone: '+447700900000' },
        { name: 'Busy line', phone: '+447700900486' },
        { name: 'Slow line', phone: '+447700900001' },
        { name: 'Room 12', phone: 'sip:room-12@sim.convene.invalid' },
      ],
      participants: [
        { pid: all[0]!.id, name: 'Bob', phone: BOB_DN, state: 1, video: 1, mute: 0, hand: 0 },
        { pid: all[1]!.id, name: 'Shanghai Venue', phone: '+447700900000', state: 1, video: 0, mute: 0, hand: 0 },
        { pid: all[2]!.id, name: 'Busy line', phone: '+447700900486', state: 1, video: 0, mute: 0, hand: 0 },
        { pid: all[3]!.id, name: 'Slow line', phone: '+447700900001', state: 1, video: 0, mute: 0, hand: 0 },
        { pid: all[4]!.id, name: 'Room 12', phone: 'sip:room-12@sim.convene.invalid', state: 1, video: 0, mute: 0, hand: 0 },
      ],
      confInfo: { coHosts: [] },
    });
  });

  it('an app user who is not online fails at once (USER_UNAVAILABLE): on the roster, not among the participants', async () => {
    const token = await controlToken();
    await invite(token, [{ name: 'Bob', userUUID: BOB_UUID, phone: '+8613800000000' }]);
    const [leg] = await legs();
    expect(leg).toMatchObject({ kind: 'app', userId: w.bob.id, state: 'failed', reason: 'USER_UNAVAILABLE' });
    expect(await realTime(token)).toEqual({ attendees: [{ accountID: 'bob@example.com', userUUID: BOB_UUID, name: 'Bob', phone: BOB_DN }], participants: [], confInfo: { coHosts: [] } });
    expect(w.ringer.rings).toEqual([]);
  });

  it('resolves accountId (when userUUID is absent) as a Huawei account name, case-insensitive, else as an externalUserId', async () => {
    const token = await controlToken();
    w.ringer.online.add(w.bob.id);
    await invite(token, [{ name: 'Bob', accountId: 'BOB@example.com', phone: '+8613800000000' }]);
    await invite(token, [{ name: 'Bob again', accountId: 'crm-4711', phone: '+8613800000001' }]);
    expect(w.ringer.rings).toHaveLength(1); // the second one is Bob again, whose call is live: a no-op
    expect(w.dialer.dials).toEqual([]);
    expect((await legs()).map((l) => [l.kind, l.userId])).toEqual([['app', w.bob.id]]);
  });

  it('never rings a user of another account (userUUID, accountId, directory number): the entry is dialled or fails', async () => {
    const token = await controlToken();
    const carl = (await w.store.users.getByLoginName('carl@example.net'))!;
    w.ringer.online.add(carl.id);
    await invite(token, [
      { name: 'Carl 1', userUUID: carl.huaweiUserUuid, phone: '+8613800000002' },
      { name: 'Carl 2', accountId: 'carl@example.net', phone: '+8613800000003' },
      { name: 'Carl 3', accountId: 'crm-9', phone: '+8613800000004' },
      { name: 'Carl 4', phone: carl.directoryNumber },
    ]);
    expect(w.ringer.rings).toEqual([]);
    expect(w.dialer.dials.map((d) => d.target)).toEqual(['+8613800000002', '+8613800000003', '+8613800000004']);
    expect(await legByPhone(carl.directoryNumber)).toMatchObject({ state: 'failed', reason: 'INVALID_NUMBER', userId: null });
  });

  it('type mobile/telephone dials the number even for a user, and the roster still shows who it is', async () => {
    const token = await controlToken();
    w.ringer.online.add(w.bob.id);
    await invite(token, [{ name: 'Bob mobile', userUUID: BOB_UUID, phone: '+86 138-0000-0000', type: 'MOBILE' }]);
    expect(w.ringer.rings).toEqual([]);
    expect(w.dialer.dials.map((d) => d.target)).toEqual(['+8613800000000']);
    expect((await realTime(token)).attendees).toEqual([{ accountID: 'bob@example.com', userUUID: BOB_UUID, name: 'Bob mobile', phone: '+8613800000000' }]);
  });

  it("a user's directory number rings their app (rule 2)", async () => {
    const token = await controlToken();
    w.ringer.online.add(w.bob.id);
    await invite(token, [{ name: 'Bob', phone: BOB_DN }]);
    expect(w.ringer.rings.map((r) => r.userId)).toEqual([w.bob.id]);
  });

  it('takes lenient types: a number as phone, "1" as role, "0" as isMute, null as absent, unknown fields ignored', async () => {
    const token = await controlToken();
    await invite(token, [{ name: 'Numeric', phone: 8613800000000, role: '1', isMute: '0', type: null, email: null, conferenceType: 'x', phone2: '', deptUUID: 'd1' }]);
    expect(w.dialer.dials.map((d) => d.target)).toEqual(['8613800000000']);
    const entry = (await w.store.roster.list(w.meeting.id))[0];
    expect(entry).toMatchObject({ hostRole: true, joinMuted: false, type: 'normal', deptUuid: 'd1' });
  });

  it('isMute 1: the leg joins muted (H11 mute 1)', async () => {
    const token = await controlToken();
    await invite(token, [{ name: 'Quiet', phone: '+447700900000', isMute: 1 }]);
    expect((await realTime(token)).participants[0]).toMatchObject({ mute: 1 });
  });

  it('someone whose last leg ended gets a new leg with a new pid', async () => {
    const token = await controlToken();
    await invite(token, [{ name: 'Busy', phone: '+447700900486' }]);
    const first = await legByPhone('+447700900486');
    await progress(first.id, { kind: 'ended', reason: 'USER_BUSY', sipStatusCode: 486 });
    w.clock.advance(1_000);
    await invite(token, [{ name: 'Busy', phone: '+447700900486' }]);
    const second = await legByPhone('+447700900486');
    expect(second.id).not.toBe(first.id);
    expect(w.dialer.dials).toHaveLength(2);
    expect(await w.store.roster.list(w.meeting.id)).toHaveLength(1);
  });

  describe('errors (§6.9 table); each changes nothing', () => {
    const att = (over: Record<string, unknown> = {}) => ({ name: 'Shanghai Venue', phone: '+447700900000', ...over });
    const cases: Array<[string, string | undefined, unknown, number, string, string, string]> = [
      ['{"attendees":[]}', undefined, { attendees: [] }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'attendees is empty'],
      ['no body', '', undefined, 400, 'MMC.111072057', 'REQUEST_BODY_IS_NULL', 'request body is required'],
      ['null body', 'null', undefined, 400, 'MMC.111072057', 'REQUEST_BODY_IS_NULL', 'request body is required'],
      ['an array body', '[]', undefined, 400, 'MMC.111070001', 'CONF_BAD_REQUEST', 'request body should be a JSON object'],
      ['{}', undefined, {}, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'attendees is required'],
      ['attendees not an array', undefined, { attendees: { name: 'x' } }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'attendees should be an array'],
      ['101 attendees', undefined, { attendees: Array.from({ length: 101 }, (_, i) => att({ phone: `+4477009006${String(i).padStart(2, '0')}` })) }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'attendees has more than 100 items'],
      ['an entry that is not an object', undefined, { attendees: ['x'] }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'attendees[0] should be an object'],
      ['a 65-character userUUID', undefined, { attendees: [att({ userUUID: 'a'.repeat(65) })] }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'attendees[0].userUUID is longer than 64 characters'],
      ['userUUID an object', undefined, { attendees: [att({ userUUID: {} })] }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'attendees[0].userUUID should be a string'],
      ['a 129-character accountId', undefined, { attendees: [att({ accountId: 'a'.repeat(129) })] }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'attendees[0].accountId is longer than 128 characters'],
      ['a 97-character name in entry 0', undefined, { attendees: [att({ name: 'n'.repeat(97) })] }, 400, 'MMC.111072034', 'SITE_NAME_TOO_LONG', 'attendees[0].name is longer than 96 characters'],
      ['"name":""', undefined, { attendees: [att({ name: '' })] }, 400, 'MMC.111072046', 'SITE_NAME_IS_EMPTY', 'attendees[0].name is empty'],
      ['a blank name', undefined, { attendees: [att({ name: '   ' })] }, 400, 'MMC.111072046', 'SITE_NAME_IS_EMPTY', 'attendees[0].name is empty'],
      ['no name', undefined, { attendees: [{ phone: '+447700900000' }] }, 400, 'MMC.111072046', 'SITE_NAME_IS_EMPTY', 'attendees[0].name is empty'],
      ['name an array', undefined, { attendees: [att({ name: ['x'] })] }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'attendees[0].name should be a string'],
      ['"role":2', undefined, { attendees: [att({ role: 2 })] }, 400, 'MMC.111072035', 'SITE_ROLE_NOT_IN_RANGE', 'attendees[0].role should be 0 or 1'],
      ['"role":1.5', undefined, { attendees: [att({ role: 1.5 })] }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'attendees[0].role should be an integer'],
      ['"role":true', undefined, { attendees: [att({ role: true })] }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'attendees[0].role should be an integer'],
      ['no phone', undefined, { attendees: [{ name: 'x' }] }, 400, 'MMC.111072031', 'SITE_CALL_NUMBER_IS_EMPTY', 'attendees[0].phone is empty'],
      ['the Go SDK\'s "phone":""', undefined, { attendees: [att({ phone: '' })] }, 400, 'MMC.111072031', 'SITE_CALL_NUMBER_IS_EMPTY', 'attendees[0].phone is empty'],
      ['a 128-character phone', undefined, { attendees: [att({ phone: '1'.repeat(128) })] }, 400, 'MMC.111072032', 'SITE_CALL_NUMBER_LENGTH_TOO_LONG', 'attendees[0].phone is longer than 127 characters'],
      ['"phone":"call me"', undefined, { attendees: [att({ phone: 'call me' })] }, 400, 'MMC.111072033', 'SITE_CALL_NUMBER_ILLEGAL_URI', 'attendees[0].phone is neither a SIP URI nor a telephone number'],
      ['a malformed phone2', undefined, { attendees: [att({ phone2: 'sip:@' })] }, 400, 'MMC.111072033', 'SITE_CALL_NUMBER_ILLEGAL_URI', 'attendees[0].phone2 is neither a SIP URI nor a telephone number'],
      ['a malformed phone3', undefined, { attendees: [att({ phone3: '12' })] }, 400, 'MMC.111072033', 'SITE_CALL_NUMBER_ILLEGAL_URI', 'attendees[0].phone3 is neither a SIP URI nor a telephone number'],
      ['"email":"bob@"', undefined, { attendees: [att({ email: 'bob@' })] }, 400, 'MMC.111071024', 'EMAIL_ILLEGAL', 'attendees[0].email is not a valid address'],
      ['a bad sms', undefined, { attendees: [att({ sms: '+41 79' })] }, 400, 'MMC.111071025', 'SMS_ILLEGAL', 'attendees[0].sms is not a valid number'],
      [
        '"type":"robot"',
        undefined,
        { attendees: [att({ type: 'robot' })] },
        400,
        'MMC.111071061',
        'PARAMETER_VERIFIED_FAIL',
        'attendees[0].type should be one of normal, terminal, outside, mobile, ideahub, board, hwvision, telepresence, telephone, customnumber, anonymous',
      ],
      ['the client-SDK numeric type "5"', undefined, { attendees: [att({ type: '5' })] }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'attendees[0].type should be one of normal, terminal, outside, mobile, ideahub, board, hwvision, telepresence, telephone, customnumber, anonymous'],
      ['a 65-character deptUUID', undefined, { attendees: [att({ deptUUID: 'd'.repeat(65) })] }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'attendees[0].deptUUID is longer than 64 characters'],
      ['a 129-character deptName', undefined, { attendees: [att({ deptName: 'd'.repeat(129) })] }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'attendees[0].deptName is longer than 128 characters'],
      ['"isMute":2', undefined, { attendees: [att({ isMute: 2 })] }, 400, 'MMC.111072038', 'SITE_MUTE_NOT_IN_RANGE', 'attendees[0].isMute should be 0 or 1'],
      ['the second entry is bad', undefined, { attendees: [att(), att({ phone: '+447700900001', name: '' })] }, 400, 'MMC.111072046', 'SITE_NAME_IS_EMPTY', 'attendees[1].name is empty'],
      ['two entries with "phone":"+447700900000"', undefined, { attendees: [att(), att({ name: 'Again' })] }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'attendees[1] duplicates attendees[0] (+447700900000)'],
      ['the same number written twice differently', undefined, { attendees: [att({ phone: '+44 7700 900000' }), att({ phone: 'tel:+44-7700-900000' })] }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'attendees[1] duplicates attendees[0] (+447700900000)'],
    ];
    for (const [title, raw, body, status, code, msg, detail] of cases) {
      it(`${title} → ${status} ${code}`, async () => {
        const token = await controlToken();
        const snap = await snapshot();
        const res = await call('POST', q('participants'), { token, ...(raw !== undefined ? { raw } : { body }) });
        expectError(res, status, code, msg, detail);
        expect(await snapshot()).toBe(snap);
      });
    }

    it('the same user twice (userUUID and directory number) → 400 naming both positions', async () => {
      const token = await controlToken();
      w.ringer.online.add(w.bob.id);
      const snap = await snapshot();
      const res = await call('POST', q('participants'), { token, body: { attendees: [att(), { name: 'Bob', userUUID: BOB_UUID, phone: '+8613800000000' }, { name: 'Bob 2', phone: BOB_DN }] } });
      expectError(res, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', `attendees[2] duplicates attendees[1] (${BOB_DN})`);
      expect(await snapshot()).toBe(snap);
    });

    it('the meeting is full → 400 MMC.111072101, nothing dialled', async () => {
      const token = await controlToken();
      const c = await w.store.conferences.getRunning(w.meeting.id);
      await w.store.conferences.update({ ...c!, maxParticipants: 2 });
      await invite(token, [att()]);
      const snap = await snapshot();
      const res = await call('POST', q('participants'), { token, body: { attendees: [att({ phone: '+447700900001' }), att({ phone: '+447700900002' })] } });
      expectError(res, 400, 'MMC.111072101', 'OVER_MAX_PARTICIPANT_NUMBER', 'conference is full (2 participants)');
      expect(await snapshot()).toBe(snap);
    });

    it('a guest control token → 403 MMC.111072070', async () => {
      const guest = await controlToken(CONF, GUEST_PWD);
      expectError(await call('POST', q('participants'), { token: guest, body: { attendees: [att()] } }), 403, 'MMC.111072070', 'GUEST_NO_PERMISSION_OPERATION', 'a guest token cannot invite participants');
    });

    it('body checks come before the role check (§5.4 steps 6, 7)', async () => {
      const guest = await controlToken(CONF, GUEST_PWD);
      expectError(await call('POST', q('participants'), { token: guest, body: { attendees: [] } }), 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'attendees is empty');
    });
  });
});

// ── H10 ───────────────────────────────────────────────────────────────────────────────────────────────────

describe('H10 POST /v1/mmc/control/conferences/participants/delete (seed 002)', () => {
  it("the seed's body in a meeting without that pid → 400 MMC.111072008; with a real pid in its place → 200 {}", async () => {
    const token = await controlToken();
    const seed = '{\n  "bulkHangUpParticipants": [\n    "ba9acb1e216d11eabc5165c2b91ad427"\n  ]\n}';
    expectError(
      await call('POST', q('participants/delete'), { token, raw: seed }),
      400,
      'MMC.111072008',
      'CONF_PARTICIPANT_NOT_EXIST',
      `participant ba9acb1e216d11eabc5165c2b91ad427 is not in conference ${CONF}`,
    );
    const leg = await connectedPhone(token, '+447700900000');
    expectOk(await call('POST', q('participants/delete'), { token, raw: seed.replace('ba9acb1e216d11eabc5165c2b91ad427', leg.id) }));
    expect(await w.store.participants.getById(leg.id)).toMatchObject({ state: 'left', reason: 'PARTICIPANT_REMOVED' });
    expect(w.dialer.hangups).toEqual([{ participantId: leg.id, reason: 'PARTICIPANT_REMOVED' }]);
    const info = await realTime(token);
    expect(info.participants).toEqual([]);
    expect(info.attendees).toEqual([{ name: 'Line 000', phone: '+447700900000' }]);
  });

  it('withdraws a ringing app call and hangs up a calling phone; duplicates are acted on once', async () => {
    const token = await controlToken();
    w.ringer.online.add(w.bob.id);
    await invite(token, [{ name: 'Bob', userUUID: BOB_UUID, phone: BOB_DN }, { name: 'Phone', phone: '+447700900408' }]);
    const [app, phone] = await legs();
    expectOk(await call('POST', q('participants/delete'), { token, body: { bulkHangUpParticipants: [app!.id, phone!.id, app!.id] } }));
    expect(w.ringer.cancels).toEqual([{ participantId: app!.id, why: 'cancelled' }]);
    expect(w.dialer.hangups).toEqual([{ participantId: phone!.id, reason: 'PARTICIPANT_REMOVED' }]);
    expect((await legs()).map((l) => [l.state, l.reason])).toEqual([
      ['failed', 'PARTICIPANT_REMOVED'],
      ['failed', 'PARTICIPANT_REMOVED'],
    ]);
  });

  it('a leg that already ended is left alone (idempotent)', async () => {
    const token = await controlToken();
    const leg = await connectedPhone(token, '+447700900000');
    expectOk(await call('POST', q('participants/delete'), { token, body: { bulkHangUpParticipants: [leg.id] } }));
    const events = (await w.store.liveEvents.list(w.meeting.id)).length;
    expectOk(await call('POST', q('participants/delete'), { token, body: { bulkHangUpParticipants: [leg.id] } }));
    expect((await w.store.liveEvents.list(w.meeting.id)).length).toBe(events);
    expect(w.dialer.hangups).toHaveLength(1);
  });

  it('one unknown pid among known ones → 400 naming it, nothing hung up', async () => {
    const token = await controlToken();
    const leg = await connectedPhone(token, '+447700900000');
    const otherToken = await controlToken(OTHER_CONF);
    await call('POST', `/v1/mmc/control/conferences/participants?conferenceID=${OTHER_CONF}`, { token: otherToken, body: { attendees: [{ name: 'Elsewhere', phone: '+447700900001' }] } });
    const elsewhere = (await legs(w.other))[0]!;
    const snap = await snapshot();
    expectError(
      await call('POST', q('participants/delete'), { token, body: { bulkHangUpParticipants: [leg.id, elsewhere.id] } }),
      400,
      'MMC.111072008',
      'CONF_PARTICIPANT_NOT_EXIST',
      `participant ${elsewhere.id} is not in conference ${CONF}`,
    );
    expect(await snapshot()).toBe(snap);
  });

  describe('errors; each changes nothing', () => {
    const cases: Array<[string, string | undefined, unknown, string, string, string]> = [
      ['{"bulkHangUpParticipants":[]}', undefined, { bulkHangUpParticipants: [] }, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'bulkHangUpParticipants is empty'],
      ['a string, not an array', undefined, { bulkHangUpParticipants: 'b2d8e4f6a1c34b5d9e7f0a2c4e6b8d1f' }, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'bulkHangUpParticipants should be an array of strings'],
      ['{}', undefined, {}, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'bulkHangUpParticipants is required'],
      ['no body', '', undefined, 'MMC.111072057', 'REQUEST_BODY_IS_NULL', 'request body is required'],
      ['101 pids', undefined, { bulkHangUpParticipants: Array.from({ length: 101 }, (_, i) => `p${i}`) }, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'bulkHangUpParticipants has more than 100 items'],
      ['an object in the list', undefined, { bulkHangUpParticipants: [{}] }, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'bulkHangUpParticipants should be an array of strings'],
      ['an empty pid', undefined, { bulkHangUpParticipants: [''] }, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'bulkHangUpParticipants[0] should be 1 to 64 characters'],
      ['a 65-character pid', undefined, { bulkHangUpParticipants: ['a'.repeat(65)] }, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'bulkHangUpParticipants[0] should be 1 to 64 characters'],
      ['a pid never in the meeting', undefined, { bulkHangUpParticipants: ['c7e9a1b3d5f74c2e8a0b6d4f2e1c3a5b'] }, 'MMC.111072008', 'CONF_PARTICIPANT_NOT_EXIST', `participant c7e9a1b3d5f74c2e8a0b6d4f2e1c3a5b is not in conference ${CONF}`],
    ];
    for (const [title, raw, body, code, msg, detail] of cases) {
      it(`${title} → 400 ${code}`, async () => {
        const token = await controlToken();
        await connectedPhone(token, '+447700900000');
        const snap = await snapshot();
        expectError(await call('POST', q('participants/delete'), { token, ...(raw !== undefined ? { raw } : { body }) }), 400, code, msg, detail);
        expect(await snapshot()).toBe(snap);
      });
    }
  });
});

// ── H11 ───────────────────────────────────────────────────────────────────────────────────────────────────

describe('H11 GET /v1/mmc/control/conferences/realTimeInfo', () => {
  it('shows every roster entry in roster order, live legs oldest first with their state codes, the chair and co-hosts', async () => {
    const token = await controlToken();
    w.ringer.online.add(w.anna.id);
    w.ringer.online.add(w.bob.id);
    // Anna (the organizer) answers from her app and takes the chair; Bob accepts and is joining.
    await invite(token, [{ name: 'Anna Muster', userUUID: ANNA_UUID, phone: ANNA_DN }]);
    const anna = (await legs())[0]!;
    await progress(anna.id, { kind: 'answered', connectNow: true });
    await invite(token, [
      { name: 'Bob', userUUID: BOB_UUID, phone: BOB_DN, isMute: 1 },
      { name: 'Shanghai Venue', phone: '+447700900000', type: 'mobile' },
      { name: 'Busy line', phone: '+447700900486', type: 'mobile' },
      { name: 'Slow line', phone: '+447700900001', type: 'mobile' },
      { name: 'Room 12', phone: 'sip:room-12@sim.convene.invalid', type: 'terminal' },
    ]);
    const [, bob, venue, busy, slow, room] = await legs();
    await progress(bob!.id, { kind: 'answered', connectNow: false });
    await progress(venue!.id, { kind: 'answered', connectNow: true });
    await progress(busy!.id, { kind: 'ended', reason: 'USER_BUSY', sipStatusCode: 486 });
    await progress(slow!.id, { kind: 'ringing', sipStatusCode: 180 });
    await progress(room!.id, { kind: 'answered', connectNow: true });
    await progress(room!.id, { kind: 'connection_lost' });
    expectOk(await call('PUT', q('participants/cohost', `&participantID=${venue!.id}`), { token, body: { isCohost: 1 } }));
    expectOk(await call('PUT', q('participants/hands', `&participantID=${room!.id}`), { token, body: { handsState: 1 } }));

    const res = await call('GET', q('realTimeInfo'), { token });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(
      JSON.stringify({
        attendees: [
          { accountID: 'anna@example.com', userUUID: ANNA_UUID, name: 'Anna Muster', phone: ANNA_DN },
          { accountID: 'bob@example.com', userUUID: BOB_UUID, name: 'Bob', phone: BOB_DN },
          { name: 'Shanghai Venue', phone: '+447700900000' },
          { name: 'Busy line', phone: '+447700900486' },
          { name: 'Slow line', phone: '+447700900001' },
          { name: 'Room 12', phone: 'sip:room-12@sim.convene.invalid' },
        ],
        participants: [
          { pid: anna.id, name: 'Anna Muster', phone: ANNA_DN, state: 0, video: 1, mute: 0, hand: 0 },
          { pid: bob!.id, name: 'Bob', phone: BOB_DN, state: 2, video: 1, mute: 1, hand: 0 },
          { pid: venue!.id, name: 'Shanghai Venue', phone: '+447700900000', state: 0, video: 0, mute: 0, hand: 0 },
          { pid: slow!.id, name: 'Slow line', phone: '+447700900001', state: 1, video: 0, mute: 0, hand: 0 },
          { pid: room!.id, name: 'Room 12', phone: 'sip:room-12@sim.convene.invalid', state: 0, video: 0, mute: 0, hand: 1 },
        ],
        confInfo: { chairID: anna.id, coHosts: [venue!.id] },
      }),
    );
  });

  it('answers a guest token too', async () => {
    const guest = await controlToken(CONF, GUEST_PWD);
    expect(await realTime(guest)).toEqual({ attendees: [], participants: [], confInfo: { coHosts: [] } });
  });
});

// ── H12–H19 ───────────────────────────────────────────────────────────────────────────────────────────────

/** Runs one error case and asserts that it changed nothing. */
async function expectRefused(method: Method, url: string, token: string, o: { body?: unknown; raw?: string }, status: number, code: string, msg: string, detail: string): Promise<void> {
  const snap = await snapshot();
  expectError(await call(method, url, { token, ...o }), status, code, msg, detail);
  expect(await snapshot()).toBe(snap);
}

describe('H12 PUT /v1/mmc/control/conferences/participants/mute', () => {
  it('mutes and unmutes a live leg (a calling leg keeps the setting)', async () => {
    const token = await controlToken();
    const leg = await connectedPhone(token, '+447700900000');
    await invite(token, [{ name: 'Calling', phone: '+447700900001' }]);
    const calling = await legByPhone('+447700900001');
    expectOk(await call('PUT', q('participants/mute', `&participantID=${leg.id}`), { token, body: { isMute: 1 } }));
    expectOk(await call('PUT', q('participants/mute', `&participantID=${calling.id}`), { token, body: { isMute: '1' } }));
    expect((await realTime(token)).participants.map((p) => p.mute)).toEqual([1, 1]);
    expectOk(await call('PUT', q('participants/mute', `&participantID=${leg.id}`), { token, body: { isMute: 0 } }));
    expect((await realTime(token)).participants.map((p) => p.mute)).toEqual([0, 1]);
    expect(await w.store.participants.getById(leg.id)).toMatchObject({ muted: false, mutedByHost: false });
  });

  it('errors (§6.12)', async () => {
    const token = await controlToken();
    const leg = await connectedPhone(token, '+447700900000');
    const url = q('participants/mute', `&participantID=${leg.id}`);
    await expectRefused('PUT', url, token, { body: { isMute: 2 } }, 400, 'MMC.111072038', 'SITE_MUTE_NOT_IN_RANGE', 'isMute should be 0 or 1');
    await expectRefused('PUT', url, token, { body: { isMute: 'yes' } }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'isMute should be an integer');
    await expectRefused('PUT', url, token, { body: {} }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'isMute is required');
    await expectRefused('PUT', url, token, { raw: '' }, 400, 'MMC.111072057', 'REQUEST_BODY_IS_NULL', 'request body is required');
    await expectRefused('PUT', q('participants/mute'), token, { body: { isMute: 1 } }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'query participantID is required');
    await expectRefused('PUT', q('participants/mute', '&participantID=c7e9a1b3d5f74c2e8a0b6d4f2e1c3a5b'), token, { body: { isMute: 1 } }, 400, 'MMC.111072008', 'CONF_PARTICIPANT_NOT_EXIST', `participant c7e9a1b3d5f74c2e8a0b6d4f2e1c3a5b is not in conference ${CONF}`);
    await progress(leg.id, { kind: 'ended', reason: 'CLIENT_LEFT' });
    await expectRefused('PUT', url, token, { body: { isMute: 1 } }, 400, 'MMC.111072008', 'CONF_PARTICIPANT_NOT_EXIST', `participant ${leg.id} has left`);
  });
});

describe('H13 PUT /v1/mmc/control/conferences/mute', () => {
  it('mutes everyone but the chair, keeps mute-all for later joiners, and unmute-all lifts host mutes', async () => {
    const token = await controlToken();
    w.ringer.online.add(w.anna.id);
    await invite(token, [{ name: 'Anna Muster', userUUID: ANNA_UUID, phone: ANNA_DN }]);
    const chair = (await legs())[0]!;
    await progress(chair.id, { kind: 'answered', connectNow: true });
    const phone = await connectedPhone(token, '+447700900000');
    expectOk(await call('PUT', q('mute'), { token, body: { isMute: 1, allowUnmuteByOneself: 0 } }));
    expect(await w.store.conferences.getRunning(w.meeting.id)).toMatchObject({ muteAll: true, allowUnmuteByOneself: false });
    await invite(token, [{ name: 'Late', phone: '+447700900001' }]);
    expect((await realTime(token)).participants.map((p) => [p.pid === chair.id, p.mute])).toEqual([
      [true, 0],
      [false, 1],
      [false, 1],
    ]);
    expectOk(await call('PUT', q('mute'), { token, body: { isMute: 0 } }));
    expect((await realTime(token)).participants.map((p) => p.mute)).toEqual([0, 0, 0]);
    expect(await w.store.conferences.getRunning(w.meeting.id)).toMatchObject({ muteAll: false, allowUnmuteByOneself: true });
    expect(await w.store.participants.getById(phone.id)).toMatchObject({ muted: false });
  });

  it('errors (§6.13)', async () => {
    const token = await controlToken();
    await expectRefused('PUT', q('mute'), token, { body: { allowUnmuteByOneself: 1 } }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'isMute is required');
    await expectRefused('PUT', q('mute'), token, { body: { isMute: 1, allowUnmuteByOneself: 5 } }, 400, 'MMC.111072045', 'ON_OFF_NOT_IN_RANGE', 'allowUnmuteByOneself should be 0 or 1');
    await expectRefused('PUT', q('mute'), token, { body: { isMute: 3 } }, 400, 'MMC.111072038', 'SITE_MUTE_NOT_IN_RANGE', 'isMute should be 0 or 1');
    await expectRefused('PUT', q('mute'), token, { raw: '' }, 400, 'MMC.111072057', 'REQUEST_BODY_IS_NULL', 'request body is required');
  });
});

describe('H14 PUT /v1/mmc/control/conferences/lock', () => {
  it('locks and unlocks (idempotent)', async () => {
    const token = await controlToken();
    expectOk(await call('PUT', q('lock'), { token, body: { isLock: 1 } }));
    expectOk(await call('PUT', q('lock'), { token, body: { isLock: '1' } }));
    expect(await w.store.conferences.getRunning(w.meeting.id)).toMatchObject({ locked: true });
    expectOk(await call('PUT', q('lock'), { token, body: { isLock: 0 } }));
    expect(await w.store.conferences.getRunning(w.meeting.id)).toMatchObject({ locked: false });
  });

  it('an invitation still gets in while locked (§4.2 rule 7)', async () => {
    const token = await controlToken();
    expectOk(await call('PUT', q('lock'), { token, body: { isLock: 1 } }));
    await invite(token, [{ name: 'Invited', phone: '+447700900000' }]);
    expect(w.dialer.dials).toHaveLength(1);
  });

  it('errors (§6.14)', async () => {
    const token = await controlToken();
    await expectRefused('PUT', q('lock'), token, { body: { isLock: 'yes' } }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'isLock should be an integer');
    await expectRefused('PUT', q('lock'), token, { body: { isLock: 3 } }, 400, 'MMC.111072045', 'ON_OFF_NOT_IN_RANGE', 'isLock should be 0 or 1');
    await expectRefused('PUT', q('lock'), token, { body: {} }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'isLock is required');
    await expectRefused('PUT', q('lock'), token, { raw: 'null' }, 400, 'MMC.111072057', 'REQUEST_BODY_IS_NULL', 'request body is required');
  });
});

describe('H15 PUT /v1/mmc/control/conferences/participants/role', () => {
  async function twoConnected(token: string): Promise<[Participant, Participant]> {
    w.ringer.online.add(w.anna.id);
    await invite(token, [{ name: 'Anna Muster', userUUID: ANNA_UUID, phone: ANNA_DN }]);
    const chair = (await legs())[0]!;
    await progress(chair.id, { kind: 'answered', connectNow: true });
    return [chair, await connectedPhone(token, '+447700900000')];
  }

  it('hands the chair over: the target becomes chair, the previous chair an ordinary participant, the co-host flag cleared', async () => {
    const token = await controlToken();
    const [chair, other] = await twoConnected(token);
    expectOk(await call('PUT', q('participants/cohost', `&participantID=${other.id}`), { token, body: { isCohost: 1 } }));
    expectOk(await call('PUT', q('participants/role', `&participantID=${other.id}`), { token, body: { applyChair: 1 } }));
    expect((await realTime(token)).confInfo).toEqual({ chairID: other.id, coHosts: [] });
    expect(await w.store.participants.getById(chair.id)).toMatchObject({ role: 'attendee' });
  });

  it('releases the chair: chairID is then omitted', async () => {
    const token = await controlToken();
    const [chair] = await twoConnected(token);
    expectOk(await call('PUT', q('participants/role', `&participantID=${chair.id}`), { token, body: { applyChair: 0 } }));
    expect((await realTime(token)).confInfo).toEqual({ coHosts: [] });
  });

  it('a guest token takes the chair with the right chairmanPwd', async () => {
    const token = await controlToken();
    const [, other] = await twoConnected(token);
    const guest = await controlToken(CONF, GUEST_PWD);
    expectOk(await call('PUT', q('participants/role', `&participantID=${other.id}`), { token: guest, body: { applyChair: 1, chairmanPwd: CHAIR_PWD } }));
    expect((await realTime(token)).confInfo).toMatchObject({ chairID: other.id });
  });

  it('errors (§6.15)', async () => {
    const token = await controlToken();
    const [chair, other] = await twoConnected(token);
    const guest = await controlToken(CONF, GUEST_PWD);
    const url = (pid: string) => q('participants/role', `&participantID=${pid}`);
    await expectRefused('PUT', url(other.id), guest, { body: { applyChair: 1, chairmanPwd: '111111' } }, 400, 'MMC.111071091', 'CONF_PWD_AUTH_FAILED', 'chairmanPwd is wrong');
    await expectRefused('PUT', url(other.id), guest, { body: { applyChair: 1 } }, 400, 'MMC.111071091', 'CONF_PWD_AUTH_FAILED', 'chairmanPwd is wrong');
    await expectRefused('PUT', url(chair.id), guest, { body: { applyChair: 0, chairmanPwd: CHAIR_PWD } }, 403, 'MMC.111072070', 'GUEST_NO_PERMISSION_OPERATION', 'a guest token cannot release the chair');
    await invite(token, [{ name: 'Ringing', phone: '+447700900001' }]);
    const ringing = await legByPhone('+447700900001');
    await expectRefused('PUT', url(ringing.id), token, { body: { applyChair: 1 } }, 400, 'MMC.111072011', 'CONF_STATUS_ILLEGAL', `participant ${ringing.id} is not in the meeting yet`);
    await expectRefused('PUT', url(other.id), token, { body: { applyChair: 0 } }, 400, 'MMC.111072011', 'CONF_STATUS_ILLEGAL', `participant ${other.id} is not the chair`);
    await expectRefused('PUT', url(other.id), token, { body: { applyChair: 'x' } }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'applyChair should be an integer');
    await expectRefused('PUT', url(other.id), token, { body: { applyChair: 4 } }, 400, 'MMC.111072045', 'ON_OFF_NOT_IN_RANGE', 'applyChair should be 0 or 1');
    await expectRefused('PUT', url(other.id), token, { body: {} }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'applyChair is required');
    await expectRefused('PUT', q('participants/role'), token, { body: { applyChair: 1 } }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'query participantID is required');
    expectOk(await call('PUT', url(chair.id), { token, body: { applyChair: 0 } }));
    await expectRefused('PUT', url(other.id), token, { body: { applyChair: 0 } }, 400, 'MMC.111072059', 'CONF_NO_CHAIR_SITE', 'the conference has no chair');
    await progress(other.id, { kind: 'ended', reason: 'CLIENT_LEFT' });
    await expectRefused('PUT', url(other.id), token, { body: { applyChair: 1 } }, 400, 'MMC.111072008', 'CONF_PARTICIPANT_NOT_EXIST', `participant ${other.id} has left`);
    await expectRefused('PUT', url('c7e9a1b3d5f74c2e8a0b6d4f2e1c3a5b'), token, { body: { applyChair: 1 } }, 400, 'MMC.111072008', 'CONF_PARTICIPANT_NOT_EXIST', `participant c7e9a1b3d5f74c2e8a0b6d4f2e1c3a5b is not in conference ${CONF}`);
  });
});

describe('H16 PUT /v1/mmc/control/conferences/participants/cohost', () => {
  it('sets and revokes a co-host (idempotent)', async () => {
    const token = await controlToken();
    const leg = await connectedPhone(token, '+447700900000');
    const url = q('participants/cohost', `&participantID=${leg.id}`);
    expectOk(await call('PUT', url, { token, body: { isCohost: 1 } }));
    expectOk(await call('PUT', url, { token, body: { isCohost: 1 } }));
    expect((await realTime(token)).confInfo).toEqual({ coHosts: [leg.id] });
    expectOk(await call('PUT', url, { token, body: { isCohost: 0 } }));
    expect((await realTime(token)).confInfo).toEqual({ coHosts: [] });
  });

  it('errors (§6.16)', async () => {
    const token = await controlToken();
    w.ringer.online.add(w.anna.id);
    await invite(token, [{ name: 'Anna Muster', userUUID: ANNA_UUID, phone: ANNA_DN }]);
    const chair = (await legs())[0]!;
    await progress(chair.id, { kind: 'answered', connectNow: true });
    await invite(token, [{ name: 'Ringing', phone: '+447700900001' }]);
    const ringing = await legByPhone('+447700900001');
    await expectRefused('PUT', q('participants/cohost', `&participantID=${chair.id}`), token, { body: { isCohost: 1 } }, 400, 'MMC.111072107', 'CHAIR_CANNOT_BE_COHOST', 'the chair cannot be a co-host');
    await expectRefused('PUT', q('participants/cohost', `&participantID=${ringing.id}`), token, { body: { isCohost: 1 } }, 400, 'MMC.111072011', 'CONF_STATUS_ILLEGAL', `participant ${ringing.id} is not in the meeting yet`);
    await expectRefused('PUT', q('participants/cohost', `&participantID=${chair.id}`), token, { body: { isCohost: 7 } }, 400, 'MMC.111072045', 'ON_OFF_NOT_IN_RANGE', 'isCohost should be 0 or 1');
    await expectRefused('PUT', q('participants/cohost', `&participantID=${chair.id}`), token, { raw: '' }, 400, 'MMC.111072057', 'REQUEST_BODY_IS_NULL', 'request body is required');
    await progress(ringing.id, { kind: 'ended', reason: 'NO_ANSWER' });
    await expectRefused('PUT', q('participants/cohost', `&participantID=${ringing.id}`), token, { body: { isCohost: 1 } }, 400, 'MMC.111072008', 'CONF_PARTICIPANT_NOT_EXIST', `participant ${ringing.id} has left`);
  });
});

describe('H17 PUT /v1/mmc/control/conferences/participants/name', () => {
  it('renames a live leg and its invitee entry by pid (the number is not compared)', async () => {
    const token = await controlToken();
    const leg = await connectedPhone(token, '+447700900000', 'Shanghai Venue');
    expectOk(await call('PUT', q('participants/name'), { token, body: { participantID: leg.id, number: '0044 7700 900000', newName: '  Shanghai Office ' } }));
    const info = await realTime(token);
    expect(info.participants[0]).toMatchObject({ name: 'Shanghai Office' });
    expect(info.attendees).toEqual([{ name: 'Shanghai Office', phone: '+447700900000' }]);
  });

  it('renames an invitee who is not in the meeting by number', async () => {
    const token = await controlToken();
    await invite(token, [{ name: 'Busy line', phone: '+447700900486' }]);
    await progress((await legByPhone('+447700900486')).id, { kind: 'ended', reason: 'USER_BUSY', sipStatusCode: 486 });
    expectOk(await call('PUT', q('participants/name'), { token, body: { number: '+44 7700 900486', newName: 'Busy office' } }));
    expect((await realTime(token)).attendees).toEqual([{ name: 'Busy office', phone: '+447700900486' }]);
  });

  it('errors (§6.17)', async () => {
    const token = await controlToken();
    const leg = await connectedPhone(token, '+447700900000');
    const url = q('participants/name');
    await expectRefused('PUT', url, token, { body: { number: '+447700900000', newName: 'Shanghai Office' } }, 400, 'MMC.111072011', 'CONF_STATUS_ILLEGAL', 'participantID is required for a participant who has joined');
    await expectRefused('PUT', url, token, { body: { participantID: leg.id, number: '+447700900000', newName: '' } }, 400, 'MMC.111072046', 'SITE_NAME_IS_EMPTY', 'newName is empty');
    await expectRefused('PUT', url, token, { body: { participantID: leg.id, number: '+447700900000', newName: 'n'.repeat(97) } }, 400, 'MMC.111072047', 'NEW_NAME_TOO_LONG', 'newName is longer than 96 characters');
    await expectRefused('PUT', url, token, { body: { participantID: leg.id, newName: 'x' } }, 400, 'MMC.111072031', 'SITE_CALL_NUMBER_IS_EMPTY', 'number is empty');
    await expectRefused('PUT', url, token, { body: { participantID: leg.id, number: '1'.repeat(128), newName: 'x' } }, 400, 'MMC.111072032', 'SITE_CALL_NUMBER_LENGTH_TOO_LONG', 'number is longer than 127 characters');
    await expectRefused('PUT', url, token, { body: { participantID: 'c7e9a1b3d5f74c2e8a0b6d4f2e1c3a5b', number: '+447700900000', newName: 'x' } }, 400, 'MMC.111072008', 'CONF_PARTICIPANT_NOT_EXIST', `participant c7e9a1b3d5f74c2e8a0b6d4f2e1c3a5b is not in conference ${CONF}`);
    await expectRefused('PUT', url, token, { body: { number: '+447700900999', newName: 'x' } }, 400, 'MMC.111072008', 'CONF_PARTICIPANT_NOT_EXIST', `number +447700900999 is not on the roster of conference ${CONF}`);
    await expectRefused('PUT', url, token, { body: { participantID: [], number: '+447700900000', newName: 'x' } }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'participantID should be a string');
    await expectRefused('PUT', url, token, { raw: '' }, 400, 'MMC.111072057', 'REQUEST_BODY_IS_NULL', 'request body is required');
  });
});

describe('H18 / H19 hands', () => {
  it('raises and lowers one hand; lowers several (ended legs are skipped)', async () => {
    const token = await controlToken();
    const a = await connectedPhone(token, '+447700900000');
    const b = await connectedPhone(token, '+447700900001');
    const c = await connectedPhone(token, '+447700900002');
    for (const p of [a, b, c]) expectOk(await call('PUT', q('participants/hands', `&participantID=${p.id}`), { token, body: { handsState: 1 } }));
    expect((await realTime(token)).participants.map((p) => p.hand)).toEqual([1, 1, 1]);
    await progress(c.id, { kind: 'ended', reason: 'CLIENT_LEFT' });
    expectOk(await call('PUT', q('participants/batch/hands'), { token, body: { handsState: 0, pids: [a.id, b.id, c.id] } }));
    expect((await realTime(token)).participants.map((p) => p.hand)).toEqual([0, 0]);
    expectOk(await call('PUT', q('participants/hands', `&participantID=${a.id}`), { token, body: { handsState: 0 } }));
  });

  it('errors (§6.18)', async () => {
    const token = await controlToken();
    w.ringer.online.add(w.anna.id);
    await invite(token, [{ name: 'Anna Muster', userUUID: ANNA_UUID, phone: ANNA_DN }]);
    const chair = (await legs())[0]!;
    await progress(chair.id, { kind: 'answered', connectNow: true });
    const leg = await connectedPhone(token, '+447700900000');
    await expectRefused('PUT', q('participants/hands', `&participantID=${chair.id}`), token, { body: { handsState: 1 } }, 403, 'MMC.111072069', 'CHAIR_FORBIDDEN_HAND', 'the chair cannot raise a hand');
    await expectRefused('PUT', q('participants/hands', `&participantID=${leg.id}`), token, { body: { handsState: 2 } }, 400, 'MMC.111072045', 'ON_OFF_NOT_IN_RANGE', 'handsState should be 0 or 1');
    await expectRefused('PUT', q('participants/batch/hands'), token, { body: { handsState: 0, pids: [] } }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'pids is empty');
    await expectRefused('PUT', q('participants/batch/hands'), token, { body: { pids: [leg.id] } }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'handsState is required');
    await expectRefused('PUT', q('participants/batch/hands'), token, { body: { handsState: 1 } }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'pids is required');
    await expectRefused('PUT', q('participants/batch/hands'), token, { body: { handsState: 1, pids: Array.from({ length: 101 }, () => leg.id) } }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'pids has more than 100 items');
    await expectRefused('PUT', q('participants/batch/hands'), token, { body: { handsState: 1, pids: [leg.id, chair.id] } }, 403, 'MMC.111072069', 'CHAIR_FORBIDDEN_HAND', 'the chair cannot raise a hand');
    await expectRefused('PUT', q('participants/batch/hands'), token, { body: { handsState: 1, pids: [leg.id, 'c7e9a1b3d5f74c2e8a0b6d4f2e1c3a5b'] } }, 400, 'MMC.111072008', 'CONF_PARTICIPANT_NOT_EXIST', `participant c7e9a1b3d5f74c2e8a0b6d4f2e1c3a5b is not in conference ${CONF}`);
    await progress(leg.id, { kind: 'ended', reason: 'CLIENT_LEFT' });
    await expectRefused('PUT', q('participants/hands', `&participantID=${leg.id}`), token, { body: { handsState: 1 } }, 400, 'MMC.111072008', 'CONF_PARTICIPANT_NOT_EXIST', `participant ${leg.id} has left`);
    await expectRefused('PUT', q('participants/hands'), token, { body: { handsState: 1 } }, 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'query participantID is required');
  });
});

// ── H20 ───────────────────────────────────────────────────────────────────────────────────────────────────

describe('H20 PUT /v1/mmc/control/conferences/stop', () => {
  it('ends the meeting for everyone; the same call again → 400 MMC.111072005', async () => {
    const token = await controlToken();
    w.ringer.online.add(w.bob.id);
    const phone = await connectedPhone(token, '+447700900000');
    await invite(token, [{ name: 'Bob', userUUID: BOB_UUID, phone: BOB_DN }]);
    const bob = (await legs()).find((l) => l.kind === 'app')!;
    // No body, with the JSON content type the SDKs send; any body is ignored.
    expectOk(await w.app.inject({ method: 'PUT', url: q('stop'), headers: { 'x-conference-authorization': token, 'content-type': 'application/json', 'content-length': '0' } }));
    expect((await legs()).map((l) => [l.id, l.state, l.reason])).toEqual([
      [phone.id, 'left', 'MEETING_ENDED'],
      [bob.id, 'failed', 'MEETING_ENDED'],
    ]);
    expect(w.dialer.hangups).toEqual([{ participantId: phone.id, reason: 'MEETING_ENDED' }]);
    expect(w.ringer.cancels).toEqual([{ participantId: bob.id, why: 'meeting_ended' }]);
    expect(await w.store.conferences.getRunning(w.meeting.id)).toBeUndefined();
    expectError(await call('PUT', q('stop'), { token, body: { any: 'thing' } }), 400, 'MMC.111072005', 'CONF_NOT_STARTED', `conference ${CONF} has already ended`);
  });

  it('a guest token → 403 MMC.111072070', async () => {
    const guest = await controlToken(CONF, GUEST_PWD);
    await expectRefused('PUT', q('stop'), guest, {}, 403, 'MMC.111072070', 'GUEST_NO_PERMISSION_OPERATION', 'a guest token cannot stop the conference');
  });

  it('a meeting deleted after its token was issued answers as ended', async () => {
    const token = await controlToken();
    await w.store.meetings.update({ ...w.meeting, deletedAt: w.clock.now() });
    expectError(await call('GET', q('realTimeInfo'), { token }), 400, 'MMC.111072006', 'CONF_IS_CLOSED', `conference ${CONF} has ended`);
    expectError(await call('PUT', q('stop'), { token }), 400, 'MMC.111072005', 'CONF_NOT_STARTED', `conference ${CONF} has already ended`);
  });
});

// ── Fuzz (§5.5) ───────────────────────────────────────────────────────────────────────────────────────────

describe('fuzz: bad input never gives a 500 and a refused request changes nothing', () => {
  const CODE = /^(MMC\.\d{9}|APIG\.\d{4})$/;
  /** Hostile JSON values: wrong types, nulls, arrays for objects, long strings, deep nesting. */
  const hostile = fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -3, max: 3 }),
    fc.double({ noNaN: true }),
    fc.string({ maxLength: 8 }),
    fc.constantFrom('0', '1', '2', '', ' ', '+447700900000', 'sip:a@b', 'x'.repeat(300), '\u0000', '😀'.repeat(97)),
    fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
    fc.constant({ a: { b: { c: { d: [[[[]]]] } } } }),
  );
  const attendee = fc.record(
    { name: hostile, phone: hostile, role: hostile, type: hostile, userUUID: hostile, accountId: hostile, email: hostile, sms: hostile, isMute: hostile, phone2: hostile },
    { requiredKeys: [] },
  );
  const bodies: Record<string, fc.Arbitrary<unknown>> = {
    H9: fc.oneof(fc.record({ attendees: fc.oneof(hostile, fc.array(fc.oneof(attendee, hostile), { maxLength: 4 })) }, { requiredKeys: [] }), hostile),
    H10: fc.oneof(fc.record({ bulkHangUpParticipants: fc.oneof(hostile, fc.array(hostile, { maxLength: 3 })) }, { requiredKeys: [] }), hostile),
    H11: hostile,
    H12: fc.oneof(fc.record({ isMute: hostile }, { requiredKeys: [] }), hostile),
    H13: fc.oneof(fc.record({ isMute: hostile, allowUnmuteByOneself: hostile }, { requiredKeys: [] }), hostile),
    H14: fc.oneof(fc.record({ isLock: hostile }, { requiredKeys: [] }), hostile),
    H15: fc.oneof(fc.record({ applyChair: hostile, chairmanPwd: hostile }, { requiredKeys: [] }), hostile),
    H16: fc.oneof(fc.record({ isCohost: hostile }, { requiredKeys: [] }), hostile),
    H17: fc.oneof(fc.record({ participantID: hostile, number: hostile, newName: hostile }, { requiredKeys: [] }), hostile),
    H18: fc.oneof(fc.record({ handsState: hostile }, { requiredKeys: [] }), hostile),
    H19: fc.oneof(fc.record({ handsState: hostile, pids: fc.oneof(hostile, fc.array(hostile, { maxLength: 3 })) }, { requiredKeys: [] }), hostile),
    H20: hostile,
  };
  const rawBody = fc.oneof(fc.constant(''), fc.constant('{'), fc.constant('\xff\xfe'), fc.string({ maxLength: 20 }), fc.constant('[1,2'), fc.constant('{"attendees":'));
  const tokenNoise = fc.oneof(
    fc.constant(null),
    fc.string({ unit: 'grapheme-ascii', maxLength: 60 }),
    fc.base64String({ maxLength: 80 }),
    fc.constantFrom('Basic ', 'Basic ====', 'basic c3Ri', `stb${'f'.repeat(48)}`),
  );

  it('H8', async () => {
    const live = await controlToken();
    const header = fc.oneof(fc.constant(undefined), fc.string({ unit: 'grapheme-ascii', maxLength: 40 }), fc.constantFrom('1', '2', '', CHAIR_PWD, GUEST_PWD));
    const keepAlive = fc.oneof(fc.constant(undefined), tokenNoise, fc.constant(live), fc.constant(`Basic ${Buffer.from(live).toString('base64')}`));
    const conf = fc.oneof(fc.constantFrom(CONF, OTHER_CONF, FOREIGN_CONF, SCHEDULED_CONF, '', 'x'.repeat(40)), fc.string({ unit: 'grapheme-ascii', maxLength: 12 }).map(encodeURIComponent));
    await fc.assert(
      fc.asyncProperty(header, header, keepAlive, conf, fc.option(rawBody, { nil: undefined }), async (password, loginType, ka, conferenceID, raw) => {
        const tokensBefore = (await w.store.controlTokens.listByMeeting(w.meeting.id)).length;
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (password !== undefined) headers['x-password'] = password;
        if (loginType !== undefined) headers['x-login-type'] = loginType;
        if (typeof ka === 'string') headers['x-conference-authorization'] = ka;
        const res = await w.app.inject({ method: 'GET', url: `/v1/mmc/control/conferences/token?conferenceID=${conferenceID}`, headers, ...(raw !== undefined ? { payload: raw } : {}) });
        expect(res.statusCode).toBeLessThan(500);
        if (res.statusCode >= 400) {
          const b = res.json();
          expect(Object.keys(b)).toEqual(['error_code', 'error_msg', 'error_detail', 'request_id']);
          expect(b.error_code).toMatch(CODE);
          expect(b.request_id).toBe(res.headers['x-request-id']);
          expect((await w.store.controlTokens.listByMeeting(w.meeting.id)).length).toBe(tokensBefore);
        }
      }),
      { numRuns: 150 },
    );
  });

  for (const name of Object.keys(bodies)) {
    it(`${name}`, async () => {
      const token = await controlToken();
      const leg = await connectedPhone(token, '+447700900000');
      const r = routes(leg.id).find((x) => x.name === name)!;
      const pidQuery = fc.oneof(fc.constant(r.extra), fc.constant(''), fc.string({ maxLength: 70 }).map((s) => `&participantID=${encodeURIComponent(s)}`));
      const conf = fc.oneof(fc.constant(CONF), fc.constant(CONF), fc.constantFrom('', OTHER_CONF, 'x'.repeat(40), '%00'));
      await fc.assert(
        fc.asyncProperty(bodies[name]!, fc.option(rawBody, { nil: undefined }), fc.option(tokenNoise, { nil: undefined }), pidQuery, conf, async (body, raw, noise, extra, conferenceID) => {
          // Stop only via its own run: keep the conference running so that the other cases stay meaningful.
          if (name === 'H20' && noise === undefined && raw === undefined && conferenceID === CONF) return;
          const snap = await snapshot();
          const res = await w.app.inject({
            method: r.method,
            url: `/v1/mmc/control/conferences/${r.path}?conferenceID=${conferenceID}${extra}`,
            headers: { 'content-type': 'application/json', ...(noise === undefined ? { 'x-conference-authorization': token } : noise === null ? {} : { 'x-conference-authorization': noise }) },
            payload: raw ?? JSON.stringify(body),
          });
          expect(res.statusCode).toBeLessThan(500);
          if (res.statusCode >= 400) {
            const b = res.json();
            expect(Object.keys(b)).toEqual(['error_code', 'error_msg', 'error_detail', 'request_id']);
            expect(b.error_code).toMatch(CODE);
            expect(b.error_msg).toMatch(/^[A-Z_]+$/);
            expect(b.request_id).toBe(res.headers['x-request-id']);
            expect(await snapshot()).toBe(snap);
          }
        }),
        { numRuns: 60 },
      );
    });
  }
});
