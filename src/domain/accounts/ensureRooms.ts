import type { Deps } from '../deps.js';
import type { Repositories } from '../ports.js';
import type { Account } from './Account.js';
import type { Room } from './Room.js';

/**
 * Provisions the account's rooms up to `numberOfMeetingRooms` ("Room 1…n") and deactivates those above
 * the quota (webmeeting-v6 §12.2). Returns the rooms ordered by index. Runs inside the caller's transaction.
 * Before creating rooms it locks the account and looks again, so two concurrent first schedulings cannot
 * both create "Room 1" (PostgreSQL's READ COMMITTED would let each see none); it then follows the quota as
 * locked, which is `account`'s unless another transaction changed it meanwhile. When no room is missing it
 * takes the account's shared lock instead (see below).
 */
export async function ensureRooms(tx: Repositories, deps: Pick<Deps, 'ids' | 'clock'>, account: Account): Promise<Room[]> {
  let rooms = await tx.rooms.listByAccount(account.id);
  let mayCreate = true;
  if (rooms.length < account.numberOfMeetingRooms) {
    account = (await tx.accounts.getForUpdate(account.id, account.id)) ?? account;
    rooms = await tx.rooms.listByAccount(account.id);
  } else {
    // A shared lock, then the rooms again: a quota cut in progress (which holds the account for update and
    // re-allocates the meetings on the rooms it deactivates) finishes first, and none starts until this
    // transaction, which may place a meeting in a room, has committed. Rooms a concurrent quota raise added
    // are created on a later call: upgrading a shared lock could deadlock with another shared holder.
    account = (await tx.accounts.getForShare(account.id, account.id)) ?? account;
    rooms = await tx.rooms.listByAccount(account.id);
    mayCreate = false;
  }
  const now = deps.clock.now();
  for (const r of rooms) {
    const shouldBeActive = r.index <= account.numberOfMeetingRooms;
    if (r.isActive !== shouldBeActive) {
      r.isActive = shouldBeActive;
      await tx.rooms.update(r);
    }
  }
  for (let i = rooms.length + 1; mayCreate && i <= account.numberOfMeetingRooms; i++) {
    const room: Room = { id: deps.ids.objectId(), accountId: account.id, name: `Room ${i}`, index: i, isActive: true, createdAt: now };
    await tx.rooms.insert(room);
    rooms.push(room);
  }
  return rooms.sort((a, b) => a.index - b.index);
}
