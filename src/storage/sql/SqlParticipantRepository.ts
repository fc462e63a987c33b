/** Participant legs on Kysely (one implementation for every engine). */
import type { Kysely } from 'kysely';
import type { ParticipantRepository } from '../../domain/live/ports.js';
import {
  liveStates,
  type CallProgress,
  type DisconnectReason,
  type LegKind,
  type Participant,
  type ParticipantRole,
  type ParticipantState,
} from '../../domain/live/types.js';
import type { SqlCapabilities } from './capabilities.js';
import { fromIntBool, toCount, toIntBool } from './rows.js';
import type { Database, ParticipantsTable } from './schema.js';

/** Participant → row. */
export function participantToRow(p: Participant): ParticipantsTable {
  return {
    id: p.id,
    conference_id: p.conferenceId,
    meeting_id: p.meetingId,
    account_id: p.accountId,
    roster_id: p.rosterId,
    kind: p.kind,
    user_id: p.userId,
    name: p.name,
    phone: p.phone,
    state: p.state,
    progress: p.progress,
    reason: p.reason,
    sip_status_code: p.sipStatusCode,
    reject_description: p.rejectDescription,
    role: p.role,
    muted: toIntBool(p.muted),
    muted_by_host: toIntBool(p.mutedByHost),
    hand_raised: toIntBool(p.handRaised),
    video: toIntBool(p.video),
    invited: toIntBool(p.invited),
    created_at: p.createdAt,
    joined_at: p.joinedAt,
    ended_at: p.endedAt,
    network: p.network,
  };
}

/** Row → Participant. */
export function participantFromRow(r: ParticipantsTable): Participant {
  return {
    id: r.id,
    conferenceId: r.conference_id,
    meetingId: r.meeting_id,
    accountId: r.account_id,
    rosterId: r.roster_id,
    kind: r.kind as LegKind,
    userId: r.user_id,
    name: r.name,
    phone: r.phone,
    state: r.state as ParticipantState,
    progress: r.progress as CallProgress | null,
    reason: r.reason as DisconnectReason | null,
    sipStatusCode: r.sip_status_code,
    rejectDescription: r.reject_description,
    role: r.role as ParticipantRole,
    muted: fromIntBool(r.muted),
    mutedByHost: fromIntBool(r.muted_by_host),
    handRaised: fromIntBool(r.hand_raised),
    video: fromIntBool(r.video),
    invited: fromIntBool(r.invited),
    createdAt: r.created_at,
    joinedAt: r.joined_at,
    endedAt: r.ended_at,
    network: r.network as Participant['network'],
  };
}

/** `ParticipantRepository` over a `Kysely<Database>` or a `Transaction<Database>`. */
export class SqlParticipantRepository implements ParticipantRepository {
  readonly #db: Kysely<Database>;

  /** `caps` is unused today; every repository takes it so the factory stays uniform. */
  constructor(db: Kysely<Database>, _caps: SqlCapabilities) {
    this.#db = db;
  }

  /** The leg `pid` of this conference (a leg of another conference is not found). */
  async get(conferenceId: string, pid: string): Promise<Participant | undefined> {
    const row = await this.#db
      .selectFrom('participants')
      .selectAll()
      .where('id', '=', pid)
      .where('conference_id', '=', conferenceId)
      .executeTakeFirst();
    return row && participantFromRow(row);
  }

  /** The leg `pid`, whatever its conference. */
  async getById(pid: string): Promise<Participant | undefined> {
    const row = await this.#db.selectFrom('participants').selectAll().where('id', '=', pid).executeTakeFirst();
    return row && participantFromRow(row);
  }

  /** The conference's legs, oldest first (ties broken by id); `liveOnly` keeps the live states. */
  async list(conferenceId: string, opts: { liveOnly?: boolean } = {}): Promise<Participant[]> {
    const rows = await this.#db
      .selectFrom('participants')
      .selectAll()
      .where('conference_id', '=', conferenceId)
      .$if(opts.liveOnly === true, (q) => q.where('state', 'in', [...liveStates]))
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(participantFromRow);
  }

  /** The user's live legs in conferences that are still running, oldest first. */
  async listLiveByUser(userId: string): Promise<Participant[]> {
    const rows = await this.#db
      .selectFrom('participants as p')
      .innerJoin('conferences as c', 'c.id', 'p.conference_id')
      .selectAll('p')
      .where('p.user_id', '=', userId)
      .where('p.state', 'in', [...liveStates])
      .where('c.ended_at', 'is', null)
      .orderBy('p.created_at')
      .orderBy('p.id')
      .execute();
    return rows.map(participantFromRow);
  }

  /** Number of the conference's live legs. */
  async countLive(conferenceId: string): Promise<number> {
    const r = await this.#db
      .selectFrom('participants')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('conference_id', '=', conferenceId)
      .where('state', 'in', [...liveStates])
      .executeTakeFirst();
    return toCount(r?.n);
  }

  /** Inserts a leg (its conference must exist). */
  async insert(p: Participant): Promise<void> {
    await this.#db.insertInto('participants').values(participantToRow(p)).execute();
  }

  /** Overwrites the leg with `p.id`. */
  async update(p: Participant): Promise<void> {
    const { id, ...rest } = participantToRow(p);
    await this.#db.updateTable('participants').set(rest).where('id', '=', id).execute();
  }
}
