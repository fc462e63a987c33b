/**
 * The `envelope` body format of webmeeting-v6 §11.4.
 */
import { formatMeetingNumber } from '../meetings/Meeting.js';
import type { OutboxEvent } from './types.js';

/**
 * Renders the envelope body of an event as compact JSON:
 * `{eventId, event, sequence, occurredAt, meeting: {id, meetingId, accountId}, recurrenceId, data}`.
 *
 * `data` is spliced in as the stored payload text rather than re-serialised, so the envelope carries the
 * plain payload byte for byte (§11.3.5: the body is rendered once and every attempt sends the same bytes).
 * The payload must therefore already be one JSON value; it is the renderer's compact JSON.
 */
export function renderEnvelope(e: OutboxEvent): string {
  const head = {
    eventId: e.id,
    event: e.event,
    sequence: e.sequence,
    occurredAt: new Date(e.occurredAt).toISOString(),
    meeting: { id: e.meetingId, meetingId: formatMeetingNumber(e.meetingNumber), accountId: e.accountId },
    recurrenceId: e.recurrenceId === null ? null : new Date(e.recurrenceId).toISOString(),
  };
  const json = JSON.stringify(head);
  return `${json.slice(0, -1)},"data":${e.payload}}`;
}
