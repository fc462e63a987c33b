/**
 * Webhook signing secrets (webmeeting-v6 §11.2): `whsec_` + standard base64 of 24–64 random bytes.
 *
 * This lives in the domain (pure string work, no `node:crypto`) because the hook configuration commands
 * (E55 first save, E56 rotation) generate and validate secrets; `src/webhooks/signing.ts` re-exports it.
 */
import type { Ids } from '../ports.js';

/** The prefix every Standard Webhooks symmetric secret carries. */
export const SECRET_PREFIX = 'whsec_';
/** Bytes of key material the server generates (§11.2: "32 random bytes"). */
export const GENERATED_SECRET_BYTES = 32;
/** Smallest accepted key, in bytes (§11.2). */
export const MIN_SECRET_BYTES = 24;
/** Largest accepted key, in bytes (§11.2). */
export const MAX_SECRET_BYTES = 64;

/**
 * A new signing secret: `whsec_` + base64 (standard alphabet, padded) of 32 random bytes from `ids`.
 * `Ids.secret` yields base64url without padding; re-alphabeting it keeps the same bytes, so tests with a
 * deterministic `Ids` get deterministic secrets.
 */
export function generateSecret(ids: Pick<Ids, 'secret'>): string {
  const b64url = ids.secret(GENERATED_SECRET_BYTES).replace(/=+$/, '');
  const b64 = b64url.replace(/-/g, '+').replace(/_/g, '/');
  return SECRET_PREFIX + b64 + '='.repeat((4 - (b64.length % 4)) % 4);
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * True when `secret` is `whsec_` followed by canonical padded base64 that decodes to 24–64 bytes.
 * The `whsec_` prefix is required here even though `standardwebhooks` treats it as optional: the API
 * documents it as part of the value, and a prefix-less string is more likely a pasted API key than a secret.
 */
export function isValidSecret(secret: unknown): secret is string {
  if (typeof secret !== 'string' || !secret.startsWith(SECRET_PREFIX)) return false;
  const b64 = secret.slice(SECRET_PREFIX.length);
  if (b64.length === 0 || !BASE64.test(b64)) return false;
  const padding = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
  const bytes = (b64.length / 4) * 3 - padding;
  return bytes >= MIN_SECRET_BYTES && bytes <= MAX_SECRET_BYTES;
}
