/**
 * `x-acs-dingtalk-access-token` authentication (dingtalk-conference.md §3.3): the token resolves to its app
 * and account; routes add the acting user from the request's `unionId` where the spec names one.
 */
import type { FastifyRequest } from 'fastify';
import type { Account } from '../../domain/accounts/Account.js';
import type { Actor } from '../../domain/accounts/policies.js';
import { displayName, type User } from '../../domain/accounts/User.js';
import { hashAccessToken } from '../../domain/credentials/issueAccessToken.js';
import type { AccessToken } from '../../domain/credentials/ports.js';
import type { LiveActor } from '../../domain/live/types.js';
import type { Store } from '../../domain/ports.js';
import { invalidToken, unknownUser } from './errors.js';

/** Who a DingTalk request acts for: an app of one account. */
export interface DingtalkPrincipal {
  token: AccessToken;
  account: Account;
  appId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on `dingtalkToken` routes by {@link requireDingtalkToken}. */
    dingtalkPrincipal?: DingtalkPrincipal;
  }
}

/**
 * Resolves the token header or throws `400 InvalidAuthentication` (missing, blank, unknown, another dialect's,
 * revoked, expired, of a revoked app or a deleted account: identical on the wire). The header is used raw:
 * a JSON-quoted token is simply unknown (§3.3).
 */
export async function requireDingtalkToken(req: FastifyRequest, store: Store, now: number): Promise<DingtalkPrincipal> {
  const rawHeader = req.headers['x-acs-dingtalk-access-token'];
  const raw = Array.isArray(rawHeader) ? rawHeader[0] : rawHeader;
  const fail = (why: string) => {
    req.log.info({ why }, 'dingtalk: access token refused');
    return invalidToken();
  };
  if (raw === undefined || raw.trim() === '') throw fail('missing');
  const token = raw.length <= 128 ? await store.accessTokens.get(hashAccessToken(raw)) : undefined;
  if (!token || token.dialect !== 'dingtalk' || token.appId === null) throw fail('unknown');
  if (token.revokedAt !== null) throw fail('revoked');
  if (token.expiresAt <= now) throw fail('expired');
  const app = await store.appCredentials.get(token.appId);
  if (!app || app.revokedAt !== null) throw fail('app revoked');
  const account = await store.accounts.get(token.accountId, token.accountId);
  if (!account) throw fail('account gone');
  if (token.lastUsedIp !== req.ip) await store.accessTokens.touch(token.hash, req.ip);
  return { token, account, appId: token.appId };
}

/** The principal of a `dingtalkToken` route (set by the scope's hook). */
export function principalOf(req: FastifyRequest): DingtalkPrincipal {
  const p = req.dingtalkPrincipal;
  if (!p) throw new Error('dingtalk: dingtalkToken route without principal');
  return p;
}

/** The user of the principal's account with this unionId, or `400 unknownUserError`. */
export async function userByUnionId(store: Store, p: DingtalkPrincipal, unionId: string): Promise<User> {
  const u = await store.users.getByUnionId(p.account.id, unionId);
  if (!u) throw unknownUser();
  return u;
}

/** The name a user shows under: display name, else email. */
export function nickOf(u: User): string {
  return displayName(u) || u.email;
}

/** The v6 actor of an app acting as `user` (scheduleMeeting): account-level, so v6 rights apply unchanged. */
export function v6Actor(p: DingtalkPrincipal, user: User): Actor {
  return { level: 'account', accountId: p.account.id, user, credentialId: `dingtalk:${p.appId}` };
}

/**
 * The live actor of an app (holding the Write scope) acting as `user`, or as the app alone when no operator is
 * named: the name is the inviter shown in ringing calls ('' → the title alone, §5.1).
 */
export function dingtalkLiveActor(p: DingtalkPrincipal, user: User | null): LiveActor {
  return { accountId: p.account.id, canControl: true, meetingId: null, name: user ? nickOf(user) : '', userId: user?.id ?? null };
}
