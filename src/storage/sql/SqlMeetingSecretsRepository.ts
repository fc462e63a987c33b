/** Per-meeting passwords on Kysely (one implementation for every engine). */
import type { Kysely } from 'kysely';
import type { MeetingSecrets, MeetingSecretsRepository } from '../../domain/ports.js';
import type { SqlCapabilities } from './capabilities.js';
import type { Database, MeetingSecretsTable } from './schema.js';

/** MeetingSecrets → row. */
export function meetingSecretsToRow(s: MeetingSecrets): MeetingSecretsTable {
  return { meeting_id: s.meetingId, chair_password: s.chairPassword, guest_password: s.guestPassword };
}

/** Row → MeetingSecrets. */
export function meetingSecretsFromRow(r: MeetingSecretsTable): MeetingSecrets {
  return { meetingId: r.meeting_id, chairPassword: r.chair_password, guestPassword: r.guest_password };
}

/** `MeetingSecretsRepository` over a `Kysely<Database>` or a `Transaction<Database>`. */
export class SqlMeetingSecretsRepository implements MeetingSecretsRepository {
  readonly #db: Kysely<Database>;

  /** `caps` is unused today; every repository takes it so the factory stays uniform. */
  constructor(db: Kysely<Database>, _caps: SqlCapabilities) {
    this.#db = db;
  }

  /** The meeting's passwords, if they were created. */
  async get(meetingId: string): Promise<MeetingSecrets | undefined> {
    const row = await this.#db.selectFrom('meeting_secrets').selectAll().where('meeting_id', '=', meetingId).executeTakeFirst();
    return row && meetingSecretsFromRow(row);
  }

  /**
   * Stores `s` unless the meeting has passwords already, and returns the stored ones either way.
   * `ON CONFLICT DO NOTHING` makes the first writer win without raising (which would abort a PostgreSQL transaction).
   */
  async getOrInit(s: MeetingSecrets): Promise<MeetingSecrets> {
    await this.#db
      .insertInto('meeting_secrets')
      .values(meetingSecretsToRow(s))
      .onConflict((oc) => oc.column('meeting_id').doNothing())
      .execute();
    // Unreachable fallback unless the row was deleted in between.
    return (await this.get(s.meetingId)) ?? s;
  }

  /** Overwrites the meeting's passwords (an upsert, so a meeting without a row gets one). */
  async update(s: MeetingSecrets): Promise<void> {
    const row = meetingSecretsToRow(s);
    const { meeting_id: _m, ...rest } = row;
    await this.#db
      .insertInto('meeting_secrets')
      .values(row)
      .onConflict((oc) => oc.column('meeting_id').doUpdateSet(rest))
      .execute();
  }
}
