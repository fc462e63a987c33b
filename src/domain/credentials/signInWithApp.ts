/**
 * App ID sign-in (huawei-meeting.md §2.2 H2, §6.3): an app credential signs
 * `appId:userId:expireTime:nonce` (or the SP form `appId:corpId:userId:expireTime:nonce`) with HMAC-SHA256
 * under its app key; the server answers with an access token for the named third-party user, creating that
 * user in the app's account on first use.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { isExpired, type Account } from '../accounts/Account.js';
import { newUser } from '../accounts/newUser.js';
import type { User } from '../accounts/User.js';
import type { Deps } from '../deps.js';
import type { Repositories } from '../ports.js';
import { issueAccessToken } from './issueAccessToken.js';
import type { AccessToken, AppCredential } from './ports.js';
import { adminTypeOf, type AdminType } from './signInWithPassword.js';

/** A nonce is remembered at least this long (DESIGNED: a replay within 24 h is refused). */
export const NONCE_RETENTION_MS = 86_400_000;

/** Input of signInWithApp, as the dialect read it. */
export interface SignInWithAppInput {
  appId: string;
  /** The `signature=` value (hex, any case). */
  signature: string;
  /** The decoded `access=` value, or null when the header had none (it is optional). */
  access: string | null;
  /** Third-party user id; null/empty = the account's default admin. */
  userId: string | null;
  /** SP apps: the account to act in; null when absent. */
  corpId: string | null;
  /** Unix seconds; 0 = the signature never expires. */
  expireTime: number;
  /** 32–64 characters, single use. */
  nonce: string;
  clientType: number;
  /** Profile of a user created on first sign-in. */
  profile: { userName: string | null; userEmail: string | null; userPhone: string | null };
  ip: string | null;
}

/** A successful App ID sign-in. */
export interface AppSignedIn {
  ok: true;
  app: AppCredential;
  user: User;
  account: Account;
  adminType: AdminType;
  /** True when the third-party user was created by this sign-in. */
  created: boolean;
  token: { token: string; record: AccessToken };
}

/** Why an App ID sign-in was refused; `detail` names the failed check (§6.3). */
export type AppSignInRefusal =
  | { ok: false; reason: 'app_auth'; detail: string }
  /** The account has expired or no longer exists. */
  | { ok: false; reason: 'disabled' }
  /** The third-party user would be created, but the account is at its `numberOfMeetingOrganizers` cap. */
  | { ok: false; reason: 'account_full' };

const HEX64 = /^[0-9a-fA-F]{64}$/;
/** A syntactically usable email for a provisioned user; anything else gets a placeholder address. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** hex(HMAC-SHA256(key, data)), lower-case. */
export function appSignature(appKey: string, data: string): string {
  return createHmac('sha256', appKey).update(data, 'utf8').digest('hex');
}

/** Constant-time comparison of a received hex signature (any case) with an expected lower-case one. */
function signatureMatches(received: string, expected: string): boolean {
  if (!HEX64.test(received)) return false;
  return timingSafeEqual(Buffer.from(received.toLowerCase(), 'hex'), Buffer.from(expected, 'hex'));
}

/**
 * Signs a third-party user in with an app credential. Checks, in order, each refused with its own detail:
 * `access` matches `appId`; the app exists, is a Huawei app and is not revoked; `corpId` is allowed; the
 * signature matches either form; `expireTime` has not passed; the nonce is unused (recorded only once
 * everything else passed, in the same transaction as the token).
 */
export async function signInWithApp(deps: Pick<Deps, 'store' | 'ids' | 'clock' | 'settings'>, input: SignInWithAppInput): Promise<AppSignedIn | AppSignInRefusal> {
  const refuse = (detail: string): AppSignInRefusal => ({ ok: false, reason: 'app_auth', detail });
  const { store } = deps;
  if (input.access !== null && input.access !== input.appId) return refuse('access does not match appId');
  const app = await store.appCredentials.get(input.appId);
  if (!app || app.dialect !== 'huawei' || app.revokedAt !== null || app.secretSealed === null) return refuse('unknown appId');
  const corpId = input.corpId ?? '';
  let accountId: string;
  if (app.accountId === null) {
    // An instance-level (SP) app acts in the account its request names.
    if (corpId === '') return refuse('corpId is required for this app');
    accountId = corpId;
  } else {
    if (corpId !== '' && corpId !== app.accountId) return refuse('corpId not allowed for this app');
    accountId = app.accountId;
  }
  const userId = input.userId ?? '';
  const tail = `${userId}:${input.expireTime}:${input.nonce}`;
  const single = appSignature(app.secretSealed, `${input.appId}:${tail}`);
  const sp = appSignature(app.secretSealed, `${input.appId}:${corpId}:${tail}`);
  // Evaluate both comparisons so the time taken does not tell which form was tried.
  const okSingle = signatureMatches(input.signature, single);
  const okSp = signatureMatches(input.signature, sp);
  if (!okSingle && !okSp) return refuse('signature mismatch');
  const now = deps.clock.now();
  if (input.expireTime !== 0 && now > input.expireTime * 1000) return refuse('expireTime has passed');
  const account = await store.accounts.get(accountId, accountId);
  if (!account) return app.accountId === null ? refuse('corpId names no account') : { ok: false, reason: 'disabled' };
  if (isExpired(account, now)) return { ok: false, reason: 'disabled' };

  try {
    return await store.transaction(async (tx) => {
      let found = await resolveUser(tx, account, userId);
      let current = account;
      if (!found) {
        // About to create the user: lock the account, so concurrent first sign-ins look the user up and count
        // one after another (on PostgreSQL each would otherwise create it, past the limit too).
        const locked = await tx.accounts.getForUpdate(account.id, account.id);
        if (!locked) return { ok: false as const, reason: 'disabled' as const };
        current = locked;
        found = await resolveUser(tx, current, userId);
      }
      const full = !found && current.numberOfMeetingOrganizers !== 0 && (await tx.users.count(current.id)) >= current.numberOfMeetingOrganizers;
      // The nonce is recorded before the cap check so a replay is still named as one; the cap rolls it back.
      const nonceUntil = Math.max(now + NONCE_RETENTION_MS, input.expireTime * 1000);
      if (!(await tx.nonces.tryUse(input.appId, input.nonce, nonceUntil, now))) return refuse('nonce already used');
      if (full) throw new AccountFull();
      const user = found ?? (await provisionUser(tx, deps, account, userId, input.profile));
      const token = await issueAccessToken(tx, deps, { accountId: account.id, userId: user.id, appId: app.appId, clientType: input.clientType, ip: input.ip });
      return { ok: true as const, app, user, account, adminType: await adminTypeOf(tx, user), created: !found, token };
    });
  } catch (e) {
    // Thrown inside the transaction so that the nonce it recorded is rolled back with it.
    if (e instanceof AccountFull) return { ok: false, reason: 'account_full' };
    throw e;
  }
}

/** Rolls the sign-in transaction back when the third-party user cannot be created. */
class AccountFull extends Error {}

/** Users are scanned in pages of this size when looking for an external id (the port has no index for it). */
const SCAN_PAGE = 500;

/**
 * The user a third-party id designates in `account`: none → the account's default (first) admin (FOUND);
 * otherwise the oldest user whose `externalUserId` equals it.
 */
async function resolveUser(tx: Repositories, account: Account, userId: string): Promise<User | undefined> {
  if (userId === '') return (await tx.users.list(account.id, { adminsOnly: true, sort: 'createdAt', offset: 0, limit: 1 })).items[0];
  return findByExternalId(tx, account.id, userId);
}

/** The oldest user of the account with this `externalUserId`. */
export async function findByExternalId(repos: Pick<Repositories, 'users'>, accountId: string, externalUserId: string): Promise<User | undefined> {
  for (let offset = 0; ; offset += SCAN_PAGE) {
    const page = await repos.users.list(accountId, { sort: 'createdAt', offset, limit: SCAN_PAGE });
    const hit = page.items.find((u) => u.externalUserId === externalUserId);
    if (hit) return hit;
    if (page.items.length < SCAN_PAGE) return undefined;
  }
}

/**
 * Creates the third-party user (§2.2 "Third-party users"): display name `userName` ‖ `userId`, the given
 * email unless another user of the instance has it (then, as without one, a placeholder under `.invalid`,
 * RFC 2606, because every Convene user needs a unique email), no password, an ordinary member.
 */
async function provisionUser(tx: Repositories, deps: Pick<Deps, 'ids' | 'clock' | 'settings'>, account: Account, userId: string, profile: SignInWithAppInput['profile']): Promise<User> {
  const wanted = profile.userEmail?.toLowerCase() ?? null;
  const usable = wanted !== null && EMAIL.test(wanted) && !(await tx.users.getByEmail('*', wanted)) && !(await tx.users.getByLoginName(wanted));
  const email = usable ? wanted : `app-user-${deps.ids.hex(16)}@huawei-app.invalid`;
  const user = newUser(deps.ids, deps.clock.now(), {
    accountId: account.id,
    email,
    firstName: profile.userName ?? userId,
    lastName: '',
    externalUserId: userId,
    timezone: deps.settings.defaultUserTimezone,
    isAdmin: false,
    phone: profile.userPhone,
  });
  await tx.users.insert(user);
  return user;
}
