/**
 * Room allocation (webmeeting-v6 §8.8). Overlap uses the raw `[start, end)` of effective occurrences,
 * without early join or extension, within HORIZON_DAYS.
 */
import type { Account } from '../accounts/Account.js';
import { ensureRooms } from '../accounts/ensureRooms.js';
import type { Room } from '../accounts/Room.js';
import type { Deps } from '../deps.js';
import { DomainError } from '../errors.js';
import type { Repositories } from '../ports.js';
import type { Meeting } from './Meeting.js';
import { expand } from './recurrence.js';
import { horizonEndAt, seriesOf } from './state.js';

type Interval = { startTime: number; endTime: number };

/** True when two start-sorted interval lists share any instant. */
function intersects(a: Interval[], b: Interval[]): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x.startTime < y.endTime && y.startTime < x.endTime) return true;
    if (x.endTime <= y.endTime) i++;
    else j++;
  }
  return false;
}

/**
 * Chooses the room of `meeting` among the account's active rooms (provisioning them first) and returns its id.
 * - Permissive (default): keep `keepRoomId` when that room is still active; otherwise the room with the
 *   fewest overlapping meetings, ties to the lowest index. Never rejects.
 * - Strict (`settings.roomStrict`): keep `keepRoomId` when it is active and free; otherwise the first free
 *   room. @throws DomainError room.none_free when none is free.
 * Runs inside the caller's transaction; `meeting` is the new state (its own stored row is ignored).
 */
export async function allocateRoom(
  tx: Repositories,
  deps: Pick<Deps, 'ids' | 'clock' | 'settings'>,
  account: Account,
  meeting: Meeting,
  opts: { keepRoomId?: string } = {},
): Promise<string> {
  const rooms = (await ensureRooms(tx, deps, account)).filter((r) => r.isActive);
  return chooseRoom(tx, deps, account, rooms, meeting, opts);
}

/**
 * The §8.8 choice among `rooms` (the account's active rooms, already provisioned, ordered by index), as
 * {@link allocateRoom} describes. `permissive: true` applies the permissive rule even when `settings.roomStrict`
 * is set; the re-allocation after a quota cut uses it so that it can never fail half-way (§12.2).
 * @throws DomainError room.none_free when `rooms` is empty, or in strict mode when none is free.
 */
export async function chooseRoom(
  tx: Repositories,
  deps: Pick<Deps, 'clock' | 'settings'>,
  account: Account,
  rooms: Room[],
  meeting: Meeting,
  opts: { keepRoomId?: string; permissive?: boolean } = {},
): Promise<string> {
  const strict = deps.settings.roomStrict && opts.permissive !== true;
  if (rooms.length === 0) throw new DomainError('room.none_free', 'the account has no active meeting room');
  const kept = rooms.find((r) => r.id === opts.keepRoomId);
  if (kept && !strict) return kept.id;
  // Permissive mode never rejects, so with one room there is nothing to compare: skip loading overlaps.
  if (rooms.length === 1 && !strict) return rooms[0]!.id;

  const now = deps.clock.now();
  const from = meeting.startTime;
  const to = horizonEndAt(deps.settings, Math.max(meeting.startTime, now));
  let mine: Interval[] = expand(seriesOf(meeting), { from, to, horizonEnd: to });
  // A series whose every occurrence is cancelled still holds its first slot, so it lands somewhere sensible.
  if (mine.length === 0) mine = [{ startTime: meeting.startTime, endTime: meeting.endTime }];
  const lo = mine[0]!.startTime;
  const hi = Math.max(...mine.map((o) => o.endTime));

  const overlapping = async (roomId: string): Promise<number> => {
    const others = await tx.meetings.find({ scope: account.id, roomId, startsBefore: hi, endsAfter: lo });
    let n = 0;
    for (const other of others) {
      if (other.id === meeting.id) continue;
      if (intersects(mine, expand(seriesOf(other), { from: lo, to: hi, horizonEnd: to }))) n++;
    }
    return n;
  };

  if (strict) {
    if (kept && (await overlapping(kept.id)) === 0) return kept.id;
    for (const r of rooms) if ((await overlapping(r.id)) === 0) return r.id;
    throw new DomainError('room.none_free', 'no meeting room is free at that time', [{ field: null, code: 'limit', message: 'every meeting room of the account is booked at that time' }]);
  }
  let best = rooms[0]!;
  let bestCount = Infinity;
  for (const r of rooms) {
    const n = await overlapping(r.id);
    if (n < bestCount) {
      best = r;
      bestCount = n;
      if (n === 0) break;
    }
  }
  return best.id;
}
