/** The webhook outbox (events, deliveries, attempts) on Kysely (one implementation for every engine). */
import type { Kysely } from 'kysely';
import type { OutboxRepository, Page, Paged } from '../../domain/ports.js';
import type {
  DeliveryAttempt,
  DeliveryStatus,
  OutboxEvent,
  WebhookDelivery,
  WebhookEventName,
} from '../../domain/webhooks/types.js';
import type { SqlCapabilities } from './capabilities.js';
import { affected, fromIntBool, toCount, toIntBool } from './rows.js';
import type { Database, OutboxEventsTable, WebhookAttemptsTable, WebhookDeliveriesTable } from './schema.js';

/** OutboxEvent → row. */
export function outboxEventToRow(e: OutboxEvent): OutboxEventsTable {
  return {
    id: e.id,
    event: e.event,
    meeting_id: e.meetingId,
    account_id: e.accountId,
    meeting_number: e.meetingNumber,
    sequence: e.sequence,
    occurred_at: e.occurredAt,
    recurrence_id: e.recurrenceId,
    payload: e.payload,
    created_at: e.createdAt,
  };
}

/** Row → OutboxEvent. */
export function outboxEventFromRow(r: OutboxEventsTable): OutboxEvent {
  return {
    id: r.id,
    event: r.event as WebhookEventName,
    meetingId: r.meeting_id,
    accountId: r.account_id,
    meetingNumber: r.meeting_number,
    sequence: r.sequence,
    occurredAt: r.occurred_at,
    recurrenceId: r.recurrence_id,
    payload: r.payload,
    createdAt: r.created_at,
  };
}

/** WebhookDelivery → row. */
export function deliveryToRow(d: WebhookDelivery): WebhookDeliveriesTable {
  return {
    id: d.id,
    event_id: d.eventId,
    event: d.event,
    meeting_id: d.meetingId,
    account_id: d.accountId,
    meeting_number: d.meetingNumber,
    recurrence_id: d.recurrenceId,
    sequence: d.sequence,
    occurred_at: d.occurredAt,
    payload_format: d.payloadFormat,
    body: d.body,
    ordering_url: d.orderingUrl,
    status: d.status,
    attempt_count: d.attemptCount,
    next_attempt_at: d.nextAttemptAt,
    first_attempt_done: toIntBool(d.firstAttemptDone),
    last_http_status: d.lastHttpStatus,
    last_error: d.lastError,
    locked_until: d.lockedUntil,
    created_at: d.createdAt,
    completed_at: d.completedAt,
  };
}

/** Row → WebhookDelivery. */
export function deliveryFromRow(r: WebhookDeliveriesTable): WebhookDelivery {
  return {
    id: r.id,
    eventId: r.event_id,
    event: r.event as WebhookEventName,
    meetingId: r.meeting_id,
    accountId: r.account_id,
    meetingNumber: r.meeting_number,
    recurrenceId: r.recurrence_id,
    sequence: r.sequence,
    occurredAt: r.occurred_at,
    payloadFormat: r.payload_format as WebhookDelivery['payloadFormat'],
    body: r.body,
    orderingUrl: r.ordering_url,
    status: r.status as DeliveryStatus,
    attemptCount: r.attempt_count,
    nextAttemptAt: r.next_attempt_at,
    firstAttemptDone: fromIntBool(r.first_attempt_done),
    lastHttpStatus: r.last_http_status,
    lastError: r.last_error,
    lockedUntil: r.locked_until,
    createdAt: r.created_at,
    completedAt: r.completed_at,
  };
}

/** DeliveryAttempt → row. */
export function attemptToRow(a: DeliveryAttempt): WebhookAttemptsTable {
  return {
    delivery_id: a.deliveryId,
    attempt: a.attempt,
    started_at: a.startedAt,
    url: a.url,
    method: a.method,
    webhook_timestamp: a.webhookTimestamp,
    duration_ms: a.durationMs,
    http_status: a.httpStatus,
    error: a.error,
    response_excerpt: a.responseExcerpt,
  };
}

/** Row → DeliveryAttempt. */
export function attemptFromRow(r: WebhookAttemptsTable): DeliveryAttempt {
  return {
    deliveryId: r.delivery_id,
    attempt: r.attempt,
    startedAt: r.started_at,
    url: r.url,
    method: r.method,
    webhookTimestamp: r.webhook_timestamp,
    durationMs: r.duration_ms,
    httpStatus: r.http_status,
    error: r.error,
    responseExcerpt: r.response_excerpt,
  };
}

/** `OutboxRepository` over a `Kysely<Database>` or a `Transaction<Database>`. */
export class SqlOutboxRepository implements OutboxRepository {
  readonly #db: Kysely<Database>;
  readonly #caps: SqlCapabilities;

  /** `caps.supportsSkipLocked` decides how `claimDue` locks the rows it claims. */
  constructor(db: Kysely<Database>, caps: SqlCapabilities) {
    this.#db = db;
    this.#caps = caps;
  }

  /** Records an event. (meetingId, sequence) is unique: a sequence number is never reused. */
  async insertEvent(e: OutboxEvent): Promise<void> {
    await this.#db.insertInto('outbox_events').values(outboxEventToRow(e)).execute();
  }

  /** The event with `id`. */
  async getEvent(id: string): Promise<OutboxEvent | undefined> {
    const row = await this.#db.selectFrom('outbox_events').selectAll().where('id', '=', id).executeTakeFirst();
    return row && outboxEventFromRow(row);
  }

  /** A page of events, oldest first (createdAt, then sequence, then id). */
  async listEvents(filter: { meetingId?: string; event?: WebhookEventName } & Page): Promise<Paged<OutboxEvent>> {
    const base = this.#db
      .selectFrom('outbox_events')
      .$if(filter.meetingId !== undefined, (q) => q.where('meeting_id', '=', filter.meetingId as string))
      .$if(filter.event !== undefined, (q) => q.where('event', '=', filter.event as string));
    const [rows, total] = await Promise.all([
      base
        .selectAll()
        .orderBy('created_at')
        .orderBy('sequence')
        .orderBy('id')
        .offset(filter.offset)
        .limit(filter.limit)
        .execute(),
      base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst(),
    ]);
    return { items: rows.map(outboxEventFromRow), total: toCount(total?.n) };
  }

  /** Records a delivery (its event must exist). */
  async insertDelivery(d: WebhookDelivery): Promise<void> {
    await this.#db.insertInto('webhook_deliveries').values(deliveryToRow(d)).execute();
  }

  /** The delivery with `id`. */
  async getDelivery(id: string): Promise<WebhookDelivery | undefined> {
    const row = await this.#db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
    return row && deliveryFromRow(row);
  }

  /** Overwrites the delivery with `d.id`. */
  async updateDelivery(d: WebhookDelivery): Promise<void> {
    const { id, ...rest } = deliveryToRow(d);
    await this.#db.updateTable('webhook_deliveries').set(rest).where('id', '=', id).execute();
  }

  /** A page of deliveries, newest first (createdAt desc, id desc). `from` is inclusive and `to` exclusive, on createdAt. */
  async listDeliveries(
    filter: { event?: WebhookEventName; meetingId?: string; status?: DeliveryStatus; from?: number; to?: number } & Page,
  ): Promise<Paged<WebhookDelivery>> {
    const base = this.#db
      .selectFrom('webhook_deliveries')
      .$if(filter.event !== undefined, (q) => q.where('event', '=', filter.event as string))
      .$if(filter.meetingId !== undefined, (q) => q.where('meeting_id', '=', filter.meetingId as string))
      .$if(filter.status !== undefined, (q) => q.where('status', '=', filter.status as string))
      .$if(filter.from !== undefined, (q) => q.where('created_at', '>=', filter.from as number))
      .$if(filter.to !== undefined, (q) => q.where('created_at', '<', filter.to as number));
    const [rows, total] = await Promise.all([
      base
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .offset(filter.offset)
        .limit(filter.limit)
        .execute(),
      base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst(),
    ]);
    return { items: rows.map(deliveryFromRow), total: toCount(total?.n) };
  }

  /**
   * Claims up to `limit` due deliveries, setting `lockedUntil = leaseUntil`, and returns them in claim order
   * (nextAttemptAt, sequence, id).
   *
   * Due: status `pending`, `nextAttemptAt ≤ now`, and no live lease (`lockedUntil` null or ≤ now).
   * Ordering (webmeeting-v6 §11.3.9): a delivery whose first attempt has not finished is claimable only when no
   * other *pending* delivery of the same (meetingId, orderingUrl) with a lower sequence (ties: lower id) still
   * waits for its first attempt. Cancelled deliveries never get one, so they do not block. A delivery whose
   * first attempt is done (a retry) is never held back, so one failing event cannot stall the ones after it.
   *
   * Concurrency: on PostgreSQL the candidates are selected `FOR UPDATE SKIP LOCKED` inside a short transaction
   * of its own, so two workers never claim the same row; SQLite has one connection, so select-then-update inside
   * the transaction is already exclusive. Called on a transaction-bound repository, it joins that transaction.
   */
  async claimDue(now: number, leaseUntil: number, limit: number): Promise<WebhookDelivery[]> {
    if (limit <= 0) return [];
    const claim = async (db: Kysely<Database>): Promise<WebhookDelivery[]> => {
      const ids = await db
        .selectFrom('webhook_deliveries as d')
        .select('d.id')
        .where('d.status', '=', 'pending')
        .where('d.next_attempt_at', '<=', now)
        .where((eb) => eb.or([eb('d.locked_until', 'is', null), eb('d.locked_until', '<=', now)]))
        .where((eb) =>
          eb.or([
            eb('d.first_attempt_done', '=', 1),
            eb.not(
              eb.exists(
                eb
                  .selectFrom('webhook_deliveries as o')
                  .select('o.id')
                  .whereRef('o.meeting_id', '=', 'd.meeting_id')
                  .whereRef('o.ordering_url', '=', 'd.ordering_url')
                  .where('o.status', '=', 'pending')
                  .where('o.first_attempt_done', '=', 0)
                  .where((eb2) =>
                    eb2.or([
                      eb2('o.sequence', '<', eb2.ref('d.sequence')),
                      eb2.and([eb2('o.sequence', '=', eb2.ref('d.sequence')), eb2('o.id', '<', eb2.ref('d.id'))]),
                    ]),
                  ),
              ),
            ),
          ]),
        )
        .orderBy('d.next_attempt_at')
        .orderBy('d.sequence')
        .orderBy('d.id')
        .limit(limit)
        // FOR UPDATE locks only the rows of `d`, not those the NOT EXISTS probe reads.
        .$if(this.#caps.supportsSkipLocked, (q) => q.forUpdate().skipLocked())
        .execute();
      if (ids.length === 0) return [];
      const order = new Map(ids.map((r, i) => [r.id, i]));
      const rows = await db
        .updateTable('webhook_deliveries')
        .set({ locked_until: leaseUntil })
        .where(
          'id',
          'in',
          ids.map((r) => r.id),
        )
        .returningAll()
        .execute();
      // RETURNING gives no order guarantee; restore the claim order.
      return rows.map(deliveryFromRow).sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
    };
    return this.#db.isTransaction ? claim(this.#db) : this.#db.transaction().execute(claim);
  }

  /** Cancels every pending delivery of `event` (completedAt = at, no next attempt, lease dropped); returns how many. */
  async cancelPending(event: WebhookEventName, at: number): Promise<number> {
    const r = await this.#db
      .updateTable('webhook_deliveries')
      .set({ status: 'cancelled', completed_at: at, next_attempt_at: null, locked_until: null })
      .where('event', '=', event)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return affected(r.numUpdatedRows);
  }

  /** Records one attempt; (deliveryId, attempt) is the primary key. */
  async insertAttempt(a: DeliveryAttempt): Promise<void> {
    await this.#db.insertInto('webhook_attempts').values(attemptToRow(a)).execute();
  }

  /** The delivery's attempts in attempt order. */
  async listAttempts(deliveryId: string): Promise<DeliveryAttempt[]> {
    const rows = await this.#db
      .selectFrom('webhook_attempts')
      .selectAll()
      .where('delivery_id', '=', deliveryId)
      .orderBy('attempt')
      .execute();
    return rows.map(attemptFromRow);
  }

  /**
   * Deletes deliveries that completed (status other than pending) before `before`, with their attempts, then
   * events created before `before` that no delivery refers to any more. Pending deliveries are never pruned
   * (webmeeting-v6 §11.3.13). With `limit`, one call deletes at most `limit` deliveries (oldest completion
   * first) and at most `limit` events (oldest first), so housekeeping can drain a backlog in short
   * transactions. Returns the number of deliveries plus events deleted.
   */
  async prune(before: number, limit?: number): Promise<number> {
    const run = async (db: Kysely<Database>): Promise<number> => {
      const done = db
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('status', '<>', 'pending')
        .where('completed_at', '<', before)
        .$if(limit !== undefined, (q) => q.orderBy('completed_at').limit(limit ?? 0));
      // A bounded batch is read once, so the attempts and the deliveries deleted are certainly the same rows
      // (an empty list is skipped: `IN ()` is not valid SQL).
      const batch = limit === undefined ? done : (await done.execute()).map((r) => r.id);
      let deleted = 0;
      if (!Array.isArray(batch) || batch.length > 0) {
        // Attempts first: the cascade would do it too, but an explicit delete does not depend on foreign_keys=ON.
        await db.deleteFrom('webhook_attempts').where('delivery_id', 'in', batch).execute();
        const deliveries = await db.deleteFrom('webhook_deliveries').where('id', 'in', batch).executeTakeFirst();
        deleted += affected(deliveries.numDeletedRows);
      }
      const orphans = db
        .selectFrom('outbox_events as o')
        .select('o.id')
        .where('o.created_at', '<', before)
        .where((eb) =>
          eb.not(eb.exists(eb.selectFrom('webhook_deliveries as d').select('d.id').whereRef('d.event_id', '=', 'o.id'))),
        )
        .$if(limit !== undefined, (q) => q.orderBy('o.created_at').orderBy('o.id').limit(limit ?? 0));
      const events = await db.deleteFrom('outbox_events').where('id', 'in', orphans).executeTakeFirst();
      return deleted + affected(events.numDeletedRows);
    };
    return this.#db.isTransaction ? run(this.#db) : this.#db.transaction().execute(run);
  }
}
