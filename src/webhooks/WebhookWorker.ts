/**
 * Drains the durable webhook outbox into signed HTTP requests (webmeeting-v6 §11.3, §11.4).
 */
import { readFileSync } from 'node:fs';
import type { DomainSettings } from '../domain/deps.js';
import type { Clock, Ids, Store } from '../domain/ports.js';
import type { DeliveryAttempt, HookConfig, WebhookDelivery } from '../domain/webhooks/types.js';
import { nextRetryDelayMs, parseRetryAfter, scheduleCoversMinimumSpan } from './schedule.js';
import { activeSecrets, signPayload } from './signing.js';
import { type HostResolver, isBlockedTarget, systemResolver } from './targets.js';

/** The subset of a pino logger the workers use. */
export interface WorkerLogger {
  /** Deliveries cancelled, attempts failed (to be retried). */
  info(obj: object, msg?: string): void;
  /** A delivery failed for good, a hook was disabled by 410, the retry schedule is short. */
  warn(obj: object, msg?: string): void;
  /** Database problems; the affected delivery is retried after its lease. */
  error(obj: object, msg?: string): void;
  /** Successful deliveries. */
  debug(obj: object, msg?: string): void;
}

/** Options of {@link WebhookWorker}. */
export interface WebhookWorkerOptions {
  /** The store holding the outbox and the hook configuration. */
  store: Store;
  /** Time for leases, schedules, `webhook-timestamp` and the log; durations use the monotonic timer. */
  clock: Clock;
  /** Accepted for symmetry with `Deps`; the worker creates no ids (event and delivery ids exist already). */
  ids?: Ids;
  /**
   * Uses `webhookRetrySchedule`, `webhookTimeoutMs`, `webhookBlockPrivateTargets`. The delivery log is pruned
   * after `webhookLogRetentionDays` by the housekeeping job (src/jobs/HousekeepingJob.ts), in bounded batches.
   */
  settings: DomainSettings;
  /** A pino logger or anything with the same four methods. */
  logger: WorkerLogger;
  /** Defaults to the global `fetch`. */
  fetchImpl?: typeof fetch;
  /** How often the background loop looks for due retries. Default 1000 ms. */
  pollIntervalMs?: number;
  /** Attempts in flight at once. Default 4. */
  concurrency?: number;
  /**
   * How long a claim holds a delivery. A delivery whose worker died is claimable again after this
   * (§11.3.10). Must exceed one attempt: default `webhookTimeoutMs + 60 s` (DNS, the request and reading
   * the response share the timeout; the margin covers the database writes).
   */
  leaseMs?: number;
  /** Host resolver for the private-target check; defaults to the system resolver. */
  resolveHost?: HostResolver;
  /** Uniform [0, 1) source for retry jitter; defaults to `Math.random`. */
  random?: () => number;
  /** Overrides the `user-agent`; defaults to `Convene-Webhooks/<package.json version>`. */
  userAgent?: string;
}

/** At most this many bytes of a response are kept as `responseExcerpt` (E58). */
export const RESPONSE_EXCERPT_BYTES = 2048;

/** What one HTTP attempt produced. */
interface SendOutcome {
  httpStatus: number | null;
  error: string | null;
  responseExcerpt: string | null;
  retryAfter: string | null;
}

/**
 * `Convene-Webhooks/<version>`, read once from package.json (two levels above this file both in `src/` and
 * in a compiled `dist/`). An unreadable file must not stop deliveries, so it falls back to `0.0.0`.
 */
function defaultUserAgent(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return `Convene-Webhooks/${typeof pkg.version === 'string' ? pkg.version : '0.0.0'}`;
  } catch {
    return 'Convene-Webhooks/0.0.0';
  }
}

/**
 * The webhook dispatcher.
 *
 * Each pass claims due deliveries with a lease (`OutboxRepository.claimDue`, which also enforces the
 * first-attempt order per meeting and URL of §11.3.9), then for each one reads the hook **at attempt time**,
 * sends one signed request outside any transaction, and records the attempt and the outcome in one short
 * transaction:
 *
 * - `2xx` → `succeeded`;
 * - `410` → `failed`, the hook is disabled and the event's other pending deliveries are cancelled (§11.3.8);
 * - anything else (other status incl. `3xx`, timeout, connection/TLS error, `blockedTarget`) → rescheduled by
 *   the retry schedule, or `failed` once it is exhausted (§11.3.6–7);
 * - hook missing, disabled or without URL at attempt time → `cancelled`, nothing is sent.
 *
 * Numbering: `attemptCount` is the attempts of the current cycle (E59 resets it; see `redeliverDelivery`),
 * while the attempt log and `X-Webhook-Attempt` number attempts consecutively across cycles. An attempt that
 * was in flight when the process died left no log row; it is retried once its lease expires and reuses its
 * number (the receiver may see a duplicate and deduplicates by `webhook-id`).
 *
 * Lifecycle: `start()` runs a background loop, `wake()` asks it to look now (call it after commits that
 * recorded events), `stop()` ends it and waits for attempts in flight. Tests drive `runOnce()` instead.
 */
export class WebhookWorker {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #settings: DomainSettings;
  readonly #logger: WorkerLogger;
  readonly #fetch: typeof fetch;
  readonly #pollIntervalMs: number;
  readonly #concurrency: number;
  readonly #leaseMs: number;
  readonly #resolveHost: HostResolver;
  readonly #random: () => number;
  readonly #userAgent: string;

  #started = false;
  #stopped = false;
  #stopPromise: Promise<void> | null = null;
  #timer: NodeJS.Timeout | null = null;
  #wakeScheduled = false;
  #pumpPromise: Promise<void> | null = null;
  #pumpAgain = false;
  readonly #inFlight = new Set<Promise<void>>();

  constructor({
    store,
    clock,
    settings,
    logger,
    fetchImpl = globalThis.fetch,
    pollIntervalMs = 1000,
    concurrency = 4,
    leaseMs,
    resolveHost = systemResolver,
    random = Math.random,
    userAgent = defaultUserAgent(),
  }: WebhookWorkerOptions) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error('concurrency must be a positive integer');
    this.#store = store;
    this.#clock = clock;
    this.#settings = settings;
    this.#logger = logger;
    this.#fetch = fetchImpl;
    this.#pollIntervalMs = pollIntervalMs;
    this.#concurrency = concurrency;
    this.#leaseMs = leaseMs ?? settings.webhookTimeoutMs + 60_000;
    this.#resolveHost = resolveHost;
    this.#random = random;
    this.#userAgent = userAgent;
  }

  /** Starts the background loop (idempotent). Warns when the retry schedule covers less than 24 h. */
  start(): void {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    if (!scheduleCoversMinimumSpan(this.#settings.webhookRetrySchedule)) {
      this.#logger.warn(
        { schedule: this.#settings.webhookRetrySchedule },
        'WEBHOOK_RETRY_SCHEDULE totals less than 24 h; receivers that are down for a day will miss events',
      );
    }
    this.#pump();
  }

  /**
   * Asks the background loop to look for due deliveries soon. Cheap and safe to call after every commit:
   * calls in the same tick coalesce into one pass, and a call during a pass triggers one more pass.
   */
  wake(): void {
    if (!this.#started || this.#stopped || this.#wakeScheduled) return;
    this.#wakeScheduled = true;
    setImmediate(() => {
      this.#wakeScheduled = false;
      this.#pump();
    });
  }

  /** Stops the loop and resolves once the attempts in flight have been recorded. Idempotent. */
  stop(): Promise<void> {
    this.#stopPromise ??= (async () => {
      this.#stopped = true;
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = null;
      // A claim in progress still launches what it claimed (otherwise those rows would wait out their lease).
      await this.#pumpPromise;
      await Promise.allSettled([...this.#inFlight]);
    })();
    return this.#stopPromise;
  }

  /**
   * One pass for tests and tools: claims up to `concurrency` deliveries and attempts them.
   * @returns how many deliveries were claimed (0 when nothing was due).
   */
  async runOnce(): Promise<number> {
    const claimed = await this.#claim(this.#concurrency);
    await Promise.all(claimed.map((d) => this.#attemptSafely(d)));
    return claimed.length;
  }

  #pump(): void {
    if (!this.#started || this.#stopped) return;
    if (this.#pumpPromise) {
      this.#pumpAgain = true;
      return;
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#pumpPromise = this.#pumpLoop()
      .catch((err: unknown) => this.#logger.error({ err }, 'webhook worker pass failed'))
      .finally(() => {
        this.#pumpPromise = null;
        if (this.#pumpAgain) {
          this.#pumpAgain = false;
          this.#pump();
        } else {
          this.#armTimer();
        }
      });
  }

  async #pumpLoop(): Promise<void> {
    for (;;) {
      this.#pumpAgain = false;
      const free = this.#concurrency - this.#inFlight.size;
      if (free <= 0 || this.#stopped) return;
      const claimed = await this.#claim(free);
      for (const d of claimed) this.#launch(d);
      // A full batch suggests more is due; a short one means the queue is drained until the next wake/poll.
      if (claimed.length < free && !this.#pumpAgain) return;
    }
  }

  #armTimer(): void {
    if (!this.#started || this.#stopped || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#pump();
    }, this.#pollIntervalMs);
    // The HTTP server keeps the process alive; an idle worker must not block a clean exit.
    this.#timer.unref();
  }

  #launch(d: WebhookDelivery): void {
    const p: Promise<void> = this.#attemptSafely(d).finally(() => {
      this.#inFlight.delete(p);
      // A freed slot may let the next event of the same meeting and URL go (§11.3.9).
      this.#pump();
    });
    this.#inFlight.add(p);
  }

  async #claim(limit: number): Promise<WebhookDelivery[]> {
    const now = this.#clock.now();
    return this.#store.transaction((tx) => tx.outbox.claimDue(now, now + this.#leaseMs, limit));
  }

  /** Never rejects: a failure here leaves the lease to expire, after which the delivery is retried. */
  async #attemptSafely(d: WebhookDelivery): Promise<void> {
    try {
      await this.#attempt(d);
    } catch (err) {
      this.#logger.error({ err, deliveryId: d.id, eventId: d.eventId }, 'webhook attempt could not be recorded');
    }
  }

  async #attempt(d: WebhookDelivery): Promise<void> {
    const hook = await this.#store.webhookConfig.get(d.event);
    if (!hook?.enabled || !hook.url) {
      await this.#cancel(d, !hook ? 'hookMissing' : hook.enabled ? 'hookWithoutUrl' : 'hookDisabled');
      return;
    }
    const url = hook.url;
    const previous = await this.#store.outbox.listAttempts(d.id);
    const attemptNo = previous.reduce((max, a) => Math.max(max, a.attempt), 0) + 1;

    const startedAt = this.#clock.now();
    const webhookTimestamp = Math.floor(startedAt / 1000);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': this.#userAgent,
      'webhook-id': d.eventId,
      'webhook-timestamp': String(webhookTimestamp),
      'webhook-signature': signPayload(activeSecrets(hook, startedAt), d.eventId, webhookTimestamp, d.body),
      'X-Webhook-Event': d.event,
      'X-Webhook-Sequence': String(d.sequence),
      'X-Webhook-Occurred-At': new Date(d.occurredAt).toISOString(),
      'X-Webhook-Meeting': d.meetingId,
      'X-Webhook-Attempt': String(attemptNo),
    };
    if (hook.apiKey) headers['X-API-KEY'] = hook.apiKey;
    if (d.recurrenceId !== null) headers['X-Webhook-Occurrence'] = new Date(d.recurrenceId).toISOString();

    const t0 = performance.now();
    const outcome = await this.#send(url, hook.method, headers, d.body);
    const durationMs = Math.round(performance.now() - t0);

    const attempt: DeliveryAttempt = {
      deliveryId: d.id,
      attempt: attemptNo,
      startedAt,
      url,
      method: hook.method,
      webhookTimestamp,
      durationMs,
      httpStatus: outcome.httpStatus,
      error: outcome.error,
      responseExcerpt: outcome.responseExcerpt,
    };
    await this.#record(d, hook, attempt, outcome);
  }

  /** One HTTP request; never throws. No transaction is open here (ARCHITECTURE.md §5). */
  async #send(url: string, method: string, headers: Record<string, string>, body: string): Promise<SendOutcome> {
    const signal = AbortSignal.timeout(this.#settings.webhookTimeoutMs);
    try {
      if (this.#settings.webhookBlockPrivateTargets && (await isBlockedTarget(new URL(url), this.#resolveHost))) {
        return { httpStatus: null, error: 'blockedTarget', responseExcerpt: null, retryAfter: null };
      }
      // redirect: 'manual' so that a 3xx is the answer, and a failure (§11.3.6): following it would send the
      // signed body and the API key to a host nobody configured.
      const res = await this.#fetch(url, { method, headers, body, redirect: 'manual', signal });
      const responseExcerpt = await readExcerpt(res, RESPONSE_EXCERPT_BYTES);
      const ok = res.status >= 200 && res.status < 300;
      return {
        httpStatus: res.status,
        error: ok ? null : `HTTP ${res.status}`,
        responseExcerpt,
        retryAfter: res.headers.get('retry-after'),
      };
    } catch (err) {
      return { httpStatus: null, error: describeError(err, signal), responseExcerpt: null, retryAfter: null };
    }
  }

  async #record(d: WebhookDelivery, hook: HookConfig, attempt: DeliveryAttempt, outcome: SendOutcome): Promise<void> {
    const now = this.#clock.now();
    const ok = outcome.httpStatus !== null && outcome.httpStatus >= 200 && outcome.httpStatus < 300;
    const gone = outcome.httpStatus === 410;
    let cancelled = 0;
    let disabled = false;
    const next = await this.#store.transaction(async (tx) => {
      await tx.outbox.insertAttempt(attempt);
      // Re-read: a 410 from a sibling attempt or an E55 disable may have cancelled this delivery meanwhile.
      const current = (await tx.outbox.getDelivery(d.id)) ?? d;
      const n: WebhookDelivery = {
        ...current,
        attemptCount: current.attemptCount + 1,
        firstAttemptDone: true,
        lastHttpStatus: outcome.httpStatus,
        lastError: outcome.error,
        lockedUntil: null,
      };
      if (current.status !== 'pending') {
        // Keep the cancellation unless the request actually got through.
        if (ok) Object.assign(n, { status: 'succeeded', completedAt: now });
        n.nextAttemptAt = null;
      } else if (ok) {
        Object.assign(n, { status: 'succeeded', nextAttemptAt: null, completedAt: now });
      } else if (gone) {
        Object.assign(n, { status: 'failed', nextAttemptAt: null, completedAt: now });
      } else {
        const delay = nextRetryDelayMs({
          schedule: this.#settings.webhookRetrySchedule,
          failures: n.attemptCount,
          httpStatus: outcome.httpStatus,
          retryAfterMs: parseRetryAfter(outcome.retryAfter, now),
          random: this.#random,
        });
        if (delay === null) Object.assign(n, { status: 'failed', nextAttemptAt: null, completedAt: now });
        else n.nextAttemptAt = now + delay;
      }
      await tx.outbox.updateDelivery(n);

      if (gone) {
        // Disable only if the hook still points where the 410 came from: an operator who already moved the
        // URL must not have the new target switched off by the old one's answer.
        const fresh = await tx.webhookConfig.get(d.event);
        if (fresh?.enabled && fresh.url === attempt.url) {
          await tx.webhookConfig.save({
            ...fresh,
            enabled: false,
            disabledReason: `410 Gone from ${attempt.url} at ${new Date(now).toISOString()}`,
            updatedAt: now,
          });
          disabled = true;
          cancelled = await tx.outbox.cancelPending(d.event, now);
        }
      }
      return n;
    });

    const log = { deliveryId: d.id, eventId: d.eventId, event: d.event, attempt: attempt.attempt, url: attempt.url };
    if (disabled) {
      this.#logger.warn({ ...log, cancelled }, `hook ${hook.event} disabled after 410 Gone`);
    } else if (next.status === 'failed') {
      this.#logger.warn({ ...log, error: outcome.error }, 'webhook delivery failed for good');
    } else if (!ok) {
      this.#logger.info({ ...log, error: outcome.error, nextAttemptAt: next.nextAttemptAt }, 'webhook attempt failed');
    } else {
      this.#logger.debug(log, 'webhook delivered');
    }
  }

  async #cancel(d: WebhookDelivery, reason: string): Promise<void> {
    const now = this.#clock.now();
    await this.#store.transaction(async (tx) => {
      const current = await tx.outbox.getDelivery(d.id);
      if (!current || current.status !== 'pending') return;
      await tx.outbox.updateDelivery({
        ...current,
        status: 'cancelled',
        nextAttemptAt: null,
        firstAttemptDone: true,
        lastError: reason,
        lockedUntil: null,
        completedAt: now,
      });
    });
    this.#logger.info({ deliveryId: d.id, eventId: d.eventId, event: d.event, reason }, 'webhook delivery cancelled');
  }
}

/**
 * The first `limit` bytes of the response body as text, then the rest is discarded (the connection is freed).
 * A multi-byte character cut at the limit is dropped rather than replaced. Errors while reading (the timeout,
 * a reset) keep what arrived: the status line already decided the outcome.
 */
async function readExcerpt(res: Response, limit: number): Promise<string | null> {
  if (!res.body) return null;
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // Keep the partial excerpt.
  } finally {
    reader.cancel().catch(() => undefined);
  }
  const bytes = new Uint8Array(Math.min(size, limit));
  let offset = 0;
  for (const c of chunks) {
    if (offset >= bytes.length) break;
    const part = c.subarray(0, bytes.length - offset);
    bytes.set(part, offset);
    offset += part.length;
  }
  return new TextDecoder('utf-8').decode(bytes, { stream: true });
}

/** A short, stable error text for the log: `timeout`, `ECONNREFUSED: connect …`, `CERT_HAS_EXPIRED: …`. */
function describeError(err: unknown, signal: AbortSignal): string {
  if (signal.aborted || (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError'))) {
    return 'timeout';
  }
  if (err instanceof Error) {
    // undici wraps socket and TLS errors as TypeError('fetch failed') with the system error as `cause`.
    const cause = (err as { cause?: unknown }).cause;
    const inner = cause instanceof Error ? cause : err;
    const code = (inner as { code?: unknown }).code;
    const text = typeof code === 'string' ? `${code}: ${inner.message}` : inner.message;
    return text.slice(0, 500);
  }
  return String(err).slice(0, 500);
}
