/** Recordings on Kysely (one implementation for every engine). */
import type { Kysely } from 'kysely';
import type { Page, Paged, RecordingRepository, Scope } from '../../domain/ports.js';
import type { Recording } from '../../domain/recordings/Recording.js';
import type { SqlCapabilities } from './capabilities.js';
import { isAccountScope, toCount } from './rows.js';
import type { Database, RecordingsTable } from './schema.js';

/** Recording → row. */
export function recordingToRow(r: Recording): RecordingsTable {
  return {
    id: r.id,
    account_id: r.accountId,
    meeting_id: r.meetingId,
    recurrence_id: r.recurrenceId,
    started_at: r.startedAt,
    ended_at: r.endedAt,
    duration_seconds: r.durationSeconds,
    size_bytes: r.sizeBytes,
    mime_type: r.mimeType,
    storage_path: r.storagePath,
    created_at: r.createdAt,
  };
}

/** Row → Recording. */
export function recordingFromRow(r: RecordingsTable): Recording {
  return {
    id: r.id,
    accountId: r.account_id,
    meetingId: r.meeting_id,
    recurrenceId: r.recurrence_id,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    durationSeconds: r.duration_seconds,
    sizeBytes: r.size_bytes,
    mimeType: r.mime_type,
    storagePath: r.storage_path,
    createdAt: r.created_at,
  };
}

/** `RecordingRepository` over a `Kysely<Database>` or a `Transaction<Database>`. */
export class SqlRecordingRepository implements RecordingRepository {
  readonly #db: Kysely<Database>;

  /** `caps` is unused today; every repository takes it so the factory stays uniform. */
  constructor(db: Kysely<Database>, _caps: SqlCapabilities) {
    this.#db = db;
  }

  /** The recording with `id`, if `scope` may see it. */
  async get(scope: Scope, id: string): Promise<Recording | undefined> {
    const row = await this.#db
      .selectFrom('recordings')
      .selectAll()
      .where('id', '=', id)
      .$if(isAccountScope(scope), (q) => q.where('account_id', '=', scope))
      .executeTakeFirst();
    return row && recordingFromRow(row);
  }

  /** A page of the meeting's recordings visible in `scope`, ordered by (startedAt, id), and their total. */
  async listByMeeting(scope: Scope, meetingId: string, page: Page): Promise<Paged<Recording>> {
    const base = this.#db
      .selectFrom('recordings')
      .where('meeting_id', '=', meetingId)
      .$if(isAccountScope(scope), (q) => q.where('account_id', '=', scope));
    // Sequential rather than Promise.all: inside a transaction both run on its one connection anyway.
    const rows = await base.selectAll().orderBy('started_at').orderBy('id').offset(page.offset).limit(page.limit).execute();
    const total = await base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
    return { items: rows.map(recordingFromRow), total: toCount(total?.n) };
  }

  /** Inserts a recording. */
  async insert(recording: Recording): Promise<void> {
    await this.#db.insertInto('recordings').values(recordingToRow(recording)).execute();
  }

  /** Deletes the account's recording `id` (a no-op for another account's id). */
  async delete(accountId: string, id: string): Promise<void> {
    await this.#db.deleteFrom('recordings').where('id', '=', id).where('account_id', '=', accountId).execute();
  }
}
