import type { Clock, Ids, Store } from './ports.js';
import type { Meeting } from './meetings/Meeting.js';
import type { Account } from './accounts/Account.js';
import type { WebhookEventName } from './webhooks/types.js';

/** Settings the domain needs (from config.ts; names as in webmeeting-v6 §13 / CROSS-DIALECT.md). */
export interface DomainSettings {
  /** Scheme + host used in links, ICS and recording URLs, without trailing slash. */
  publicUrl: string;
  whitelabelId: string;
  /** Key for host links (HMAC); generated once and stored when not configured. */
  hostLinkSecret: string;
  defaultUserTimezone: string;
  trialDays: number;
  earlyJoinMin: number;
  autoExtendMin: number;
  closeGraceMin: number;
  horizonDays: number;
  roomStrict: boolean;
  icsPastDays: number;
  icsIncludeInvited: boolean;
  icsUidDomain: string;
  standardDialInNumbers: import('./accounts/Account.js').DialInNumber[];
  sipProxy: string | null;
  sipDomain: string | null;
  /** Retry delays in seconds after the 1st, 2nd, … failed attempt (webmeeting-v6 §11.3.7). */
  webhookRetrySchedule: number[];
  webhookTimeoutMs: number;
  webhookSecretOverlapHours: number;
  webhookLogRetentionDays: number;
  webhookBlockPrivateTargets: boolean;
}

/** What renders the plain webhook payload of an event (the v6 presenter, handed in by app.ts). */
export type WebhookPayloadRenderer = (event: WebhookEventName, data: { meeting: Meeting; account: Account; extra?: Record<string, unknown> }) => string;

/** Everything a domain command may use. */
export interface Deps {
  store: Store;
  clock: Clock;
  ids: Ids;
  settings: DomainSettings;
  renderWebhookPayload: WebhookPayloadRenderer;
  /** Wakes the webhook and mail workers after a commit (never awaited on the request path). */
  notifyOutbox: () => void;
}
