/**
 * Who a realtime socket is: the `auth` message's token resolved to a user. Accepted are Convene session tokens
 * (POST /auth/token, dialect `convene`) and Huawei access tokens (H1/H2, dialect `huawei`); DingTalk app
 * tokens act as no user and are refused. Only the SHA-256 of a token is ever looked up.
 */
import { displayName } from '../domain/accounts/User.js';
import type { CredentialDialect } from '../domain/credentials/ports.js';
import type { Store } from '../domain/ports.js';
import { sha256Hex } from '../infra/secrets.js';

/** Token dialects a realtime socket accepts. */
export const REALTIME_TOKEN_DIALECTS: readonly CredentialDialect[] = ['convene', 'huawei'];

/** The user a socket acts as. */
export interface RealtimeIdentity {
  userId: string;
  accountId: string;
  /** Display name (first + last, or the email when both are empty). */
  name: string;
  /** SHA-256 hex of the token (never the token itself). */
  tokenHash: string;
  dialect: CredentialDialect;
  /** Epoch ms. */
  expiresAt: number;
}

/**
 * Resolves a bearer token to its user, or null when it is unknown, revoked, expired, of another dialect,
 * not bound to a user, or its user no longer exists. Never throws for a bad token.
 */
export async function authenticateToken(store: Store, now: number, token: string): Promise<RealtimeIdentity | null> {
  const hash = sha256Hex(token);
  const t = await store.accessTokens.get(hash);
  if (!t || t.revokedAt !== null || t.expiresAt <= now || !t.userId || !REALTIME_TOKEN_DIALECTS.includes(t.dialect)) return null;
  const user = await store.users.get(t.accountId, t.userId);
  if (!user) return null;
  return { userId: user.id, accountId: user.accountId, name: displayName(user) || user.email, tokenHash: hash, dialect: t.dialect, expiresAt: t.expiresAt };
}
