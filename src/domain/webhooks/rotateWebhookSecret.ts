/**
 * E56: rotate one hook's signing secret (webmeeting-v6 §11.2).
 */
import { requireInstance, type Actor } from '../accounts/policies.js';
import type { Deps } from '../deps.js';
import { defaultHook } from './getWebhookConfig.js';
import { generateSecret } from './secret.js';
import type { HookConfig, WebhookEventName } from './types.js';

/** Input of {@link rotateWebhookSecret}. */
export interface RotateWebhookSecretInput {
  /** The hook whose secret changes. */
  event: WebhookEventName;
}

/**
 * Gives the hook a new generated secret and keeps the old one as `previousSecret` for
 * `settings.webhookSecretOverlapHours` (default 24): until then every attempt carries two signatures, the new
 * one first (§11.2, `activeSecrets`), so receivers can switch secrets without losing a message.
 *
 * - A hook that was never saved has no secret anyone could have seen, so it simply gets one, with no previous.
 * - An overlap of 0 hours switches at once: no previous secret is kept.
 * - Rotating again during an overlap drops the oldest secret: only the two newest are ever valid.
 * - No delivery is touched: pending ones are signed at attempt time with whatever is valid then.
 *
 * @throws DomainError permission.denied unless the actor holds an instance-level key.
 * @returns the hook as stored.
 */
export async function rotateWebhookSecret(deps: Pick<Deps, 'store' | 'ids' | 'clock' | 'settings'>, actor: Actor, input: RotateWebhookSecretInput): Promise<HookConfig> {
  requireInstance(actor);
  return deps.store.transaction(async (tx) => {
    const now = deps.clock.now();
    const current = await tx.webhookConfig.get(input.event);
    const overlapMs = deps.settings.webhookSecretOverlapHours * 3_600_000;
    const next: HookConfig = current
      ? {
          ...current,
          signingSecret: generateSecret(deps.ids),
          previousSecret: overlapMs > 0 ? current.signingSecret : null,
          previousSecretValidUntil: overlapMs > 0 ? now + overlapMs : null,
          updatedAt: now,
        }
      : defaultHook(input.event, deps, now);
    await tx.webhookConfig.save(next);
    return next;
  });
}
