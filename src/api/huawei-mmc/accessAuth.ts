/**
 * `X-Access-Token` authentication of the management routes (huawei-meeting.md §2.4): the token's user, its
 * account, and the two actor shapes the domain takes. Runs as a preValidation hook, after the body was
 * parsed, so a malformed body is answered first (§5.4 step 2 before step 3).
 */
import type { FastifyRequest } from 'fastify';
import type { Account } from '../../domain/accounts/Account.js';
import type { Actor } from '../../domain/accounts/policies.js';
import { displayName, type User } from '../../domain/accounts/User.js';
import type { AccessToken } from '../../domain/credentials/ports.js';
import { hashAccessToken } from '../../domain/credentials/issueAccessToken.js';
import type { Meeting } from '../../domain/meetings/Meeting.js';
import type { LiveActor } from '../../domain/live/types.js';
import type { Store } from '../../domain/ports.js';
import { HuaweiError } from './errors.js';

/** Who a management request acts as. */
export interface HuaweiPrincipal {
  token: AccessToken;
  user: User;
  account: Account;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on `accessToken` routes by {@link requireAccessToken}. */
    huaweiPrincipal?: HuaweiPrincipal;
  }
}

/** The first value of a header, trimmed; undefined when absent or blank. */
export function headerValue(req: FastifyRequest, name: string): string | undefined {
  const raw = req.headers[name];
  const v = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  return v === undefined || v === '' ? undefined : v;
}

/**
 * Resolves `X-Access-Token` or throws the §2.4 answer: missing/blank → 401 `MMC.111070111`; unknown, of
 * another dialect, revoked, expired, or of a user or account that no longer exists → 401 `MMC.118000001`.
 * Use does not extend a token; the last address it was used from is recorded.
 */
export async function requireAccessToken(req: FastifyRequest, store: Store, now: number): Promise<HuaweiPrincipal> {
  const raw = headerValue(req, 'x-access-token');
  if (raw === undefined) throw new HuaweiError('MMC.111070111', 'header X-Access-Token is required');
  const invalid = (detail: string) => new HuaweiError('MMC.118000001', detail);
  // Anything longer than any token we issue cannot match; skip hashing attacker-sized input.
  const token = raw.length <= 256 ? await store.accessTokens.get(hashAccessToken(raw)) : undefined;
  if (!token || token.dialect !== 'huawei' || token.userId === null) throw invalid('access token is not valid');
  if (token.revokedAt !== null) throw invalid('access token has been revoked');
  if (token.expiresAt <= now) throw invalid('access token expired');
  const user = await store.users.get(token.accountId, token.userId);
  const account = user && (await store.accounts.get(token.accountId, token.accountId));
  if (!user || !account) throw invalid('access token is not valid');
  if (token.lastUsedIp !== req.ip) await store.accessTokens.touch(token.hash, req.ip);
  return { token, user, account };
}

/**
 * The v6 actor of a principal (for scheduleMeeting, deleteMeeting): an account-level credential acting as
 * the token's user, so v6 rights apply unchanged (a member acts on their own meetings, an admin on all).
 */
export function v6Actor(p: HuaweiPrincipal): Actor {
  return { level: 'account', accountId: p.account.id, user: p.user, credentialId: `huawei:${p.token.hash.slice(0, 12)}` };
}

/** The live actor of a principal for one meeting: it may control it when it organized it or is an admin. */
export function liveActor(p: HuaweiPrincipal, meeting: Pick<Meeting, 'addedByUserId'> | null): LiveActor {
  return {
    accountId: p.account.id,
    canControl: p.user.isAdmin || (meeting !== null && meeting.addedByUserId === p.user.id),
    meetingId: null,
    name: displayName(p.user) || p.user.email,
    userId: p.user.id,
  };
}
