/**
 * The public codes every meeting gets at creation (CROSS-DIALECT.md "Identity of a meeting"): the v6
 * `meetingId` number, the Huawei `conferenceID` and the DingTalk `roomCode`. Their lengths differ, so one
 * uniqueness check over all three columns suffices.
 */
import { DomainError } from '../errors.js';
import type { Ids, MeetingRepository } from '../ports.js';

/** The three public codes of a meeting, digits only. */
export interface MeetingCodes {
  /** 16 digits, shown as dddd-dddd-dddd-dddd (webmeeting-v6 §2.4). */
  meetingNumber: string;
  /** 9 digits, first 1–9 (Huawei). */
  conferenceId: string;
  /** 11 digits (DingTalk). */
  roomCode: string;
}

/** With 10^8+ values per code, needing more draws than this means the id source is broken, not unlucky. */
const MAX_DRAWS = 20;

async function freeCode(meetings: Pick<MeetingRepository, 'codeExists'>, draw: () => string): Promise<string> {
  for (let i = 0; i < MAX_DRAWS; i++) {
    const code = draw();
    if (!(await meetings.codeExists(code))) return code;
  }
  throw new DomainError('internal.unexpected', 'no free meeting code found');
}

/**
 * Draws codes that no stored meeting (tombstones included) uses. Run it inside the inserting transaction;
 * a concurrent insert can still win the race, which the unique constraints catch ({@link codesTaken}).
 */
export async function generateMeetingCodes(meetings: Pick<MeetingRepository, 'codeExists'>, ids: Pick<Ids, 'digits'>): Promise<MeetingCodes> {
  return {
    meetingNumber: await freeCode(meetings, () => ids.digits(16)),
    conferenceId: await freeCode(meetings, () => ids.digits(9, true)),
    roomCode: await freeCode(meetings, () => ids.digits(11)),
  };
}

/**
 * True when one of `codes` is now stored: after a failed insert this tells a lost code race (retry with
 * fresh codes) from any other failure (rethrow). Storage reports unique violations as driver errors, so the
 * domain asks the question again instead of parsing them.
 */
export async function codesTaken(meetings: Pick<MeetingRepository, 'codeExists'>, codes: MeetingCodes): Promise<boolean> {
  for (const c of [codes.meetingNumber, codes.conferenceId, codes.roomCode]) if (await meetings.codeExists(c)) return true;
  return false;
}
