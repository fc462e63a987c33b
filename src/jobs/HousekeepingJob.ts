/**
 * Housekeeping: deletes rows that expired and can no longer change any answer (replay nonces, sign-in failures,
 * expired tokens, idempotency records, the webhook delivery log and the live event log past their retention,
 * lapsed dial-in releases). What is kept how long is `retentionCutoffs` (src/domain/retention.ts) and
 * docs/operations.md.
 *
 * Deletes run in bounded batches, each its own short statement (or transaction), with a turn of the event loop
 * in between: on SQLite one writer holds the database lock at a time, so a backlog of a million rows must not
 * become one statement that stalls every request behind it.
 */
import type { DomainSettings } from '../domain/deps.js';
import type { Clock, Store } from '../domain/ports.js';
import { retentionCutoffs } from '../domain/retention.js';

/** How often housekeeping runs. Nothing waits for it: expired rows are already ignored by every reader. */
export const HOUSEKEEPING_INTERVAL_MS = 5 * 60_000;
/** Rows per delete statement; small enough that one batch holds the SQLite write lock for a few milliseconds. */
export const HOUSEKEEPING_BATCH_SIZE = 500;

/** The subset of a pino logger housekeeping uses. */
export interface HousekeepingLogger {
  /** The rows deleted by each run, per table. */
  debug(obj: object, msg?: string): void;
  /** A table that could not be pruned; the next run tries again. */
  error(obj: object, msg?: string): void;
}

/** Options of {@link HousekeepingJob}. */
export interface HousekeepingJobOptions {
  store: Store;
  clock: Clock;
  /** Uses `webhookLogRetentionDays`. */
  settings: Pick<DomainSettings, 'webhookLogRetentionDays'>;
  logger: HousekeepingLogger;
  /** Default {@link HOUSEKEEPING_INTERVAL_MS}. */
  intervalMs?: number;
  /** Default {@link HOUSEKEEPING_BATCH_SIZE}. */
  batchSize?: number;
}

/** Rows deleted by one run, per table. */
export interface HousekeepingCounts {
  authNonces: number;
  authFailures: number;
  accessTokens: number;
  controlTokens: number;
  passwordTokens: number;
  idempotencyKeys: number;
  /** Webhook deliveries plus outbox events. */
  webhookLog: number;
  liveEvents: number;
  dialInReleases: number;
}

/** Lets I/O callbacks (incoming requests) run between two batches. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Prunes on a timer; `runOnce` is also callable directly (tests, tools). */
export class HousekeepingJob {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #settings: Pick<DomainSettings, 'webhookLogRetentionDays'>;
  readonly #logger: HousekeepingLogger;
  readonly #intervalMs: number;
  readonly #batchSize: number;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<unknown> | null = null;
  #stopping = false;

  constructor({ store, clock, settings, logger, intervalMs = HOUSEKEEPING_INTERVAL_MS, batchSize = HOUSEKEEPING_BATCH_SIZE }: HousekeepingJobOptions) {
    if (!(Number.isInteger(batchSize) && batchSize > 0)) throw new RangeError('batchSize must be a positive integer');
    this.#store = store;
    this.#clock = clock;
    this.#settings = settings;
    this.#logger = logger;
    this.#intervalMs = intervalMs;
    this.#batchSize = batchSize;
  }

  /** Runs once now, then every `intervalMs`. Calling it twice does nothing. */
  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.#tick(), this.#intervalMs);
    // Housekeeping must never keep a process alive that is otherwise done (CLI, tests).
    this.#timer.unref();
    void this.#tick();
  }

  /** Stops the timer and waits for a run in progress, which stops after its current batch. */
  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  #tick(): Promise<unknown> {
    // A run that outlasts the interval (a large first backlog) is not overlapped: the next tick is skipped.
    if (this.#running) return this.#running;
    this.#running = this.runOnce().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  /**
   * Prunes every table up to the cutoffs at `now`, each until it has nothing left to delete (or `stop()` was
   * called). A table whose prune fails is logged and skipped; the others still run. Never rejects.
   * @returns the rows deleted per table.
   */
  async runOnce(now: number = this.#clock.now()): Promise<HousekeepingCounts> {
    // A run started after stop() (directly, or by start() again) runs to the end unless stopped again.
    this.#stopping = false;
    const c = retentionCutoffs(now, this.#settings);
    const store = this.#store;
    const n = this.#batchSize;
    const counts: HousekeepingCounts = {
      authNonces: await this.#drain('auth_nonces', () => store.nonces.pruneExpired(c.nonces, n)),
      authFailures: await this.#drain('auth_failures', () => store.authThrottle.pruneExpired(c.authFailures, n)),
      accessTokens: await this.#drain('access_tokens', () => store.accessTokens.pruneExpired(c.accessTokens, n)),
      controlTokens: await this.#drain('control_tokens', () => store.controlTokens.pruneExpired(c.controlTokens, n)),
      passwordTokens: await this.#drain('password_tokens', () => store.passwordTokens.pruneExpired(c.passwordTokens, n)),
      idempotencyKeys: await this.#drain('idempotency_keys', () => store.idempotency.deleteExpired(c.idempotencyKeys, n)),
      webhookLog: await this.#drain('webhook log', () => store.outbox.prune(c.webhookLog, n)),
      liveEvents: await this.#drain('live_events', () => store.liveEvents.pruneEnded(c.liveEvents, n)),
      dialInReleases: await this.#drain('dialin_releases', () => store.meetings.pruneDialInReleases(c.dialInReleases, n)),
    };
    this.#logger.debug({ deleted: counts }, 'housekeeping pruned expired rows');
    return counts;
  }

  /** Runs `batch` until it deletes fewer than a full batch; returns the total. */
  async #drain(table: string, batch: () => Promise<number>): Promise<number> {
    let total = 0;
    try {
      while (!this.#stopping) {
        const deleted = await batch();
        total += deleted;
        if (deleted < this.#batchSize) break;
        await nextTurn();
      }
    } catch (err) {
      this.#logger.error({ err, table, deletedBeforeFailure: total }, 'housekeeping could not prune a table; retried on the next run');
    }
    return total;
  }
}
