/** Meeting rosters (invitees) on Kysely (one implementation for every engine). */
import type { Kysely } from 'kysely';
import type { RosterRepository } from '../../domain/live/ports.js';
import type { RosterEntry, TerminalType } from '../../domain/live/types.js';
import type { SqlCapabilities } from './capabilities.js';
import { fromIntBool, toIntBool } from './rows.js';
import type { Database, RosterEntriesTable } from './schema.js';

/** RosterEntry → row. */
export function rosterEntryToRow(e: RosterEntry): RosterEntriesTable {
  return {
    id: e.id,
    meeting_id: e.meetingId,
    account_id: e.accountId,
    position: e.position,
    name: e.name,
    user_id: e.userId,
    phone: e.phone,
    email: e.email,
    sms: e.sms,
    type: e.type,
    host_role: toIntBool(e.hostRole),
    join_muted: toIntBool(e.joinMuted),
    dept_uuid: e.deptUuid,
    dept_name: e.deptName,
    created_at: e.createdAt,
  };
}

/** Row → RosterEntry. */
export function rosterEntryFromRow(r: RosterEntriesTable): RosterEntry {
  return {
    id: r.id,
    meetingId: r.meeting_id,
    accountId: r.account_id,
    position: r.position,
    name: r.name,
    userId: r.user_id,
    phone: r.phone,
    email: r.email,
    sms: r.sms,
    type: r.type as TerminalType,
    hostRole: fromIntBool(r.host_role),
    joinMuted: fromIntBool(r.join_muted),
    deptUuid: r.dept_uuid,
    deptName: r.dept_name,
    createdAt: r.created_at,
  };
}

/** `RosterRepository` over a `Kysely<Database>` or a `Transaction<Database>`. */
export class SqlRosterRepository implements RosterRepository {
  readonly #db: Kysely<Database>;

  /** `caps` is unused today; every repository takes it so the factory stays uniform. */
  constructor(db: Kysely<Database>, _caps: SqlCapabilities) {
    this.#db = db;
  }

  /** The meeting's roster in roster order (position, then creation time, then id). */
  async list(meetingId: string): Promise<RosterEntry[]> {
    const rows = await this.#db
      .selectFrom('roster_entries')
      .selectAll()
      .where('meeting_id', '=', meetingId)
      .orderBy('position')
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(rosterEntryFromRow);
  }

  /** The entry `id` of this meeting (an entry of another meeting is not found). */
  async get(meetingId: string, id: string): Promise<RosterEntry | undefined> {
    const row = await this.#db
      .selectFrom('roster_entries')
      .selectAll()
      .where('meeting_id', '=', meetingId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && rosterEntryFromRow(row);
  }

  /** Inserts an entry. */
  async insert(e: RosterEntry): Promise<void> {
    await this.#db.insertInto('roster_entries').values(rosterEntryToRow(e)).execute();
  }

  /** Overwrites the entry with `e.id` of `e.meetingId`. */
  async update(e: RosterEntry): Promise<void> {
    const { id, meeting_id, ...rest } = rosterEntryToRow(e);
    await this.#db.updateTable('roster_entries').set(rest).where('id', '=', id).where('meeting_id', '=', meeting_id).execute();
  }

  /** Deletes the entry `id` of this meeting (an entry of another meeting is left alone). */
  async delete(meetingId: string, id: string): Promise<void> {
    await this.#db.deleteFrom('roster_entries').where('meeting_id', '=', meetingId).where('id', '=', id).execute();
  }
}
