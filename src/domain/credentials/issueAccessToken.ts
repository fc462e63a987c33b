/**
 * Issues a Huawei access token (huawei-meeting.md §2.2): `stb` + 33 CSPRNG characters of `[A-Za-z0-9]`,
 * valid 24 hours from issue (use does not extend it), stored only as SHA-256 with its user, account,
 * `clientType`, app and creating IP.
 */
import { createHash } from 'node:crypto';
import type { Deps } from '../deps.js';
import type { Repositories } from '../ports.js';
import type { AccessToken } from './ports.js';

/** Lifetime of an access token: 24 h, inside the FOUND 12–24 h range (DESIGNED). */
export const ACCESS_TOKEN_TTL_MS = 86_400_000;
/** The `clientType` under which a user may hold several live tokens (FOUND: RN §2.1). */
export const MULTI_TOKEN_CLIENT_TYPE = 72;
/** How many live `clientType` 72 tokens a user may hold; the next sign-in revokes the oldest (FOUND). */
export const MAX_MULTI_TOKENS = 64;
/** The shape of a token on the wire. */
export const ACCESS_TOKEN_PATTERN = /^stb[A-Za-z0-9]{33}$/;

/** SHA-256 hex of an access token: the only form that is stored. */
export function hashAccessToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new token: `stb` + 33 characters of `[A-Za-z0-9]` (≈196 bits) from `ids`. */
export function generateAccessToken(ids: Pick<Deps['ids'], 'secret'>): string {
  let body = '';
  // base64url minus `-` and `_` keeps 62 of 64 symbols uniformly; top up in the rare case it runs short.
  while (body.length < 33) body += ids.secret(48).replace(/[-_]/g, '');
  return `stb${body.slice(0, 33)}`;
}

/** Input of issueAccessToken. */
export interface IssueAccessTokenInput {
  accountId: string;
  userId: string;
  /** The app of an App ID sign-in (H2), or null for a password sign-in (H1). */
  appId: string | null;
  clientType: number;
  /** The client IP Convene saw (`tokenIp`). */
  ip: string | null;
}

/**
 * Stores a new access token inside the caller's transaction and returns it with the plain token, which is
 * shown once. Count rules (FOUND, RN §2.1; huawei-meeting.md §10.2): with `clientType` 72 a user keeps up to
 * 64 live tokens and the 65th revokes the oldest, so SDKs that sign in every 43 s never lose a token in use;
 * with any other `clientType` a new sign-in revokes the user's previous live tokens **of that clientType**
 * (DESIGNED: a desktop sign-in must not log out the SDK integration that runs under 72).
 */
export async function issueAccessToken(tx: Repositories, deps: Pick<Deps, 'ids' | 'clock'>, input: IssueAccessTokenInput): Promise<{ token: string; record: AccessToken }> {
  const now = deps.clock.now();
  const live = (await tx.accessTokens.listLiveByUser('huawei', input.userId, now)).filter((t) => t.clientType === input.clientType);
  const revoke = input.clientType === MULTI_TOKEN_CLIENT_TYPE ? live.slice(0, Math.max(0, live.length - (MAX_MULTI_TOKENS - 1))) : live;
  for (const t of revoke) await tx.accessTokens.revoke(t.hash, now);
  const token = generateAccessToken(deps.ids);
  const record: AccessToken = {
    hash: hashAccessToken(token),
    dialect: 'huawei',
    accountId: input.accountId,
    userId: input.userId,
    appId: input.appId,
    clientType: input.clientType,
    createdAt: now,
    expiresAt: now + ACCESS_TOKEN_TTL_MS,
    revokedAt: null,
    lastUsedIp: input.ip,
  };
  await tx.accessTokens.insert(record);
  return { token, record };
}
