/** Rooms: E50–E52 (webmeeting-v6 §12.2). */
import { Type } from 'typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ensureRooms } from '../../domain/accounts/ensureRooms.js';
import { requireAccountAccess, requireAccountAdmin, scopeOf } from '../../domain/accounts/policies.js';
import { renameRoom, roomNotFound } from '../../domain/accounts/renameRoom.js';
import type { Room } from '../../domain/accounts/Room.js';
import type { Deps } from '../../domain/deps.js';
import { DomainError, throwIfInvalid, type FieldIssue } from '../../domain/errors.js';
import { loadAccount, pathId } from './accounts.js';
import { actorOf } from './context.js';
import { presentRoom } from './presenters.js';
import { Hex24, RoomSchema, responses } from './schema.js';
import { readRenameRoom } from './userInput.js';

/** Loads a room the actor may see (-5 otherwise, §3.1); renaming also needs an admin (-3 before the body). */
async function loadRoom(deps: Deps, req: FastifyRequest, write: boolean): Promise<Room> {
  const actor = actorOf(req);
  const room = await deps.store.rooms.get(scopeOf(actor), pathId(req, 'roomId'));
  if (!room) throw roomNotFound();
  if (write) requireAccountAdmin(actor, room.accountId);
  else requireAccountAccess(actor, room.accountId);
  return room;
}

/** Registers E50–E52. */
export function registerRoomsRoutes(f: FastifyInstance, deps: Deps): void {
  const acct = { auth: 'apiKey' as const, v6: { perm: 'account' as const, user: 'optional' as const } };
  const tags = ['rooms'];
  const roomParams = Type.Object({ roomId: Hex24 });

  f.get('/room/account/:accountId', {
    config: acct,
    schema: { operationId: 'webmeeting.listRooms', tags, description: 'The account\u2019s rooms by index; missing rooms up to numberOfMeetingRooms are provisioned first.', params: Type.Object({ accountId: Hex24 }), response: responses(Type.Array(RoomSchema)) },
  }, async (req, reply) => {
    const { id } = await loadAccount(deps, req, pathId(req, 'accountId'));
    // Re-read inside the transaction so a concurrent quota change cannot provision against a stale quota.
    const rooms = await deps.store.transaction(async (tx) => {
      const account = await tx.accounts.get(id, id);
      if (!account) throw new DomainError('account.not_found', 'account not found', [{ field: 'path.accountId', code: 'notFound', message: 'no such account' }]);
      return ensureRooms(tx, deps, account);
    });
    reply.header('X-Total-Count', String(rooms.length));
    return { responseCode: 0, data: rooms.map(presentRoom) };
  });

  f.get('/room/:roomId', {
    config: acct,
    schema: { operationId: 'webmeeting.getRoom', tags, params: roomParams, response: responses(RoomSchema) },
  }, async (req) => {
    return { responseCode: 0, data: presentRoom(await loadRoom(deps, req, false)) };
  });

  f.put('/room/:roomId', {
    config: acct,
    schema: { operationId: 'webmeeting.renameRoom', tags, description: 'Takes `{name}` (1..100).', params: roomParams, body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }), response: responses(RoomSchema) },
  }, async (req) => {
    const room = await loadRoom(deps, req, true);
    const issues: FieldIssue[] = [];
    const name = readRenameRoom(req.body, issues);
    throwIfInvalid(issues);
    return { responseCode: 0, data: presentRoom(await renameRoom(deps, actorOf(req), room.id, name)) };
  });
}
