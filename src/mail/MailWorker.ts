/**
 * Drains the mail outbox (webmeeting-v6 §8.13) through SMTP with nodemailer.
 */
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { isIP } from 'node:net';
import type { DomainSettings } from '../domain/deps.js';
import type { Clock, MailRecord, Store } from '../domain/ports.js';

/** The subset of a pino logger the worker uses. */
export interface MailWorkerLogger {
  /** "SMTP is not configured", once. */
  info(obj: object, msg?: string): void;
  /** A send failed and will be retried. */
  warn(obj: object, msg?: string): void;
  /** A pass failed (database). */
  error(obj: object, msg?: string): void;
  /** A mail was sent. */
  debug(obj: object, msg?: string): void;
}

/** Options of {@link MailWorker}. */
export interface MailWorkerOptions {
  /** The store holding the mail outbox. */
  store: Store;
  /** Time for `sentAt`, `nextAttemptAt` and due checks. */
  clock: Clock;
  /** Uses `publicUrl` for the default sender and the Message-ID domain. */
  settings: Pick<DomainSettings, 'publicUrl'>;
  /** A pino logger or anything with the same four methods. */
  logger: MailWorkerLogger;
  /**
   * An SMTP URL as nodemailer understands it (`smtp://user:pass@host:587`, `smtps://…:465`, query options
   * allowed). Unset or empty: mails stay in the outbox, where tests and the CLI read them.
   */
  smtpUrl?: string | null;
  /** The `From` header. Default `Convene <no-reply@<host of publicUrl>>`. */
  from?: string;
  /** How often the background loop looks for due mails. Default 1000 ms. */
  pollIntervalMs?: number;
  /** Mails sent per pass. Default 20. */
  batchSize?: number;
  /** Delay before the next try after the `attempts`-th failure. Default {@link defaultMailBackoffMs}. */
  backoffMs?: (attempts: number, error: MailSendError) => number;
}

/** What a failed send reports to the backoff function. */
export interface MailSendError {
  message: string;
  /** SMTP reply code when the server answered (e.g. 421, 550), else null. */
  responseCode: number | null;
}

const MINUTE = 60_000;

/**
 * The default mail backoff: 1, 2, 4 … minutes, capped at 1 h, for transient problems (server down, 4xx);
 * 24 h after a permanent 5xx answer. Mails are never abandoned (the outbox has no failed state and §8.13 says
 * they are kept), but a rejected address or message is not retried every hour for ever: an operator who fixes
 * the cause can reset `next_attempt_at`.
 */
export function defaultMailBackoffMs(attempts: number, error: MailSendError): number {
  if (error.responseCode !== null && error.responseCode >= 500) return 24 * 60 * MINUTE;
  return Math.min(60 * MINUTE, MINUTE * 2 ** Math.max(0, attempts - 1));
}

/** `Convene <no-reply@host>`, with an address literal when the public URL's host is an IP (RFC 5321 §4.1.3). */
export function defaultFromAddress(publicUrl: string): string {
  return `Convene <no-reply@${mailDomain(publicUrl)}>`;
}

function mailDomain(publicUrl: string): string {
  let host = 'localhost';
  try {
    host = new URL(publicUrl).hostname || host;
  } catch {
    // A bad PUBLIC_BASE_URL is reported by config; mails still need some sender domain.
  }
  const bare = host.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  return family === 4 ? `[${bare}]` : family === 6 ? `[IPv6:${bare}]` : bare;
}

/**
 * Sends recorded mails: oldest due first, one SMTP transaction each, outside any database transaction.
 *
 * - Success sets `sentAt`. Failure increments `attempts`, stores `lastError` and moves `nextAttemptAt` by the
 *   backoff, so a mail server outage delays mails but loses none.
 * - Without `smtpUrl` nothing is sent or changed; the worker logs that once.
 * - A `.ics` attachment goes out as nodemailer's `icalEvent`: a `text/calendar; charset=utf-8; method=REQUEST`
 *   (or `CANCEL`) alternative part, which calendar clients treat as an iTIP invitation (§10.7), plus the same
 *   file as `invite.ics`.
 * - Each mail has a stable `Message-ID` derived from its record id, so that a resend after a lost `250`
 *   reply can be recognised as a duplicate by the receiving side.
 *
 * Lifecycle as `WebhookWorker`: `start()`, `wake()` after commits, `stop()` (waits for the pass in flight),
 * `runOnce()` for tests.
 */
export class MailWorker {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #logger: MailWorkerLogger;
  readonly #smtpUrl: string | null;
  readonly #from: string;
  readonly #domain: string;
  readonly #pollIntervalMs: number;
  readonly #batchSize: number;
  readonly #backoffMs: (attempts: number, error: MailSendError) => number;

  #transport: nodemailer.Transporter<SMTPTransport.SentMessageInfo> | null = null;
  #loggedDisabled = false;
  #started = false;
  #stopped = false;
  #stopPromise: Promise<void> | null = null;
  #timer: NodeJS.Timeout | null = null;
  #wakeScheduled = false;
  #passPromise: Promise<void> | null = null;
  #passAgain = false;

  constructor({
    store,
    clock,
    settings,
    logger,
    smtpUrl = null,
    from,
    pollIntervalMs = 1000,
    batchSize = 20,
    backoffMs = defaultMailBackoffMs,
  }: MailWorkerOptions) {
    this.#store = store;
    this.#clock = clock;
    this.#logger = logger;
    this.#smtpUrl = smtpUrl ? smtpUrl : null;
    this.#from = from ?? defaultFromAddress(settings.publicUrl);
    this.#domain = mailDomain(settings.publicUrl).replace(/^\[(?:IPv6:)?|\]$/g, '');
    this.#pollIntervalMs = pollIntervalMs;
    this.#batchSize = batchSize;
    this.#backoffMs = backoffMs;
  }

  /** Starts the background loop (idempotent). */
  start(): void {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    this.#pass();
  }

  /** Asks the loop to look for due mails soon; calls in one tick coalesce. */
  wake(): void {
    if (!this.#started || this.#stopped || this.#wakeScheduled) return;
    this.#wakeScheduled = true;
    setImmediate(() => {
      this.#wakeScheduled = false;
      this.#pass();
    });
  }

  /** Stops the loop, waits for the pass in flight and closes the SMTP transport. Idempotent. */
  stop(): Promise<void> {
    this.#stopPromise ??= (async () => {
      this.#stopped = true;
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = null;
      await this.#passPromise;
      this.#transport?.close();
      this.#transport = null;
    })();
    return this.#stopPromise;
  }

  /**
   * One pass: sends up to `batchSize` due mails.
   * @returns how many mails were attempted (0 without `smtpUrl`).
   */
  async runOnce(): Promise<number> {
    const transport = this.#getTransport();
    if (!transport) return 0;
    const due = await this.#store.mail.listDue(this.#clock.now(), this.#batchSize);
    for (const m of due) await this.#send(transport, m);
    return due.length;
  }

  #pass(): void {
    if (!this.#started || this.#stopped) return;
    if (this.#passPromise) {
      this.#passAgain = true;
      return;
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#passPromise = (async () => {
      let n: number;
      do {
        this.#passAgain = false;
        n = await this.runOnce();
      } while ((n === this.#batchSize || this.#passAgain) && !this.#stopped);
    })()
      .catch((err: unknown) => this.#logger.error({ err }, 'mail worker pass failed'))
      .finally(() => {
        this.#passPromise = null;
        if (!this.#started || this.#stopped || this.#timer) return;
        this.#timer = setTimeout(() => {
          this.#timer = null;
          this.#pass();
        }, this.#pollIntervalMs);
        this.#timer.unref();
      });
  }

  #getTransport(): nodemailer.Transporter<SMTPTransport.SentMessageInfo> | null {
    if (!this.#smtpUrl) {
      if (!this.#loggedDisabled) {
        this.#loggedDisabled = true;
        this.#logger.info({}, 'SMTP is not configured (smtpUrl unset); mails stay in the outbox');
      }
      return null;
    }
    // Timeouts well under nodemailer's defaults (2 min connect, 10 min socket) so that a dead server
    // cannot hold a pass, and with it stop(), for long. Values in the URL still win.
    this.#transport ??= nodemailer.createTransport({
      url: this.#smtpUrl,
      connectionTimeout: 30_000,
      greetingTimeout: 30_000,
      socketTimeout: 60_000,
    } as SMTPTransport.Options);
    return this.#transport;
  }

  async #send(transport: nodemailer.Transporter<SMTPTransport.SentMessageInfo>, m: MailRecord): Promise<void> {
    try {
      await transport.sendMail({
        from: this.#from,
        to: m.to,
        subject: m.subject,
        text: m.body,
        date: new Date(m.createdAt),
        messageId: `<${m.id}@${this.#domain}>`,
        headers: { 'Content-Language': m.language },
        ...(m.icsAttachment !== null
          ? {
              icalEvent: {
                method: (m.icsMethod ?? 'REQUEST').toUpperCase(),
                filename: 'invite.ics',
                content: m.icsAttachment,
              },
            }
          : {}),
      });
    } catch (err) {
      const error: MailSendError = {
        message: err instanceof Error ? err.message.slice(0, 1000) : String(err).slice(0, 1000),
        responseCode: typeof (err as { responseCode?: unknown }).responseCode === 'number'
          ? (err as { responseCode: number }).responseCode
          : null,
      };
      const attempts = m.attempts + 1;
      const now = this.#clock.now();
      await this.#store.mail.update({
        ...m,
        attempts,
        lastError: error.message,
        nextAttemptAt: now + this.#backoffMs(attempts, error),
      });
      this.#logger.warn({ mailId: m.id, template: m.template, attempts, error: error.message }, 'mail not sent; will retry');
      return;
    }
    await this.#store.mail.update({ ...m, attempts: m.attempts + 1, sentAt: this.#clock.now(), lastError: null });
    this.#logger.debug({ mailId: m.id, template: m.template }, 'mail sent');
  }
}
