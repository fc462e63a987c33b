/**
 * Standard Webhooks v1 symmetric signatures (webmeeting-v6 §11.4; standard-webhooks spec).
 */
import { createHmac } from 'node:crypto';
import type { HookConfig } from '../domain/webhooks/types.js';
import { SECRET_PREFIX } from '../domain/webhooks/secret.js';

export { generateSecret, isValidSecret } from '../domain/webhooks/secret.js';

/**
 * The `webhook-signature` value for one message.
 *
 * signed content = `<id>.<timestampSec>.<body>`; signature = base64(HMAC-SHA256(key, content)) where key is the
 * base64-decoded secret without its `whsec_` prefix. With several secrets (rotation, §11.2) the entries are
 * joined by a single space in the order given; callers pass the new secret first.
 *
 * @param secret one `whsec_…` secret or a list of them (at least one).
 * @param id the `webhook-id` (the event id).
 * @param timestampSec the `webhook-timestamp`, integer Unix seconds of this attempt.
 * @param body the exact body string sent (hashed as UTF-8).
 * @returns e.g. `v1,+iFnrAzp…` or `v1,<new> v1,<old>`.
 * @throws Error when no secret is given.
 */
export function signPayload(secret: string | readonly string[], id: string, timestampSec: number, body: string): string {
  const secrets = typeof secret === 'string' ? [secret] : secret;
  if (secrets.length === 0) throw new Error('signPayload needs at least one secret');
  const content = `${id}.${Math.trunc(timestampSec)}.${body}`;
  return secrets
    .map((s) => {
      const key = Buffer.from(s.startsWith(SECRET_PREFIX) ? s.slice(SECRET_PREFIX.length) : s, 'base64');
      return `v1,${createHmac('sha256', key).update(content, 'utf8').digest('base64')}`;
    })
    .join(' ');
}

/**
 * The secrets a hook signs with at `now`, new first: its `signingSecret`, plus `previousSecret` while
 * `previousSecretValidUntil` is still in the future (the rotation overlap of §11.2).
 */
export function activeSecrets(
  hook: Pick<HookConfig, 'signingSecret' | 'previousSecret' | 'previousSecretValidUntil'>,
  now: number,
): string[] {
  const out = [hook.signingSecret];
  if (hook.previousSecret && hook.previousSecretValidUntil !== null && hook.previousSecretValidUntil > now) {
    out.push(hook.previousSecret);
  }
  return out;
}
