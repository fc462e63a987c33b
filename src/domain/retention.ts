/**
 * How long rows that expire are kept before housekeeping deletes them (docs/operations.md "What is kept how
 * long"). Each cutoff is the latest instant at which a row can no longer change any answer: deleting it gives
 * exactly the answer its presence would have given.
 */
import { EXPIRED_TOKEN_RETENTION_MS } from './credentials/issueControlToken.js';
import type { DomainSettings } from './deps.js';
import { DIALIN_QUARANTINE_MS } from './meetings/dialIn.js';

const DAY_MS = 86_400_000;

/**
 * Expired access and control tokens are kept this long after they expire, so that using one is answered "access
 * token expired" / "control token expired" rather than "not valid" for a day (the control-token issuer already
 * forgets them after this long). Revoked tokens are kept until they would have expired, plus this.
 */
export const EXPIRED_TOKEN_GRACE_MS = EXPIRED_TOKEN_RETENTION_MS;

/**
 * Sign-in failures and lock marks are kept this long after they were recorded. It must be at least the longest
 * window any caller counts failures in (H1 15 min, H8 10 min, `POST /auth/token` 10 min; a lock lasts one
 * window from its mark): a failure older than every window is never counted again. A test checks the bound.
 */
export const AUTH_FAILURE_RETENTION_MS = 60 * 60_000;

/** The cutoffs of one housekeeping run: what each repository may delete. */
export interface RetentionCutoffs {
  /** Replay nonces with `expiresAt ≤` this (`tryUse` already treats them as unused). */
  nonces: number;
  /** Sign-in failures recorded at or before this. */
  authFailures: number;
  /** Access tokens (Huawei, DingTalk, session) with `expiresAt ≤` this. */
  accessTokens: number;
  /** Control tokens with `expiresAt ≤` this. */
  controlTokens: number;
  /** Password-set tokens with `expiresAt ≤` this (a used one is deleted when it is taken). */
  passwordTokens: number;
  /** Idempotency records with `expiresAt ≤` this (the key is free again after its window, webmeeting-v6 §5.2). */
  idempotencyKeys: number;
  /** Finished webhook deliveries completed, and unreferenced events created, before this (webmeeting-v6 §11.3.13). */
  webhookLog: number;
  /** Live events of conferences that ended before this. */
  liveEvents: number;
  /** Dial-in room releases recorded before this (webmeeting-v6 §8.4 step 7: 30-day quarantine). */
  dialInReleases: number;
}

/**
 * The cutoffs at `now`. The live event log follows the webhook log's retention: both record the same
 * transitions, and the spec names only the latter (`WEBHOOK_LOG_RETENTION_DAYS`).
 */
export function retentionCutoffs(now: number, settings: Pick<DomainSettings, 'webhookLogRetentionDays'>): RetentionCutoffs {
  const eventLog = now - settings.webhookLogRetentionDays * DAY_MS;
  return {
    nonces: now,
    authFailures: now - AUTH_FAILURE_RETENTION_MS,
    accessTokens: now - EXPIRED_TOKEN_GRACE_MS,
    controlTokens: now - EXPIRED_TOKEN_GRACE_MS,
    passwordTokens: now,
    idempotencyKeys: now,
    webhookLog: eventLog,
    liveEvents: eventLog,
    dialInReleases: now - DIALIN_QUARANTINE_MS,
  };
}
