/**
 * DingTalk app credentials (dingtalk-conference.md §3.5): an `appKey` (`ding` + 16 lower-case alphanumerics,
 * the AppCredential's `appId`) and an `appSecret` (64 URL-safe characters) shown once. The secret is only ever
 * compared, so only its SHA-256 is stored (`secretHash`).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Deps } from '../deps.js';
import { DomainError } from '../errors.js';
import type { AppCredential } from './ports.js';

/** Input of createDingtalkApp. */
export interface CreateDingtalkAppInput {
  accountId: string;
  /** A label for operators; default `app`. */
  name?: string;
  /** Fixed credentials (bootstrap files, CI); generated when absent. */
  appKey?: string;
  appSecret?: string;
}

/** SHA-256 hex of an app secret: the only form stored. */
export function hashDingtalkSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time comparison of a presented secret with a stored hash. */
export function dingtalkSecretMatches(secret: string, storedHash: string | null): boolean {
  if (storedHash === null) return false;
  const a = Buffer.from(hashDingtalkSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A new appKey: `ding` + 16 characters of `[a-z0-9]`. */
export function generateDingtalkAppKey(ids: Pick<Deps['ids'], 'secret'>): string {
  let body = '';
  while (body.length < 16) body += ids.secret(24).toLowerCase().replace(/[^a-z0-9]/g, '');
  return `ding${body.slice(0, 16)}`;
}

/** A new appSecret: 64 URL-safe characters (48 random bytes). */
export function generateDingtalkAppSecret(ids: Pick<Deps['ids'], 'secret'>): string {
  let s = '';
  while (s.length < 64) s += ids.secret(48);
  return s.slice(0, 64);
}

/**
 * Stores a new DingTalk app of an account and returns it with its secret (shown once).
 * @throws DomainError account.not_found, validation.failed (the appKey is taken).
 */
export async function createDingtalkApp(deps: Pick<Deps, 'store' | 'ids' | 'clock'>, input: CreateDingtalkAppInput): Promise<{ app: AppCredential; appKey: string; appSecret: string }> {
  const appKey = input.appKey ?? generateDingtalkAppKey(deps.ids);
  const appSecret = input.appSecret ?? generateDingtalkAppSecret(deps.ids);
  const app: AppCredential = {
    appId: appKey,
    dialect: 'dingtalk',
    accountId: input.accountId,
    name: input.name ?? 'app',
    secretSealed: null,
    secretHash: hashDingtalkSecret(appSecret),
    createdAt: deps.clock.now(),
    revokedAt: null,
  };
  await deps.store.transaction(async (tx) => {
    if (!(await tx.accounts.get(input.accountId, input.accountId))) throw new DomainError('account.not_found', `account ${input.accountId} not found`);
    if (await tx.appCredentials.get(app.appId)) {
      throw new DomainError('validation.failed', 'Data not valid', [{ field: 'appKey', code: 'conflict', message: `app ${app.appId} already exists` }]);
    }
    await tx.appCredentials.insert(app);
  });
  return { app, appKey, appSecret };
}

/**
 * Revokes a DingTalk app and every token it issued, in one transaction (repeatable: the first revocation
 * time is kept). Undefined when no DingTalk app has this key.
 */
export async function revokeDingtalkApp(deps: Pick<Deps, 'store' | 'clock'>, appKey: string): Promise<{ app: AppCredential; tokensRevoked: number } | undefined> {
  return deps.store.transaction(async (tx) => {
    const app = await tx.appCredentials.get(appKey);
    if (!app || app.dialect !== 'dingtalk') return undefined;
    const now = deps.clock.now();
    if (app.revokedAt === null) await tx.appCredentials.revoke(appKey, now);
    const tokensRevoked = await tx.accessTokens.revokeByApp(appKey, now);
    return { app: { ...app, revokedAt: app.revokedAt ?? now }, tokensRevoked };
  });
}
