/** Webhook event names (webmeeting-v6 §11.1), in catalogue order. */
export const webhookEventNames = [
  'onMeetingScheduled',
  'onMeetingUpdated',
  'onMeetingClosed',
  'onMeetingDeleted',
  'onMeetingSummaryCreated',
  'onMeetingRecordingCreated',
  'onMeetingJoined',
  'onMeetingLeft',
] as const;
/** One webhook event name. */
export type WebhookEventName = (typeof webhookEventNames)[number];

/** A recorded domain event in the durable outbox (webmeeting-v6 §11.3). */
export interface OutboxEvent {
  /** 24-hex, stable across every attempt (`webhook-id`). */
  id: string;
  event: WebhookEventName;
  meetingId: string;
  accountId: string;
  /** Public number without dashes, for the delivery log's `meeting` object. */
  meetingNumber: string;
  /** Per-meeting sequence, strictly increasing in commit order. */
  sequence: number;
  occurredAt: number;
  /** Epoch ms of the occurrence, for events tied to one occurrence of a recurring meeting. */
  recurrenceId: number | null;
  /** The plain vendor payload, rendered once as compact JSON. */
  payload: string;
  createdAt: number;
}

/** Configuration of one hook (webmeeting-v6 §11.2). */
export interface HookConfig {
  event: WebhookEventName;
  url: string | null;
  method: 'POST' | 'PUT';
  apiKey: string | null;
  enabled: boolean;
  payloadFormat: 'plain' | 'envelope';
  /** `whsec_…`. */
  signingSecret: string;
  previousSecret: string | null;
  previousSecretValidUntil: number | null;
  disabledReason: string | null;
  updatedAt: number;
}

/** Delivery status (webmeeting-v6 §11.5). */
export type DeliveryStatus = 'pending' | 'succeeded' | 'failed' | 'cancelled';

/** One delivery of one event to one hook. */
export interface WebhookDelivery {
  id: string;
  eventId: string;
  event: WebhookEventName;
  meetingId: string;
  accountId: string;
  meetingNumber: string;
  recurrenceId: number | null;
  sequence: number;
  occurredAt: number;
  payloadFormat: 'plain' | 'envelope';
  /** The exact body sent on every attempt. */
  body: string;
  /** The URL this delivery's first attempt is ordered under (hook URL at creation). */
  orderingUrl: string;
  status: DeliveryStatus;
  attemptCount: number;
  /** Epoch ms when the next attempt is due (pending only). */
  nextAttemptAt: number | null;
  /** True once the first attempt has finished (success or failure): later events of the same meeting+URL may go. */
  firstAttemptDone: boolean;
  lastHttpStatus: number | null;
  lastError: string | null;
  /** Lease: a worker owns the delivery until this instant. */
  lockedUntil: number | null;
  createdAt: number;
  completedAt: number | null;
}

/** One attempt of a delivery (E58). */
export interface DeliveryAttempt {
  deliveryId: string;
  attempt: number;
  startedAt: number;
  url: string;
  method: string;
  webhookTimestamp: number;
  durationMs: number;
  httpStatus: number | null;
  error: string | null;
  responseExcerpt: string | null;
}
