/**
 * Account + password sign-in (huawei-meeting.md §2.2 H1, §10): the user's Huawei account name and Convene
 * password → an access token. The fifth failure for an account name within 15 minutes locks it for 15
 * minutes from that failure; successful sign-ins are never limited or counted (the Node SDK signs in every
 * 43 s) and clear the failures.
 */
import { isExpired, type Account } from '../accounts/Account.js';
import type { User } from '../accounts/User.js';
import type { Deps } from '../deps.js';
import type { Repositories, Store } from '../ports.js';
import { verifyPassword } from '../../infra/secrets.js';
import { issueAccessToken } from './issueAccessToken.js';
import type { AccessToken } from './ports.js';

/** Failed sign-ins per account name within the window that lock it (DESIGNED, §2.4). */
export const SIGN_IN_MAX_FAILURES = 5;
/** The failure window, and how long a lock lasts. */
export const SIGN_IN_WINDOW_MS = 15 * 60_000;

/**
 * A well-formed scrypt hash of a random password nobody knows: an unknown account name is verified against
 * it, so that it costs as much time as a wrong password and accounts cannot be probed by timing.
 */
const DUMMY_HASH = 'scrypt$AAAAAAAAAAAAAAAAAAAAAA==$bm90LWEtcmVhbC1wYXNzd29yZC1oYXNoLTAwMDAwMDA=';

/** Huawei `adminType` (FOUND enum): 0 the account's first admin, 1 other admins, 2 members. */
export type AdminType = 0 | 1 | 2;

/** The Huawei `adminType` of `user`: the first (oldest) admin of the account is the default admin. */
export async function adminTypeOf(repos: Pick<Repositories, 'users'>, user: User): Promise<AdminType> {
  if (!user.isAdmin) return 2;
  const first = (await repos.users.list(user.accountId, { adminsOnly: true, sort: 'createdAt', offset: 0, limit: 1 })).items[0];
  return first?.id === user.id ? 0 : 1;
}

/** The user a Huawei account name designates: login names match case-insensitively (§2.2, XD). */
export async function findByHuaweiAccount(repos: Pick<Repositories, 'users'>, name: string): Promise<User | undefined> {
  const lower = name.toLowerCase();
  return (await repos.users.getByLoginName(lower)) ?? (lower === name ? undefined : await repos.users.getByLoginName(name));
}

/** Input of signInWithPassword. */
export interface SignInWithPasswordInput {
  /** The account name from `Authorization: Basic` (already decoded). */
  account: string;
  password: string;
  clientType: number;
  /** False for `createTokenType` 1 ("do not create a token"). */
  createToken: boolean;
  ip: string | null;
}

/** A successful sign-in. */
export interface SignedIn {
  ok: true;
  user: User;
  account: Account;
  adminType: AdminType;
  /** The new token, or null when none was asked for. */
  token: { token: string; record: AccessToken } | null;
  /** When the answer was made (createTime / expireTime are derived from it when no token was created). */
  at: number;
}

/** Why a sign-in was refused; the dialect renders each (§2.4). */
export type SignInRefusal =
  /** Five failures within 15 minutes: refused even with the right password. */
  | { ok: false; reason: 'locked' }
  /** Unknown account name or wrong password (one answer for both). */
  | { ok: false; reason: 'bad_credentials' }
  /** The user's account has expired (v6 `paidUntil` in the past) or is gone. */
  | { ok: false; reason: 'disabled' };

/** The throttle key of an account name's failures. */
function throttleKey(account: string): string {
  return `huawei-signin:${account.toLowerCase()}`;
}

/** The key under which the moment of a lock is recorded: the lock lasts the window from then on. */
function lockKey(account: string): string {
  return `huawei-signin-lock:${account.toLowerCase()}`;
}

/**
 * Signs a user in with their Huawei account name and password.
 * The password check (scrypt) runs outside any transaction; the token is written in one.
 */
export async function signInWithPassword(deps: Pick<Deps, 'store' | 'ids' | 'clock'>, input: SignInWithPasswordInput): Promise<SignedIn | SignInRefusal> {
  const store: Store = deps.store;
  const key = throttleKey(input.account);
  // Attempts while locked are not counted, so hammering a locked account does not extend its lock.
  if ((await store.authThrottle.count(lockKey(input.account), deps.clock.now(), SIGN_IN_WINDOW_MS)) > 0) return { ok: false, reason: 'locked' };
  const user = await findByHuaweiAccount(store, input.account);
  const passwordOk = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !user.passwordHash || !passwordOk) {
    const now = deps.clock.now();
    if ((await store.authThrottle.fail(key, now, SIGN_IN_WINDOW_MS)) >= SIGN_IN_MAX_FAILURES) {
      await store.authThrottle.fail(lockKey(input.account), now, SIGN_IN_WINDOW_MS);
      await store.authThrottle.clear(key);
    }
    return { ok: false, reason: 'bad_credentials' };
  }
  const account = await store.accounts.get(user.accountId, user.accountId);
  if (!account || isExpired(account, deps.clock.now())) return { ok: false, reason: 'disabled' };
  await store.authThrottle.clear(key);
  return store.transaction(async (tx) => {
    const token = input.createToken ? await issueAccessToken(tx, deps, { accountId: account.id, userId: user.id, appId: null, clientType: input.clientType, ip: input.ip }) : null;
    return { ok: true as const, user, account, adminType: await adminTypeOf(tx, user), token, at: deps.clock.now() };
  });
}
