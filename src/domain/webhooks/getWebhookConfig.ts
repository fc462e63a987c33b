/**
 * E54: the instance-wide webhook configuration (webmeeting-v6 §11.2), one hook per event name.
 */
import { requireInstance, type Actor } from '../accounts/policies.js';
import type { Deps } from '../deps.js';
import type { Repositories } from '../ports.js';
import { generateSecret } from './secret.js';
import { webhookEventNames, type HookConfig, type WebhookEventName } from './types.js';

/**
 * The configuration of a hook that was never saved: no URL, `POST`, no API key, disabled, `plain` body, a fresh
 * signing secret (§11.2: "the server generates 32 random bytes when a hook is first saved without one").
 */
export function defaultHook(event: WebhookEventName, deps: Pick<Deps, 'ids'>, now: number): HookConfig {
  return {
    event,
    url: null,
    method: 'POST',
    apiKey: null,
    enabled: false,
    payloadFormat: 'plain',
    signingSecret: generateSecret(deps.ids),
    previousSecret: null,
    previousSecretValidUntil: null,
    disabledReason: null,
    updatedAt: now,
  };
}

/**
 * Every hook in catalogue order. Hooks never saved are created with {@link defaultHook} and **saved**, so the
 * secret an operator reads is the one the worker will sign with once the hook is enabled; without saving, each
 * read would show a different secret.
 * Call it with a transaction's repositories: the saves must commit together with whatever the caller changes.
 */
export async function loadHooks(tx: Repositories, deps: Pick<Deps, 'ids' | 'clock'>): Promise<HookConfig[]> {
  const saved = new Map((await tx.webhookConfig.list()).map((h) => [h.event, h]));
  const now = deps.clock.now();
  const out: HookConfig[] = [];
  for (const event of webhookEventNames) {
    let hook = saved.get(event);
    if (!hook) {
      hook = defaultHook(event, deps, now);
      await tx.webhookConfig.save(hook);
    }
    out.push(hook);
  }
  return out;
}

/**
 * Reads the whole configuration (E54), saving defaults for the hooks never saved (see {@link loadHooks}).
 * Once every hook exists it only reads, so the usual GET opens no write transaction.
 *
 * Two first reads racing on PostgreSQL could each save a default secret; the later commit wins and the earlier
 * caller may have seen the losing one. It only concerns the very first read of a disabled hook, and the next
 * read shows the stored secret.
 *
 * @throws DomainError permission.denied unless the actor holds an instance-level key.
 * @returns the eight hooks in catalogue order.
 */
export async function getWebhookConfig(deps: Pick<Deps, 'store' | 'ids' | 'clock'>, actor: Actor): Promise<HookConfig[]> {
  requireInstance(actor);
  let saved = inCatalogueOrder(await deps.store.webhookConfig.list());
  if (saved.length === webhookEventNames.length) return saved;
  await deps.store.transaction((tx) => loadHooks(tx, deps));
  // Re-read after the commit: what is stored is what the worker will sign with.
  saved = inCatalogueOrder(await deps.store.webhookConfig.list());
  return saved;
}

/** The hooks of the catalogue's events, in catalogue order (whatever order the repository returned). */
function inCatalogueOrder(hooks: HookConfig[]): HookConfig[] {
  const byEvent = new Map(hooks.map((h) => [h.event, h]));
  return webhookEventNames.flatMap((e) => byEvent.get(e) ?? []);
}
