/**
 * Lowering the room quota through E4 (webmeeting-v6 §12.2): the rooms above the quota become inactive and their
 * meetings that have not ended are re-allocated by the §8.8 rule in the same transaction, each with an
 * onMeetingUpdated event. Meetings are scheduled through E20, so they land in rooms by the real allocation.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { harness, type Harness } from '../../../test/support/app.js';
import { snapshot } from '../../../test/support/accountAdmin.js';
import { updateAccount } from '../../domain/accounts/updateAccount.js';
import type { Actor } from '../../domain/accounts/policies.js';
import { FixedClock } from '../../infra/ids.js';

const T0 = '2024-03-20T12:00:00.000Z';
const T1 = '2024-03-20T13:00:00.000Z';
const clock = new FixedClock(T0);
const INSTANCE_ACTOR: Actor = { level: 'instance', accountId: null, user: null, credentialId: 'test' };

let h: Harness;
beforeAll(async () => {
  h = await harness({ clock });
});
afterAll(() => h.close());
afterEach(() => clock.set(T0));

interface MeetingView {
  id: string;
  topic: string;
  roomId: string;
  icalSequence: number;
  updatedAt: string;
}

/** Schedules through E20 as the account's admin. */
async function schedule(t: Harness, adminId: string, topic: string, startTime: string, duration = 60, extra: Record<string, unknown> = {}): Promise<MeetingView> {
  const res = await t.call('POST', '/api/v6/meeting', { topic, startTime, duration, ...extra }, { 'x-user-id': adminId });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data as MeetingView;
}
async function remove(t: Harness, id: string): Promise<void> {
  const res = await t.call('DELETE', `/api/v6/meeting/${id}`);
  expect(res.statusCode, res.body).toBe(200);
}
async function read(t: Harness, id: string): Promise<MeetingView> {
  const res = await t.call('GET', `/api/v6/meeting/${id}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data as MeetingView;
}
async function setQuota(t: Harness, accountId: string, n: number) {
  const res = await t.call('PUT', `/api/v6/account/${accountId}`, { numberOfMeetingRooms: n });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data as { numberOfMeetingRooms: number; accountRooms: Array<{ id: string; index: number; isActive: boolean }> };
}
/** Room ids by index: rooms[1] is "Room 1". */
async function roomIds(t: Harness, accountId: string): Promise<Record<number, string>> {
  return Object.fromEntries((await t.store.rooms.listByAccount(accountId)).map((r) => [r.index, r.id]));
}
async function events(t: Harness, meetingId: string) {
  const { items } = await t.store.outbox.listEvents({ meetingId, offset: 0, limit: 100 });
  return items.sort((a, b) => a.sequence - b.sequence);
}
const eventNames = async (t: Harness, meetingId: string) => (await events(t, meetingId)).map((e) => e.event);

describe('E4 lowering numberOfMeetingRooms re-allocates the meetings of the deactivated rooms (§12.2)', () => {
  it('moves room 3’s future meetings to rooms 1–2 by the overlap rule, one after another; ended and deleted ones stay', async () => {
    const acc = await h.newAccount(undefined, { numberOfMeetingRooms: 3 });
    const a = acc.adminId;
    // Blockers fill rooms 1 and 2 so that P and then Q (which overlap each other) both land in room 3.
    const b1 = await schedule(h, a, 'B1', '2024-04-01T07:00:00Z', 120);
    const b2 = await schedule(h, a, 'B2', '2024-04-01T07:00:00Z', 120);
    const p = await schedule(h, a, 'P', '2024-04-01T07:00:00Z');
    const b3 = await schedule(h, a, 'B3', '2024-04-01T07:00:00Z', 120);
    const b4 = await schedule(h, a, 'B4', '2024-04-01T07:00:00Z', 120);
    const q = await schedule(h, a, 'Q', '2024-04-01T07:30:00Z');
    // Three meetings whose series ended in 2020, and three on another day of which the one in room 3 is deleted.
    const ended = [await schedule(h, a, 'E1', '2020-04-07T09:00:00Z'), await schedule(h, a, 'E2', '2020-04-07T09:00:00Z'), await schedule(h, a, 'E3', '2020-04-07T09:00:00Z')];
    const other = [await schedule(h, a, 'X1', '2024-04-02T07:00:00Z'), await schedule(h, a, 'X2', '2024-04-02T07:00:00Z'), await schedule(h, a, 'X3', '2024-04-02T07:00:00Z')];
    const room = await roomIds(h, acc.accountId);
    expect([b1, b2, p, b3, b4, q].map((m) => m.roomId)).toEqual([room[1], room[2], room[3], room[1], room[2], room[3]]);
    expect(ended.map((m) => m.roomId)).toEqual([room[1], room[2], room[3]]);
    expect(other.map((m) => m.roomId)).toEqual([room[1], room[2], room[3]]);
    await remove(h, other[2]!.id);
    // Only B1 stays: it overlaps both P and Q in room 1.
    for (const m of [b2, b3, b4]) await remove(h, m.id);

    clock.set(T1);
    const after = await setQuota(h, acc.accountId, 2);
    expect(after.accountRooms.map((r) => [r.index, r.isActive])).toEqual([
      [1, true],
      [2, true],
      [3, false],
    ]);

    // P (earlier start) goes first: room 1 holds B1, room 2 nothing → room 2. Q then sees P in room 2: one
    // overlap in each room → the lower index, room 1 (it would have taken room 2 had P not been counted).
    const p2 = await read(h, p.id);
    const q2 = await read(h, q.id);
    expect(p2).toMatchObject({ roomId: room[2], icalSequence: p.icalSequence, updatedAt: T1 });
    expect(q2).toMatchObject({ roomId: room[1], icalSequence: q.icalSequence, updatedAt: T1 });
    for (const m of [p, q]) {
      const evs = await events(h, m.id);
      expect(evs.map((e) => e.event)).toEqual(['onMeetingScheduled', 'onMeetingUpdated']);
      expect(evs[1]!.occurredAt).toBe(Date.parse(T1));
      expect(JSON.parse(evs[1]!.payload).roomId).toBe(m === p ? room[2] : room[1]);
    }

    // Ended and deleted meetings keep their room, as do the meetings of the rooms that stay active.
    expect(await read(h, ended[2]!.id)).toMatchObject({ roomId: room[3], updatedAt: ended[2]!.updatedAt });
    expect((await h.store.meetings.getAny('*', other[2]!.id))!.roomId).toBe(room[3]);
    expect(await eventNames(h, ended[2]!.id)).toEqual(['onMeetingScheduled']);
    expect(await eventNames(h, other[2]!.id)).toEqual(['onMeetingScheduled', 'onMeetingDeleted']);
    for (const m of [b1, other[0]!, other[1]!]) {
      expect(await read(h, m.id)).toMatchObject({ roomId: m.roomId, updatedAt: m.updatedAt });
      expect(await eventNames(h, m.id)).toEqual(['onMeetingScheduled']);
    }
    const inRoom3 = await h.call('GET', `/api/v6/meeting/account/${acc.accountId}`);
    expect((inRoom3.json().data as MeetingView[]).filter((m) => m.roomId === room[3]).map((m) => m.topic)).toEqual([]);

    // Raising the quota again re-activates room 3 but moves nothing back and records nothing.
    const regrown = await setQuota(h, acc.accountId, 3);
    expect(regrown.accountRooms.map((r) => r.isActive)).toEqual([true, true, true]);
    expect((await read(h, p.id)).roomId).toBe(room[2]);
    expect((await read(h, q.id)).roomId).toBe(room[1]);
    expect(await eventNames(h, p.id)).toEqual(['onMeetingScheduled', 'onMeetingUpdated']);
  });

  it('moves a series that began before now and still runs; cutting to one room gathers everything there', async () => {
    const acc = await h.newAccount(undefined, { numberOfMeetingRooms: 3 });
    const weekly = { isRecurring: true, recurring: { frequencyType: 'Week', frequency: '1', endsType: 'count', endsAfter: 10 } };
    const series: MeetingView[] = [];
    for (let i = 0; i < 3; i++) series.push(await schedule(h, acc.adminId, 'Weekly', '2024-03-01T07:00:00Z', 60, weekly));
    const room = await roomIds(h, acc.accountId);
    expect(series.map((m) => m.roomId)).toEqual([room[1], room[2], room[3]]);

    const after = await setQuota(h, acc.accountId, 1);
    expect(after.accountRooms.map((r) => r.isActive)).toEqual([true, false, false]);
    for (const m of series) expect((await read(h, m.id)).roomId).toBe(room[1]);
    expect(await eventNames(h, series[0]!.id)).toEqual(['onMeetingScheduled']);
    for (const m of series.slice(1)) expect(await eventNames(h, m.id)).toEqual(['onMeetingScheduled', 'onMeetingUpdated']);
  });

  it('in strict room mode falls back to the least-booked room instead of failing, and still prefers a free one', async () => {
    const strict = await harness({ clock, env: { CONVENE_ROOM_STRICT: 'true' } });
    try {
      const acc = await strict.newAccount(undefined, { numberOfMeetingRooms: 3 });
      const a = acc.adminId;
      const early = [await schedule(strict, a, 'A', '2024-04-01T07:00:00Z'), await schedule(strict, a, 'B', '2024-04-01T07:00:00Z'), await schedule(strict, a, 'C', '2024-04-01T07:00:00Z')];
      const late = [await schedule(strict, a, 'A2', '2024-04-01T09:00:00Z'), await schedule(strict, a, 'B2', '2024-04-01T09:00:00Z'), await schedule(strict, a, 'C2', '2024-04-01T09:00:00Z')];
      const room = await roomIds(strict, acc.accountId);
      expect([...early, ...late].map((m) => m.roomId)).toEqual([room[1], room[2], room[3], room[1], room[2], room[3]]);
      await remove(strict, late[1]!.id);

      await setQuota(strict, acc.accountId, 2);
      // C: rooms 1 and 2 are both booked at 07:00, so it shares the lower one rather than answering -7.
      expect((await read(strict, early[2]!.id)).roomId).toBe(room[1]);
      // C2: room 2 is free at 09:00 since B2 was deleted.
      expect((await read(strict, late[2]!.id)).roomId).toBe(room[2]);
      // Scheduling itself stays strict.
      const full = await strict.call('POST', '/api/v6/meeting', { topic: 'D', startTime: '2024-04-01T07:00:00Z', duration: 60 }, { 'x-user-id': a });
      expect(full.statusCode, full.body).toBe(409);
      expect(full.json().responseCode).toBe(-7);
    } finally {
      await strict.close();
    }
  });

  it('is one transaction: a failure while moving the second meeting leaves every row as it was', async () => {
    const acc = await h.newAccount(undefined, { numberOfMeetingRooms: 3 });
    const ms: MeetingView[] = [];
    for (let i = 0; i < 6; i++) ms.push(await schedule(h, acc.adminId, `M${i}`, '2024-04-01T07:00:00Z'));
    const room = await roomIds(h, acc.accountId);
    expect(ms.map((m) => m.roomId)).toEqual([room[1], room[2], room[3], room[1], room[2], room[3]]);

    let calls = 0;
    const deps = {
      ...h.deps,
      renderWebhookPayload: () => {
        if (++calls === 2) throw new Error('renderer failed');
        return '{}';
      },
    } as typeof h.deps;
    const before = await snapshot(h);
    await expect(updateAccount(deps, INSTANCE_ACTOR, acc.accountId, { numberOfMeetingRooms: 2 })).rejects.toThrow('renderer failed');
    expect(calls).toBe(2);
    expect(await snapshot(h)).toBe(before);
  });

  it('with no active room left (a quota of 0, which E4 rejects) deactivates every room and moves nothing', async () => {
    const acc = await h.newAccount(undefined, { numberOfMeetingRooms: 2 });
    const m1 = await schedule(h, acc.adminId, 'M1', '2024-04-01T07:00:00Z');
    const m2 = await schedule(h, acc.adminId, 'M2', '2024-04-01T07:00:00Z');
    const room = await roomIds(h, acc.accountId);
    expect([m1.roomId, m2.roomId]).toEqual([room[1], room[2]]);

    await updateAccount(h.deps, INSTANCE_ACTOR, acc.accountId, { numberOfMeetingRooms: 0 });
    expect((await h.store.rooms.listByAccount(acc.accountId)).map((r) => r.isActive)).toEqual([false, false]);
    expect((await read(h, m1.id)).roomId).toBe(room[1]);
    expect((await read(h, m2.id)).roomId).toBe(room[2]);
    expect(await eventNames(h, m2.id)).toEqual(['onMeetingScheduled']);
    // As ensureRooms and §8.8 already had it: nothing can be scheduled without an active room.
    const res = await h.call('POST', '/api/v6/meeting', { topic: 'X', startTime: '2024-04-05T07:00:00Z', duration: 60 }, { 'x-user-id': acc.adminId });
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json().responseCode).toBe(-7);
  });
});
