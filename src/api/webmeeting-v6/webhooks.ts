/** Webhook configuration and delivery log: E54–E59 (webmeeting-v6 §11.2, §11.5). Instance-level keys only. */
import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { requireInstance } from '../../domain/accounts/policies.js';
import type { Deps } from '../../domain/deps.js';
import { DomainError, throwIfInvalid, type FieldIssue } from '../../domain/errors.js';
import { getWebhookConfig } from '../../domain/webhooks/getWebhookConfig.js';
import { redeliverDelivery } from '../../domain/webhooks/redeliverDelivery.js';
import { rotateWebhookSecret } from '../../domain/webhooks/rotateWebhookSecret.js';
import { webhookEventNames, type WebhookDelivery, type WebhookEventName } from '../../domain/webhooks/types.js';
import { updateWebhookConfig } from '../../domain/webhooks/updateWebhookConfig.js';
import { pathId } from './accounts.js';
import { actorOf } from './context.js';
import { AnyBody, Hex24, responses } from './schema.js';
import { isHex24, readPage, Reader } from './validate.js';
import {
  DELIVERY_STATUSES,
  DeliveryDetailSchema,
  DeliverySchema,
  HookSchema,
  patchUrlIssues,
  presentDelivery,
  presentDeliveryDetail,
  presentHook,
  presentWebhookConfig,
  readWebhookConfigPatch,
  WebhookConfigInputSchema,
  WebhookConfigSchema,
} from './webhookSchema.js';

const notFound = (): DomainError =>
  new DomainError('webhook_delivery.not_found', 'delivery not found', [{ field: 'path.deliveryId', code: 'notFound', message: 'no such delivery' }]);

/** Registers E54–E59. The literal `/webhook/delivery…` paths outrank `/webhook/:event/secret` in the router (§2.9). */
export function registerWebhooksRoutes(f: FastifyInstance, deps: Deps): void {
  const config = { auth: 'apiKey' as const, v6: { perm: 'account' as const, user: 'optional' as const, instanceOnly: true } };
  const tags = ['webhooks'];

  f.get('/webhook', {
    config,
    schema: {
      operationId: 'webmeeting.getWebhookConfig',
      tags,
      description: 'The whole webhook configuration, one entry per event name, signing secrets included. Hooks never saved are shown (and saved) with their defaults, so their secrets stay stable.',
      response: responses(WebhookConfigSchema),
    },
  }, async (req) => {
    return { responseCode: 0, data: presentWebhookConfig(await getWebhookConfig(deps, actorOf(req))) };
  });

  f.put('/webhook', {
    config,
    schema: {
      operationId: 'webmeeting.updateWebhookConfig',
      tags,
      description: 'Lenient: only the events and fields present change. Unknown event names and fields are ignored. A hook switched off has its pending deliveries cancelled. Returns the whole configuration.',
      body: WebhookConfigInputSchema,
      response: responses(WebhookConfigSchema),
    },
  }, async (req) => {
    const actor = actorOf(req);
    requireInstance(actor);
    const issues: FieldIssue[] = [];
    const patch = readWebhookConfigPatch(req.body, issues);
    // The url-required rule depends on the stored hooks; judge it here too so that one answer lists everything.
    if (issues.length > 0) issues.push(...patchUrlIssues(patch, await deps.store.webhookConfig.list()));
    throwIfInvalid(issues);
    return { responseCode: 0, data: presentWebhookConfig(await updateWebhookConfig(deps, actor, { hooks: patch.hooks })) };
  });

  f.get('/webhook/delivery', {
    config,
    schema: {
      operationId: 'webmeeting.listWebhookDeliveries',
      tags,
      description: 'The delivery log, newest first, with X-Total-Count. Filters: event, meeting (24-hex id), status, from (inclusive) / to (exclusive) on createdAt, offset, limit. attemptCount counts the attempts of the current cycle (E59 starts a new one).',
      querystring: Type.Object({
        event: Type.Optional(Type.Union(webhookEventNames.map((e) => Type.Literal(e)))),
        meeting: Type.Optional(Hex24),
        status: Type.Optional(Type.Union(DELIVERY_STATUSES.map((st) => Type.Literal(st)))),
        from: Type.Optional(Type.String({ format: 'date-time' })),
        to: Type.Optional(Type.String({ format: 'date-time' })),
        offset: Type.Optional(Type.Integer({ minimum: 0 })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
      }),
      response: responses(Type.Array(DeliverySchema)),
    },
  }, async (req, reply) => {
    requireInstance(actorOf(req));
    const issues: FieldIssue[] = [];
    const q = new Reader(req.query as Record<string, unknown>, issues, 'query');
    const event = q.enum('event', webhookEventNames);
    const meeting = q.string('meeting');
    if (meeting !== undefined && !isHex24(meeting)) q.fail('query.meeting', 'format', 'must be a 24-hex meeting id');
    const status = q.enum('status', DELIVERY_STATUSES);
    const from = q.instant('from');
    const to = q.instant('to');
    if (from !== undefined && to !== undefined && from >= to) q.fail('query.to', 'range', 'must be after query.from');
    const page = readPage(q);
    throwIfInvalid(issues);
    const { items, total } = await deps.store.outbox.listDeliveries({
      ...page,
      ...(event ? { event } : {}),
      ...(meeting ? { meetingId: meeting } : {}),
      ...(status ? { status } : {}),
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
    });
    reply.header('X-Total-Count', String(total));
    return { responseCode: 0, data: items.map(presentDelivery) };
  });

  f.get('/webhook/delivery/:deliveryId', {
    config,
    schema: {
      operationId: 'webmeeting.getWebhookDelivery',
      tags,
      description: 'One delivery with the exact body sent and every attempt (numbered across redelivery cycles; responseExcerpt is at most the first 2 KiB of the answer).',
      params: Type.Object({ deliveryId: Hex24 }),
      response: responses(DeliveryDetailSchema),
    },
  }, async (req) => {
    requireInstance(actorOf(req));
    const id = pathId(req, 'deliveryId');
    const delivery = await deps.store.outbox.getDelivery(id);
    if (!delivery) throw notFound();
    return { responseCode: 0, data: presentDeliveryDetail(delivery, await deps.store.outbox.listAttempts(id)) };
  });

  f.post('/webhook/delivery/:deliveryId/redeliver', {
    config,
    schema: {
      operationId: 'webmeeting.redeliverWebhookDelivery',
      tags,
      description: 'Starts a new attempt cycle now with the same event id, sequence and body; idempotent on a pending delivery; -9 when the hook is disabled. Returns the delivery as E58 shows it.',
      params: Type.Object({ deliveryId: Hex24 }),
      body: AnyBody,
      response: responses(DeliveryDetailSchema),
    },
  }, async (req) => {
    requireInstance(actorOf(req));
    const id = pathId(req, 'deliveryId');
    let delivery: WebhookDelivery;
    try {
      // The command wakes the worker (deps.notifyOutbox) after its commit.
      delivery = await redeliverDelivery(deps, { deliveryId: id });
    } catch (e) {
      if (e instanceof DomainError && e.code === 'webhook_delivery.not_found') throw notFound();
      throw e;
    }
    return { responseCode: 0, data: presentDeliveryDetail(delivery, await deps.store.outbox.listAttempts(id)) };
  });

  f.post('/webhook/:event/secret', {
    config,
    schema: {
      operationId: 'webmeeting.rotateWebhookSecret',
      tags,
      description: 'Rotates one hook\u2019s signing secret. The old one stays valid for CONVENE_WEBHOOK_SECRET_OVERLAP_HOURS (24), during which webhook-signature carries both signatures, the new one first. Returns that hook.',
      params: Type.Object({ event: Type.Union(webhookEventNames.map((e) => Type.Literal(e))) }),
      body: AnyBody,
      response: responses(HookSchema),
    },
  }, async (req) => {
    const actor = actorOf(req);
    requireInstance(actor);
    const issues: FieldIssue[] = [];
    const event = new Reader(req.params as Record<string, unknown>, issues, 'path').enum('event', webhookEventNames, { required: true });
    throwIfInvalid(issues);
    return { responseCode: 0, data: presentHook(await rotateWebhookSecret(deps, actor, { event: event as WebhookEventName })) };
  });
}
