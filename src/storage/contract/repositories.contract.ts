/**
 * The storage contract: one suite that every `Store` implementation must pass (ARCHITECTURE.md §4.11, §6).
 * Runners call `runContract` inside a `describe` with a factory for their engine.
 *
 * The suite shares one store (one database) between its tests, as the runners provide one database per file
 * or per run. Tests therefore use fresh random ids, filter instance-wide reads down to their own rows, and the
 * few tests that need an exact global state (claimDue limits, cancelPending counts) first lease or cancel
 * whatever earlier tests left behind.
 */
import { Migrator, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../domain/errors.js';
import { ALL_ACCOUNTS, type Repositories, type Store } from '../../domain/ports.js';
import type { Recording } from '../../domain/recordings/Recording.js';
import { webhookEventNames, type WebhookDelivery } from '../../domain/webhooks/types.js';
import type { Participant } from '../../domain/live/types.js';
import { createSecretBox } from '../../infra/secretBox.js';
import { migrateToLatest, SqlStore } from '../index.js';
import { migrations, StaticMigrationProvider } from '../sql/migrations/index.js';
import { createRepositories } from '../sql/repositories.js';
import {
  T0,
  digits,
  makeAccount,
  makeApiKey,
  makeAttempt,
  makeDelivery,
  makeEvent,
  makeHook,
  makeIdempotency,
  makeMail,
  makeMeeting,
  makePermissionSet,
  makeRoom,
  makeUser,
  oid,
  tag,
  hash64,
  hex32,
  makeAccessToken,
  makeAppCredential,
  makeConference,
  makeControlToken,
  makeLiveEvent,
  makeParticipant,
  makeRosterEntry,
} from './fixtures.js';

/** The largest instant JS Dates allow; it needs int8 and must come back as a number, not a string. */
const MAX_INSTANT = 8_640_000_000_000_000;

/** Optional engine hooks of `runContract`. */
export interface ContractOptions {
  /**
   * Opens a store on a fresh, empty database (or schema) without migrating it; the test closes it. Without it
   * the migration tests are skipped.
   */
  makeEmptyStore?: () => Promise<SqlStore>;
}

/**
 * Defines the contract's `describe`/`it` blocks. `makeStore` is called once, before the first test, and the
 * store is closed after the last.
 */
export function runContract(makeStore: () => Promise<Store>, options: ContractOptions = {}): void {
  let store: Store;

  beforeAll(async () => {
    store = await makeStore();
  });
  afterAll(async () => {
    await store?.close();
  });

  /** Inserts an account and returns it (most rows need one for their foreign key or scope). */
  async function account(over: Parameters<typeof makeAccount>[0] = {}) {
    const a = makeAccount(over);
    await store.accounts.insert(a);
    return a;
  }

  /** Leases every delivery earlier tests left claimable, far into the future, so claim tests see only theirs. */
  async function leaseLeftovers(): Promise<void> {
    await store.outbox.claimDue(8e15, 9e15, 1_000_000);
  }

  /** Inserts an event (with `eventOver`) and one delivery of it (with `over`); returns the delivery. */
  async function delivery(
    meetingId: string,
    sequence: number,
    url: string,
    over: Partial<WebhookDelivery> = {},
    eventOver: Parameters<typeof makeEvent>[2] = {},
  ): Promise<WebhookDelivery> {
    const e = makeEvent(meetingId, sequence, eventOver);
    await store.outbox.insertEvent(e);
    const d = makeDelivery(e, url, over);
    await store.outbox.insertDelivery(d);
    return d;
  }

  describe('store', () => {
    it('ping() resolves true', async () => {
      expect(await store.ping()).toBe(true);
    });

    it('engine names the engine', () => {
      expect(['sqlite', 'postgres']).toContain(store.engine);
    });
  });

  /**
   * Runs two transactions that each start with `lock`: the first holds its lock until the second has had
   * time to read, then writes through `write`. Returns what the second's `lock` saw and the order of events.
   * A lock that works makes the second wait for the first's commit and read its write.
   */
  async function lockRace<T>(lock: (tx: Repositories) => Promise<T>, write: (tx: Repositories) => Promise<void>): Promise<{ seen: T; order: string[] }> {
    const order: string[] = [];
    let release!: () => void;
    let holding!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const held = new Promise<void>((r) => (holding = r));
    const first = store.transaction(async (tx) => {
      await lock(tx);
      holding();
      await gate;
      await write(tx);
      order.push('first wrote');
    });
    await held;
    const second = store.transaction(async (tx) => {
      const seen = await lock(tx);
      order.push('second read');
      return seen;
    });
    // Long enough for an unlocked read to finish on any engine.
    await new Promise((r) => setTimeout(r, 100));
    order.push('released');
    release();
    await first;
    return { seen: await second, order };
  }

  describe('accounts', () => {
    it('insert() then get() round-trips every field, JSON, booleans and large instants included', async () => {
      const a = await account({ paidUntil: MAX_INSTANT });
      expect(await store.accounts.get(ALL_ACCOUNTS, a.id)).toEqual(a);
    });

    it('insert() then get() round-trips nulls, empty arrays and false flags', async () => {
      const a = await account({
        paidUntil: null,
        defaultMeetingPermissions: null,
        iceCandidatesToFilter: [],
        customDialInNumbers: [],
        displayStandardDialInNumbersInInvite: false,
        defaultMeetingHasDialin: false,
        defaultMeetingHasRecording: true,
        autoExtendMeetings: false,
        accountType: 'trial',
      });
      expect(await store.accounts.get(ALL_ACCOUNTS, a.id)).toEqual(a);
    });

    it('get() with an account scope returns only that account', async () => {
      const a = await account();
      const b = await account();
      expect(await store.accounts.get(a.id, a.id)).toEqual(a);
      expect(await store.accounts.get(b.id, a.id)).toBeUndefined();
      expect(await store.accounts.get(ALL_ACCOUNTS, oid())).toBeUndefined();
    });

    it('getForUpdate() reads like get(), scope included, in and out of a transaction', async () => {
      const a = await account();
      const b = await account();
      expect(await store.accounts.getForUpdate(a.id, a.id)).toEqual(a);
      expect(await store.transaction((tx) => tx.accounts.getForUpdate(ALL_ACCOUNTS, a.id))).toEqual(a);
      expect(await store.transaction((tx) => tx.accounts.getForUpdate(b.id, a.id))).toBeUndefined();
      expect(await store.transaction((tx) => tx.accounts.getForUpdate(ALL_ACCOUNTS, oid()))).toBeUndefined();
    });

    it('getForUpdate() holds a second transaction’s getForUpdate() until the first ends; it then reads the commit', async () => {
      const a = await account({ numberOfMeetings: 1 });
      const { seen, order } = await lockRace(
        (tx) => tx.accounts.getForUpdate(a.id, a.id),
        (tx) => tx.accounts.update({ ...a, numberOfMeetings: 2 }),
      );
      expect(order).toEqual(['released', 'first wrote', 'second read']);
      expect(seen?.numberOfMeetings).toBe(2);
    });

    it('getForShare() reads like get(); it waits for a getForUpdate() holder and then reads the commit', async () => {
      const a = await account({ numberOfMeetingRooms: 3 });
      expect(await store.transaction((tx) => tx.accounts.getForShare(a.id, a.id))).toEqual(a);
      expect(await store.transaction((tx) => tx.accounts.getForShare(oid(), a.id))).toBeUndefined();
      const { seen, order } = await lockRace(
        (tx) => tx.accounts.getForUpdate(a.id, a.id),
        (tx) => tx.accounts.update({ ...a, numberOfMeetingRooms: 2 }),
      );
      expect(order).toEqual(['released', 'first wrote', 'second read']);
      expect(seen?.numberOfMeetingRooms).toBe(2);
      const shared = await store.transaction(async (tx) => {
        await tx.accounts.getForShare(a.id, a.id);
        return tx.accounts.getForShare(a.id, a.id);
      });
      expect(shared?.numberOfMeetingRooms).toBe(2);
    });

    it('update() overwrites every field', async () => {
      const a = await account();
      const changed = makeAccount({ id: a.id, createdAt: a.createdAt, paidUntil: null, accountType: 'free' });
      await store.accounts.update(changed);
      expect(await store.accounts.get(ALL_ACCOUNTS, a.id)).toEqual(changed);
    });

    it('list() searches the name case-insensitively and pages with a total', async () => {
      const t = tag();
      const made = [];
      for (let i = 0; i < 3; i++) made.push(await account({ name: `Needle ${t} ${i}`, createdAt: T0 + i }));
      await account({ name: `Haystack ${tag()}` });
      const first = await store.accounts.list({ search: `needle ${t.toUpperCase()}`, offset: 0, limit: 2 });
      expect(first.total).toBe(3);
      expect(first.items.map((x) => x.id)).toEqual([made[0]!.id, made[1]!.id]);
      const second = await store.accounts.list({ search: `NEEDLE ${t}`, offset: 2, limit: 2 });
      expect(second.total).toBe(3);
      expect(second.items).toEqual([made[2]]);
    });

    it("list() search matches an admin's email but not a non-admin's", async () => {
      const t = tag();
      const withAdmin = await account();
      const withUser = await account();
      await store.users.insert(makeUser(withAdmin.id, { email: `boss.${t}@example.org`, isAdmin: true }));
      await store.users.insert(makeUser(withUser.id, { email: `worker.${t}@example.org`, isAdmin: false }));
      const r = await store.accounts.list({ search: t.toUpperCase(), offset: 0, limit: 10 });
      expect(r.items.map((x) => x.id)).toEqual([withAdmin.id]);
      expect(r.total).toBe(1);
    });

    it('list() treats % and _ in the search literally', async () => {
      const t = tag();
      const literal = await account({ name: `Pct 100%_${t}` });
      await account({ name: `Pct 100ab${t}` });
      const r = await store.accounts.list({ search: `100%_${t}`, offset: 0, limit: 10 });
      expect(r.items.map((x) => x.id)).toEqual([literal.id]);
    });

    it('list() filters by accountType', async () => {
      const t = tag();
      const trial = await account({ name: `Typed ${t}`, accountType: 'trial' });
      await account({ name: `Typed ${t}`, accountType: 'paid' });
      const r = await store.accounts.list({ search: `Typed ${t}`, accountType: 'trial', offset: 0, limit: 10 });
      expect(r).toEqual({ items: [trial], total: 1 });
    });

    it('delete() removes the account', async () => {
      const a = await account();
      await store.accounts.delete(a.id);
      expect(await store.accounts.get(ALL_ACCOUNTS, a.id)).toBeUndefined();
    });

    it('delete() rejects while the account still has users (children go first)', async () => {
      const a = await account();
      await store.users.insert(makeUser(a.id));
      await expect(store.accounts.delete(a.id)).rejects.toThrow();
      await store.users.deleteByAccount(a.id);
      await store.accounts.delete(a.id);
      expect(await store.accounts.get(ALL_ACCOUNTS, a.id)).toBeUndefined();
    });
  });

  describe('users', () => {
    it('insert() then get() round-trips every field', async () => {
      const a = await account();
      const u = makeUser(a.id);
      await store.users.insert(u);
      expect(await store.users.get(ALL_ACCOUNTS, u.id)).toEqual(u);
    });

    it('insert() then get() round-trips nulls, empty arrays and false flags', async () => {
      const a = await account();
      const u = makeUser(a.id, { externalUserId: null, passwordHash: null, additionalTimezones: [], isAdmin: false });
      await store.users.insert(u);
      expect(await store.users.get(a.id, u.id)).toEqual(u);
    });

    it('account-scoped reads never return another account’s user', async () => {
      const a = await account();
      const b = await account();
      const u = makeUser(a.id);
      await store.users.insert(u);
      expect(await store.users.get(b.id, u.id)).toBeUndefined();
      expect(await store.users.getByEmail(b.id, u.email)).toBeUndefined();
      expect(await store.users.getByHuaweiUuid(b.id, u.huaweiUserUuid)).toBeUndefined();
      expect(await store.users.getByUnionId(b.id, u.unionId)).toBeUndefined();
      expect(await store.users.get(a.id, u.id)).toEqual(u);
      expect(await store.users.getByHuaweiUuid(a.id, u.huaweiUserUuid)).toEqual(u);
      expect(await store.users.getByHuaweiUuid(ALL_ACCOUNTS, u.huaweiUserUuid)).toEqual(u);
    });

    it('getByEmail() compares lower-case', async () => {
      const a = await account();
      const u = makeUser(a.id);
      await store.users.insert(u);
      expect(await store.users.getByEmail(ALL_ACCOUNTS, u.email.toUpperCase())).toEqual(u);
      expect(await store.users.getByEmail(a.id, u.email)).toEqual(u);
    });

    it('getByIcsToken(), getByLoginName() and getByUnionId() find the user', async () => {
      const a = await account();
      const u = makeUser(a.id);
      await store.users.insert(u);
      expect(await store.users.getByIcsToken(u.icsToken)).toEqual(u);
      expect(await store.users.getByLoginName(u.loginName)).toEqual(u);
      expect(await store.users.getByUnionId(a.id, u.unionId)).toEqual(u);
      expect(await store.users.getByIcsToken(oid())).toBeUndefined();
      expect(await store.users.getByLoginName(oid())).toBeUndefined();
    });

    it('insert() rejects with user.email_taken when the email is in use, in any account and any case', async () => {
      const a = await account();
      const b = await account();
      const u = makeUser(a.id);
      await store.users.insert(u);
      const dup = makeUser(b.id, { email: u.email.toUpperCase() });
      const err = await store.users.insert(dup).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).code).toBe('user.email_taken');
      expect(await store.users.get(ALL_ACCOUNTS, dup.id)).toBeUndefined();
    });

    it('update() rejects with user.email_taken when the new email is in use', async () => {
      const a = await account();
      const u1 = makeUser(a.id);
      const u2 = makeUser(a.id);
      await store.users.insert(u1);
      await store.users.insert(u2);
      await expect(store.users.update({ ...u2, email: u1.email })).rejects.toMatchObject({ code: 'user.email_taken' });
      expect(await store.users.get(a.id, u2.id)).toEqual(u2);
    });

    it('other unique violations are not reported as user.email_taken', async () => {
      const a = await account();
      const u = makeUser(a.id);
      await store.users.insert(u);
      for (const clash of [
        { loginName: u.loginName },
        { icsToken: u.icsToken },
        { huaweiUserUuid: u.huaweiUserUuid },
        { unionId: u.unionId },
      ]) {
        const err = await store.users.insert(makeUser(a.id, clash)).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(Error);
        expect(err).not.toBeInstanceOf(DomainError);
      }
    });

    it('the same unionId may exist in two accounts', async () => {
      const a = await account();
      const b = await account();
      const ua = makeUser(a.id, { unionId: 'shared-union' });
      const ub = makeUser(b.id, { unionId: 'shared-union' });
      await store.users.insert(ua);
      await store.users.insert(ub);
      expect(await store.users.getByUnionId(a.id, 'shared-union')).toEqual(ua);
      expect(await store.users.getByUnionId(b.id, 'shared-union')).toEqual(ub);
    });

    it('update() overwrites every field', async () => {
      const a = await account();
      const u = makeUser(a.id);
      await store.users.insert(u);
      const changed = makeUser(a.id, { id: u.id, isAdmin: false, passwordHash: null, externalUserId: null });
      await store.users.update(changed);
      expect(await store.users.get(a.id, u.id)).toEqual(changed);
    });

    it('list() pages with a total, sorts by email or createdAt and filters admins', async () => {
      const a = await account();
      const c = makeUser(a.id, { email: `c.${tag()}@example.org`, createdAt: T0 + 1, isAdmin: false });
      const b = makeUser(a.id, { email: `b.${tag()}@example.org`, createdAt: T0 + 2, isAdmin: true });
      const d = makeUser(a.id, { email: `a.${tag()}@example.org`, createdAt: T0 + 3, isAdmin: true });
      for (const u of [c, b, d]) await store.users.insert(u);
      await store.users.insert(makeUser((await account()).id));

      const byEmail = await store.users.list(a.id, { offset: 0, limit: 2 });
      expect(byEmail.total).toBe(3);
      expect(byEmail.items.map((u) => u.id)).toEqual([d.id, b.id]);
      const rest = await store.users.list(a.id, { sort: 'email', offset: 2, limit: 2 });
      expect(rest).toEqual({ items: [c], total: 3 });
      const byCreated = await store.users.list(a.id, { sort: 'createdAt', offset: 0, limit: 10 });
      expect(byCreated.items.map((u) => u.id)).toEqual([c.id, b.id, d.id]);
      const admins = await store.users.list(a.id, { adminsOnly: true, sort: 'createdAt', offset: 0, limit: 10 });
      expect(admins.items.map((u) => u.id)).toEqual([b.id, d.id]);
      expect(admins.total).toBe(2);
      expect(await store.users.count(a.id)).toBe(3);
    });

    it('delete() removes only a user of the given account; deleteByAccount() removes them all', async () => {
      const a = await account();
      const b = await account();
      const u1 = makeUser(a.id);
      const u2 = makeUser(a.id);
      const other = makeUser(b.id);
      for (const u of [u1, u2, other]) await store.users.insert(u);
      await store.users.delete(b.id, u1.id);
      expect(await store.users.get(a.id, u1.id)).toEqual(u1);
      await store.users.delete(a.id, u1.id);
      expect(await store.users.get(a.id, u1.id)).toBeUndefined();
      await store.users.deleteByAccount(a.id);
      expect(await store.users.count(a.id)).toBe(0);
      expect(await store.users.get(b.id, other.id)).toEqual(other);
    });
  });

  describe('apiKeys', () => {
    it('insert() then get()/getByHash() round-trip every field', async () => {
      const a = await account();
      const k = makeApiKey(a.id, { revokedAt: T0 + 7 });
      await store.apiKeys.insert(k);
      expect(await store.apiKeys.get(ALL_ACCOUNTS, k.id)).toEqual(k);
      expect(await store.apiKeys.getByHash(k.hash)).toEqual(k);
      expect(await store.apiKeys.getByHash(oid())).toBeUndefined();
    });

    it('an account scope sees its own keys only, never instance keys or another account’s', async () => {
      const a = await account();
      const b = await account();
      const own = makeApiKey(a.id);
      const instance = makeApiKey(null, { permissions: ['account'] });
      await store.apiKeys.insert(own);
      await store.apiKeys.insert(instance);
      expect(await store.apiKeys.get(a.id, own.id)).toEqual(own);
      expect(await store.apiKeys.get(b.id, own.id)).toBeUndefined();
      expect(await store.apiKeys.get(a.id, instance.id)).toBeUndefined();
      expect(await store.apiKeys.get(ALL_ACCOUNTS, instance.id)).toEqual(instance);
    });

    it('listByAccount() and listInstance() separate account and instance keys, oldest first', async () => {
      const a = await account();
      const k2 = makeApiKey(a.id, { createdAt: T0 + 2 });
      const k1 = makeApiKey(a.id, { createdAt: T0 + 1 });
      const inst = makeApiKey(null, { createdAt: T0 });
      for (const k of [k2, k1, inst]) await store.apiKeys.insert(k);
      expect(await store.apiKeys.listByAccount(a.id)).toEqual([k1, k2]);
      const instanceKeys = await store.apiKeys.listInstance();
      expect(instanceKeys).toContainEqual(inst);
      expect(instanceKeys.every((k) => k.level === 'instance')).toBe(true);
    });

    it('the hash is unique', async () => {
      const a = await account();
      const k = makeApiKey(a.id);
      await store.apiKeys.insert(k);
      await expect(store.apiKeys.insert(makeApiKey(a.id, { hash: k.hash }))).rejects.toThrow();
    });

    it('revoke() sets revokedAt once; a second revoke keeps the first time', async () => {
      const a = await account();
      const k = makeApiKey(a.id);
      await store.apiKeys.insert(k);
      await store.apiKeys.revoke(k.id, T0 + 100);
      await store.apiKeys.revoke(k.id, T0 + 200);
      expect((await store.apiKeys.get(a.id, k.id))?.revokedAt).toBe(T0 + 100);
    });

    it('deleteByAccount() removes the account’s keys only', async () => {
      const a = await account();
      const b = await account();
      const ka = makeApiKey(a.id);
      const kb = makeApiKey(b.id);
      await store.apiKeys.insert(ka);
      await store.apiKeys.insert(kb);
      await store.apiKeys.deleteByAccount(a.id);
      expect(await store.apiKeys.listByAccount(a.id)).toEqual([]);
      expect(await store.apiKeys.listByAccount(b.id)).toEqual([kb]);
    });
  });

  describe('rooms', () => {
    it('insert() then get() round-trips every field; scope filters', async () => {
      const a = await account();
      const b = await account();
      const r = makeRoom(a.id, { isActive: false, index: 4 });
      await store.rooms.insert(r);
      expect(await store.rooms.get(ALL_ACCOUNTS, r.id)).toEqual(r);
      expect(await store.rooms.get(a.id, r.id)).toEqual(r);
      expect(await store.rooms.get(b.id, r.id)).toBeUndefined();
    });

    it('listByAccount() orders by index', async () => {
      const a = await account();
      const rooms = [3, 1, 2].map((index) => makeRoom(a.id, { index }));
      for (const r of rooms) await store.rooms.insert(r);
      await store.rooms.insert(makeRoom((await account()).id));
      expect((await store.rooms.listByAccount(a.id)).map((r) => r.index)).toEqual([1, 2, 3]);
    });

    it('update() overwrites; deleteByAccount() removes the account’s rooms', async () => {
      const a = await account();
      const r = makeRoom(a.id);
      await store.rooms.insert(r);
      const changed = { ...r, name: 'Renamed', index: 9, isActive: false };
      await store.rooms.update(changed);
      expect(await store.rooms.get(a.id, r.id)).toEqual(changed);
      await store.rooms.deleteByAccount(a.id);
      expect(await store.rooms.listByAccount(a.id)).toEqual([]);
    });
  });

  describe('permissionSets', () => {
    it('insert() then get() round-trips every flag; scope filters', async () => {
      const a = await account();
      const b = await account();
      const p = makePermissionSet(a.id);
      await store.permissionSets.insert(p);
      expect(await store.permissionSets.get(ALL_ACCOUNTS, p.id)).toEqual(p);
      expect(await store.permissionSets.get(a.id, p.id)).toEqual(p);
      expect(await store.permissionSets.get(b.id, p.id)).toBeUndefined();
    });

    it('update() overwrites every flag', async () => {
      const a = await account();
      const p = makePermissionSet(a.id);
      await store.permissionSets.insert(p);
      const flipped = {
        ...p,
        name: 'Flipped',
        participantsCanShareScreen: !p.participantsCanShareScreen,
        participantsCanUseChat: !p.participantsCanUseChat,
        guestsWaitInLobby: !p.guestsWaitInLobby,
        moderatorRequiredToStart: !p.moderatorRequiredToStart,
        updatedAt: T0 + 99,
      };
      await store.permissionSets.update(flipped);
      expect(await store.permissionSets.get(a.id, p.id)).toEqual(flipped);
    });

    it('listByAccount(), delete() of another account’s set (no-op), delete(), deleteByAccount()', async () => {
      const a = await account();
      const b = await account();
      const p1 = makePermissionSet(a.id, { createdAt: T0 + 1 });
      const p2 = makePermissionSet(a.id, { createdAt: T0 + 2 });
      await store.permissionSets.insert(p2);
      await store.permissionSets.insert(p1);
      expect(await store.permissionSets.listByAccount(a.id)).toEqual([p1, p2]);
      await store.permissionSets.delete(b.id, p1.id);
      expect(await store.permissionSets.get(a.id, p1.id)).toEqual(p1);
      await store.permissionSets.delete(a.id, p1.id);
      expect(await store.permissionSets.listByAccount(a.id)).toEqual([p2]);
      await store.permissionSets.deleteByAccount(a.id);
      expect(await store.permissionSets.listByAccount(a.id)).toEqual([]);
    });
  });

  describe('meetings', () => {
    it('insert() then get() round-trips every field, JSON included', async () => {
      const m = makeMeeting(oid(), { eventSeq: 4 });
      await store.meetings.insert(m);
      expect(await store.meetings.get(ALL_ACCOUNTS, m.id)).toEqual(m);
    });

    it('insert() then get() round-trips nulls, empty JSON and false flags', async () => {
      const m = makeMeeting(oid(), {
        seriesEnd: null,
        isRecurring: false,
        recurring: { frequencyType: '', frequency: null, monthlyPattern: '', endsType: '', endsOn: T0, endsAfter: 0 },
        isRecorded: false,
        isDialin: true,
        invitedParticipants: [],
        documents: [],
        meetingPermissionId: null,
        dtClosedAt: T0 + 10,
        privateDataVisible: false,
        dialInConferenceRoom: null,
        dialInPin: null,
        isDemo: true,
        isPromo: false,
        occurrenceExceptions: [],
        agenda: '',
        type: 'meetme',
        videoResolution: 'fullhd',
        origin: 'cli',
      });
      await store.meetings.insert(m);
      expect(await store.meetings.get(m.accountId, m.id)).toEqual(m);
    });

    it('account-scoped reads never return another account’s meeting', async () => {
      const m = makeMeeting(oid());
      await store.meetings.insert(m);
      const other = oid();
      expect(await store.meetings.get(other, m.id)).toBeUndefined();
      expect(await store.meetings.getAny(other, m.id)).toBeUndefined();
      expect(await store.meetings.getByCode(other, m.meetingNumber)).toBeUndefined();
      expect(await store.meetings.find({ scope: other, roomId: m.roomId })).toEqual([]);
      expect(await store.meetings.find({ scope: m.accountId, roomId: m.roomId })).toEqual([m]);
      // An explicit accountId filter cannot widen a scope.
      expect(await store.meetings.find({ scope: other, accountId: m.accountId })).toEqual([]);
    });

    it('get() hides deleted meetings; getAny() shows them', async () => {
      const m = makeMeeting(oid(), { deletedAt: T0 + 1 });
      await store.meetings.insert(m);
      expect(await store.meetings.get(ALL_ACCOUNTS, m.id)).toBeUndefined();
      expect(await store.meetings.getAny(ALL_ACCOUNTS, m.id)).toEqual(m);
      expect(await store.meetings.getAny(m.accountId, m.id)).toEqual(m);
    });

    it('getForUpdate() reads like get(): scoped, deleted meetings hidden', async () => {
      const m = makeMeeting(oid());
      const gone = makeMeeting(m.accountId, { deletedAt: T0 + 1 });
      await store.meetings.insert(m);
      await store.meetings.insert(gone);
      expect(await store.transaction((tx) => tx.meetings.getForUpdate(m.accountId, m.id))).toEqual(m);
      expect(await store.transaction((tx) => tx.meetings.getForUpdate(ALL_ACCOUNTS, m.id))).toEqual(m);
      expect(await store.transaction((tx) => tx.meetings.getForUpdate(oid(), m.id))).toBeUndefined();
      expect(await store.transaction((tx) => tx.meetings.getForUpdate(ALL_ACCOUNTS, gone.id))).toBeUndefined();
    });

    it('getForUpdate() holds a second transaction’s getForUpdate() until the first ends; it then reads the commit', async () => {
      const m = makeMeeting(oid());
      await store.meetings.insert(m);
      const { seen, order } = await lockRace(
        (tx) => tx.meetings.getForUpdate(m.accountId, m.id),
        (tx) => tx.meetings.update({ ...m, topic: 'changed while locked' }),
      );
      expect(order).toEqual(['released', 'first wrote', 'second read']);
      expect(seen?.topic).toBe('changed while locked');
    });

    it('getByCode() accepts the 16-digit number with or without dashes, the conferenceId and the roomCode', async () => {
      const m = makeMeeting(oid());
      await store.meetings.insert(m);
      const dashed = m.meetingNumber.replace(/(\d{4})(?=\d)/g, '$1-');
      expect(await store.meetings.getByCode(ALL_ACCOUNTS, m.meetingNumber)).toEqual(m);
      expect(await store.meetings.getByCode(m.accountId, dashed)).toEqual(m);
      expect(await store.meetings.getByCode(ALL_ACCOUNTS, m.conferenceId)).toEqual(m);
      expect(await store.meetings.getByCode(ALL_ACCOUNTS, m.roomCode)).toEqual(m);
      expect(await store.meetings.getByCode(ALL_ACCOUNTS, m.id)).toBeUndefined();
      expect(await store.meetings.getByCode(ALL_ACCOUNTS, m.meetingNumber.slice(0, 12))).toBeUndefined();
      expect(await store.meetings.getByCode(ALL_ACCOUNTS, '')).toBeUndefined();
    });

    it('getByCode() and getByIcsToken() do not find deleted meetings', async () => {
      const m = makeMeeting(oid(), { deletedAt: T0 });
      await store.meetings.insert(m);
      expect(await store.meetings.getByCode(ALL_ACCOUNTS, m.meetingNumber)).toBeUndefined();
      expect(await store.meetings.getByCode(ALL_ACCOUNTS, m.conferenceId)).toBeUndefined();
      expect(await store.meetings.getByIcsToken(m.icsToken)).toBeUndefined();
    });

    it('getByIcsToken() finds the meeting', async () => {
      const m = makeMeeting(oid());
      await store.meetings.insert(m);
      expect(await store.meetings.getByIcsToken(m.icsToken)).toEqual(m);
      expect(await store.meetings.getByIcsToken(oid())).toBeUndefined();
    });

    it('codeExists() sees all three codes, deleted meetings included', async () => {
      const m = makeMeeting(oid(), { deletedAt: T0 });
      await store.meetings.insert(m);
      expect(await store.meetings.codeExists(m.meetingNumber)).toBe(true);
      expect(await store.meetings.codeExists(m.conferenceId)).toBe(true);
      expect(await store.meetings.codeExists(m.roomCode)).toBe(true);
      expect(await store.meetings.codeExists(digits(16))).toBe(false);
    });

    it('each public code and the ICS token are unique across all rows, deleted ones included', async () => {
      const m = makeMeeting(oid(), { deletedAt: T0 });
      await store.meetings.insert(m);
      for (const clash of [
        { meetingNumber: m.meetingNumber },
        { conferenceId: m.conferenceId },
        { roomCode: m.roomCode },
        { icsToken: m.icsToken },
      ]) {
        const n = makeMeeting(oid(), clash);
        await expect(store.meetings.insert(n)).rejects.toThrow();
        expect(await store.meetings.getAny(ALL_ACCOUNTS, n.id)).toBeUndefined();
      }
    });

    it('update() overwrites every field but never moves eventSeq', async () => {
      const m = makeMeeting(oid());
      await store.meetings.insert(m);
      expect(await store.meetings.nextSequence(m.id)).toBe(1);
      const changed = makeMeeting(m.accountId, {
        id: m.id,
        eventSeq: 0, // a stale copy: the stored sequence must survive
        dtClosedAt: T0 + 5,
        seriesEnd: null,
        deletedAt: T0 + 6,
        invitedParticipants: [{ email: 'bob@example.org', name: 'Bob', phone: null, language: null, isModerator: false }],
      });
      await store.meetings.update(changed);
      expect(await store.meetings.getAny(ALL_ACCOUNTS, m.id)).toEqual({ ...changed, eventSeq: 1 });
    });

    it('nextSequence() increases strictly, also on a deleted meeting', async () => {
      const m = makeMeeting(oid(), { eventSeq: 0 });
      await store.meetings.insert(m);
      expect(await store.meetings.nextSequence(m.id)).toBe(1);
      expect(await store.meetings.nextSequence(m.id)).toBe(2);
      await store.meetings.update({ ...m, deletedAt: T0 });
      expect(await store.meetings.nextSequence(m.id)).toBe(3);
      expect((await store.meetings.getAny(ALL_ACCOUNTS, m.id))?.eventSeq).toBe(3);
    });

    it('concurrent nextSequence() calls never return the same number', async () => {
      const m = makeMeeting(oid(), { eventSeq: 10 });
      await store.meetings.insert(m);
      const n = 25;
      const got = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          // Half the calls go through their own transactions, as the domain records events.
          i % 2 === 0 ? store.meetings.nextSequence(m.id) : store.transaction((tx) => tx.meetings.nextSequence(m.id)),
        ),
      );
      expect(new Set(got).size).toBe(n);
      expect([...got].sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => 11 + i));
    });

    it('nextSequence() rejects with meeting.not_found for an unknown meeting', async () => {
      await expect(store.meetings.nextSequence(oid())).rejects.toMatchObject({ code: 'meeting.not_found' });
    });

    it('find() sorts by (startTime, id) by default and honours the other sorts', async () => {
      const acc = oid();
      const a = makeMeeting(acc, { startTime: T0 + 2, createdAt: T0 + 1 });
      const b = makeMeeting(acc, { startTime: T0 + 1, createdAt: T0 + 3 });
      const c1 = makeMeeting(acc, { id: `0${oid().slice(1)}`, startTime: T0 + 3, createdAt: T0 + 2 });
      const c2 = makeMeeting(acc, { id: `f${oid().slice(1)}`, startTime: T0 + 3, createdAt: T0 + 4 });
      for (const m of [c2, a, c1, b]) await store.meetings.insert(m);
      await store.meetings.insert(makeMeeting(acc, { deletedAt: T0 }));
      const ids = async (sort?: 'startTime' | '-startTime' | 'createdAt' | '-createdAt') =>
        (await store.meetings.find({ scope: acc, ...(sort ? { sort } : {}) })).map((m) => m.id);
      expect(await ids()).toEqual([b.id, a.id, c1.id, c2.id]);
      expect(await ids('startTime')).toEqual([b.id, a.id, c1.id, c2.id]);
      expect(await ids('-startTime')).toEqual([c2.id, c1.id, a.id, b.id]);
      expect(await ids('createdAt')).toEqual([a.id, c1.id, b.id, c2.id]);
      expect(await ids('-createdAt')).toEqual([c2.id, b.id, c1.id, a.id]);
    });

    it('find() filters by accountId, organizer, room, startsBefore, endsAfter and invitedEmail', async () => {
      const acc = oid();
      const user = oid();
      const room = oid();
      const t = tag();
      const early = makeMeeting(acc, { startTime: T0, seriesEnd: T0 + 100, addedByUserId: user, roomId: room });
      const open = makeMeeting(acc, { startTime: T0 + 50, seriesEnd: null, addedByUserId: user });
      const late = makeMeeting(acc, {
        startTime: T0 + 200,
        seriesEnd: T0 + 300,
        invitedParticipants: [
          { email: `Carol_${t}@Example.org`, name: 'Carol', phone: null, language: null, isModerator: false },
        ],
      });
      for (const m of [early, open, late]) await store.meetings.insert(m);
      const ids = async (f: Omit<Parameters<Store['meetings']['find']>[0], 'scope'>) =>
        (await store.meetings.find({ scope: ALL_ACCOUNTS, accountId: acc, ...f })).map((m) => m.id);

      expect(await ids({})).toEqual([early.id, open.id, late.id]);
      expect(await ids({ addedByUserId: user })).toEqual([early.id, open.id]);
      expect(await ids({ roomId: room })).toEqual([early.id]);
      expect(await ids({ startsBefore: T0 + 50 })).toEqual([early.id]);
      expect(await ids({ endsAfter: T0 + 100 })).toEqual([early.id, open.id, late.id]);
      expect(await ids({ endsAfter: T0 + 101 })).toEqual([open.id, late.id]);
      expect(await ids({ endsAfter: T0 + 301 })).toEqual([open.id]);
      expect(await ids({ invitedEmail: `carol_${t}@example.org` })).toEqual([late.id]);
      // The email matches whole: neither a prefix nor a LIKE wildcard in the address finds it.
      expect(await ids({ invitedEmail: `carol_${t}@example.or` })).toEqual([]);
      expect(await ids({ invitedEmail: `carolx${t}@example.org` })).toEqual([]);
    });

    it('countActive() counts not-deleted meetings whose series has not ended', async () => {
      const acc = oid();
      for (const m of [
        makeMeeting(acc, { seriesEnd: null }),
        makeMeeting(acc, { seriesEnd: T0 + 10 }),
        makeMeeting(acc, { seriesEnd: T0 + 9 }),
        makeMeeting(acc, { seriesEnd: null, deletedAt: T0 }),
        makeMeeting(oid(), { seriesEnd: null }),
      ])
        await store.meetings.insert(m);
      expect(await store.meetings.countActive(acc, T0 + 10)).toBe(2);
      expect(await store.meetings.countActive(acc, T0)).toBe(3);
    });

    it('findForAutoClose() returns not-deleted meetings started by `until` whose series may have ended since `since`', async () => {
      const acc = oid();
      const base = T0 + 1_000_000_000; // an era no other test uses
      const endedInWindow = makeMeeting(acc, { startTime: base, seriesEnd: base + 500 });
      const neverEnds = makeMeeting(acc, { startTime: base + 10, seriesEnd: null });
      const endedBefore = makeMeeting(acc, { startTime: base, seriesEnd: base + 99 });
      const startsLater = makeMeeting(acc, { startTime: base + 2_000, seriesEnd: base + 3_000 });
      const deleted = makeMeeting(acc, { startTime: base, seriesEnd: base + 500, deletedAt: base });
      for (const m of [endedInWindow, neverEnds, endedBefore, startsLater, deleted]) await store.meetings.insert(m);
      const found = (await store.meetings.findForAutoClose(base + 100, base + 1_000)).filter((m) => m.accountId === acc);
      expect(found.map((m) => m.id)).toEqual([endedInWindow.id, neverEnds.id]);
    });
  });

  describe('meetings: dial-in rooms (migration 0005)', () => {
    // Fixtures all share room 12345678, so every test here draws its own rooms.
    it('dialInRoomTaken() counts a meeting while its series end lies after `after`; an endless series holds forever', async () => {
      const acc = oid();
      const [ending, endless] = [digits(8), digits(8)];
      await store.meetings.insert(makeMeeting(acc, { isDialin: true, dialInConferenceRoom: ending, seriesEnd: T0 + 100 }));
      await store.meetings.insert(makeMeeting(acc, { isDialin: true, dialInConferenceRoom: endless, seriesEnd: null }));
      expect(await store.meetings.dialInRoomTaken(ending, T0 + 99)).toBe(true);
      expect(await store.meetings.dialInRoomTaken(ending, T0 + 100)).toBe(false);
      expect(await store.meetings.dialInRoomTaken(endless, MAX_INSTANT)).toBe(true);
      expect(await store.meetings.dialInRoomTaken(digits(8), T0)).toBe(false);
    });

    it('dialInRoomTaken() counts a tombstone while both its deletion and its series end lie after `after`', async () => {
      const acc = oid();
      const [deleted, endedThenDeleted] = [digits(8), digits(8)];
      await store.meetings.insert(makeMeeting(acc, { dialInConferenceRoom: deleted, seriesEnd: null, deletedAt: T0 + 50 }));
      await store.meetings.insert(makeMeeting(acc, { dialInConferenceRoom: endedThenDeleted, seriesEnd: T0 + 20, deletedAt: T0 + 50 }));
      expect(await store.meetings.dialInRoomTaken(deleted, T0 + 49)).toBe(true);
      expect(await store.meetings.dialInRoomTaken(deleted, T0 + 50)).toBe(false);
      expect(await store.meetings.dialInRoomTaken(endedThenDeleted, T0 + 19)).toBe(true);
      expect(await store.meetings.dialInRoomTaken(endedThenDeleted, T0 + 20)).toBe(false);
    });

    it('recordDialInRelease() quarantines a room while `releasedAt` lies after `after`, also inside a transaction', async () => {
      const room = digits(8);
      const release = { conferenceRoom: room, meetingId: oid(), releasedAt: T0 + 10 };
      await store.meetings.recordDialInRelease(release);
      await store.transaction((tx) => tx.meetings.recordDialInRelease(release));
      expect(await store.meetings.dialInRoomTaken(room, T0 + 9)).toBe(true);
      expect(await store.meetings.dialInRoomTaken(room, T0 + 10)).toBe(false);
      // A later release of the same room by another meeting extends the quarantine.
      await store.meetings.recordDialInRelease({ conferenceRoom: room, meetingId: oid(), releasedAt: T0 + 30 });
      expect(await store.meetings.dialInRoomTaken(room, T0 + 10)).toBe(true);
      expect(await store.meetings.dialInRoomTaken(room, T0 + 30)).toBe(false);
    });

    it('recordDialInRelease() stores the same release once', async () => {
      const at = T0 + 3_000_000_000; // an era no other test uses
      await store.meetings.pruneDialInReleases(at); // what earlier tests left
      const release = { conferenceRoom: digits(8), meetingId: oid(), releasedAt: at };
      await store.meetings.recordDialInRelease(release);
      await store.meetings.recordDialInRelease(release);
      expect(await store.meetings.pruneDialInReleases(at + 1)).toBe(1);
    });

    it('dialInRoomTaken() ignores the row and the releases of `exceptMeetingId`, not those of other meetings', async () => {
      const m = makeMeeting(oid(), { isDialin: true, dialInConferenceRoom: digits(8), seriesEnd: null });
      await store.meetings.insert(m);
      const released = digits(8);
      await store.meetings.recordDialInRelease({ conferenceRoom: released, meetingId: m.id, releasedAt: T0 });
      expect(await store.meetings.dialInRoomTaken(m.dialInConferenceRoom!, T0 - 1, m.id)).toBe(false);
      expect(await store.meetings.dialInRoomTaken(m.dialInConferenceRoom!, T0 - 1, oid())).toBe(true);
      expect(await store.meetings.dialInRoomTaken(released, T0 - 1, m.id)).toBe(false);
      expect(await store.meetings.dialInRoomTaken(released, T0 - 1, oid())).toBe(true);
    });

    it('pruneDialInReleases() deletes the releases before `before`, with `limit` the oldest first, and counts them', async () => {
      const base = T0 + 2_000_000_000; // an era no other test uses
      await store.meetings.pruneDialInReleases(base); // what earlier tests left
      const rooms = [digits(8), digits(8), digits(8), digits(8)];
      for (const [i, room] of rooms.entries()) await store.meetings.recordDialInRelease({ conferenceRoom: room, meetingId: oid(), releasedAt: base + i });
      const stillTaken = async () => Promise.all(rooms.map((r) => store.meetings.dialInRoomTaken(r, base - 1)));
      expect(await store.transaction((tx) => tx.meetings.pruneDialInReleases(base + 2, 1))).toBe(1);
      expect(await stillTaken()).toEqual([false, true, true, true]);
      expect(await store.meetings.pruneDialInReleases(base + 3)).toBe(2);
      expect(await stillTaken()).toEqual([false, false, false, true]);
      expect(await store.meetings.pruneDialInReleases(base + 3)).toBe(0);
    });
  });

  describe('outbox events', () => {
    it('insertEvent() then getEvent() round-trips every field', async () => {
      const e1 = makeEvent(oid(), 1);
      const e2 = makeEvent(oid(), 2, { recurrenceId: T0 + 86_400_000, event: 'onMeetingJoined' });
      await store.outbox.insertEvent(e1);
      await store.outbox.insertEvent(e2);
      expect(await store.outbox.getEvent(e1.id)).toEqual(e1);
      expect(await store.outbox.getEvent(e2.id)).toEqual(e2);
      expect(await store.outbox.getEvent(oid())).toBeUndefined();
    });

    it('a (meetingId, sequence) pair is never stored twice', async () => {
      const meetingId = oid();
      await store.outbox.insertEvent(makeEvent(meetingId, 1));
      await expect(store.outbox.insertEvent(makeEvent(meetingId, 1))).rejects.toThrow();
    });

    it('listEvents() filters by meeting and event name and pages with a total, oldest first', async () => {
      const meetingId = oid();
      const evs = [1, 2, 3].map((s) => makeEvent(meetingId, s, { event: s === 2 ? 'onMeetingClosed' : 'onMeetingUpdated' }));
      for (const e of [evs[2]!, evs[0]!, evs[1]!]) await store.outbox.insertEvent(e);
      expect(await store.outbox.listEvents({ meetingId, offset: 0, limit: 2 })).toEqual({ items: [evs[0], evs[1]], total: 3 });
      expect(await store.outbox.listEvents({ meetingId, offset: 2, limit: 2 })).toEqual({ items: [evs[2]], total: 3 });
      expect(await store.outbox.listEvents({ meetingId, event: 'onMeetingClosed', offset: 0, limit: 10 })).toEqual({
        items: [evs[1]],
        total: 1,
      });
    });
  });

  describe('webhook deliveries', () => {
    it('insertDelivery() then getDelivery() round-trips every field; updateDelivery() overwrites', async () => {
      const d = await delivery(oid(), 1, 'https://a.example.org/hook', { recurrenceId: T0 + 5 });
      expect(await store.outbox.getDelivery(d.id)).toEqual(d);
      const done: WebhookDelivery = {
        ...d,
        status: 'failed',
        attemptCount: 8,
        nextAttemptAt: null,
        firstAttemptDone: true,
        lastHttpStatus: 500,
        lastError: 'HTTP 500',
        lockedUntil: T0 + 99,
        completedAt: T0 + 100,
        payloadFormat: 'plain',
      };
      await store.outbox.updateDelivery(done);
      expect(await store.outbox.getDelivery(d.id)).toEqual(done);
      expect(await store.outbox.getDelivery(oid())).toBeUndefined();
    });

    it('listDeliveries() is newest first, filters by event, meeting, status and [from, to), and pages with a total', async () => {
      const meetingId = oid();
      const url = 'https://list.example.org/hook';
      const d1 = await delivery(meetingId, 1, url, { createdAt: T0 + 10 });
      const d2 = await delivery(meetingId, 2, url, { createdAt: T0 + 20, status: 'succeeded', event: 'onMeetingClosed' });
      const d3 = await delivery(meetingId, 3, url, { createdAt: T0 + 30 });
      const page = (f: Omit<Parameters<Store['outbox']['listDeliveries']>[0], 'meetingId'>) =>
        store.outbox.listDeliveries({ meetingId, ...f });
      expect(await page({ offset: 0, limit: 2 })).toEqual({ items: [d3, d2], total: 3 });
      expect(await page({ offset: 2, limit: 2 })).toEqual({ items: [d1], total: 3 });
      expect(await page({ status: 'succeeded', offset: 0, limit: 10 })).toEqual({ items: [d2], total: 1 });
      expect(await page({ event: 'onMeetingClosed', offset: 0, limit: 10 })).toEqual({ items: [d2], total: 1 });
      expect(await page({ from: T0 + 20, to: T0 + 30, offset: 0, limit: 10 })).toEqual({ items: [d2], total: 1 });
    });

    it('insertAttempt() and listAttempts() round-trip attempts in attempt order', async () => {
      const d = await delivery(oid(), 1, 'https://att.example.org/hook');
      const a2 = makeAttempt(d.id, 2, { httpStatus: null, error: 'timeout', responseExcerpt: null });
      const a1 = makeAttempt(d.id, 1);
      await store.outbox.insertAttempt(a2);
      await store.outbox.insertAttempt(a1);
      expect(await store.outbox.listAttempts(d.id)).toEqual([a1, a2]);
      await expect(store.outbox.insertAttempt(makeAttempt(d.id, 1))).rejects.toThrow();
    });

    it('claimDue() claims the oldest first attempt per (meeting, URL) and leases what it returns', async () => {
      await leaseLeftovers();
      const m = oid();
      const urlA = 'https://a.example.org/hook';
      const urlB = 'https://b.example.org/hook';
      const a1 = await delivery(m, 1, urlA);
      const a2 = await delivery(m, 2, urlA);
      const b2 = await delivery(m, 2 + 100, urlB);
      const other = await delivery(oid(), 7, urlA);
      const now = T0 + 1_000;

      const claimed = await store.outbox.claimDue(now, now + 30_000, 100);
      expect(claimed.map((d) => d.id).sort()).toEqual([a1.id, b2.id, other.id].sort());
      expect(claimed.every((d) => d.lockedUntil === now + 30_000)).toBe(true);
      expect((await store.outbox.getDelivery(a1.id))?.lockedUntil).toBe(now + 30_000);
      expect((await store.outbox.getDelivery(a2.id))?.lockedUntil).toBeNull();

      // 1. Leased rows are not claimed again while the lease lives, and a2 still waits for a1's first attempt.
      expect(await store.outbox.claimDue(now + 1, now + 60_000, 100)).toEqual([]);
      // 2. a1's first attempt finishes with a failure and a retry later: a2 may go now, a1 may not yet.
      await store.outbox.updateDelivery({
        ...a1,
        attemptCount: 1,
        firstAttemptDone: true,
        nextAttemptAt: now + 5_000,
        lockedUntil: null,
        lastHttpStatus: 503,
      });
      const next = await store.outbox.claimDue(now + 2, now + 60_000, 100);
      expect(next.map((d) => d.id)).toEqual([a2.id]);
      // 3. Once due, a1's retry is claimable although a2 (a later sequence) is leased.
      const retry = await store.outbox.claimDue(now + 5_000, now + 90_000, 100);
      expect(retry.map((d) => d.id)).toEqual([a1.id]);
    });

    it('claimDue() reclaims a delivery whose lease expired (a crashed worker)', async () => {
      await leaseLeftovers();
      const d = await delivery(oid(), 1, 'https://lease.example.org/hook');
      const now = T0 + 2_000;
      expect((await store.outbox.claimDue(now, now + 100, 10)).map((x) => x.id)).toEqual([d.id]);
      expect(await store.outbox.claimDue(now + 99, now + 200, 10)).toEqual([]);
      const again = await store.outbox.claimDue(now + 100, now + 300, 10);
      expect(again.map((x) => x.id)).toEqual([d.id]);
      expect(again[0]?.lockedUntil).toBe(now + 300);
    });

    it('claimDue() skips deliveries not yet due or no longer pending, and cancelled ones do not block', async () => {
      await leaseLeftovers();
      const m = oid();
      const url = 'https://skip.example.org/hook';
      const now = T0 + 3_000;
      const cancelled = await delivery(m, 1, url, { status: 'cancelled', completedAt: now - 1 });
      const notDue = await delivery(m, 2, url, { nextAttemptAt: now + 1, firstAttemptDone: true });
      const succeeded = await delivery(oid(), 1, url, { status: 'succeeded', firstAttemptDone: true });
      const noTime = await delivery(oid(), 1, url, { nextAttemptAt: null });
      const ready = await delivery(m, 3, url);
      const ids = (await store.outbox.claimDue(now, now + 10, 100)).map((d) => d.id);
      expect(ids).toEqual([ready.id]);
      for (const d of [cancelled, notDue, succeeded, noTime]) expect(ids).not.toContain(d.id);
    });

    it('claimDue() honours the limit in (nextAttemptAt, sequence) order', async () => {
      await leaseLeftovers();
      const now = T0 + 4_000;
      const late = await delivery(oid(), 1, 'https://l.example.org/hook', { nextAttemptAt: now - 1 });
      const early = await delivery(oid(), 1, 'https://l.example.org/hook', { nextAttemptAt: now - 10 });
      const mid = await delivery(oid(), 1, 'https://l.example.org/hook', { nextAttemptAt: now - 5 });
      expect((await store.outbox.claimDue(now, now + 10, 2)).map((d) => d.id)).toEqual([early.id, mid.id]);
      expect((await store.outbox.claimDue(now, now + 10, 2)).map((d) => d.id)).toEqual([late.id]);
      expect(await store.outbox.claimDue(now, now + 10, 0)).toEqual([]);
    });

    it('concurrent claimDue() calls never claim the same delivery twice', async () => {
      await leaseLeftovers();
      const now = T0 + 5_000;
      const made = [];
      for (let i = 0; i < 20; i++) made.push(await delivery(oid(), 1, 'https://c.example.org/hook'));
      const batches = await Promise.all(Array.from({ length: 5 }, () => store.outbox.claimDue(now, now + 10, 5)));
      const ids = batches.flat().map((d) => d.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.sort()).toEqual(made.map((d) => d.id).sort());
    });

    it('cancelPending() cancels every pending delivery of one event name and counts them', async () => {
      for (const name of webhookEventNames) await store.outbox.cancelPending(name, T0);
      const pending = await delivery(oid(), 1, 'https://x.example.org/hook', { event: 'onMeetingDeleted' });
      const leased = await delivery(oid(), 1, 'https://x.example.org/hook', { event: 'onMeetingDeleted', lockedUntil: T0 + 9 });
      const done = await delivery(oid(), 1, 'https://x.example.org/hook', { event: 'onMeetingDeleted', status: 'succeeded' });
      const otherEvent = await delivery(oid(), 1, 'https://x.example.org/hook', { event: 'onMeetingLeft' });
      expect(await store.outbox.cancelPending('onMeetingDeleted', T0 + 50)).toBe(2);
      for (const d of [pending, leased]) {
        expect(await store.outbox.getDelivery(d.id)).toMatchObject({ status: 'cancelled', completedAt: T0 + 50, nextAttemptAt: null });
      }
      expect((await store.outbox.getDelivery(done.id))?.status).toBe('succeeded');
      expect((await store.outbox.getDelivery(otherEvent.id))?.status).toBe('pending');
    });

    it('prune() deletes completed deliveries, their attempts and orphaned events before the cutoff, never pending ones', async () => {
      const cut = T0 - 10_000_000; // an era no other test completes deliveries in
      const m = oid();
      const url = 'https://p.example.org/hook';
      const old = { createdAt: cut - 10 };
      const oldDone = await delivery(m, 1, url, { status: 'succeeded', completedAt: cut - 1, createdAt: cut - 10 }, old);
      await store.outbox.insertAttempt(makeAttempt(oldDone.id, 1));
      const oldPending = await delivery(m, 2, url, { createdAt: cut - 10 }, old);
      const recentDone = await delivery(m, 3, url, { status: 'failed', completedAt: cut, createdAt: cut - 10 }, old);
      const bareOld = makeEvent(m, 4, { createdAt: cut - 5 });
      const bareNew = makeEvent(m, 5, { createdAt: cut });
      await store.outbox.insertEvent(bareOld);
      await store.outbox.insertEvent(bareNew);

      expect(await store.outbox.prune(cut)).toBeGreaterThanOrEqual(3);
      expect(await store.outbox.getDelivery(oldDone.id)).toBeUndefined();
      expect(await store.outbox.listAttempts(oldDone.id)).toEqual([]);
      expect(await store.outbox.getEvent(oldDone.eventId)).toBeUndefined();
      expect(await store.outbox.getEvent(bareOld.id)).toBeUndefined();
      expect(await store.outbox.getDelivery(oldPending.id)).toEqual(oldPending);
      expect(await store.outbox.getEvent(oldPending.eventId)).toBeDefined();
      expect(await store.outbox.getDelivery(recentDone.id)).toEqual(recentDone);
      expect(await store.outbox.getEvent(bareNew.id)).toEqual(bareNew);
    });
  });

  describe('webhookConfig', () => {
    it('save() inserts then overwrites; get() round-trips every field', async () => {
      const h = makeHook({ event: 'onMeetingRecordingCreated' });
      await store.webhookConfig.save(h);
      expect(await store.webhookConfig.get('onMeetingRecordingCreated')).toEqual(h);
      const disabled = makeHook({
        event: 'onMeetingRecordingCreated',
        url: null,
        apiKey: null,
        enabled: false,
        method: 'POST',
        payloadFormat: 'plain',
        previousSecret: null,
        previousSecretValidUntil: null,
        disabledReason: '410 Gone from https://hooks.example.org/in at 2026-03-16T08:00:00.000Z',
        updatedAt: T0 + 1,
      });
      await store.webhookConfig.save(disabled);
      expect(await store.webhookConfig.get('onMeetingRecordingCreated')).toEqual(disabled);
    });

    it('list() returns saved hooks in catalogue order; unsaved events are absent', async () => {
      const left = makeHook({ event: 'onMeetingLeft' });
      const closed = makeHook({ event: 'onMeetingClosed' });
      await store.webhookConfig.save(left);
      await store.webhookConfig.save(closed);
      const events = (await store.webhookConfig.list()).map((h) => h.event);
      expect(events.indexOf('onMeetingClosed')).toBeLessThan(events.indexOf('onMeetingLeft'));
      expect(events).toEqual(webhookEventNames.filter((n) => events.includes(n)));
      expect(events).not.toContain('onMeetingSummaryCreated');
      expect(await store.webhookConfig.get('onMeetingSummaryCreated')).toBeUndefined();
    });
  });

  describe('idempotency', () => {
    it('tryInsert() twice: the first returns true, the second false and keeps the first record', async () => {
      const r = makeIdempotency();
      expect(await store.idempotency.tryInsert(r)).toBe(true);
      expect(await store.idempotency.tryInsert({ ...r, fingerprint: 'other' })).toBe(false);
      expect(await store.idempotency.get(r.apiKeyId, r.key)).toEqual(r);
    });

    it('the same key under two API keys is two records', async () => {
      const r = makeIdempotency();
      expect(await store.idempotency.tryInsert(r)).toBe(true);
      expect(await store.idempotency.tryInsert({ ...r, apiKeyId: oid() })).toBe(true);
    });

    it('concurrent tryInsert() calls: exactly one wins', async () => {
      const r = makeIdempotency();
      const results = await Promise.all(
        Array.from({ length: 6 }, () => store.transaction((tx) => tx.idempotency.tryInsert(r))),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('a losing tryInsert() leaves the surrounding transaction usable', async () => {
      const r = makeIdempotency();
      await store.idempotency.tryInsert(r);
      const a = makeAccount();
      await store.transaction(async (tx) => {
        expect(await tx.idempotency.tryInsert(r)).toBe(false);
        await tx.accounts.insert(a);
      });
      expect(await store.accounts.get(ALL_ACCOUNTS, a.id)).toEqual(a);
    });

    it('an expired record does not block a new one', async () => {
      const r = makeIdempotency({ createdAt: T0, expiresAt: T0 + 10 });
      await store.idempotency.tryInsert(r);
      const fresh = { ...r, fingerprint: 'new', createdAt: T0 + 10, expiresAt: T0 + 20 };
      expect(await store.idempotency.tryInsert(fresh)).toBe(true);
      expect(await store.idempotency.get(r.apiKeyId, r.key)).toEqual(fresh);
    });

    it('complete() stores the response; delete() frees the key', async () => {
      const r = makeIdempotency();
      await store.idempotency.tryInsert(r);
      await store.idempotency.complete(r.apiKeyId, r.key, 201, '{"responseCode":0}');
      expect(await store.idempotency.get(r.apiKeyId, r.key)).toEqual({
        ...r,
        state: 'done',
        httpStatus: 201,
        responseBody: '{"responseCode":0}',
      });
      await store.idempotency.delete(r.apiKeyId, r.key);
      expect(await store.idempotency.get(r.apiKeyId, r.key)).toBeUndefined();
      expect(await store.idempotency.tryInsert(r)).toBe(true);
    });

    it('deleteExpired() removes records expired at `now` and keeps live ones', async () => {
      const expired = makeIdempotency({ createdAt: T0 - 200, expiresAt: T0 - 100 });
      const live = makeIdempotency({ createdAt: T0, expiresAt: T0 + 86_400_000 });
      await store.idempotency.tryInsert(expired);
      await store.idempotency.tryInsert(live);
      expect(await store.idempotency.deleteExpired(T0 - 100)).toBeGreaterThanOrEqual(1);
      expect(await store.idempotency.get(expired.apiKeyId, expired.key)).toBeUndefined();
      expect(await store.idempotency.get(live.apiKeyId, live.key)).toEqual(live);
    });
  });

  describe('mail', () => {
    it('insert() then list() round-trips every field, nulls included, and pages with a total', async () => {
      const to = `rcpt.${tag()}@example.org`;
      const m1 = makeMail({ to, createdAt: T0 + 1 });
      const m2 = makeMail({ to, createdAt: T0 + 2, icsAttachment: null, icsMethod: null, sentAt: T0 + 3, lastError: 'x', attempts: 2 });
      const m3 = makeMail({ to, createdAt: T0 + 3 });
      for (const m of [m3, m1, m2]) await store.mail.insert(m);
      await store.mail.insert(makeMail());
      expect(await store.mail.list({ to, offset: 0, limit: 2 })).toEqual({ items: [m1, m2], total: 3 });
      expect(await store.mail.list({ to, offset: 2, limit: 2 })).toEqual({ items: [m3], total: 3 });
    });

    it('listDue() returns unsent due mails, oldest first, up to the limit; update() overwrites', async () => {
      const base = T0 + 2_000_000_000; // an era no other test uses
      const to = `due.${tag()}@example.org`;
      const first = makeMail({ to, createdAt: base - 3, nextAttemptAt: base - 3 });
      const second = makeMail({ to, createdAt: base - 2, nextAttemptAt: base });
      const later = makeMail({ to, createdAt: base - 1, nextAttemptAt: base + 1 });
      const sent = makeMail({ to, createdAt: base - 4, nextAttemptAt: base - 4, sentAt: base - 4 });
      for (const m of [later, second, sent, first]) await store.mail.insert(m);
      const due = (await store.mail.listDue(base, 1_000)).filter((m) => m.to === to);
      expect(due).toEqual([first, second]);
      expect((await store.mail.listDue(base, 1)).length).toBe(1);
      const retried = { ...first, attempts: 1, lastError: 'connection refused', nextAttemptAt: base + 60_000 };
      await store.mail.update(retried);
      expect((await store.mail.listDue(base, 1_000)).filter((m) => m.to === to)).toEqual([second]);
      expect((await store.mail.list({ to, offset: 0, limit: 10 })).items).toContainEqual(retried);
    });
  });

  describe('passwordTokens', () => {
    it('take() returns the user once, then nothing', async () => {
      const a = await account();
      const u = makeUser(a.id);
      await store.users.insert(u);
      const tokenHash = oid();
      await store.passwordTokens.insert({ tokenHash, userId: u.id, expiresAt: T0 + 1_000, createdAt: T0 });
      expect(await store.passwordTokens.take(tokenHash, T0 + 999)).toEqual({ userId: u.id });
      expect(await store.passwordTokens.take(tokenHash, T0 + 999)).toBeUndefined();
    });

    it('take() of an expired or unknown token returns nothing', async () => {
      const a = await account();
      const u = makeUser(a.id);
      await store.users.insert(u);
      const tokenHash = oid();
      await store.passwordTokens.insert({ tokenHash, userId: u.id, expiresAt: T0 + 1_000, createdAt: T0 });
      expect(await store.passwordTokens.take(tokenHash, T0 + 1_000)).toBeUndefined();
      expect(await store.passwordTokens.take(oid(), T0)).toBeUndefined();
    });
  });

  describe('settings', () => {
    it('get() of an unknown key is undefined; set() stores and overwrites', async () => {
      const key = `k.${tag()}`;
      expect(await store.settings.get(key)).toBeUndefined();
      await store.settings.set(key, 'one');
      expect(await store.settings.get(key)).toBe('one');
      await store.settings.set(key, 'two');
      expect(await store.settings.get(key)).toBe('two');
    });

    it('getOrInit() stores the first value and returns it afterwards', async () => {
      const key = `whitelabel.${tag()}`;
      expect(await store.settings.getOrInit(key, 'first')).toBe('first');
      expect(await store.settings.getOrInit(key, 'second')).toBe('first');
      expect(await store.settings.get(key)).toBe('first');
    });

    it('concurrent getOrInit() calls all return the same stored value', async () => {
      const key = `secret.${tag()}`;
      const got = await Promise.all(['a', 'b', 'c', 'd'].map((v) => store.settings.getOrInit(key, v)));
      expect(new Set(got).size).toBe(1);
      expect(await store.settings.get(key)).toBe(got[0]);
    });
  });

  describe('transaction', () => {
    it('commits when fn resolves and returns its value', async () => {
      const a = makeAccount();
      const got = await store.transaction(async (tx) => {
        await tx.accounts.insert(a);
        return tx.accounts.get(ALL_ACCOUNTS, a.id);
      });
      expect(got).toEqual(a);
      expect(await store.accounts.get(ALL_ACCOUNTS, a.id)).toEqual(a);
    });

    it('rolls back every write when fn throws, and rethrows the same error', async () => {
      const a = makeAccount();
      const u = makeUser(a.id);
      const m = makeMeeting(a.id);
      const e = makeEvent(m.id, 1);
      const key = `tx.${tag()}`;
      const boom = new Error('boom');
      const err = await store
        .transaction(async (tx) => {
          await tx.accounts.insert(a);
          await tx.users.insert(u);
          await tx.meetings.insert(m);
          await tx.meetings.nextSequence(m.id);
          await tx.outbox.insertEvent(e);
          await tx.settings.set(key, 'v');
          throw boom;
        })
        .catch((x: unknown) => x);
      expect(err).toBe(boom);
      expect(await store.accounts.get(ALL_ACCOUNTS, a.id)).toBeUndefined();
      expect(await store.users.get(ALL_ACCOUNTS, u.id)).toBeUndefined();
      expect(await store.meetings.getAny(ALL_ACCOUNTS, m.id)).toBeUndefined();
      expect(await store.outbox.getEvent(e.id)).toBeUndefined();
      expect(await store.settings.get(key)).toBeUndefined();
    });

    it('a DomainError from a repository inside fn rolls back the earlier writes', async () => {
      const a = await account();
      const taken = makeUser(a.id);
      await store.users.insert(taken);
      const fresh = makeUser(a.id);
      await expect(
        store.transaction(async (tx) => {
          await tx.users.insert(fresh);
          await tx.users.insert(makeUser(a.id, { email: taken.email }));
        }),
      ).rejects.toMatchObject({ code: 'user.email_taken' });
      expect(await store.users.get(a.id, fresh.id)).toBeUndefined();
    });

    it('claimDue() inside a transaction joins it', async () => {
      await leaseLeftovers();
      const d = await delivery(oid(), 1, 'https://tx.example.org/hook');
      const now = T0 + 6_000;
      await expect(
        store.transaction(async (tx) => {
          expect((await tx.outbox.claimDue(now, now + 10, 10)).map((x) => x.id)).toEqual([d.id]);
          throw new Error('undo the claim');
        }),
      ).rejects.toThrow('undo the claim');
      expect((await store.outbox.getDelivery(d.id))?.lockedUntil).toBeNull();
    });
  });

  describe('recordings', () => {
    /** A recording with every field set (fresh ids; `over` wins). */
    function makeRecording(accountId: string, meetingId: string, over: Partial<Recording> = {}): Recording {
      return {
        id: oid(),
        accountId,
        meetingId,
        recurrenceId: T0 - 3_600_000,
        startedAt: T0,
        endedAt: T0 + 3_650_000,
        durationSeconds: 3_650,
        // Beyond 2^32: the column must be int8 and come back as a number.
        sizeBytes: 5_000_000_000,
        mimeType: 'video/webm;codecs=vp8,opus',
        storagePath: `/var/lib/convene/recordings/${tag()}.webm`,
        createdAt: T0 + 3_700_000,
        ...over,
      };
    }

    it('insert() then get() round-trips every field, large sizes and null recurrenceId included; scope filters', async () => {
      const a = oid();
      const b = oid();
      const r = makeRecording(a, oid());
      const single = makeRecording(a, oid(), { recurrenceId: null, sizeBytes: 0, durationSeconds: 0 });
      await store.recordings.insert(r);
      await store.recordings.insert(single);
      expect(await store.recordings.get(ALL_ACCOUNTS, r.id)).toEqual(r);
      expect(await store.recordings.get(a, r.id)).toEqual(r);
      expect(await store.recordings.get(b, r.id)).toBeUndefined();
      expect(await store.recordings.get(a, single.id)).toEqual(single);
      expect(await store.recordings.get(ALL_ACCOUNTS, oid())).toBeUndefined();
    });

    it('listByMeeting() orders by (startedAt, id), pages with the total, and filters by meeting and scope', async () => {
      const a = oid();
      const m = oid();
      const late = makeRecording(a, m, { startedAt: T0 + 2_000 });
      const early = makeRecording(a, m, { startedAt: T0 });
      const [x, y] = [makeRecording(a, m, { startedAt: T0 + 1_000 }), makeRecording(a, m, { startedAt: T0 + 1_000 })].sort((p, q) => (p.id < q.id ? -1 : 1));
      for (const r of [late, y!, early, x!]) await store.recordings.insert(r);
      await store.recordings.insert(makeRecording(a, oid()));
      await store.recordings.insert(makeRecording(oid(), m));
      expect(await store.recordings.listByMeeting(a, m, { offset: 0, limit: 10 })).toEqual({ items: [early, x, y, late], total: 4 });
      expect(await store.recordings.listByMeeting(a, m, { offset: 1, limit: 2 })).toEqual({ items: [x, y], total: 4 });
      expect((await store.recordings.listByMeeting(ALL_ACCOUNTS, m, { offset: 0, limit: 10 })).total).toBe(5);
      expect(await store.recordings.listByMeeting(oid(), m, { offset: 0, limit: 10 })).toEqual({ items: [], total: 0 });
    });

    it('delete() removes only the account\u2019s own recording', async () => {
      const a = oid();
      const r = makeRecording(a, oid());
      await store.recordings.insert(r);
      await store.recordings.delete(oid(), r.id);
      expect(await store.recordings.get(a, r.id)).toEqual(r);
      await store.recordings.delete(a, r.id);
      expect(await store.recordings.get(ALL_ACCOUNTS, r.id)).toBeUndefined();
    });

    it('insert() inside a rolled-back transaction leaves nothing', async () => {
      const r = makeRecording(oid(), oid());
      await expect(
        store.transaction(async (tx) => {
          await tx.recordings.insert(r);
          expect(await tx.recordings.get(ALL_ACCOUNTS, r.id)).toEqual(r);
          throw new Error('undo');
        }),
      ).rejects.toThrow('undo');
      expect(await store.recordings.get(ALL_ACCOUNTS, r.id)).toBeUndefined();
    });
  });

  /** The store as a SqlStore (the runners make one), for tests that look at raw rows. */
  function sqlStore(): SqlStore {
    if (!(store instanceof SqlStore)) throw new Error('this test needs a SqlStore');
    return store;
  }

  /** Inserts a conference (running unless `over` ends it) of a fresh meeting or `meetingId`; returns it. */
  async function conference(over: Parameters<typeof makeConference>[2] = {}, meetingId = oid(), accountId = oid()) {
    const c = makeConference(meetingId, accountId, over);
    await store.conferences.insert(c);
    return c;
  }

  describe('users: directory numbers', () => {
    it('insert() then get() round-trips directoryNumber and phone, a null phone included', async () => {
      const a = await account();
      const u = makeUser(a.id, { phone: null });
      await store.users.insert(u);
      expect(await store.users.get(a.id, u.id)).toEqual(u);
      expect((await store.users.get(a.id, u.id))?.phone).toBeNull();
    });

    it('getByDirectoryNumber() finds the user within its scope only', async () => {
      const a = await account();
      const b = await account();
      const u = makeUser(a.id);
      await store.users.insert(u);
      expect(await store.users.getByDirectoryNumber(a.id, u.directoryNumber)).toEqual(u);
      expect(await store.users.getByDirectoryNumber(ALL_ACCOUNTS, u.directoryNumber)).toEqual(u);
      expect(await store.users.getByDirectoryNumber(b.id, u.directoryNumber)).toBeUndefined();
      expect(await store.users.getByDirectoryNumber(ALL_ACCOUNTS, `+99${digits(12)}`)).toBeUndefined();
    });

    it('the directory number is unique in the instance, and a clash is not reported as user.email_taken', async () => {
      const a = await account();
      const b = await account();
      const u = makeUser(a.id);
      await store.users.insert(u);
      const dup = makeUser(b.id, { directoryNumber: u.directoryNumber });
      const err = await store.users.insert(dup).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect(err).not.toBeInstanceOf(DomainError);
      expect(await store.users.get(ALL_ACCOUNTS, dup.id)).toBeUndefined();
      const other = makeUser(a.id);
      await store.users.insert(other);
      await expect(store.users.update({ ...other, directoryNumber: u.directoryNumber })).rejects.toThrow();
    });
  });

  describe('migration 0003_live', () => {
    it.skipIf(options.makeEmptyStore === undefined)(
      'gives every existing user a distinct directory number and a null phone, then enforces uniqueness',
      async () => {
        const s = await options.makeEmptyStore!();
        try {
          const names = Object.keys(migrations).sort();
          const before = names[names.indexOf('0003_live') - 1]!;
          const migrator = new Migrator({
            db: s.db,
            provider: new StaticMigrationProvider(),
            ...(s.schema === undefined ? {} : { migrationTableSchema: s.schema }),
          });
          const { error } = await migrator.migrateTo(before);
          expect(error).toBeUndefined();

          const a = makeAccount();
          await s.accounts.insert(a);
          const users = Array.from({ length: 30 }, (_, i) => makeUser(a.id, { createdAt: T0 + i }));
          for (const u of users) {
            // The columns as they were before 0003: no directory_number, no phone.
            await sql`insert into users (id, account_id, email, first_name, last_name, external_user_id,
              preferred_language, timezone, additional_timezones, is_admin, ics_token, password_hash,
              huawei_user_uuid, login_name, union_id, created_at, updated_at)
              values (${u.id}, ${u.accountId}, ${u.email}, ${u.firstName}, ${u.lastName}, ${u.externalUserId},
              ${u.preferredLanguage}, ${u.timezone}, ${JSON.stringify(u.additionalTimezones)}, ${u.isAdmin ? 1 : 0},
              ${u.icsToken}, ${u.passwordHash}, ${u.huaweiUserUuid}, ${u.loginName}, ${u.unionId}, ${u.createdAt},
              ${u.updatedAt})`.execute(s.db);
          }

          expect((await migrateToLatest(s)).applied).toContain('0003_live');
          const { items } = await s.users.list(a.id, { sort: 'createdAt', offset: 0, limit: 100 });
          expect(items).toEqual(
            users.map((u) => ({ ...u, directoryNumber: expect.stringMatching(/^\+99\d{12}$/), phone: null })),
          );
          expect(new Set(items.map((u) => u.directoryNumber)).size).toBe(users.length);
          await expect(s.users.insert(makeUser(a.id, { directoryNumber: items[0]!.directoryNumber }))).rejects.toThrow();
        } finally {
          await s.close();
        }
      },
    );
  });

  describe('conferences', () => {
    it('insert() then get() round-trips every field, booleans and nulls included; scope filters', async () => {
      const running = await conference();
      const ended = await conference({
        endedAt: T0 + 60_000,
        endReason: 'MEETING_ENDED',
        locked: false,
        muteAll: false,
        allowUnmuteByOneself: true,
        startedByUserId: null,
        maxParticipants: 2,
      });
      expect(await store.conferences.get(ALL_ACCOUNTS, running.id)).toEqual(running);
      expect(await store.conferences.get(running.accountId, running.id)).toEqual(running);
      expect(await store.conferences.get(oid(), running.id)).toBeUndefined();
      expect(await store.conferences.get(ended.accountId, ended.id)).toEqual(ended);
      expect(await store.conferences.get(ALL_ACCOUNTS, hex32())).toBeUndefined();
    });

    it('update() overwrites every field', async () => {
      const c = await conference();
      const changed = {
        ...c,
        endedAt: T0 + 5,
        endReason: 'CONNECTION_LOST' as const,
        locked: false,
        muteAll: false,
        allowUnmuteByOneself: true,
        maxParticipants: 9,
        startedByUserId: null,
      };
      await store.conferences.update(changed);
      expect(await store.conferences.get(ALL_ACCOUNTS, c.id)).toEqual(changed);
    });

    it('getRunning() and getLatest() pick the running and the most recently started conference', async () => {
      const m = oid();
      const a = oid();
      expect(await store.conferences.getRunning(m)).toBeUndefined();
      expect(await store.conferences.getLatest(m)).toBeUndefined();
      const first = await conference({ startedAt: T0, endedAt: T0 + 10, endReason: 'MEETING_ENDED' }, m, a);
      expect(await store.conferences.getRunning(m)).toBeUndefined();
      expect(await store.conferences.getLatest(m)).toEqual(first);
      const second = await conference({ startedAt: T0 + 100 }, m, a);
      await conference({ startedAt: T0 + 500 }); // another meeting
      expect(await store.conferences.getRunning(m)).toEqual(second);
      expect(await store.conferences.getLatest(m)).toEqual(second);
      const ended = { ...second, endedAt: T0 + 200, endReason: 'MEETING_ENDED' as const };
      await store.conferences.update(ended);
      expect(await store.conferences.getRunning(m)).toBeUndefined();
      expect(await store.conferences.getLatest(m)).toEqual(ended);
    });

    it('a meeting has at most one running conference; ended ones do not count', async () => {
      const m = oid();
      const a = oid();
      await conference({ endedAt: T0 + 1, endReason: 'MEETING_ENDED' }, m, a);
      await conference({ endedAt: T0 + 2, endReason: 'MEETING_ENDED' }, m, a);
      const running = await conference({}, m, a);
      await expect(store.conferences.insert(makeConference(m, a))).rejects.toThrow();
      await store.conferences.update({ ...running, endedAt: T0 + 3, endReason: 'MEETING_ENDED' });
      const next = await conference({ startedAt: T0 + 4 }, m, a);
      expect(await store.conferences.getRunning(m)).toEqual(next);
      await expect(store.conferences.update({ ...running, endedAt: null, endReason: null })).rejects.toThrow();
    });

    it('two concurrent starts of the same meeting: exactly one commits', async () => {
      const m = oid();
      const a = oid();
      const results = await Promise.allSettled(
        [0, 1].map(() => store.transaction((tx) => tx.conferences.insert(makeConference(m, a)))),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
      expect(await store.conferences.getRunning(m)).toBeDefined();
    });

    it('listRunning() returns running conferences only, oldest first', async () => {
      const early = await conference({ startedAt: T0 - 2_000_000_000 });
      const late = await conference({ startedAt: T0 - 1_999_999_000 });
      const ended = await conference({ startedAt: T0 - 2_000_000_500, endedAt: T0, endReason: 'MEETING_ENDED' });
      const ids = (await store.conferences.listRunning()).map((c) => c.id);
      expect(ids).not.toContain(ended.id);
      expect(ids.filter((id) => id === early.id || id === late.id)).toEqual([early.id, late.id]);
      expect(ids.indexOf(early.id)).toBeLessThan(ids.indexOf(late.id));
    });
  });

  describe('participants', () => {
    it('insert() then get()/getById() round-trip every field, and every null and false', async () => {
      const c = await conference();
      const full = makeParticipant(c);
      const bare = makeParticipant(c, {
        rosterId: null,
        kind: 'app',
        userId: null,
        phone: null,
        state: 'invited',
        progress: null,
        reason: null,
        sipStatusCode: null,
        rejectDescription: null,
        role: 'attendee',
        muted: false,
        mutedByHost: false,
        handRaised: false,
        video: false,
        invited: false,
        joinedAt: null,
        endedAt: null,
        network: null,
      });
      await store.participants.insert(full);
      await store.participants.insert(bare);
      expect(await store.participants.get(c.id, full.id)).toEqual(full);
      expect(await store.participants.get(c.id, bare.id)).toEqual(bare);
      expect(await store.participants.getById(full.id)).toEqual(full);
      expect(await store.participants.get(hex32(), full.id)).toBeUndefined();
      expect(await store.participants.getById(hex32())).toBeUndefined();
    });

    it('insert() of a leg of an unknown conference rejects', async () => {
      const ghost = makeConference(oid(), oid());
      await expect(store.participants.insert(makeParticipant(ghost))).rejects.toThrow();
    });

    it('update() overwrites every field', async () => {
      const c = await conference();
      const p = makeParticipant(c);
      await store.participants.insert(p);
      const changed: Participant = {
        ...p,
        name: 'Renamed',
        state: 'left',
        progress: null,
        reason: 'CLIENT_LEFT',
        sipStatusCode: 200,
        rejectDescription: null,
        role: 'host',
        muted: false,
        mutedByHost: false,
        handRaised: false,
        video: false,
        endedAt: T0 + 99_000,
        network: 'sip',
      };
      await store.participants.update(changed);
      expect(await store.participants.getById(p.id)).toEqual(changed);
    });

    it('list() orders oldest first; liveOnly keeps calling/joining/connected/reconnecting; countLive() counts them', async () => {
      const c = await conference();
      const states = ['left', 'connected', 'invited', 'calling', 'failed', 'reconnecting', 'joining'] as const;
      const legs = states.map((state, i) => makeParticipant(c, { state, createdAt: T0 + (states.length - i) }));
      for (const p of legs) await store.participants.insert(p);
      await store.participants.insert(makeParticipant(await conference())); // another conference
      const byAge = [...legs].sort((x, y) => x.createdAt - y.createdAt);
      expect(await store.participants.list(c.id)).toEqual(byAge);
      expect(await store.participants.list(c.id, { liveOnly: false })).toEqual(byAge);
      const live = byAge.filter((p) => ['calling', 'joining', 'connected', 'reconnecting'].includes(p.state));
      expect(await store.participants.list(c.id, { liveOnly: true })).toEqual(live);
      expect(await store.participants.countLive(c.id)).toBe(4);
      expect(await store.participants.countLive(hex32())).toBe(0);
    });

    it('list() breaks createdAt ties by id', async () => {
      const c = await conference();
      const legs = [makeParticipant(c), makeParticipant(c), makeParticipant(c)];
      for (const p of legs) await store.participants.insert(p);
      expect((await store.participants.list(c.id)).map((p) => p.id)).toEqual(legs.map((p) => p.id).sort());
    });

    it('listLiveByUser() returns the user’s live legs in running conferences only, oldest first', async () => {
      const userId = oid();
      const running = await conference();
      const otherRunning = await conference();
      const ended = await conference({ endedAt: T0 + 1, endReason: 'MEETING_ENDED' });
      const late = makeParticipant(running, { userId, state: 'connected', createdAt: T0 + 20 });
      const early = makeParticipant(otherRunning, { userId, state: 'calling', createdAt: T0 + 10 });
      const reconnecting = makeParticipant(running, { userId, state: 'reconnecting', createdAt: T0 + 30 });
      for (const p of [
        late,
        early,
        reconnecting,
        makeParticipant(running, { userId, state: 'left' }),
        makeParticipant(running, { userId, state: 'invited' }),
        makeParticipant(running, { userId, state: 'failed' }),
        makeParticipant(ended, { userId, state: 'connected' }),
        makeParticipant(running, { userId: oid(), state: 'connected' }),
        makeParticipant(running, { userId: null, state: 'connected' }),
      ]) {
        await store.participants.insert(p);
      }
      expect(await store.participants.listLiveByUser(userId)).toEqual([early, late, reconnecting]);
      expect(await store.participants.listLiveByUser(oid())).toEqual([]);
    });
  });

  describe('roster', () => {
    it('insert() then get() round-trips every field and every null; get() is bound to the meeting', async () => {
      const m = oid();
      const a = oid();
      const full = makeRosterEntry(m, a);
      const bare = makeRosterEntry(m, a, {
        position: 2,
        userId: null,
        phone: null,
        email: null,
        sms: null,
        type: 'anonymous',
        hostRole: false,
        joinMuted: false,
        deptUuid: null,
        deptName: null,
      });
      await store.roster.insert(full);
      await store.roster.insert(bare);
      expect(await store.roster.get(m, full.id)).toEqual(full);
      expect(await store.roster.get(m, bare.id)).toEqual(bare);
      expect(await store.roster.get(oid(), full.id)).toBeUndefined();
    });

    it('list() returns the meeting’s entries in roster order', async () => {
      const m = oid();
      const a = oid();
      const entries = [3, 1, 2].map((position) => makeRosterEntry(m, a, { position }));
      for (const e of entries) await store.roster.insert(e);
      await store.roster.insert(makeRosterEntry(oid(), a, { position: 0 }));
      expect((await store.roster.list(m)).map((e) => e.position)).toEqual([1, 2, 3]);
      expect(await store.roster.list(m)).toEqual([...entries].sort((x, y) => x.position - y.position));
      expect(await store.roster.list(oid())).toEqual([]);
    });

    it('update() overwrites; delete() removes only the entry of the given meeting', async () => {
      const m = oid();
      const e = makeRosterEntry(m, oid());
      await store.roster.insert(e);
      const changed = { ...e, name: 'Renamed', position: 7, hostRole: false, joinMuted: false, phone: null, type: 'telephone' as const };
      await store.roster.update(changed);
      expect(await store.roster.get(m, e.id)).toEqual(changed);
      await store.roster.delete(oid(), e.id);
      expect(await store.roster.get(m, e.id)).toEqual(changed);
      await store.roster.delete(m, e.id);
      expect(await store.roster.get(m, e.id)).toBeUndefined();
    });
  });

  describe('liveEvents', () => {
    it('insert() then list() round-trips every field, JSON data and a null participant, in seq order', async () => {
      const c = await conference();
      const e3 = makeLiveEvent(c, 3, { type: 'conference.ended', participantId: null, data: {} });
      const e1 = makeLiveEvent(c, 1, { type: 'conference.started' });
      const e2 = makeLiveEvent(c, 2);
      for (const e of [e3, e1, e2]) await store.liveEvents.insert(e);
      await store.liveEvents.insert(makeLiveEvent(await conference(), 1));
      expect(await store.liveEvents.list(c.meetingId)).toEqual([e1, e2, e3]);
      expect(await store.liveEvents.list(oid())).toEqual([]);
    });

    it('list() starts after afterSeq and stops at limit', async () => {
      const c = await conference();
      const events = [1, 2, 4, 7, 8].map((seq) => makeLiveEvent(c, seq));
      for (const e of events) await store.liveEvents.insert(e);
      expect((await store.liveEvents.list(c.meetingId, 2)).map((e) => e.seq)).toEqual([4, 7, 8]);
      expect((await store.liveEvents.list(c.meetingId, 0)).map((e) => e.seq)).toEqual([1, 2, 4, 7, 8]);
      expect((await store.liveEvents.list(c.meetingId, 2, 2)).map((e) => e.seq)).toEqual([4, 7]);
      expect((await store.liveEvents.list(c.meetingId, undefined, 3)).map((e) => e.seq)).toEqual([1, 2, 4]);
      expect(await store.liveEvents.list(c.meetingId, 8)).toEqual([]);
    });

    it('a sequence number is used once per meeting', async () => {
      const c = await conference();
      await store.liveEvents.insert(makeLiveEvent(c, 5));
      await expect(store.liveEvents.insert(makeLiveEvent(c, 5))).rejects.toThrow();
      await store.liveEvents.insert(makeLiveEvent(await conference(), 5));
    });
  });

  describe('meetingSecrets', () => {
    it('getOrInit() stores the first passwords and returns the stored ones afterwards; update() overwrites', async () => {
      const meetingId = oid();
      expect(await store.meetingSecrets.get(meetingId)).toBeUndefined();
      const first = { meetingId, chairPassword: digits(6), guestPassword: digits(6) };
      expect(await store.meetingSecrets.getOrInit(first)).toEqual(first);
      expect(await store.meetingSecrets.getOrInit({ meetingId, chairPassword: '000000', guestPassword: '111111' })).toEqual(first);
      expect(await store.meetingSecrets.get(meetingId)).toEqual(first);
      const changed = { meetingId, chairPassword: '654321', guestPassword: '1234567890123456' };
      await store.meetingSecrets.update(changed);
      expect(await store.meetingSecrets.get(meetingId)).toEqual(changed);
      expect(await store.meetingSecrets.getOrInit(first)).toEqual(changed);
    });

    it('concurrent getOrInit() calls all return the same stored passwords', async () => {
      const meetingId = oid();
      const got = await Promise.all(
        [1, 2, 3, 4].map(() => store.meetingSecrets.getOrInit({ meetingId, chairPassword: digits(6), guestPassword: digits(6) })),
      );
      expect(new Set(got.map((s) => JSON.stringify(s))).size).toBe(1);
    });
  });

  describe('accessTokens', () => {
    it('insert() then get() round-trips every field and every null', async () => {
      const full = makeAccessToken(oid(), oid(), { revokedAt: T0 + 7 });
      const bare = makeAccessToken(oid(), null, { dialect: 'dingtalk', appId: null, clientType: null, lastUsedIp: null });
      await store.accessTokens.insert(full);
      await store.accessTokens.insert(bare);
      expect(await store.accessTokens.get(full.hash)).toEqual(full);
      expect(await store.accessTokens.get(bare.hash)).toEqual(bare);
      expect(await store.accessTokens.get(hash64())).toBeUndefined();
    });

    it('listLiveByUser() excludes revoked, expired, other-dialect and other users’ tokens; oldest first', async () => {
      const a = oid();
      const userId = oid();
      const now = T0 + 1_000;
      const later = makeAccessToken(a, userId, { createdAt: T0 + 2, expiresAt: now + 1 });
      const earlier = makeAccessToken(a, userId, { createdAt: T0 + 1 });
      for (const t of [
        later,
        earlier,
        makeAccessToken(a, userId, { revokedAt: T0 + 3 }),
        makeAccessToken(a, userId, { expiresAt: now }),
        makeAccessToken(a, userId, { dialect: 'dingtalk' }),
        makeAccessToken(a, oid()),
      ]) {
        await store.accessTokens.insert(t);
      }
      expect(await store.accessTokens.listLiveByUser('huawei', userId, now)).toEqual([earlier, later]);
      expect(await store.accessTokens.listLiveByUser('huawei', userId, now + 1)).toEqual([earlier]);
      expect(await store.accessTokens.listLiveByUser('dingtalk', userId, now)).toHaveLength(1);
    });

    it('revoke() sets revokedAt once; touch() records the last address', async () => {
      const t = makeAccessToken(oid(), oid());
      await store.accessTokens.insert(t);
      await store.accessTokens.revoke(t.hash, T0 + 100);
      await store.accessTokens.revoke(t.hash, T0 + 200);
      await store.accessTokens.touch(t.hash, '198.51.100.9');
      expect(await store.accessTokens.get(t.hash)).toEqual({ ...t, revokedAt: T0 + 100, lastUsedIp: '198.51.100.9' });
      await store.accessTokens.touch(t.hash, null);
      expect((await store.accessTokens.get(t.hash))?.lastUsedIp).toBeNull();
    });

    it('revokeByUser() and revokeByApp() revoke the not yet revoked tokens and count them', async () => {
      const a = oid();
      const userId = oid();
      const appId = `app-${tag()}`;
      const mine = [
        makeAccessToken(a, userId, { appId: null }),
        makeAccessToken(a, userId, { dialect: 'dingtalk', appId: null }),
        makeAccessToken(a, userId, { appId: null, revokedAt: T0 + 1 }),
      ];
      const viaApp = [makeAccessToken(a, oid(), { appId }), makeAccessToken(a, null, { appId, dialect: 'dingtalk' })];
      const bystander = makeAccessToken(a, oid());
      for (const t of [...mine, ...viaApp, bystander]) await store.accessTokens.insert(t);

      expect(await store.accessTokens.revokeByUser(userId, T0 + 50)).toBe(2);
      expect(await store.accessTokens.revokeByUser(userId, T0 + 60)).toBe(0);
      expect((await store.accessTokens.get(mine[0]!.hash))?.revokedAt).toBe(T0 + 50);
      expect((await store.accessTokens.get(mine[2]!.hash))?.revokedAt).toBe(T0 + 1);
      expect(await store.accessTokens.listLiveByUser('huawei', userId, T0)).toEqual([]);

      expect(await store.accessTokens.revokeByApp(appId, T0 + 70)).toBe(2);
      expect(await store.accessTokens.revokeByApp(appId, T0 + 80)).toBe(0);
      for (const t of viaApp) expect((await store.accessTokens.get(t.hash))?.revokedAt).toBe(T0 + 70);
      expect(await store.accessTokens.get(bystander.hash)).toEqual(bystander);
    });
  });

  describe('controlTokens', () => {
    it('insert() then get() round-trips every field; update() overwrites; delete() removes', async () => {
      const m = oid();
      const chair = makeControlToken(m, oid());
      const guest = makeControlToken(m, chair.accountId, { role: 0, createdIp: null });
      await store.controlTokens.insert(chair);
      await store.controlTokens.insert(guest);
      expect(await store.controlTokens.get(chair.hash)).toEqual(chair);
      expect(await store.controlTokens.get(guest.hash)).toEqual(guest);
      const extended = { ...chair, expiresAt: T0 + 7_200_000, role: 0 as const, createdIp: null };
      await store.controlTokens.update(extended);
      expect(await store.controlTokens.get(chair.hash)).toEqual(extended);
      await store.controlTokens.delete(chair.hash);
      expect(await store.controlTokens.get(chair.hash)).toBeUndefined();
      expect(await store.controlTokens.get(guest.hash)).toEqual(guest);
    });

    it('listByMeeting() returns the meeting’s tokens, oldest first', async () => {
      const m = oid();
      const a = oid();
      const late = makeControlToken(m, a, { createdAt: T0 + 2 });
      const early = makeControlToken(m, a, { createdAt: T0 + 1, role: 0 });
      for (const t of [late, early, makeControlToken(oid(), a)]) await store.controlTokens.insert(t);
      expect(await store.controlTokens.listByMeeting(m)).toEqual([early, late]);
      expect(await store.controlTokens.listByMeeting(oid())).toEqual([]);
    });
  });

  describe('appCredentials', () => {
    it('insert() then get() round-trips every field and every null', async () => {
      const huawei = makeAppCredential(oid(), { revokedAt: T0 + 3 });
      const dingtalk = makeAppCredential(null, { dialect: 'dingtalk', secretSealed: null, secretHash: hash64() });
      await store.appCredentials.insert(huawei);
      await store.appCredentials.insert(dingtalk);
      expect(await store.appCredentials.get(huawei.appId)).toEqual(huawei);
      expect(await store.appCredentials.get(dingtalk.appId)).toEqual(dingtalk);
      expect(await store.appCredentials.get(`app-${tag()}`)).toBeUndefined();
    });

    it('listByAccount() filters by dialect and account (null: instance apps), oldest first', async () => {
      const a = oid();
      const late = makeAppCredential(a, { createdAt: T0 + 2 });
      const early = makeAppCredential(a, { createdAt: T0 + 1, revokedAt: T0 + 5 });
      const instance = makeAppCredential(null, { createdAt: T0 - 5_000_000_000 });
      for (const x of [late, early, instance, makeAppCredential(a, { dialect: 'dingtalk' }), makeAppCredential(oid())]) {
        await store.appCredentials.insert(x);
      }
      expect(await store.appCredentials.listByAccount('huawei', a)).toEqual([early, late]);
      expect(await store.appCredentials.listByAccount('dingtalk', a)).toHaveLength(1);
      const instanceApps = await store.appCredentials.listByAccount('huawei', null);
      expect(instanceApps).toContainEqual(instance);
      expect(instanceApps.every((x) => x.accountId === null && x.dialect === 'huawei')).toBe(true);
    });

    it('revoke() sets revokedAt once', async () => {
      const x = makeAppCredential(oid());
      await store.appCredentials.insert(x);
      await store.appCredentials.revoke(x.appId, T0 + 10);
      await store.appCredentials.revoke(x.appId, T0 + 20);
      expect((await store.appCredentials.get(x.appId))?.revokedAt).toBe(T0 + 10);
    });

    it('the app key is sealed at rest with the store’s secret codec and opened on the way out', async () => {
      const s = sqlStore();
      const box = createSecretBox(`contract-${tag()}`);
      const sealedRepos = createRepositories(s.db, { ...s.caps, secrets: box });
      const x = makeAppCredential(oid());
      await sealedRepos.appCredentials.insert(x);
      const raw = await s.db.selectFrom('app_credentials').selectAll().where('app_id', '=', x.appId).executeTakeFirstOrThrow();
      expect(raw.secret_sealed).toMatch(/^v1:/);
      expect(raw.secret_sealed).not.toContain(x.secretSealed!);
      expect(box.open(raw.secret_sealed!)).toBe(x.secretSealed);
      expect(await sealedRepos.appCredentials.get(x.appId)).toEqual(x);
      expect((await sealedRepos.appCredentials.listByAccount('huawei', x.accountId)).map((y) => y.secretSealed)).toEqual([x.secretSealed]);
    });
  });

  describe('nonces', () => {
    it('tryUse() accepts a nonce once and refuses its replay; the same nonce of another app is distinct', async () => {
      const appId = `app-${tag()}`;
      const nonce = hash64();
      expect(await store.nonces.tryUse(appId, nonce, T0 + 300_000, T0)).toBe(true);
      expect(await store.nonces.tryUse(appId, nonce, T0 + 400_000, T0 + 1)).toBe(false);
      expect(await store.nonces.tryUse(appId, nonce, T0 + 400_000, T0 + 299_999)).toBe(false);
      expect(await store.nonces.tryUse(`app-${tag()}`, nonce, T0 + 300_000, T0)).toBe(true);
    });

    it('an expired nonce record does not block a new use', async () => {
      const appId = `app-${tag()}`;
      const nonce = hash64();
      expect(await store.nonces.tryUse(appId, nonce, T0 + 10, T0)).toBe(true);
      expect(await store.nonces.tryUse(appId, nonce, T0 + 20, T0 + 10)).toBe(true);
      expect(await store.nonces.tryUse(appId, nonce, T0 + 30, T0 + 19)).toBe(false);
    });

    it('concurrent tryUse() calls: exactly one wins, and a loser’s transaction stays usable', async () => {
      const appId = `app-${tag()}`;
      const nonce = hash64();
      const results = await Promise.all(
        Array.from({ length: 6 }, () => store.transaction((tx) => tx.nonces.tryUse(appId, nonce, T0 + 1_000, T0))),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const key = `nonce.${tag()}`;
      await store.transaction(async (tx) => {
        expect(await tx.nonces.tryUse(appId, nonce, T0 + 1_000, T0)).toBe(false);
        await tx.settings.set(key, 'v');
      });
      expect(await store.settings.get(key)).toBe('v');
    });
  });

  describe('authThrottle', () => {
    it('fail() records a failure and returns the count within the window; count() only reads', async () => {
      const key = `login:${tag()}`;
      const w = 60_000;
      expect(await store.authThrottle.count(key, T0, w)).toBe(0);
      expect(await store.authThrottle.fail(key, T0, w)).toBe(1);
      expect(await store.authThrottle.fail(key, T0 + 10_000, w)).toBe(2);
      expect(await store.authThrottle.fail(key, T0 + 20_000, w)).toBe(3);
      expect(await store.authThrottle.count(key, T0 + 20_000, w)).toBe(3);
      expect(await store.authThrottle.count(key, T0 + 20_000, w)).toBe(3);
      // At T0 + 60 000 the first failure has left the window.
      expect(await store.authThrottle.count(key, T0 + w, w)).toBe(2);
      expect(await store.authThrottle.fail(key, T0 + w + 15_000, w)).toBe(2);
      expect(await store.authThrottle.count(`login:${tag()}`, T0 + 20_000, w)).toBe(0);
    });

    it('fail() prunes the key’s failures older than the window; clear() forgets the key only', async () => {
      const key = `login:${tag()}`;
      const other = `login:${tag()}`;
      const w = 1_000;
      for (let i = 0; i < 5; i++) await store.authThrottle.fail(key, T0 + i, w);
      await store.authThrottle.fail(other, T0, w);
      expect(await store.authThrottle.fail(key, T0 + 10_000, w)).toBe(1);
      const rows = await sqlStore().db.selectFrom('auth_failures').select('at').where('key', '=', key).execute();
      expect(rows.map((r) => r.at)).toEqual([T0 + 10_000]);
      await store.authThrottle.clear(key);
      expect(await store.authThrottle.count(key, T0 + 10_000, w)).toBe(0);
      expect(await store.authThrottle.count(other, T0, w)).toBe(1);
    });
  });

  // Each prune test works in its own era long before the other tests' instants (T0 is 2026), so a prune can
  // only meet the rows its own test inserted and exact counts hold on a database shared by the whole suite.
  describe('housekeeping prunes', () => {
    it('nonces.pruneExpired() deletes records with expiresAt ≤ now, oldest first, at most `limit` per call', async () => {
      const now = Date.UTC(2001, 0, 1);
      const appId = `app-${tag()}`;
      for (let i = 4; i >= -1; i--) expect(await store.nonces.tryUse(appId, hash64(), now - i, now - 100)).toBe(true);
      const left = async () =>
        (await sqlStore().db.selectFrom('auth_nonces').select('expires_at').where('app_id', '=', appId).orderBy('expires_at').execute()).map((r) => r.expires_at);
      expect(await store.nonces.pruneExpired(now, 2)).toBe(2);
      expect(await left()).toEqual([now - 2, now - 1, now, now + 1]);
      expect(await store.nonces.pruneExpired(now, 2)).toBe(2);
      expect(await store.nonces.pruneExpired(now, 2)).toBe(1);
      expect(await store.nonces.pruneExpired(now, 2)).toBe(0);
      expect(await left()).toEqual([now + 1]);
    });

    it('authThrottle.pruneExpired() deletes failures at or before the cutoff in batches ending at the limit-th instant', async () => {
      const cut = Date.UTC(2002, 0, 1);
      const key = `login:${tag()}`;
      const other = `login:${tag()}`;
      const w = 1e12; // a window that keeps fail() from pruning anything itself
      for (const at of [cut - 4, cut - 3, cut]) await store.authThrottle.fail(key, at, w);
      for (const at of [cut - 3, cut - 1, cut + 1]) await store.authThrottle.fail(other, at, w);
      const left = async () =>
        (await sqlStore().db.selectFrom('auth_failures').select(['key', 'at']).where('key', 'in', [key, other]).orderBy('at').orderBy('key').execute()).map(
          (r) => `${r.key === key ? 'k' : 'o'}@${r.at - cut}`,
        );
      // The 2nd oldest failure is at cut − 3, shared by both keys: the batch takes all three up to that instant.
      expect(await store.authThrottle.pruneExpired(cut, 2)).toBe(3);
      expect((await left()).sort()).toEqual(['k@0', 'o@-1', 'o@1']);
      expect(await store.authThrottle.pruneExpired(cut, 2)).toBe(2);
      expect(await store.authThrottle.pruneExpired(cut, 2)).toBe(0);
      expect(await left()).toEqual(['o@1']);
      expect(await store.authThrottle.count(other, cut + 1, w)).toBe(1);
    });

    it('accessTokens.pruneExpired() deletes tokens with expiresAt ≤ cutoff, revoked or not, oldest first', async () => {
      const cut = Date.UTC(2003, 0, 1);
      const a = oid();
      const u = oid();
      const tokens = [
        makeAccessToken(a, u, { createdAt: cut - 100, expiresAt: cut - 2 }),
        makeAccessToken(a, null, { dialect: 'dingtalk', createdAt: cut - 100, expiresAt: cut - 1 }),
        makeAccessToken(a, u, { createdAt: cut - 100, expiresAt: cut, revokedAt: cut - 50 }),
        makeAccessToken(a, u, { createdAt: cut - 100, expiresAt: cut + 1, revokedAt: cut - 50 }),
      ];
      for (const t of [...tokens].reverse()) await store.accessTokens.insert(t);
      expect(await store.accessTokens.pruneExpired(cut, 2)).toBe(2);
      expect(await store.accessTokens.get(tokens[0]!.hash)).toBeUndefined();
      expect(await store.accessTokens.get(tokens[1]!.hash)).toBeUndefined();
      expect(await store.accessTokens.get(tokens[2]!.hash)).toEqual(tokens[2]);
      expect(await store.accessTokens.pruneExpired(cut, 2)).toBe(1);
      expect(await store.accessTokens.pruneExpired(cut, 2)).toBe(0);
      expect(await store.accessTokens.get(tokens[2]!.hash)).toBeUndefined();
      expect(await store.accessTokens.get(tokens[3]!.hash)).toEqual(tokens[3]);
    });

    it('controlTokens.pruneExpired() deletes tokens with expiresAt ≤ cutoff, oldest first', async () => {
      const cut = Date.UTC(2004, 0, 1);
      const m = oid();
      const a = oid();
      const tokens = [cut - 1, cut, cut + 1].map((expiresAt) => makeControlToken(m, a, { createdAt: expiresAt - 100, expiresAt }));
      for (const t of tokens) await store.controlTokens.insert(t);
      expect(await store.controlTokens.pruneExpired(cut, 1)).toBe(1);
      expect(await store.controlTokens.listByMeeting(m)).toEqual([tokens[1], tokens[2]]);
      expect(await store.controlTokens.pruneExpired(cut, 1)).toBe(1);
      expect(await store.controlTokens.pruneExpired(cut, 1)).toBe(0);
      expect(await store.controlTokens.listByMeeting(m)).toEqual([tokens[2]]);
    });

    it('passwordTokens.pruneExpired() deletes tokens with expiresAt ≤ now; a live one can still be taken', async () => {
      const now = Date.UTC(2005, 0, 1);
      const a = await account();
      const u = makeUser(a.id);
      await store.users.insert(u);
      const hashes = [oid(), oid(), oid()];
      for (const [i, tokenHash] of hashes.entries()) {
        await store.passwordTokens.insert({ tokenHash, userId: u.id, expiresAt: now - 1 + i, createdAt: now - 100 });
      }
      expect(await store.passwordTokens.pruneExpired(now, 1)).toBe(1);
      expect(await store.passwordTokens.pruneExpired(now, 1)).toBe(1);
      expect(await store.passwordTokens.pruneExpired(now, 1)).toBe(0);
      expect(await store.passwordTokens.take(hashes[2]!, now)).toEqual({ userId: u.id });
    });

    it('idempotency.deleteExpired(now, limit) deletes records with expiresAt ≤ now, oldest first, at most `limit`', async () => {
      const now = Date.UTC(2006, 0, 1);
      const records = [now - 2, now - 1, now, now + 1].map((expiresAt) => makeIdempotency({ createdAt: now - 100, expiresAt }));
      for (const r of [...records].reverse()) await store.idempotency.tryInsert(r);
      expect(await store.idempotency.deleteExpired(now, 2)).toBe(2);
      expect(await store.idempotency.get(records[1]!.apiKeyId, records[1]!.key)).toBeUndefined();
      expect(await store.idempotency.get(records[2]!.apiKeyId, records[2]!.key)).toEqual(records[2]);
      expect(await store.idempotency.deleteExpired(now, 2)).toBe(1);
      expect(await store.idempotency.deleteExpired(now, 2)).toBe(0);
      expect(await store.idempotency.get(records[3]!.apiKeyId, records[3]!.key)).toEqual(records[3]);
    });

    it('liveEvents.pruneEnded() deletes events before the cutoff of conferences ended before it (or gone), oldest first', async () => {
      const cut = Date.UTC(2007, 0, 1);
      const ended = await conference({ startedAt: cut - 1_000, endedAt: cut - 1, endReason: 'MEETING_ENDED' });
      const endedAtCut = await conference({ startedAt: cut - 1_000, endedAt: cut, endReason: 'MEETING_ENDED' });
      const running = await conference({ startedAt: cut - 1_000 });
      const gone = makeConference(oid(), oid()); // never stored
      const old = [cut - 30, cut - 10, cut - 9].map((occurredAt, i) => makeLiveEvent(i === 0 ? gone : ended, i + 1, { occurredAt }));
      const late = makeLiveEvent(ended, 10, { occurredAt: cut }); // recorded at the cutoff, after its conference ended
      const kept = [late, makeLiveEvent(endedAtCut, 1, { occurredAt: cut - 20 }), makeLiveEvent(running, 1, { occurredAt: cut - 40 })];
      for (const e of [...old, ...kept]) await store.liveEvents.insert(e);
      expect(await store.liveEvents.pruneEnded(cut, 2)).toBe(2);
      expect(await store.liveEvents.list(gone.meetingId)).toEqual([]);
      expect((await store.liveEvents.list(ended.meetingId)).map((e) => e.occurredAt)).toEqual([cut - 9, cut]);
      expect(await store.liveEvents.pruneEnded(cut, 2)).toBe(1);
      expect(await store.liveEvents.pruneEnded(cut, 2)).toBe(0);
      expect(await store.liveEvents.list(ended.meetingId)).toEqual([late]);
      expect(await store.liveEvents.list(endedAtCut.meetingId)).toEqual([kept[1]]);
      expect(await store.liveEvents.list(running.meetingId)).toEqual([kept[2]]);
    });

    it('outbox.prune(before, limit) deletes at most `limit` finished deliveries and `limit` orphaned events per call', async () => {
      const cut = Date.UTC(2008, 0, 1);
      const m = oid();
      const url = 'https://prune.example.org/hook';
      const done = async (seq: number, status: 'succeeded' | 'failed' | 'cancelled', completedAt: number, createdAt: number) =>
        delivery(m, seq, url, { status, completedAt, createdAt, nextAttemptAt: null }, { createdAt });
      const d1 = await done(1, 'succeeded', cut - 3, cut - 9);
      await store.outbox.insertAttempt(makeAttempt(d1.id, 1));
      const d2 = await done(2, 'failed', cut - 2, cut - 8);
      const d3 = await done(3, 'cancelled', cut - 1, cut - 7);
      const pending = await delivery(m, 4, url, { createdAt: cut - 10 }, { createdAt: cut - 10 });
      const atCut = await done(5, 'succeeded', cut, cut - 6);
      const bare = makeEvent(m, 6, { createdAt: cut - 5 });
      await store.outbox.insertEvent(bare);

      // d1, d2 and the two oldest events without deliveries (theirs); d3's and the bare event wait.
      expect(await store.outbox.prune(cut, 2)).toBe(4);
      expect(await store.outbox.getDelivery(d1.id)).toBeUndefined();
      expect(await store.outbox.listAttempts(d1.id)).toEqual([]);
      expect(await store.outbox.getEvent(d2.eventId)).toBeUndefined();
      expect(await store.outbox.getEvent(bare.id)).toEqual(bare);
      expect(await store.outbox.prune(cut, 2)).toBe(3);
      expect(await store.outbox.prune(cut, 2)).toBe(0);
      expect(await store.outbox.getDelivery(d3.id)).toBeUndefined();
      expect(await store.outbox.getEvent(bare.id)).toBeUndefined();
      expect(await store.outbox.getDelivery(pending.id)).toEqual(pending);
      expect(await store.outbox.getEvent(pending.eventId)).toBeDefined();
      expect(await store.outbox.getDelivery(atCut.id)).toEqual(atCut);
      expect(await store.outbox.getEvent(atCut.eventId)).toBeDefined();
    });
  });
}
