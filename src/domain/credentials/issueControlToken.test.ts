import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { createStore } from '../../storage/index.js';
import { makeAccount, makeConference, makeMeeting, makeUser } from '../../storage/contract/fixtures.js';
import { createDeps } from '../../wiring.js';
import type { Deps } from '../deps.js';
import type { Meeting } from '../meetings/Meeting.js';
import type { Store } from '../ports.js';
import { TestClock } from '../webhooks/testFixtures.js';
import { CONTROL_TOKEN_TTL_MS, hashControlToken, issueControlToken, MAX_CONTROL_TOKENS_PER_MEETING, type IssueControlTokenInput } from './issueControlToken.js';

const CHAIR = '739201';
const GUEST = '508114';
const MIN = 60_000;

let store: Store;
let deps: Deps;
let clock: TestClock;
let meeting: Meeting;

async function newMeeting(o: { running?: boolean; ended?: boolean } = {}): Promise<Meeting> {
  const account = makeAccount();
  const user = makeUser(account.id);
  const m = makeMeeting(account.id, { addedByUserId: user.id });
  await store.accounts.insert(account);
  await store.users.insert(user);
  await store.meetings.insert(m);
  await store.meetingSecrets.getOrInit({ meetingId: m.id, chairPassword: CHAIR, guestPassword: GUEST });
  if (o.running || o.ended) await store.conferences.insert(makeConference(m.id, m.accountId, { startedAt: clock.now(), ...(o.ended ? { endedAt: clock.now(), endReason: 'MEETING_ENDED' } : {}) }));
  return m;
}

function input(over: Partial<IssueControlTokenInput> = {}): IssueControlTokenInput {
  return { conferenceId: meeting.conferenceId, password: CHAIR, keepAlive: null, ip: '203.0.113.7', ...over };
}

beforeEach(async () => {
  clock = new TestClock(Date.UTC(2026, 11, 1, 8, 46));
  store = await createStore({ url: ':memory:' });
  deps = await createDeps(store, loadConfig({ CONVENE_PUBLIC_URL: 'https://meet.example.com', LOG_LEVEL: 'silent' }), { clock });
  meeting = await newMeeting({ running: true });
});
afterEach(async () => {
  await store.close();
});

describe('issueControlToken()', () => {
  it('issues a chair token (role 1) for the chair password, stored only as its SHA-256', async () => {
    const r = await issueControlToken(deps, input());
    expect(r).toMatchObject({ ok: true, role: 1, expiresAt: clock.now() + CONTROL_TOKEN_TTL_MS, renewed: false });
    if (!r.ok) throw new Error('refused');
    expect(r.token).toMatch(/^stb[0-9a-f]{48}$/);
    expect(r.meeting.id).toBe(meeting.id);
    const stored = await store.controlTokens.get(hashControlToken(r.token));
    expect(stored).toMatchObject({ meetingId: meeting.id, accountId: meeting.accountId, role: 1, createdIp: '203.0.113.7' });
    expect(await store.controlTokens.get(r.token)).toBeUndefined();
  });

  it('issues a guest token (role 0) for the guest password', async () => {
    expect(await issueControlToken(deps, input({ password: GUEST }))).toMatchObject({ ok: true, role: 0 });
  });

  it('refuses an unknown conferenceID and a wrong password with the same answer', async () => {
    expect(await issueControlToken(deps, input({ password: '000000' }))).toEqual({ ok: false, reason: 'not_found_or_wrong_password' });
    expect(await issueControlToken(deps, input({ conferenceId: '123456789' }))).toEqual({ ok: false, reason: 'not_found_or_wrong_password' });
  });

  it('does not match the meeting by its other public numbers', async () => {
    expect(await issueControlToken(deps, input({ conferenceId: meeting.meetingNumber }))).toEqual({ ok: false, reason: 'not_found_or_wrong_password' });
    expect(await issueControlToken(deps, input({ conferenceId: meeting.roomCode }))).toEqual({ ok: false, reason: 'not_found_or_wrong_password' });
  });

  it('asks for a password when neither a password nor a keep-alive token was sent', async () => {
    expect(await issueControlToken(deps, input({ password: null }))).toEqual({ ok: false, reason: 'password_required' });
    expect(await issueControlToken(deps, input({ password: '' }))).toEqual({ ok: false, reason: 'password_required' });
  });

  it('refuses a meeting that has not started, and one that has ended', async () => {
    const scheduled = await newMeeting();
    const ended = await newMeeting({ ended: true });
    expect(await issueControlToken(deps, input({ conferenceId: scheduled.conferenceId }))).toMatchObject({ ok: false, reason: 'not_started' });
    expect(await issueControlToken(deps, input({ conferenceId: ended.conferenceId }))).toMatchObject({ ok: false, reason: 'ended' });
  });

  it('creates the passwords of a meeting that has none yet (a meeting of another dialect)', async () => {
    const account = makeAccount();
    const m = makeMeeting(account.id);
    await store.accounts.insert(account);
    await store.meetings.insert(m);
    await store.conferences.insert(makeConference(m.id, m.accountId));
    expect(await issueControlToken(deps, input({ conferenceId: m.conferenceId, password: '1' }))).toEqual({ ok: false, reason: 'not_found_or_wrong_password' });
    const secrets = await store.meetingSecrets.get(m.id);
    expect(secrets?.chairPassword).toMatch(/^\d{6}$/);
    expect(await issueControlToken(deps, input({ conferenceId: m.conferenceId, password: secrets!.chairPassword }))).toMatchObject({ ok: true, role: 1 });
  });

  describe('keep-alive', () => {
    it('renews a valid token for 30 minutes without a password and returns the same token', async () => {
      const first = await issueControlToken(deps, input());
      if (!first.ok) throw new Error('refused');
      clock.advance(24 * MIN);
      const r = await issueControlToken(deps, input({ password: null, keepAlive: { token: first.token } }));
      expect(r).toMatchObject({ ok: true, token: first.token, role: 1, renewed: true, expiresAt: clock.now() + CONTROL_TOKEN_TTL_MS });
      expect((await store.controlTokens.get(hashControlToken(first.token)))?.expiresAt).toBe(clock.now() + CONTROL_TOKEN_TTL_MS);
    });

    it('ignores a wrong password while the token is valid', async () => {
      const first = await issueControlToken(deps, input({ password: GUEST }));
      if (!first.ok) throw new Error('refused');
      expect(await issueControlToken(deps, input({ password: 'wrong', keepAlive: { token: first.token } }))).toMatchObject({ ok: true, token: first.token, role: 0 });
    });

    it('refuses an expired token without a password as expired, and issues a new token with the right one', async () => {
      const first = await issueControlToken(deps, input());
      if (!first.ok) throw new Error('refused');
      clock.advance(CONTROL_TOKEN_TTL_MS);
      expect(await issueControlToken(deps, input({ password: null, keepAlive: { token: first.token } }))).toEqual({ ok: false, reason: 'keep_alive_invalid', expired: true });
      expect(await issueControlToken(deps, input({ password: 'nope', keepAlive: { token: first.token } }))).toEqual({ ok: false, reason: 'keep_alive_invalid', expired: true });
      const r = await issueControlToken(deps, input({ keepAlive: { token: first.token } }));
      expect(r).toMatchObject({ ok: true, renewed: false });
      if (r.ok) expect(r.token).not.toBe(first.token);
    });

    it('does not renew a token of another meeting, nor an undecodable one', async () => {
      const other = await newMeeting({ running: true });
      const foreign = await issueControlToken(deps, input({ conferenceId: other.conferenceId }));
      if (!foreign.ok) throw new Error('refused');
      expect(await issueControlToken(deps, input({ password: null, keepAlive: { token: foreign.token } }))).toEqual({ ok: false, reason: 'keep_alive_invalid', expired: false });
      expect(await issueControlToken(deps, input({ password: null, keepAlive: { token: null } }))).toEqual({ ok: false, reason: 'keep_alive_invalid', expired: false });
    });

    it('refuses to renew the token of a meeting that has ended', async () => {
      const first = await issueControlToken(deps, input());
      if (!first.ok) throw new Error('refused');
      const c = await store.conferences.getRunning(meeting.id);
      await store.conferences.update({ ...c!, endedAt: clock.now(), endReason: 'MEETING_ENDED' });
      expect(await issueControlToken(deps, input({ password: null, keepAlive: { token: first.token } }))).toMatchObject({ ok: false, reason: 'ended' });
    });
  });

  describe('brute-force lock', () => {
    it('locks (IP, conferenceID) for 10 minutes after 5 wrong passwords, even for the right one', async () => {
      for (let i = 0; i < 5; i++) expect(await issueControlToken(deps, input({ password: `bad${i}` }))).toMatchObject({ reason: 'not_found_or_wrong_password' });
      const lockedAt = clock.now();
      expect(await issueControlToken(deps, input())).toEqual({ ok: false, reason: 'locked', until: lockedAt + 10 * MIN });
      // Another IP is not locked out: the real host keeps control.
      expect(await issueControlToken(deps, input({ ip: '198.51.100.1' }))).toMatchObject({ ok: true });
      clock.advance(9 * MIN + 59_000);
      expect(await issueControlToken(deps, input())).toMatchObject({ ok: false, reason: 'locked' });
      clock.advance(1_000);
      expect(await issueControlToken(deps, input())).toMatchObject({ ok: true });
    });

    it('reports when the lock ends, to the millisecond', async () => {
      for (let i = 0; i < 4; i++) await issueControlToken(deps, input({ password: 'bad' }));
      clock.advance(90_000);
      await issueControlToken(deps, input({ password: 'bad' }));
      const lockedAt = clock.now();
      clock.advance(3 * MIN + 17_000);
      const r = await issueControlToken(deps, input());
      expect(r).toMatchObject({ ok: false, reason: 'locked' });
      expect(r).toEqual({ ok: false, reason: 'locked', until: lockedAt + 10 * MIN });
    });

    it('counts failures within 10 minutes only, and a success resets the count', async () => {
      for (let i = 0; i < 4; i++) await issueControlToken(deps, input({ password: 'bad' }));
      expect(await issueControlToken(deps, input())).toMatchObject({ ok: true });
      for (let i = 0; i < 4; i++) await issueControlToken(deps, input({ password: 'bad' }));
      clock.advance(10 * MIN);
      expect(await issueControlToken(deps, input({ password: 'bad' }))).toMatchObject({ reason: 'not_found_or_wrong_password' });
      expect(await issueControlToken(deps, input())).toMatchObject({ ok: true });
    });

    it('counts wrong passwords sent with an invalid keep-alive token too', async () => {
      for (let i = 0; i < 5; i++) await issueControlToken(deps, input({ password: 'bad', keepAlive: { token: null } }));
      expect(await issueControlToken(deps, input())).toMatchObject({ ok: false, reason: 'locked' });
    });

    it('still renews a valid keep-alive token while the pair is locked', async () => {
      const first = await issueControlToken(deps, input());
      if (!first.ok) throw new Error('refused');
      for (let i = 0; i < 5; i++) await issueControlToken(deps, input({ password: 'bad' }));
      expect(await issueControlToken(deps, input({ password: null, keepAlive: { token: first.token } }))).toMatchObject({ ok: true, renewed: true });
    });
  });

  it(`keeps at most ${MAX_CONTROL_TOKENS_PER_MEETING} live tokens per meeting: the next one revokes the oldest`, async () => {
    const tokens: string[] = [];
    for (let i = 0; i < MAX_CONTROL_TOKENS_PER_MEETING + 1; i++) {
      const r = await issueControlToken(deps, input());
      if (!r.ok) throw new Error('refused');
      tokens.push(r.token);
      clock.advance(1);
    }
    expect(await store.controlTokens.get(hashControlToken(tokens[0]!))).toBeUndefined();
    expect(await store.controlTokens.get(hashControlToken(tokens[1]!))).toBeDefined();
    expect((await store.controlTokens.listByMeeting(meeting.id)).length).toBe(MAX_CONTROL_TOKENS_PER_MEETING);
  });
});
