/**
 * E55: change the instance-wide webhook configuration (webmeeting-v6 §11.2, §11.3.8).
 */
import { requireInstance, type Actor } from '../accounts/policies.js';
import type { Deps } from '../deps.js';
import { throwIfInvalid, type FieldIssue } from '../errors.js';
import { loadHooks } from './getWebhookConfig.js';
import { webhookEventNames, type HookConfig, type WebhookEventName } from './types.js';

/** Longest accepted hook URL (§11.2). */
export const MAX_HOOK_URL_LENGTH = 2048;
/** Longest accepted per-hook API key (§11.2). */
export const MAX_HOOK_API_KEY_LENGTH = 255;

/**
 * The changes to one hook. Absent fields keep their values (E55 is lenient); the dialect has validated and
 * normalised every present field already.
 */
export interface HookPatch {
  /** Absolute http(s) URL of at most 2048 characters, or null to clear it. */
  url?: string | null;
  method?: HookConfig['method'];
  /** Sent as `X-API-KEY`; at most 255 characters, or null for none. */
  apiKey?: string | null;
  /** Disabling cancels the hook's pending deliveries in the same transaction (§11.3.8). */
  enabled?: boolean;
  /** Applies to deliveries recorded from now on: a recorded body never changes (§11.3.5). */
  payloadFormat?: HookConfig['payloadFormat'];
  /**
   * A `whsec_` secret (checked with `isValidSecret`). Replaces the current one at once, with no overlap: use
   * rotation (E56) when receivers must keep verifying with the old secret for a while.
   */
  signingSecret?: string;
}

/** Input of {@link updateWebhookConfig}. */
export interface UpdateWebhookConfigInput {
  /** Only the events present change. */
  hooks: Partial<Record<WebhookEventName, HookPatch>>;
}

/** True for an absolute `http`/`https` URL with a host, of at most {@link MAX_HOOK_URL_LENGTH} characters. */
export function isValidHookUrl(url: string): boolean {
  if (url.length > MAX_HOOK_URL_LENGTH) return false;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
}

/**
 * The cross-field rule of §11.2, "url required when enabled", on the hook as it would be after `patch`:
 * an issue `<event>.url` / `required` when it would be enabled without a URL. The dialect calls it too, against
 * the stored configuration, so that this issue is reported together with the syntax issues of the same body.
 */
export function urlRequiredIssues(event: WebhookEventName, current: Pick<HookConfig, 'url' | 'enabled'> | undefined, patch: HookPatch): FieldIssue[] {
  const enabled = patch.enabled ?? current?.enabled ?? false;
  const url = patch.url !== undefined ? patch.url : (current?.url ?? null);
  if (!enabled || url) return [];
  return [{ field: `${event}.url`, code: 'required', message: `${event}.url is required when the hook is enabled` }];
}

/** The hook after `patch`, as of `now`. */
function applyPatch(current: HookConfig, patch: HookPatch, now: number): HookConfig {
  const next: HookConfig = { ...current, updatedAt: now };
  if (patch.url !== undefined) next.url = patch.url;
  if (patch.method !== undefined) next.method = patch.method;
  if (patch.apiKey !== undefined) next.apiKey = patch.apiKey;
  if (patch.payloadFormat !== undefined) next.payloadFormat = patch.payloadFormat;
  if (patch.signingSecret !== undefined && patch.signingSecret !== current.signingSecret) {
    // A secret set by hand replaces the old one at once; an overlap from an earlier rotation would keep
    // signing with a secret the operator has just chosen to abandon.
    next.signingSecret = patch.signingSecret;
    next.previousSecret = null;
    next.previousSecretValidUntil = null;
  }
  if (patch.enabled !== undefined) {
    next.enabled = patch.enabled;
    // The reason explains why the server switched a hook off (410, §11.3.8); switching it on again ends that.
    if (patch.enabled) next.disabledReason = null;
  }
  return next;
}

/**
 * Applies the changes of E55 in one transaction and returns the whole configuration.
 *
 * - Only the events and fields present change; hooks never saved start from their defaults (and, like E54, every
 *   missing hook is saved so its secret is stable).
 * - A hook that would be enabled without a URL fails the whole request (`<event>.url` / `required`, every such
 *   event named), and nothing is written.
 * - A hook switched off (`enabled: false`) has its pending deliveries cancelled in the same transaction
 *   (§11.3.8), so nothing more is sent to a receiver the operator has just turned away. Sending `enabled: false`
 *   for a hook that is already off cancels too: it is idempotent, and the worker would cancel them anyway.
 *
 * @throws DomainError permission.denied unless the actor holds an instance-level key;
 *   validation.failed for a hook enabled without a URL.
 * @returns the eight hooks in catalogue order.
 */
export async function updateWebhookConfig(deps: Pick<Deps, 'store' | 'ids' | 'clock'>, actor: Actor, input: UpdateWebhookConfigInput): Promise<HookConfig[]> {
  requireInstance(actor);
  return deps.store.transaction(async (tx) => {
    const hooks = await loadHooks(tx, deps);
    const now = deps.clock.now();
    const issues: FieldIssue[] = [];
    const changed: Array<{ next: HookConfig; cancel: boolean }> = [];
    for (const [i, event] of webhookEventNames.entries()) {
      const patch = input.hooks[event];
      if (!patch) continue;
      const current = hooks[i] as HookConfig;
      issues.push(...urlRequiredIssues(event, current, patch));
      const next = applyPatch(current, patch, now);
      hooks[i] = next;
      changed.push({ next, cancel: patch.enabled === false });
    }
    throwIfInvalid(issues);
    for (const { next, cancel } of changed) {
      await tx.webhookConfig.save(next);
      if (cancel) await tx.outbox.cancelPending(next.event, now);
    }
    return hooks;
  });
}
