/** Conferences (runs of meetings) on Kysely (one implementation for every engine). */
import type { Kysely } from 'kysely';
import type { ConferenceRepository } from '../../domain/live/ports.js';
import type { Conference, DisconnectReason } from '../../domain/live/types.js';
import type { SqlCapabilities } from './capabilities.js';
import { fromIntBool, isAccountScope, toIntBool } from './rows.js';
import type { ConferencesTable, Database } from './schema.js';

/** Conference → row. */
export function conferenceToRow(c: Conference): ConferencesTable {
  return {
    id: c.id,
    meeting_id: c.meetingId,
    account_id: c.accountId,
    started_at: c.startedAt,
    ended_at: c.endedAt,
    end_reason: c.endReason,
    locked: toIntBool(c.locked),
    mute_all: toIntBool(c.muteAll),
    allow_unmute_by_oneself: toIntBool(c.allowUnmuteByOneself),
    max_participants: c.maxParticipants,
    started_by_user_id: c.startedByUserId,
    focus_participant_id: c.focusParticipantId ?? null,
  };
}

/** Row → Conference. */
export function conferenceFromRow(r: ConferencesTable): Conference {
  return {
    id: r.id,
    meetingId: r.meeting_id,
    accountId: r.account_id,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    endReason: r.end_reason as DisconnectReason | null,
    locked: fromIntBool(r.locked),
    muteAll: fromIntBool(r.mute_all),
    allowUnmuteByOneself: fromIntBool(r.allow_unmute_by_oneself),
    maxParticipants: r.max_participants,
    startedByUserId: r.started_by_user_id,
    // Omitted when unset, so conferences written before 0004 (and fixtures) read back unchanged.
    ...(r.focus_participant_id !== null && r.focus_participant_id !== undefined ? { focusParticipantId: r.focus_participant_id } : {}),
  };
}

/** `ConferenceRepository` over a `Kysely<Database>` or a `Transaction<Database>`. */
export class SqlConferenceRepository implements ConferenceRepository {
  readonly #db: Kysely<Database>;

  /** `caps` is unused today; every repository takes it so the factory stays uniform. */
  constructor(db: Kysely<Database>, _caps: SqlCapabilities) {
    this.#db = db;
  }

  /** The conference with `id`, if `accountScope` (an account id or ALL_ACCOUNTS) may see it. */
  async get(accountScope: string, id: string): Promise<Conference | undefined> {
    const row = await this.#db
      .selectFrom('conferences')
      .selectAll()
      .where('id', '=', id)
      .$if(isAccountScope(accountScope), (q) => q.where('account_id', '=', accountScope))
      .executeTakeFirst();
    return row && conferenceFromRow(row);
  }

  /** The meeting's conference with `endedAt` null (the partial unique index allows at most one). */
  async getRunning(meetingId: string): Promise<Conference | undefined> {
    const row = await this.#db
      .selectFrom('conferences')
      .selectAll()
      .where('meeting_id', '=', meetingId)
      .where('ended_at', 'is', null)
      .executeTakeFirst();
    return row && conferenceFromRow(row);
  }

  /** The meeting's most recently started conference, running or ended (ties broken by id). */
  async getLatest(meetingId: string): Promise<Conference | undefined> {
    const row = await this.#db
      .selectFrom('conferences')
      .selectAll()
      .where('meeting_id', '=', meetingId)
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && conferenceFromRow(row);
  }

  /** Every running conference, oldest first. */
  async listRunning(): Promise<Conference[]> {
    const rows = await this.#db
      .selectFrom('conferences')
      .selectAll()
      .where('ended_at', 'is', null)
      .orderBy('started_at')
      .orderBy('id')
      .execute();
    return rows.map(conferenceFromRow);
  }

  /**
   * Inserts a conference. A second running conference of the same meeting violates
   * `conferences_running_meeting_id_key` and rejects with the driver's error (the transaction rolls back).
   */
  async insert(c: Conference): Promise<void> {
    await this.#db.insertInto('conferences').values(conferenceToRow(c)).execute();
  }

  /** Overwrites the conference with `c.id`. */
  async update(c: Conference): Promise<void> {
    const { id, ...rest } = conferenceToRow(c);
    await this.#db.updateTable('conferences').set(rest).where('id', '=', id).execute();
  }
}
