/** The live event log on Kysely (one implementation for every engine). */
import type { Kysely } from 'kysely';
import type { LiveEventRepository } from '../../domain/live/ports.js';
import type { LiveEvent, LiveEventType } from '../../domain/live/types.js';
import type { SqlCapabilities } from './capabilities.js';
import { affected, fromJson, toJson } from './rows.js';
import type { Database, LiveEventsTable } from './schema.js';

/** LiveEvent → row. */
export function liveEventToRow(e: LiveEvent): LiveEventsTable {
  return {
    id: e.id,
    meeting_id: e.meetingId,
    conference_id: e.conferenceId,
    account_id: e.accountId,
    participant_id: e.participantId,
    type: e.type,
    data: toJson(e.data),
    occurred_at: e.occurredAt,
    seq: e.seq,
  };
}

/** Row → LiveEvent. */
export function liveEventFromRow(r: LiveEventsTable): LiveEvent {
  return {
    id: r.id,
    meetingId: r.meeting_id,
    conferenceId: r.conference_id,
    accountId: r.account_id,
    participantId: r.participant_id,
    type: r.type as LiveEventType,
    data: fromJson<Record<string, unknown>>(r.data),
    occurredAt: r.occurred_at,
    seq: r.seq,
  };
}

/** `LiveEventRepository` over a `Kysely<Database>` or a `Transaction<Database>`. */
export class SqlLiveEventRepository implements LiveEventRepository {
  readonly #db: Kysely<Database>;

  /** `caps` is unused today; every repository takes it so the factory stays uniform. */
  constructor(db: Kysely<Database>, _caps: SqlCapabilities) {
    this.#db = db;
  }

  /** Appends an event; a second event with the same (meetingId, seq) rejects (the number is never reused). */
  async insert(e: LiveEvent): Promise<void> {
    await this.#db.insertInto('live_events').values(liveEventToRow(e)).execute();
  }

  /** The meeting's events with `seq > afterSeq` (all when absent), in seq order, at most `limit` of them. */
  async list(meetingId: string, afterSeq?: number, limit?: number): Promise<LiveEvent[]> {
    const rows = await this.#db
      .selectFrom('live_events')
      .selectAll()
      .where('meeting_id', '=', meetingId)
      .$if(afterSeq !== undefined, (q) => q.where('seq', '>', afterSeq ?? 0))
      .orderBy('seq')
      .$if(limit !== undefined, (q) => q.limit(limit ?? 0))
      .execute();
    return rows.map(liveEventFromRow);
  }

  /**
   * Deletes at most `limit` events with `occurredAt < before` whose conference ended before `before`, oldest
   * first. "Not running and not ended since" is asked as NOT EXISTS, so events whose conference row is gone go
   * too instead of staying forever.
   */
  async pruneEnded(before: number, limit: number): Promise<number> {
    const r = await this.#db
      .deleteFrom('live_events')
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('live_events as e')
          .select('e.id')
          .where('e.occurred_at', '<', before)
          .where(({ not, exists, selectFrom }) =>
            not(
              exists(
                selectFrom('conferences as c')
                  .select('c.id')
                  .whereRef('c.id', '=', 'e.conference_id')
                  .where((c) => c.or([c('c.ended_at', 'is', null), c('c.ended_at', '>=', before)])),
              ),
            ),
          )
          .orderBy('e.occurred_at')
          .limit(limit),
      )
      .executeTakeFirst();
    return affected(r.numDeletedRows);
  }
}
