/** Meeting rooms on Kysely (one implementation for every engine). */
import type { Kysely } from 'kysely';
import type { Room } from '../../domain/accounts/Room.js';
import type { RoomRepository, Scope } from '../../domain/ports.js';
import type { SqlCapabilities } from './capabilities.js';
import { fromIntBool, isAccountScope, toIntBool } from './rows.js';
import type { Database, RoomsTable } from './schema.js';

/** Room → row. */
export function roomToRow(r: Room): RoomsTable {
  return {
    id: r.id,
    account_id: r.accountId,
    name: r.name,
    room_index: r.index,
    is_active: toIntBool(r.isActive),
    created_at: r.createdAt,
  };
}

/** Row → Room. */
export function roomFromRow(r: RoomsTable): Room {
  return {
    id: r.id,
    accountId: r.account_id,
    name: r.name,
    index: r.room_index,
    isActive: fromIntBool(r.is_active),
    createdAt: r.created_at,
  };
}

/** `RoomRepository` over a `Kysely<Database>` or a `Transaction<Database>`. */
export class SqlRoomRepository implements RoomRepository {
  readonly #db: Kysely<Database>;

  /** `caps` is unused today; every repository takes it so the factory stays uniform. */
  constructor(db: Kysely<Database>, _caps: SqlCapabilities) {
    this.#db = db;
  }

  /** The room with `id`, if `scope` may see it. */
  async get(scope: Scope, id: string): Promise<Room | undefined> {
    const row = await this.#db
      .selectFrom('rooms')
      .selectAll()
      .where('id', '=', id)
      .$if(isAccountScope(scope), (q) => q.where('account_id', '=', scope))
      .executeTakeFirst();
    return row && roomFromRow(row);
  }

  /** The account's rooms ordered by index (then id, so equal indexes still list stably). */
  async listByAccount(accountId: string): Promise<Room[]> {
    const rows = await this.#db
      .selectFrom('rooms')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('room_index')
      .orderBy('id')
      .execute();
    return rows.map(roomFromRow);
  }

  /** Inserts a room. */
  async insert(room: Room): Promise<void> {
    await this.#db.insertInto('rooms').values(roomToRow(room)).execute();
  }

  /** Overwrites the room with `room.id`. */
  async update(room: Room): Promise<void> {
    const { id, ...rest } = roomToRow(room);
    await this.#db.updateTable('rooms').set(rest).where('id', '=', id).execute();
  }

  /** Deletes every room of the account. */
  async deleteByAccount(accountId: string): Promise<void> {
    await this.#db.deleteFrom('rooms').where('account_id', '=', accountId).execute();
  }
}
