/** Meetings on Kysely (one implementation for every engine). */
import { sql, type Kysely, type SqlBool } from 'kysely';
import type { MeetingType } from '../../domain/accounts/Account.js';
import { DomainError } from '../../domain/errors.js';
import type {
  InvitedParticipant,
  Meeting,
  MeetingDocument,
  MeetingOrigin,
  OccurrenceException,
  Recurrence,
} from '../../domain/meetings/Meeting.js';
import type { DialInRelease, MeetingFilter, MeetingRepository, Scope } from '../../domain/ports.js';
import { precompiled } from './precompiled.js';
import type { SqlCapabilities } from './capabilities.js';
import { affected, escapeLike, fromIntBool, fromJson, isAccountScope, toCount, toIntBool, toJson } from './rows.js';
import type { Database, MeetingsTable } from './schema.js';

/**
 * Participants are written with a fixed key order and `email` first, so `find({ invitedEmail })` can match the
 * exact fragment `"email":"<address>"` with LIKE on both engines, without engine-specific JSON functions.
 */
function participantsToJson(ps: InvitedParticipant[]): string {
  return toJson(
    ps.map((p) => ({ email: p.email, name: p.name, phone: p.phone, language: p.language, isModerator: p.isModerator })),
  );
}

/** Meeting → row. */
export function meetingToRow(m: Meeting): MeetingsTable {
  return {
    id: m.id,
    account_id: m.accountId,
    meeting_number: m.meetingNumber,
    conference_id: m.conferenceId,
    room_code: m.roomCode,
    topic: m.topic,
    start_local: m.startLocal,
    timezone: m.timezone,
    duration_min: m.durationMin,
    start_time: m.startTime,
    end_time: m.endTime,
    series_end: m.seriesEnd,
    meeting_type: m.type,
    room_id: m.roomId,
    is_recurring: toIntBool(m.isRecurring),
    recurring: toJson(m.recurring),
    is_recorded: toIntBool(m.isRecorded),
    is_dialin: toIntBool(m.isDialin),
    invited_participants: participantsToJson(m.invitedParticipants),
    agenda: m.agenda,
    documents: toJson(m.documents),
    meeting_permission_id: m.meetingPermissionId,
    video_resolution: m.videoResolution,
    dt_closed_at: m.dtClosedAt,
    added_by_user_id: m.addedByUserId,
    added_by_user_email: m.addedByUserEmail,
    added_by_user_name: m.addedByUserName,
    private_data_visible: toIntBool(m.privateDataVisible),
    ical_sequence: m.icalSequence,
    ics_token: m.icsToken,
    dial_in_conference_room: m.dialInConferenceRoom,
    dial_in_pin: m.dialInPin,
    is_demo: toIntBool(m.isDemo),
    is_promo: toIntBool(m.isPromo),
    occurrence_exceptions: toJson(m.occurrenceExceptions),
    origin: m.origin,
    event_seq: m.eventSeq,
    deleted_at: m.deletedAt,
    created_at: m.createdAt,
    updated_at: m.updatedAt,
  };
}

/** Row → Meeting. */
export function meetingFromRow(r: MeetingsTable): Meeting {
  return {
    id: r.id,
    accountId: r.account_id,
    meetingNumber: r.meeting_number,
    conferenceId: r.conference_id,
    roomCode: r.room_code,
    topic: r.topic,
    startLocal: r.start_local,
    timezone: r.timezone,
    durationMin: r.duration_min,
    startTime: r.start_time,
    endTime: r.end_time,
    seriesEnd: r.series_end,
    type: r.meeting_type as MeetingType,
    roomId: r.room_id,
    isRecurring: fromIntBool(r.is_recurring),
    recurring: fromJson<Recurrence>(r.recurring),
    isRecorded: fromIntBool(r.is_recorded),
    isDialin: fromIntBool(r.is_dialin),
    invitedParticipants: fromJson<InvitedParticipant[]>(r.invited_participants),
    agenda: r.agenda,
    documents: fromJson<MeetingDocument[]>(r.documents),
    meetingPermissionId: r.meeting_permission_id,
    videoResolution: r.video_resolution as Meeting['videoResolution'],
    dtClosedAt: r.dt_closed_at,
    addedByUserId: r.added_by_user_id,
    addedByUserEmail: r.added_by_user_email,
    addedByUserName: r.added_by_user_name,
    privateDataVisible: fromIntBool(r.private_data_visible),
    icalSequence: r.ical_sequence,
    icsToken: r.ics_token,
    dialInConferenceRoom: r.dial_in_conference_room,
    dialInPin: r.dial_in_pin,
    isDemo: fromIntBool(r.is_demo),
    isPromo: fromIntBool(r.is_promo),
    occurrenceExceptions: fromJson<OccurrenceException[]>(r.occurrence_exceptions),
    origin: r.origin as MeetingOrigin,
    eventSeq: r.event_seq,
    deletedAt: r.deleted_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The code column a public code belongs to, told apart by length (CROSS-DIALECT.md: lengths differ). */
function codeColumn(digits: string): 'meeting_number' | 'conference_id' | 'room_code' | undefined {
  if (!/^\d+$/.test(digits)) return undefined;
  switch (digits.length) {
    case 16:
      return 'meeting_number';
    case 9:
      return 'conference_id';
    case 11:
      return 'room_code';
    default:
      return undefined;
  }
}

/** Strips the grouping characters a code may be shown with (dddd-dddd-dddd-dddd, DingTalk's 3-3-5). */
function normaliseCode(code: string): string {
  return code.replace(/[-\s]/g, '');
}

// The reads of every meeting request, compiled once (precompiled.ts).
const getAnywhere = precompiled((db, id: string) => db.selectFrom('meetings').selectAll().where('id', '=', id).where('deleted_at', 'is', null));
const getInAccount = precompiled((db, id: string, accountId: string) =>
  db.selectFrom('meetings').selectAll().where('id', '=', id).where('deleted_at', 'is', null).where('account_id', '=', accountId),
);

/** `MeetingRepository` over a `Kysely<Database>` or a `Transaction<Database>`. */
export class SqlMeetingRepository implements MeetingRepository {
  readonly #db: Kysely<Database>;
  readonly #caps: SqlCapabilities;

  /** `caps.supportsRowLocks` decides whether `getForUpdate` locks the row. */
  constructor(db: Kysely<Database>, caps: SqlCapabilities) {
    this.#db = db;
    this.#caps = caps;
  }

  /** The not-deleted meeting with this 24-hex id, if `scope` may see it. */
  async get(scope: Scope, id: string): Promise<Meeting | undefined> {
    const [row] = isAccountScope(scope) ? await getInAccount(this.#db, id, scope) : await getAnywhere(this.#db, id);
    return row && meetingFromRow(row);
  }

  /**
   * `get` with the row locked until the transaction ends where the engine has row locks: `FOR NO KEY UPDATE`,
   * the lock `nextSequence`'s UPDATE takes too, so it does not block inserts that only reference the meeting.
   * SQLite's transaction holds the write lock already. Rare (first starts), so not precompiled.
   */
  async getForUpdate(scope: Scope, id: string): Promise<Meeting | undefined> {
    const row = await this.#db
      .selectFrom('meetings')
      .selectAll()
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .$if(isAccountScope(scope), (q) => q.where('account_id', '=', scope))
      .$if(this.#caps.supportsRowLocks, (q) => q.forNoKeyUpdate())
      .executeTakeFirst();
    return row && meetingFromRow(row);
  }

  /** The meeting with this id, tombstones included, if `scope` may see it. */
  async getAny(scope: Scope, id: string): Promise<Meeting | undefined> {
    const row = await this.#db
      .selectFrom('meetings')
      .selectAll()
      .where('id', '=', id)
      .$if(isAccountScope(scope), (q) => q.where('account_id', '=', scope))
      .executeTakeFirst();
    return row && meetingFromRow(row);
  }

  /**
   * The not-deleted meeting with this public code: the 16-digit number (with or without dashes), the 9-digit
   * Huawei conferenceId or the 11-digit DingTalk roomCode. Anything else finds nothing.
   */
  async getByCode(scope: Scope, code: string): Promise<Meeting | undefined> {
    const digits = normaliseCode(code);
    const column = codeColumn(digits);
    if (column === undefined) return undefined;
    const row = await this.#db
      .selectFrom('meetings')
      .selectAll()
      .where(column, '=', digits)
      .where('deleted_at', 'is', null)
      .$if(isAccountScope(scope), (q) => q.where('account_id', '=', scope))
      .executeTakeFirst();
    return row && meetingFromRow(row);
  }

  /** The not-deleted meeting owning this ICS feed token (instance-wide: the token is the credential). */
  async getByIcsToken(token: string): Promise<Meeting | undefined> {
    const row = await this.#db
      .selectFrom('meetings')
      .selectAll()
      .where('ics_token', '=', token)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return row && meetingFromRow(row);
  }

  /**
   * Not-deleted meetings matching every given filter field, sorted by `sort` (default startTime) with the id as
   * tie-breaker in the same direction. `startsBefore` is exclusive, `endsAfter` inclusive; `invitedEmail` is
   * compared case-insensitively.
   */
  async find(filter: MeetingFilter): Promise<Meeting[]> {
    const { scope, accountId, addedByUserId, roomId, startsBefore, endsAfter, invitedEmail } = filter;
    const emailPattern =
      invitedEmail === undefined ? undefined : `%${escapeLike(`"email":${JSON.stringify(invitedEmail.toLowerCase())}`)}%`;
    const [column, direction] = (
      {
        startTime: ['start_time', 'asc'],
        '-startTime': ['start_time', 'desc'],
        createdAt: ['created_at', 'asc'],
        '-createdAt': ['created_at', 'desc'],
      } as const
    )[filter.sort ?? 'startTime'];
    const rows = await this.#db
      .selectFrom('meetings')
      .selectAll()
      .where('deleted_at', 'is', null)
      .$if(isAccountScope(scope), (q) => q.where('account_id', '=', scope))
      .$if(accountId !== undefined, (q) => q.where('account_id', '=', accountId as string))
      .$if(addedByUserId !== undefined, (q) => q.where('added_by_user_id', '=', addedByUserId as string))
      .$if(roomId !== undefined, (q) => q.where('room_id', '=', roomId as string))
      .$if(startsBefore !== undefined, (q) => q.where('start_time', '<', startsBefore as number))
      .$if(endsAfter !== undefined, (q) =>
        q.where((eb) => eb.or([eb('series_end', 'is', null), eb('series_end', '>=', endsAfter as number)])),
      )
      .$if(emailPattern !== undefined, (q) =>
        q.where((eb) => sql<SqlBool>`lower(${eb.ref('invited_participants')}) like ${emailPattern} escape '\\'`),
      )
      .orderBy(column, direction)
      .orderBy('id', direction)
      .execute();
    return rows.map(meetingFromRow);
  }

  /** Not-deleted meetings of the account whose series has not ended at `now` (seriesEnd null or ≥ now). */
  async countActive(accountId: string, now: number): Promise<number> {
    const r = await this.#db
      .selectFrom('meetings')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('account_id', '=', accountId)
      .where('deleted_at', 'is', null)
      .where((eb) => eb.or([eb('series_end', 'is', null), eb('series_end', '>=', now)]))
      .executeTakeFirst();
    return toCount(r?.n);
  }

  /**
   * True when any stored meeting, tombstones included, uses `code` as number, conference id or room code.
   * The three lengths differ (CROSS-DIALECT.md), so the length names the one column to look in: an indexed
   * equality lookup, where an OR over the three columns cost eight times as much under load.
   */
  async codeExists(code: string): Promise<boolean> {
    const digits = normaliseCode(code);
    const column = codeColumn(digits);
    if (column === undefined) return false;
    const r = await this.#db.selectFrom('meetings').select('id').where(column, '=', digits).limit(1).executeTakeFirst();
    return r !== undefined;
  }

  /**
   * Inserts a meeting. A clash on meeting_number, conference_id, room_code or ics_token (tombstones included)
   * rethrows the driver's unique-violation error unchanged; callers retry with fresh codes.
   */
  async insert(meeting: Meeting): Promise<void> {
    await this.#db.insertInto('meetings').values(meetingToRow(meeting)).execute();
  }

  /**
   * Overwrites the meeting with `meeting.id`, except `event_seq`: the sequence is owned by `nextSequence`, and
   * writing back a stale in-memory copy must never move it backwards.
   */
  async update(meeting: Meeting): Promise<void> {
    const { id: _id, event_seq: _seq, ...rest } = meetingToRow(meeting);
    await this.#db.updateTable('meetings').set(rest).where('id', '=', meeting.id).execute();
  }

  /**
   * Increments and returns the meeting's event sequence in one statement. The UPDATE takes the row lock
   * (PostgreSQL) or runs alone on the single connection (SQLite), so concurrent callers get distinct numbers
   * that increase in commit order. Works on tombstones. Throws DomainError('meeting.not_found') for an unknown id.
   */
  async nextSequence(meetingId: string): Promise<number> {
    const r = await this.#db
      .updateTable('meetings')
      .set((eb) => ({ event_seq: eb('event_seq', '+', 1) }))
      .where('id', '=', meetingId)
      .returning('event_seq')
      .executeTakeFirst();
    if (r === undefined) throw new DomainError('meeting.not_found', `No meeting ${meetingId}`);
    return Number(r.event_seq);
  }

  /**
   * Not-deleted meetings whose windows may have ended since `since`: seriesEnd null or ≥ since, and
   * startTime ≤ until. Ordered by (startTime, id).
   */
  async findForAutoClose(since: number, until: number): Promise<Meeting[]> {
    const rows = await this.#db
      .selectFrom('meetings')
      .selectAll()
      .where('deleted_at', 'is', null)
      .where('start_time', '<=', until)
      .where((eb) => eb.or([eb('series_end', 'is', null), eb('series_end', '>=', since)]))
      .orderBy('start_time')
      .orderBy('id')
      .execute();
    return rows.map(meetingFromRow);
  }

  /** Inserts the release; the same (room, instant, meeting) again is ignored (a retried transaction). */
  async recordDialInRelease(release: DialInRelease): Promise<void> {
    await this.#db
      .insertInto('dialin_releases')
      .values({ conference_room: release.conferenceRoom, released_at: release.releasedAt, meeting_id: release.meetingId })
      .onConflict((oc) => oc.columns(['conference_room', 'released_at', 'meeting_id']).doNothing())
      .execute();
  }

  /**
   * Two indexed probes on the room (migration 0005), so the cost does not grow with the number of meetings or
   * releases. A tombstone counts while its deletion lies after `after`: deleting a meeting releases its room
   * without writing a release row, and a meeting whose series ended at or before `after` holds nothing any more.
   */
  async dialInRoomTaken(conferenceRoom: string, after: number, exceptMeetingId?: string): Promise<boolean> {
    const holder = await this.#db
      .selectFrom('meetings')
      .select('id')
      .where('dial_in_conference_room', '=', conferenceRoom)
      .where((eb) => eb.or([eb('series_end', 'is', null), eb('series_end', '>', after)]))
      .where((eb) => eb.or([eb('deleted_at', 'is', null), eb('deleted_at', '>', after)]))
      .$if(exceptMeetingId !== undefined, (q) => q.where('id', '!=', exceptMeetingId as string))
      .limit(1)
      .executeTakeFirst();
    if (holder !== undefined) return true;
    const released = await this.#db
      .selectFrom('dialin_releases')
      .select('meeting_id')
      .where('conference_room', '=', conferenceRoom)
      .where('released_at', '>', after)
      .$if(exceptMeetingId !== undefined, (q) => q.where('meeting_id', '!=', exceptMeetingId as string))
      .limit(1)
      .executeTakeFirst();
    return released !== undefined;
  }

  /**
   * Deletes releases with `released_at < before` (index on released_at), at most `limit` of them, oldest first,
   * when given; returns how many. The batch is chosen by key in a subquery because neither engine portably
   * supports `DELETE … LIMIT`.
   */
  async pruneDialInReleases(before: number, limit?: number): Promise<number> {
    const r = await this.#db
      .deleteFrom('dialin_releases')
      .where('released_at', '<', before)
      .$if(limit !== undefined, (q) =>
        q.where(({ eb, refTuple, selectFrom }) =>
          eb(
            refTuple('conference_room', 'released_at', 'meeting_id'),
            'in',
            selectFrom('dialin_releases as r')
              .select(['r.conference_room', 'r.released_at', 'r.meeting_id'])
              .where('r.released_at', '<', before)
              .orderBy('r.released_at')
              .limit(limit as number)
              .$asTuple('conference_room', 'released_at', 'meeting_id'),
          ),
        ),
      )
      .executeTakeFirst();
    return affected(r.numDeletedRows);
  }
}
