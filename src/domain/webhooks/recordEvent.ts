/**
 * Records one domain event in the durable outbox (webmeeting-v6 §11.3.1–§11.3.5).
 */
import type { Deps } from '../deps.js';
import type { Meeting } from '../meetings/Meeting.js';
import type { Repositories } from '../ports.js';
import { renderEnvelope } from './envelope.js';
import type { OutboxEvent, WebhookDelivery, WebhookEventName } from './types.js';

/** Input of {@link recordEvent}. */
export interface RecordEventInput {
  /** The event name (§11.1). */
  event: WebhookEventName;
  /** The meeting the event is about; deleted meetings are fine (the counter survives deletion). */
  meeting: Meeting;
  /** The plain vendor payload, already rendered as compact JSON; stored and sent unchanged. */
  payload: string;
  /**
   * When the change took effect (§11.3.4), epoch ms. Defaults to the clock's now, the transaction time.
   * Auto-close passes `dtClosedAt`; presence passes the join or leave time.
   */
  occurredAt?: number;
  /**
   * The occurrence's original start (epoch ms) for events tied to one occurrence of a recurring meeting
   * (closed, joined, left, summary, recording); null or absent otherwise. Sent as `X-Webhook-Occurrence`.
   */
  recurrenceId?: number | null;
}

/**
 * Records an event and, when its hook is enabled with a URL, one pending delivery.
 *
 * Must be called with the transaction of the command that makes the change, so that a rolled-back change
 * emits nothing and a committed one is delivered even if the process dies right after the commit
 * (§11.3.1). It performs no network I/O; the caller wakes the worker (`deps.notifyOutbox()`) after commit.
 *
 * - The per-meeting sequence is taken through `tx.meetings.nextSequence`, under the meeting's row lock, and is
 *   consumed even when no hook is enabled: receivers see gaps, never reuse (§11.3.3). `input.meeting.eventSeq`
 *   is set to the new number in place, so the caller's copy matches the row (the repository's `update` never
 *   writes the counter back, so a stale copy is harmless either way).
 * - The delivery body is the payload (`plain`) or the §11.4 envelope, fixed now; URL, method, API key and
 *   secret are read at attempt time (§11.3.5). `orderingUrl` is the hook's URL now, the unit of first-attempt
 *   ordering (§11.3.9).
 *
 * @returns the recorded event.
 */
export async function recordEvent(
  tx: Repositories,
  deps: Pick<Deps, 'clock' | 'ids'>,
  input: RecordEventInput,
): Promise<OutboxEvent> {
  const now = deps.clock.now();
  const { meeting } = input;
  const sequence = await tx.meetings.nextSequence(meeting.id);
  meeting.eventSeq = sequence;

  const event: OutboxEvent = {
    id: deps.ids.objectId(),
    event: input.event,
    meetingId: meeting.id,
    accountId: meeting.accountId,
    meetingNumber: meeting.meetingNumber,
    sequence,
    occurredAt: input.occurredAt ?? now,
    recurrenceId: input.recurrenceId ?? null,
    payload: input.payload,
    createdAt: now,
  };
  await tx.outbox.insertEvent(event);

  const hook = await tx.webhookConfig.get(input.event);
  if (hook?.enabled && hook.url) {
    const delivery: WebhookDelivery = {
      id: deps.ids.objectId(),
      eventId: event.id,
      event: event.event,
      meetingId: event.meetingId,
      accountId: event.accountId,
      meetingNumber: event.meetingNumber,
      recurrenceId: event.recurrenceId,
      sequence: event.sequence,
      occurredAt: event.occurredAt,
      payloadFormat: hook.payloadFormat,
      body: hook.payloadFormat === 'envelope' ? renderEnvelope(event) : event.payload,
      orderingUrl: hook.url,
      status: 'pending',
      attemptCount: 0,
      // §11.3.7: the first attempt is immediate.
      nextAttemptAt: now,
      firstAttemptDone: false,
      lastHttpStatus: null,
      lastError: null,
      lockedUntil: null,
      createdAt: now,
      completedAt: null,
    };
    await tx.outbox.insertDelivery(delivery);
  }
  return event;
}
