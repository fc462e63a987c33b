/**
 * Dial-in data of a meeting (webmeeting-v6 §8.10): an 8-digit conference room that no active dial-in
 * meeting of the instance uses, and a 6-digit PIN. The numbers shown with them come from
 * `accountDialInNumbers` in joinLinks.ts, so E38/E39, the Meeting object and the invitations agree.
 */
import { DomainError } from '../errors.js';
import { ALL_ACCOUNTS, type Ids, type Repositories } from '../ports.js';

/** The generated part of a meeting's dial-in block. */
export interface DialInCodes {
  conferenceRoom: string;
  pin: string;
}

const DAY = 86_400_000;
/**
 * A room number stays reserved this long after its meeting's series ended, so a caller with an old
 * invitation cannot land in a stranger's conference (§8.10 asks the same for numbers released by a
 * dial-in toggle).
 */
const REUSE_QUARANTINE_MS = 30 * DAY;
const MAX_DRAWS = 50;

/**
 * Draws a conference room unique among the instance's dial-in meetings that have not ended (or ended
 * within the last 30 days), plus a PIN. Runs inside the caller's transaction so the check and the write
 * are one unit. `exceptMeetingId` is the meeting being updated, whose own old number does not count.
 */
export async function generateDialIn(tx: Pick<Repositories, 'meetings'>, ids: Pick<Ids, 'digits'>, now: number, exceptMeetingId?: string): Promise<DialInCodes> {
  const live = await tx.meetings.find({ scope: ALL_ACCOUNTS, endsAfter: now - REUSE_QUARANTINE_MS });
  const used = new Set(live.filter((m) => m.id !== exceptMeetingId && m.dialInConferenceRoom !== null).map((m) => m.dialInConferenceRoom));
  for (let i = 0; i < MAX_DRAWS; i++) {
    // A leading zero is avoided because some PBX menus strip it from DTMF input.
    const conferenceRoom = ids.digits(8, true);
    if (!used.has(conferenceRoom)) return { conferenceRoom, pin: ids.digits(6) };
  }
  throw new DomainError('internal.unexpected', 'no free dial-in conference room found');
}
