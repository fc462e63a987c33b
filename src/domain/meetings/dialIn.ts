/**
 * Dial-in data of a meeting (webmeeting-v6 §8.10): an 8-digit conference room that no active dial-in
 * meeting of the instance uses, and a 6-digit PIN. The numbers shown with them come from
 * `accountDialInNumbers` in joinLinks.ts, so E38/E39, the Meeting object and the invitations agree.
 *
 * A room is held by its meeting and, once let go, quarantined for {@link DIALIN_QUARANTINE_MS}, so a caller with
 * an old invitation cannot land in a stranger's conference (§8.4 step 7 asks this for the dial-in toggle;
 * docs/webmeeting-v6.md extends it to every way a meeting lets go of its room). The quarantine runs from the
 * earliest of:
 * - the series end (nothing to write: `seriesEnd` is on the row);
 * - the deletion, by E24/E25, E5, a user's deletion or auto-delete (nothing to write: the tombstone keeps the
 *   room and `deletedAt`);
 * - `isDialin` true→false, which clears the room on the row and therefore records a release;
 * - an edit that moves the series end into the past (E21/E22, E35–E37), which records a release at the edit, so
 *   cancelling the remaining occurrences does not hand the room out the next day.
 */
import { DomainError } from '../errors.js';
import type { Ids, Repositories } from '../ports.js';
import type { Meeting } from './Meeting.js';

/** The generated part of a meeting's dial-in block. */
export interface DialInCodes {
  conferenceRoom: string;
  pin: string;
}

const DAY = 86_400_000;
/**
 * How long a room stays unavailable after its meeting let go of it (webmeeting-v6 §8.4 step 7: 30 days): let go of
 * at instant r, it is free again from r + 30 days on.
 */
export const DIALIN_QUARANTINE_MS = 30 * DAY;
const MAX_DRAWS = 50;

/**
 * Draws a conference room that no other meeting holds and that nobody else let go of within the last 30 days,
 * plus a PIN. Runs inside the caller's transaction so the check and the write are one unit. `exceptMeetingId` is
 * the meeting being updated: rooms it held itself do not count against it.
 * @throws DomainError internal.unexpected when 50 draws in a row hit taken rooms (the space has 9·10⁷).
 */
export async function generateDialIn(tx: Pick<Repositories, 'meetings'>, ids: Pick<Ids, 'digits'>, now: number, exceptMeetingId?: string): Promise<DialInCodes> {
  for (let i = 0; i < MAX_DRAWS; i++) {
    // A leading zero is avoided because some PBX menus strip it from DTMF input.
    const conferenceRoom = ids.digits(8, true);
    if (!(await tx.meetings.dialInRoomTaken(conferenceRoom, now - DIALIN_QUARANTINE_MS, exceptMeetingId))) return { conferenceRoom, pin: ids.digits(6) };
  }
  throw new DomainError('internal.unexpected', 'no free dial-in conference room found');
}

/** The meeting as stored before a change: what {@link settleDialIn} compares against. */
export type DialInBefore = Pick<Meeting, 'id' | 'isDialin' | 'seriesEnd' | 'dialInConferenceRoom' | 'dialInPin'>;

/**
 * Sets `next`'s dial-in codes after a change of an existing meeting, inside the caller's transaction:
 * - dial-in off: the codes are cleared and the room's release recorded (quarantined from now, or from the series
 *   end if that came first);
 * - dial-in newly on (or on without a room): fresh codes;
 * - dial-in kept: the stored codes, except that a meeting whose series had ended more than 30 days ago, revived
 *   by the change, gets fresh codes when another meeting took its room meanwhile; and a change that moves the
 *   series end into the past records a release, so the quarantine runs from the change and not from the new end.
 * Releases that no longer quarantine anything are pruned on the way (one indexed range delete, so the table stays
 * about as large as 30 days of releases).
 */
export async function settleDialIn(tx: Pick<Repositories, 'meetings'>, ids: Pick<Ids, 'digits'>, before: DialInBefore, next: Meeting, now: number): Promise<void> {
  // Whatever was let go of at or before this instant is free again.
  const expired = now - DIALIN_QUARANTINE_MS;
  const room = before.dialInConferenceRoom;
  // The instant from which the room would be quarantined if the meeting let go of it now.
  const letGoAt = before.seriesEnd === null ? now : Math.min(now, before.seriesEnd);
  const release = async (): Promise<void> => {
    if (room !== null && letGoAt > expired) await tx.meetings.recordDialInRelease({ conferenceRoom: room, meetingId: before.id, releasedAt: letGoAt });
    await tx.meetings.pruneDialInReleases(expired);
  };
  const assign = (codes: { conferenceRoom: string | null; pin: string | null }): void => {
    next.dialInConferenceRoom = codes.conferenceRoom;
    next.dialInPin = codes.pin;
  };

  if (!next.isDialin) {
    if (room !== null) await release();
    assign({ conferenceRoom: null, pin: null });
    return;
  }
  if (!before.isDialin || room === null) {
    assign(await generateDialIn(tx, ids, now, next.id));
    return;
  }
  const lapsed = (seriesEnd: number | null): boolean => seriesEnd !== null && seriesEnd <= expired;
  if (lapsed(before.seriesEnd) && !lapsed(next.seriesEnd) && (await tx.meetings.dialInRoomTaken(room, expired, next.id))) {
    assign(await generateDialIn(tx, ids, now, next.id));
    return;
  }
  if (next.seriesEnd !== null && next.seriesEnd < letGoAt) await release();
  assign({ conferenceRoom: room, pin: before.dialInPin });
}
