/**
 * Re-allocation after a room-quota cut (webmeeting-v6 §12.2: "their future meetings are re-allocated (§8.8)").
 */
import type { Account } from '../accounts/Account.js';
import type { Room } from '../accounts/Room.js';
import type { Deps } from '../deps.js';
import type { Repositories } from '../ports.js';
import { recordEvent } from '../webhooks/recordEvent.js';
import { chooseRoom } from './allocateRoom.js';
import type { Meeting } from './Meeting.js';

/**
 * Moves every not-deleted meeting of `account` whose series has not ended at now (seriesEnd null or ≥ now, the
 * `countActive` rule) and whose room is one of `fromRoomIds` to one of the account's active `rooms`, and returns
 * the moved meetings. Runs inside the caller's transaction.
 *
 * - Meetings are placed one after another in start order (startTime, then id), each by the permissive §8.8 rule
 *   against the rooms as the earlier moves left them. Strict mode (`ROOM_STRICT`) is not applied: where a free
 *   room exists the permissive rule picks the same one (the lowest-index free room), and where none does the
 *   quota change must not fail half-way, so the meeting shares the least-booked room.
 * - Each moved meeting gets `updatedAt` = now and one onMeetingUpdated event; `icalSequence` stays, since the
 *   room is not a calendar field (§8.4 step 4).
 * - Ended and deleted meetings keep their room. Without any active room (a quota below 1, which the dialects
 *   reject) nothing can take the meetings, so they stay where they are, as new meetings would meet room.none_free.
 */
export async function reallocateMeetings(
  tx: Repositories,
  deps: Pick<Deps, 'clock' | 'ids' | 'settings' | 'renderWebhookPayload'>,
  account: Account,
  rooms: Room[],
  fromRoomIds: readonly string[],
): Promise<Meeting[]> {
  const active = rooms.filter((r) => r.isActive).sort((a, b) => a.index - b.index);
  if (active.length === 0 || fromRoomIds.length === 0) return [];
  const now = deps.clock.now();
  const meetings: Meeting[] = [];
  for (const roomId of fromRoomIds) meetings.push(...(await tx.meetings.find({ scope: account.id, accountId: account.id, roomId, endsAfter: now })));
  meetings.sort((a, b) => a.startTime - b.startTime || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const meeting of meetings) {
    // Written before the next choice, so each later meeting counts this one in its new room.
    meeting.roomId = await chooseRoom(tx, deps, account, active, meeting, { permissive: true });
    meeting.updatedAt = now;
    await tx.meetings.update(meeting);
    await recordEvent(tx, deps, { event: 'onMeetingUpdated', meeting, payload: deps.renderWebhookPayload('onMeetingUpdated', { meeting, account }) });
  }
  return meetings;
}
