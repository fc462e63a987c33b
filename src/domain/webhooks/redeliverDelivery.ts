/**
 * E59: start a new attempt cycle for one delivery (webmeeting-v6 §11.5).
 */
import type { Deps } from '../deps.js';
import { DomainError } from '../errors.js';
import type { WebhookDelivery } from './types.js';

/** Input of {@link redeliverDelivery}. */
export interface RedeliverDeliveryInput {
  /** The delivery's 24-hex id. */
  deliveryId: string;
}

/**
 * Puts a finished delivery back in the queue: status `pending`, `nextAttemptAt` now, the retry schedule
 * restarted. The `eventId`, `sequence` and body stay the same, so receivers deduplicate it by `webhook-id`.
 *
 * Numbering (a decision the spec leaves open): `attemptCount` counts the attempts **of the current cycle**
 * and is reset to 0 here, because it is the position in the retry schedule. The attempt log (E58) keeps every
 * attempt, numbered consecutively across cycles, and `X-Webhook-Attempt` carries that running number, so a
 * receiver never sees the same attempt number twice for one `webhook-id` (after two failed cycles of 8 the
 * next attempt is `X-Webhook-Attempt: 17`).
 *
 * A redelivery never holds back other events: `firstAttemptDone` is set, so the §11.3.9 first-attempt ordering
 * does not wait for it (it is out of order by nature; receivers order by `sequence`).
 *
 * - On a delivery that is already `pending` the call is idempotent and returns it unchanged.
 * - Throws `DomainError('webhook_delivery.not_found')` for an unknown id.
 * - Throws `DomainError('webhook.hook_disabled')` when the event's hook is disabled, missing or has no URL.
 *
 * Wakes the webhook worker after the commit.
 * @returns the delivery as stored.
 */
export async function redeliverDelivery(
  deps: Pick<Deps, 'store' | 'clock' | 'notifyOutbox'>,
  input: RedeliverDeliveryInput,
): Promise<WebhookDelivery> {
  const result = await deps.store.transaction(async (tx) => {
    const d = await tx.outbox.getDelivery(input.deliveryId);
    if (!d) throw new DomainError('webhook_delivery.not_found');
    if (d.status === 'pending') return { delivery: d, changed: false };
    const hook = await tx.webhookConfig.get(d.event);
    if (!hook?.enabled || !hook.url) {
      throw new DomainError('webhook.hook_disabled', `The hook for ${d.event} is disabled`);
    }
    const now = deps.clock.now();
    const next: WebhookDelivery = {
      ...d,
      status: 'pending',
      attemptCount: 0,
      nextAttemptAt: now,
      firstAttemptDone: true,
      lockedUntil: null,
      completedAt: null,
    };
    await tx.outbox.updateDelivery(next);
    return { delivery: next, changed: true };
  });
  if (result.changed) deps.notifyOutbox();
  return result.delivery;
}
