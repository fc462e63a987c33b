/**
 * Dial-in room quarantine (webmeeting-v6 §8.4 step 7, §8.10; docs/webmeeting-v6.md "Dial-in rooms"): a room a
 * meeting let go of is not handed out again for 30 days, whichever way it was let go. Real SQLite store, a
 * FixedClock, and ids whose 8-digit draws (only dial-in rooms draw 8 digits) the test scripts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { createIds, FixedClock } from '../../infra/ids.js';
import { createStore } from '../../storage/index.js';
import { createDeps } from '../../wiring.js';
import { createAccount } from '../accounts/createAccount.js';
import { deleteAccount } from '../accounts/deleteAccount.js';
import type { Actor } from '../accounts/policies.js';
import type { Deps } from '../deps.js';
import type { Ids, Store } from '../ports.js';
import { cancelOccurrence } from './cancelOccurrence.js';
import { deleteMeeting } from './deleteMeeting.js';
import { DIALIN_QUARANTINE_MS } from './dialIn.js';
import type { Meeting } from './Meeting.js';
import { scheduleMeeting, type ScheduleMeetingInput } from './scheduleMeeting.js';
import { updateMeeting } from './updateMeeting.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const T0 = Date.parse('2024-05-06T08:00:00.000Z');
const N = '11111111';
const M = '22222222';
const P = '33333333';
const instance: Actor = { level: 'instance', accountId: null, user: null, credentialId: 'test-instance' };

/** Ids whose dial-in room draws come from `rooms`, in order; running out fails the test. */
function scriptedIds(clock: FixedClock): Ids & { rooms: string[]; drawn: string[] } {
  const real = createIds(clock);
  const rooms: string[] = [];
  const drawn: string[] = [];
  return {
    ...real,
    rooms,
    drawn,
    digits(n, firstNonZero) {
      if (n !== 8) return real.digits(n, firstNonZero);
      const room = rooms.shift();
      if (room === undefined) throw new Error('the test scripted no more dial-in rooms');
      drawn.push(room);
      return room;
    },
  };
}

let store: Store;
let deps: Deps;
let clock: FixedClock;
let ids: ReturnType<typeof scriptedIds>;
let accountSeq = 0;

beforeEach(async () => {
  clock = new FixedClock(T0);
  ids = scriptedIds(clock);
  store = await createStore({ url: ':memory:' });
  deps = await createDeps(store, loadConfig({ CONVENE_PUBLIC_URL: 'https://meet.example.com', LOG_LEVEL: 'silent' }), { clock, ids });
});
afterEach(() => store.close());

/** A paid account and its admin's actor. */
async function organizer(): Promise<{ accountId: string; actor: Actor }> {
  const n = ++accountSeq;
  const { account, admin } = await createAccount(deps, instance, {
    sendPassword: false,
    accountType: 'paid',
    adminFirstname: 'Ada',
    adminLastname: `Admin${n}`,
    adminEmail: `ada${n}@example.com`,
    adminPreferredLanguage: 'en',
    paidUntil: null,
  });
  return { accountId: account.id, actor: { level: 'account', accountId: account.id, user: admin, credentialId: `key-${n}` } };
}

/** Schedules a meeting whose dial-in room draws are `rooms` (the first free one wins). */
async function schedule(actor: Actor, rooms: string[], input: Partial<ScheduleMeetingInput> = {}): Promise<Meeting> {
  ids.rooms.splice(0, ids.rooms.length, ...rooms);
  ids.drawn.length = 0;
  return (await scheduleMeeting(deps, actor, { topic: 'Sync', startTime: clock.now() + HOUR, durationMin: 60, timezone: 'UTC', isDialin: true, ...input })).meeting;
}

/** The room a new dial-in meeting gets when `N` is drawn first and `M` next. */
async function roomOfNextMeeting(actor: Actor): Promise<string | null> {
  return (await schedule(actor, [N, M])).dialInConferenceRoom;
}

describe('dial-in room quarantine', () => {
  it('scheduleMeeting() skips a room another meeting holds', async () => {
    const { actor } = await organizer();
    expect((await schedule(actor, [N])).dialInConferenceRoom).toBe(N);
    const second = await schedule(actor, [N, M]);
    expect(second.dialInConferenceRoom).toBe(M);
    expect(ids.drawn).toEqual([N, M]);
  });

  it('updateMeeting() isDialin true→false clears the codes and keeps the room from being re-issued for 30 days', async () => {
    const { actor } = await organizer();
    const m = await schedule(actor, [N], { isRecurring: true, recurring: { frequencyType: 'weekly', endsType: 'never' } });
    clock.advance(DAY);
    const releasedAt = clock.now();
    const off = (await updateMeeting(deps, actor, { id: m.id, changes: { isDialin: false }, notify: false })).meeting;
    expect(off).toMatchObject({ isDialin: false, dialInConferenceRoom: null, dialInPin: null });
    expect((await store.meetings.get(m.accountId, m.id))?.dialInConferenceRoom).toBeNull();

    expect(await roomOfNextMeeting(actor)).toBe(M);
    clock.set(releasedAt + DIALIN_QUARANTINE_MS - 1);
    expect(await schedule(actor, [N, P]).then((x) => x.dialInConferenceRoom)).toBe(P);
    clock.set(releasedAt + DIALIN_QUARANTINE_MS);
    expect(await schedule(actor, [N]).then((x) => x.dialInConferenceRoom)).toBe(N);
  });

  it('the quarantine holds across accounts (the room is instance-wide)', async () => {
    const a = await organizer();
    const b = await organizer();
    const m = await schedule(a.actor, [N]);
    await updateMeeting(deps, a.actor, { id: m.id, changes: { isDialin: false }, notify: false });
    expect(await roomOfNextMeeting(b.actor)).toBe(M);
  });

  it('updateMeeting() false→true on the same meeting may draw its own released room back, but no other meeting may', async () => {
    const { actor } = await organizer();
    const m = await schedule(actor, [N]);
    await updateMeeting(deps, actor, { id: m.id, changes: { isDialin: false }, notify: false });
    ids.rooms.push(N);
    const on = (await updateMeeting(deps, actor, { id: m.id, changes: { isDialin: true }, notify: false })).meeting;
    // Callers with the old invitation reach the same meeting again: nothing to protect them from.
    expect(on.dialInConferenceRoom).toBe(N);
    await updateMeeting(deps, actor, { id: m.id, changes: { isDialin: false }, notify: false });
    expect(await roomOfNextMeeting(actor)).toBe(M);
  });

  it('deleteMeeting() (E24/E25) quarantines the room for 30 days from the deletion', async () => {
    const { actor } = await organizer();
    const m = await schedule(actor, [N], { startTime: T0 + 10 * DAY });
    clock.advance(DAY);
    const deletedAt = clock.now();
    await deleteMeeting(deps, actor, { id: m.id, notify: false });
    expect(await roomOfNextMeeting(actor)).toBe(M);
    clock.set(deletedAt + DIALIN_QUARANTINE_MS - 1);
    expect(await schedule(actor, [N, P]).then((x) => x.dialInConferenceRoom)).toBe(P);
    clock.set(deletedAt + DIALIN_QUARANTINE_MS);
    expect(await schedule(actor, [N]).then((x) => x.dialInConferenceRoom)).toBe(N);
  });

  it('deleteAccount() (E5) quarantines the rooms of every meeting of the account for 30 days', async () => {
    const doomed = await organizer();
    const other = await organizer();
    await schedule(doomed.actor, [N], { isRecurring: true, recurring: { frequencyType: 'daily', endsType: 'never' } });
    clock.advance(HOUR);
    const deletedAt = clock.now();
    await deleteAccount(deps, instance, doomed.accountId);
    expect(await roomOfNextMeeting(other.actor)).toBe(M);
    clock.set(deletedAt + DIALIN_QUARANTINE_MS - 1);
    expect(await schedule(other.actor, [N, P]).then((x) => x.dialInConferenceRoom)).toBe(P);
    clock.set(deletedAt + DIALIN_QUARANTINE_MS);
    expect(await schedule(other.actor, [N]).then((x) => x.dialInConferenceRoom)).toBe(N);
  });

  it('a meeting holds its room until 30 days after its series end, and deleting it afterwards changes nothing', async () => {
    const { actor } = await organizer();
    const m = await schedule(actor, [N]); // T0+1h..T0+2h
    const end = m.seriesEnd!;
    expect(end).toBe(T0 + 2 * HOUR);
    clock.set(end + 10 * DAY);
    await deleteMeeting(deps, actor, { id: m.id, notify: false });
    clock.set(end + DIALIN_QUARANTINE_MS - 1);
    expect(await roomOfNextMeeting(actor)).toBe(M);
    clock.set(end + DIALIN_QUARANTINE_MS);
    expect(await schedule(actor, [N]).then((x) => x.dialInConferenceRoom)).toBe(N);
  });

  it('updateMeeting() that moves the series end into the past quarantines the room from the edit, not from the new end', async () => {
    const { actor } = await organizer();
    const m = await schedule(actor, [N], { startTime: T0 + 5 * DAY });
    const moved = (await updateMeeting(deps, actor, { id: m.id, changes: { startTime: T0 - 60 * DAY }, notify: false })).meeting;
    // Still a dial-in meeting that shows its room; the room just stops being reserved 30 days from now.
    expect(moved).toMatchObject({ isDialin: true, dialInConferenceRoom: N, seriesEnd: T0 - 60 * DAY + HOUR });
    expect(await roomOfNextMeeting(actor)).toBe(M);
    clock.set(T0 + DIALIN_QUARANTINE_MS - 1);
    expect(await schedule(actor, [N, P]).then((x) => x.dialInConferenceRoom)).toBe(P);
    clock.set(T0 + DIALIN_QUARANTINE_MS);
    expect(await schedule(actor, [N]).then((x) => x.dialInConferenceRoom)).toBe(N);
  });

  it('cancelOccurrence() of the last future occurrence quarantines the room from the cancellation', async () => {
    const { actor } = await organizer();
    // Weekly, two occurrences: one a day ago (C8 allows a past start), one six days ahead.
    const m = await schedule(actor, [N], { startTime: T0 - DAY, isRecurring: true, recurring: { frequencyType: 'weekly', endsType: 'after', endsAfter: 2 } });
    const cancelled = (await cancelOccurrence(deps, actor, { meetingId: m.id, recurrenceId: T0 + 6 * DAY, notify: false })).meeting;
    expect(cancelled.seriesEnd).toBe(T0 - DAY + HOUR);
    clock.set(T0 - DAY + HOUR + DIALIN_QUARANTINE_MS); // the old rule would free the room here
    expect(await roomOfNextMeeting(actor)).toBe(M);
    clock.set(T0 + DIALIN_QUARANTINE_MS);
    expect(await schedule(actor, [N]).then((x) => x.dialInConferenceRoom)).toBe(N);
  });

  it('a meeting revived after its room lapsed keeps the room when it is free and gets a fresh one when it was re-issued', async () => {
    const { actor } = await organizer();
    const keeps = await schedule(actor, [N]);
    const loses = await schedule(actor, [M]);
    clock.set(T0 + 40 * DAY);
    const taker = await schedule(actor, [M]); // M lapsed 10 days ago and is handed out again
    expect(taker.dialInConferenceRoom).toBe(M);

    const kept = (await updateMeeting(deps, actor, { id: keeps.id, changes: { startTime: clock.now() + DAY }, notify: false })).meeting;
    expect(kept.dialInConferenceRoom).toBe(N);
    expect(kept.dialInPin).toBe(keeps.dialInPin);
    ids.rooms.push(P);
    const moved = (await updateMeeting(deps, actor, { id: loses.id, changes: { startTime: clock.now() + DAY }, notify: false })).meeting;
    expect(moved.dialInConferenceRoom).toBe(P);
    expect((await store.meetings.get(taker.accountId, taker.id))?.dialInConferenceRoom).toBe(M);
  });

  it('an update that keeps dial-in on keeps the codes and draws nothing', async () => {
    const { actor } = await organizer();
    const m = await schedule(actor, [N]);
    const updated = (await updateMeeting(deps, actor, { id: m.id, changes: { topic: 'Renamed', startTime: T0 + 2 * DAY }, notify: false })).meeting;
    expect([updated.dialInConferenceRoom, updated.dialInPin]).toEqual([N, m.dialInPin]);
    expect(ids.drawn).toEqual([N]);
  });

  it('a release prunes the releases that no longer quarantine anything', async () => {
    const { actor } = await organizer();
    const a = await schedule(actor, [N], { isRecurring: true, recurring: { frequencyType: 'daily', endsType: 'never' } });
    const b = await schedule(actor, [M], { isRecurring: true, recurring: { frequencyType: 'daily', endsType: 'never' } });
    await updateMeeting(deps, actor, { id: a.id, changes: { isDialin: false }, notify: false });
    clock.advance(DIALIN_QUARANTINE_MS + 1);
    await updateMeeting(deps, actor, { id: b.id, changes: { isDialin: false }, notify: false });
    // Only b's release is left to prune.
    expect(await store.meetings.pruneDialInReleases(Number.MAX_SAFE_INTEGER)).toBe(1);
  });
});
