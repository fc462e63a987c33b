/**
 * Account limits and lazily created rows under concurrency, through the domain commands, on both engines.
 * Under PostgreSQL's READ COMMITTED two transactions that count N−1 and insert would both pass the check; the
 * commands lock the account (or meeting) row first (`getForUpdate`), so exactly the allowed number succeed.
 * SQLite serialises writers with `BEGIN IMMEDIATE` and must give the same answers.
 * PostgreSQL runs in a fresh schema `convene_test_<random>`; without a reachable server that part skips with the
 * reason in its title (and fails under CI=true), through `peer('postgres')` (ARCHITECTURE.md §6).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeRinger, RecordingDialer, RecordingPublisher } from '../../../test/support/liveFakes.js';
import { peer } from '../../../test/support/peers.js';
import { loadConfig } from '../../config.js';
import type { Account } from '../../domain/accounts/Account.js';
import { createAccount, type CreateAccountInput } from '../../domain/accounts/createAccount.js';
import { createUser } from '../../domain/accounts/createUser.js';
import { ensureRooms } from '../../domain/accounts/ensureRooms.js';
import { updateAccount } from '../../domain/accounts/updateAccount.js';
import type { Actor } from '../../domain/accounts/policies.js';
import type { User } from '../../domain/accounts/User.js';
import { createAppCredential } from '../../domain/credentials/createAppCredential.js';
import { appSignature, signInWithApp, type SignInWithAppInput } from '../../domain/credentials/signInWithApp.js';
import { inviteParticipants } from '../../domain/live/inviteParticipants.js';
import type { LiveDeps } from '../../domain/live/ports.js';
import { startConference } from '../../domain/live/startConference.js';
import type { LiveActor } from '../../domain/live/types.js';
import { scheduleMeeting } from '../../domain/meetings/scheduleMeeting.js';
import { createSecretBox } from '../../infra/secretBox.js';
import { createDeps } from '../../wiring.js';
import { createStore, type SqlStore } from '../index.js';
import { makeAccount, makeUser } from './fixtures.js';

/** How many callers race in each test (PostgreSQL's pool holds 10 connections, so all run at once). */
const RACERS = 10;
const instance: Actor = { level: 'instance', accountId: null, user: null, credentialId: 'test-instance' };
let seq = 0;

/** Settles every promise; returns the values and the errors' codes (or messages, for anything else). */
async function settle<T>(ps: Promise<T>[]): Promise<{ ok: T[]; errors: string[] }> {
  const rs = await Promise.allSettled(ps);
  return {
    ok: rs.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])),
    errors: rs.flatMap((r) => (r.status === 'rejected' ? [String((r.reason as { code?: unknown }).code ?? (r.reason as Error).message)] : [])),
  };
}

/** The suite, on a store `open` gives; the store is closed afterwards. */
function limitsSuite(open: () => Promise<SqlStore>): void {
  let store: SqlStore;
  let deps: LiveDeps;

  beforeAll(async () => {
    store = await open();
    const base = await createDeps(store, loadConfig({ CONVENE_PUBLIC_URL: 'https://meet.example.com', LOG_LEVEL: 'silent' }));
    deps = { ...base, dialer: new RecordingDialer(), ringer: new FakeRinger(), publisher: new RecordingPublisher(), live: { ringTimeoutMs: 60_000, maxParticipants: 500 } };
  });
  afterAll(() => store?.close());

  const newAccount = async (limits: Pick<CreateAccountInput, 'numberOfMeetings' | 'numberOfMeetingOrganizers' | 'numberOfMeetingRooms'>): Promise<{ account: Account; admin: User; actor: Actor }> => {
    const n = ++seq;
    const { account, admin } = await createAccount(deps, instance, {
      sendPassword: false,
      accountType: 'paid',
      adminFirstname: 'Ada',
      adminLastname: `Admin${n}`,
      adminEmail: `ada${n}-${randomBytes(4).toString('hex')}@example.com`,
      adminPreferredLanguage: 'en',
      paidUntil: null,
      ...limits,
    });
    return { account, admin, actor: { level: 'account', accountId: account.id, user: admin, credentialId: `key-${n}` } };
  };
  const schedule = (actor: Actor, topic: string) => scheduleMeeting(deps, actor, { topic, startTime: deps.clock.now() + 3_600_000, durationMin: 60 });

  it(`createUser: numberOfMeetingOrganizers 3 (the admin counts), ${RACERS} concurrent creations → exactly 2 succeed, the rest -6`, async () => {
    const { account, actor } = await newAccount({ numberOfMeetingOrganizers: 3 });
    const tag = randomBytes(4).toString('hex');
    const { ok, errors } = await settle(
      // Every other one as an admin (E7 goes through the same command).
      Array.from({ length: RACERS }, (_, i) => createUser(deps, actor, account.id, { email: `u${i}-${tag}@example.com`, firstName: `U${i}`, lastName: 'Race', isAdmin: i % 2 === 0 })),
    );
    expect(ok).toHaveLength(2);
    expect(errors).toEqual(Array.from({ length: RACERS - 2 }, () => 'account.limit_reached'));
    expect(await store.users.count(account.id)).toBe(3);
  });

  it(`signInWithApp: third-party users count against numberOfMeetingOrganizers; ${RACERS} concurrent first sign-ins → exactly 2 created`, async () => {
    const { account } = await newAccount({ numberOfMeetingOrganizers: 3 });
    const { app, appKey } = await createAppCredential(deps, { accountId: account.id });
    const results = await Promise.all(Array.from({ length: RACERS }, (_, i) => signInWithApp(deps, signIn(app.appId, appKey, `ext-${i}`))));
    expect(results.filter((r) => r.ok && r.created)).toHaveLength(2);
    expect(results.filter((r) => !r.ok).map((r) => (r.ok ? '' : r.reason))).toEqual(Array.from({ length: RACERS - 2 }, () => 'account_full'));
    expect(await store.users.count(account.id)).toBe(3);
  });

  it(`signInWithApp: ${RACERS} concurrent first sign-ins of one third-party user create that user once`, async () => {
    const { account } = await newAccount({});
    const { app, appKey } = await createAppCredential(deps, { accountId: account.id });
    const results = await Promise.all(Array.from({ length: RACERS }, () => signInWithApp(deps, signIn(app.appId, appKey, 'same-ext'))));
    const ids = new Set(results.map((r) => (r.ok ? r.user.id : r.reason)));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.ok && r.created)).toHaveLength(1);
    expect(await store.users.count(account.id)).toBe(2);
  });

  it(`scheduleMeeting: numberOfMeetings 3, ${RACERS} concurrent schedulings → exactly 3 succeed, the rest -6`, async () => {
    const { account, actor } = await newAccount({ numberOfMeetings: 3 });
    const { ok, errors } = await settle(Array.from({ length: RACERS }, (_, i) => schedule(actor, `Race ${i}`)));
    expect(ok).toHaveLength(3);
    expect(errors).toEqual(Array.from({ length: RACERS - 3 }, () => 'account.limit_reached'));
    expect(await store.meetings.countActive(account.id, deps.clock.now())).toBe(3);
  });

  it(`rooms: ${RACERS} concurrent first schedulings provision "Room 1…n" once`, async () => {
    const { account, actor } = await newAccount({ numberOfMeetingRooms: 2 });
    expect(await store.rooms.listByAccount(account.id)).toEqual([]);
    const { ok, errors } = await settle(Array.from({ length: RACERS }, (_, i) => schedule(actor, `Room race ${i}`)));
    expect(errors).toEqual([]);
    const rooms = await store.rooms.listByAccount(account.id);
    expect(rooms.map((r) => [r.index, r.name])).toEqual([
      [1, 'Room 1'],
      [2, 'Room 2'],
    ]);
    expect(new Set(ok.map((r) => r.meeting.roomId)).size).toBeLessThanOrEqual(2);
    for (const r of ok) expect(rooms.map((x) => x.id)).toContain(r.meeting.roomId);
  });

  it(`rooms: a quota cut racing ${RACERS} schedulings leaves every future meeting on an active room`, async () => {
    const { account, actor } = await newAccount({ numberOfMeetingRooms: 3 });
    await schedule(actor, 'provisions the rooms');
    const cut = updateAccount(deps, instance, account.id, { numberOfMeetingRooms: 1 });
    const { errors } = await settle<unknown>([cut, ...Array.from({ length: RACERS }, (_, i) => schedule(actor, `Cut race ${i}`))]);
    expect(errors).toEqual([]);
    const active = (await store.rooms.listByAccount(account.id)).filter((r) => r.isActive).map((r) => r.id);
    expect(active).toHaveLength(1);
    const meetings = await store.meetings.find({ scope: account.id, accountId: account.id });
    expect(meetings).toHaveLength(RACERS + 1);
    for (const m of meetings) expect(active).toContain(m.roomId);
  });

  it(`rooms: ${RACERS} concurrent ensureRooms transactions (the v6 room list) provision each room once`, async () => {
    const { account } = await newAccount({ numberOfMeetingRooms: 3 });
    const lists = await Promise.all(
      Array.from({ length: RACERS }, () =>
        store.transaction(async (tx) => {
          // As the v6 room list does: a plain read, ensureRooms locks when it has rooms to create.
          const current = await tx.accounts.get(account.id, account.id);
          return ensureRooms(tx, deps, current!);
        }),
      ),
    );
    const rooms = await store.rooms.listByAccount(account.id);
    expect(rooms.map((r) => r.name)).toEqual(['Room 1', 'Room 2', 'Room 3']);
    for (const l of lists) expect(l.map((r) => r.id)).toEqual(rooms.map((r) => r.id));
  });

  it(`startConference: ${RACERS} concurrent first starts (and invites that start) → one conference, no error`, async () => {
    const { account, admin, actor } = await newAccount({});
    const { meeting } = await schedule(actor, 'Start race');
    const chair: LiveActor = { accountId: account.id, canControl: true, meetingId: null, name: 'Ada', userId: admin.id };
    const starts = Array.from({ length: RACERS }, (_, i) =>
      i % 3 === 2
        ? inviteParticipants(deps, chair, { meetingId: meeting.id, invitees: [], startIfNeeded: true }).then((r) => r.conferenceId)
        : startConference(deps, chair, { meetingId: meeting.id }).then((c) => c.id),
    );
    const { ok, errors } = await settle(starts);
    expect(errors).toEqual([]);
    expect(new Set(ok).size).toBe(1);
    const rows = await store.db.selectFrom('conferences').select('id').where('meeting_id', '=', meeting.id).execute();
    expect(rows.map((r) => r.id)).toEqual([ok[0]]);
    const started = await store.liveEvents.list(meeting.id);
    expect(started.filter((e) => e.type === 'conference.started')).toHaveLength(1);
  });
}

/** A signed App ID sign-in of third-party user `userId` (single-app form, never expiring, fresh nonce). */
function signIn(appId: string, appKey: string, userId: string): SignInWithAppInput {
  const nonce = randomBytes(24).toString('hex');
  return {
    appId,
    signature: appSignature(appKey, `${appId}:${userId}:0:${nonce}`),
    access: null,
    userId,
    corpId: null,
    expireTime: 0,
    nonce,
    clientType: 72,
    profile: { userName: userId, userEmail: null, userPhone: null },
    ip: null,
  };
}

describe('account limits under concurrency on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'convene-limits-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  limitsSuite(() => createStore({ url: join(dir, 'limits.db'), secrets: createSecretBox('limits-test') }));
});

const pgPeer = await peer('postgres');
const url = pgPeer.ok ? (pgPeer.url ?? '') : '';
const schema = `convene_test_${randomBytes(6).toString('hex')}`;

/** Runs one statement on a short-lived admin connection (outside the test schema). */
async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

describe.skipIf(!pgPeer.ok)(`account limits under concurrency on PostgreSQL${pgPeer.ok ? '' : ` (skipped: ${pgPeer.reason})`}`, () => {
  // Registered before the suite's hooks: the schema exists before the store opens and is dropped after it closed.
  beforeAll(() => admin(`create schema ${schema}`));
  afterAll(() => admin(`drop schema if exists ${schema} cascade`));
  limitsSuite(() => createStore({ url, schema, secrets: createSecretBox('limits-test') }));

  describe('row locks', () => {
    let store: SqlStore;
    beforeAll(async () => {
      store = await createStore({ url, schema });
    });
    afterAll(() => store?.close());

    it('getForUpdate() does not hold off inserts that merely reference the account (FOR NO KEY UPDATE, not FOR UPDATE)', async () => {
      // A foreign-key check takes FOR KEY SHARE on the account; FOR UPDATE would make every such insert wait.
      const a = makeAccount();
      await store.accounts.insert(a);
      let release!: () => void;
      let holding!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const held = new Promise<void>((r) => (holding = r));
      const locker = store.transaction(async (tx) => {
        await tx.accounts.getForUpdate(a.id, a.id);
        holding();
        await gate;
      });
      await held;
      const insert = store.users.insert(makeUser(a.id)).then(() => 'inserted');
      const outcome = await Promise.race([insert, new Promise<string>((r) => setTimeout(() => r('blocked'), 2_000))]);
      release();
      await locker;
      await insert;
      expect(outcome).toBe('inserted');
    });
  });
});
