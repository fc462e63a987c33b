import type { Deps } from '../deps.js';
import { DomainError } from '../errors.js';
import { requireAccountAdmin, scopeOf, type Actor } from './policies.js';
import type { Room } from './Room.js';

/** The -5 answer for a room id. */
export function roomNotFound(): DomainError {
  return new DomainError('room.not_found', 'room not found', [{ field: 'path.roomId', code: 'notFound', message: 'no such room' }]);
}

/**
 * Renames a room (webmeeting-v6 E52, §12.2). Admin-only.
 * @param name 1..100 characters, already validated.
 * @throws DomainError room.not_found (-5, also for another account's room), permission.denied (-3).
 */
export async function renameRoom(deps: Deps, actor: Actor, roomId: string, name: string): Promise<Room> {
  return deps.store.transaction(async (tx) => {
    const room = await tx.rooms.get(scopeOf(actor), roomId);
    if (!room) throw roomNotFound();
    requireAccountAdmin(actor, room.accountId);
    const next: Room = { ...room, name };
    await tx.rooms.update(next);
    return next;
  });
}
