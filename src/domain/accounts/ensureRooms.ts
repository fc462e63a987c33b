import type { Deps } from '../deps.js';
import type { Repositories } from '../ports.js';
import type { Account } from './Account.js';
import type { Room } from './Room.js';

/**
 * Provisions the account's rooms up to `numberOfMeetingRooms` ("Room 1…n") and deactivates those above
 * the quota (webmeeting-v6 §12.2). Returns the rooms ordered by index. Runs inside the caller's transaction.
 */
export async function ensureRooms(tx: Repositories, deps: Pick<Deps, 'ids' | 'clock'>, account: Account): Promise<Room[]> {
  const rooms = await tx.rooms.listByAccount(account.id);
  const now = deps.clock.now();
  for (const r of rooms) {
    const shouldBeActive = r.index <= account.numberOfMeetingRooms;
    if (r.isActive !== shouldBeActive) {
      r.isActive = shouldBeActive;
      await tx.rooms.update(r);
    }
  }
  for (let i = rooms.length + 1; i <= account.numberOfMeetingRooms; i++) {
    const room: Room = { id: deps.ids.objectId(), accountId: account.id, name: `Room ${i}`, index: i, isActive: true, createdAt: now };
    await tx.rooms.insert(room);
    rooms.push(room);
  }
  return rooms.sort((a, b) => a.index - b.index);
}
