/**
 * Dialect credentials kept by the core (huawei-meeting.md §2, dingtalk-conference.md §3): bearer access
 * tokens, conference control tokens, app credentials and replay nonces. Tokens are stored only as SHA-256.
 */

/** Which dialect issued a token or owns an app. */
/** `convene`: session tokens of Convene's own clients (realtime sign-in). */
export type CredentialDialect = 'huawei' | 'dingtalk' | 'convene';

/** A user- or app-scoped bearer token (Huawei X-Access-Token, DingTalk x-acs-dingtalk-access-token). */
export interface AccessToken {
  /** SHA-256 hex of the token. */
  hash: string;
  dialect: CredentialDialect;
  accountId: string;
  /** The user it acts as (Huawei: always; DingTalk app tokens: null). */
  userId: string | null;
  /** The app it came from (H2, DingTalk), or null (H1 password sign-in). */
  appId: string | null;
  clientType: number | null;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
  lastUsedIp: string | null;
}

/** A Huawei conference control token (huawei-meeting.md §2.3), bound to one meeting and a role. */
export interface ControlToken {
  hash: string;
  meetingId: string;
  accountId: string;
  /** 1 chair, 0 guest. */
  role: 0 | 1;
  createdAt: number;
  expiresAt: number;
  createdIp: string | null;
}

/** An app credential (Huawei App ID + app key; DingTalk appKey + appSecret). */
export interface AppCredential {
  appId: string;
  dialect: CredentialDialect;
  /** Null for instance-level (SP) apps that may act in any account. */
  accountId: string | null;
  name: string;
  /** Huawei app keys must be read back for HMAC: sealed with CONVENE_SECRET_KEY. */
  secretSealed: string | null;
  /** DingTalk app secrets are only compared: SHA-256 hex. */
  secretHash: string | null;
  createdAt: number;
  revokedAt: number | null;
}

export interface AccessTokenRepository {
  get(hash: string): Promise<AccessToken | undefined>;
  insert(t: AccessToken): Promise<void>;
  /** Live (not revoked, not expired at `now`) tokens of a user in one dialect, oldest first. */
  listLiveByUser(dialect: CredentialDialect, userId: string, now: number): Promise<AccessToken[]>;
  revoke(hash: string, at: number): Promise<void>;
  /** Revokes every token of a user (password change, deletion) or an app. */
  revokeByUser(userId: string, at: number): Promise<number>;
  revokeByApp(appId: string, at: number): Promise<number>;
  touch(hash: string, ip: string | null): Promise<void>;
  /**
   * Housekeeping: deletes at most `limit` tokens with `expiresAt ≤ cutoff` (revoked or not), oldest expiry
   * first; returns how many went. Callers pass `now − grace` so that a recently expired token is still answered
   * as expired rather than unknown.
   */
  pruneExpired(cutoff: number, limit: number): Promise<number>;
}

export interface ControlTokenRepository {
  get(hash: string): Promise<ControlToken | undefined>;
  insert(t: ControlToken): Promise<void>;
  update(t: ControlToken): Promise<void>;
  /** Tokens of a meeting, oldest first. */
  listByMeeting(meetingId: string): Promise<ControlToken[]>;
  delete(hash: string): Promise<void>;
  /** Housekeeping: deletes at most `limit` tokens with `expiresAt ≤ cutoff`, oldest expiry first; returns how many. */
  pruneExpired(cutoff: number, limit: number): Promise<number>;
}

export interface AppCredentialRepository {
  get(appId: string): Promise<AppCredential | undefined>;
  listByAccount(dialect: CredentialDialect, accountId: string | null): Promise<AppCredential[]>;
  insert(a: AppCredential): Promise<void>;
  revoke(appId: string, at: number): Promise<void>;
}

export interface NonceRepository {
  /** Records (appId, nonce) until `expiresAt`; false when it was already used (the unique key decides). */
  tryUse(appId: string, nonce: string, expiresAt: number, now: number): Promise<boolean>;
  /**
   * Housekeeping: deletes at most `limit` records with `expiresAt ≤ now` (those `tryUse` would already treat
   * as free), oldest expiry first; returns how many.
   */
  pruneExpired(now: number, limit: number): Promise<number>;
}

/** Sign-in failure counters (brute-force locks, huawei-meeting.md §2.2/§2.3). */
export interface AuthThrottleRepository {
  /** Records one failure for `key` at `now` and returns the failures within `windowMs`. */
  fail(key: string, now: number, windowMs: number): Promise<number>;
  /** Failures within the window, without recording. */
  count(key: string, now: number, windowMs: number): Promise<number>;
  clear(key: string): Promise<void>;
  /**
   * Housekeeping: deletes failures recorded at or before `cutoff`, oldest first, about `limit` of them (failures
   * recorded at the same instant as the last one go together, so a batch can be slightly larger); returns how
   * many. Callers pass a cutoff older than every window they count with.
   */
  pruneExpired(cutoff: number, limit: number): Promise<number>;
}
