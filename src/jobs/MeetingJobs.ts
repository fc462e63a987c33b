/**
 * The periodic meeting jobs: auto-close (webmeeting-v6 §8.7) every interval and auto-delete (§8.11) once a
 * day. Both are idempotent and keep their progress in `store.settings`, so a restart neither repeats nor
 * loses work: windows that ended while the process was down are closed on the first run after it.
 */
import type { Account } from '../domain/accounts/Account.js';
import type { Actor } from '../domain/accounts/policies.js';
import type { Deps } from '../domain/deps.js';
import { deleteMeeting } from '../domain/meetings/deleteMeeting.js';
import type { Meeting } from '../domain/meetings/Meeting.js';
import { expand } from '../domain/meetings/recurrence.js';
import { extensionMs, horizonEndAt, seriesOf, windowOf, type OccurrenceWindow } from '../domain/meetings/state.js';
import { recordEvent } from '../domain/webhooks/recordEvent.js';

/** The subset of a pino logger the jobs use. */
export interface JobLogger {
  /** Closes and deletions done. */
  info(obj: object, msg?: string): void;
  /** A meeting that could not be processed; the run is retried. */
  error(obj: object, msg?: string): void;
}

/** Options of {@link MeetingJobs}. */
export interface MeetingJobsOptions {
  /** Store, clock, ids, settings and the webhook payload renderer. */
  deps: Deps;
  logger: JobLogger;
  /** How often auto-close runs (§8.7: every minute). Auto-delete runs on the first tick of each day. */
  intervalMs?: number;
}

/** `store.settings` key of the instant up to which auto-close has looked (exclusive lower bound of the next run). */
export const AUTO_CLOSE_WATERMARK = 'jobs.autoClose.lastRunAt';
/** `store.settings` key of the last auto-delete run. */
export const AUTO_DELETE_LAST_RUN = 'jobs.autoDelete.lastRunAt';

const MINUTE = 60_000;
const DAY = 86_400_000;
/**
 * Meetings are fetched for auto-close only when their DTSTART is at most this far in the future. An override
 * can move occurrence 0 before DTSTART; one moved more than this far earlier would be missed, which no
 * client has reason to do, and the bound keeps the per-minute scan to meetings that can actually be due.
 */
const DTSTART_LOOKAHEAD_MS = 31 * DAY;
const ACCOUNT_PAGE = 200;

/** The system actor of the jobs: instance level, no acting user. */
const SYSTEM_ACTOR: Actor = { level: 'instance', accountId: null, user: null, credentialId: 'system:meeting-jobs' };

/** Auto-close and auto-delete on a timer; `runAutoClose` / `runAutoDelete` are also callable directly. */
export class MeetingJobs {
  readonly #deps: Deps;
  readonly #logger: JobLogger;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;

  constructor({ deps, logger, intervalMs = 60_000 }: MeetingJobsOptions) {
    this.#deps = deps;
    this.#logger = logger;
    this.#intervalMs = intervalMs;
  }

  /** Runs once now, then every `intervalMs`. Calling it twice does nothing. */
  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.#tick(), this.#intervalMs);
    // The jobs must never keep a process alive that is otherwise done (CLI, tests).
    this.#timer.unref();
    void this.#tick();
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  #tick(): Promise<void> {
    // A run that outlasts the interval is not overlapped: the next tick is skipped instead.
    if (this.#running) return this.#running;
    this.#running = (async () => {
      try {
        await this.runAutoClose();
        const last = Number((await this.#deps.store.settings.get(AUTO_DELETE_LAST_RUN)) ?? '0');
        if (this.#deps.clock.now() - last >= DAY) await this.runAutoDelete();
      } catch (err) {
        this.#logger.error({ err }, 'meeting jobs failed');
      } finally {
        this.#running = null;
      }
    })();
    return this.#running;
  }

  /**
   * Auto-close (§8.7): for every window of an effective occurrence that ended in (last run, now] and after
   * the meeting's `createdAt`, sets `dtClosedAt` to the window end and records onMeetingClosed with
   * `occurredAt` = the window end (and the occurrence's `recurrenceId` for a series). A window during which
   * the meeting was already closed (by hand, or by an earlier run) fires nothing, which makes the job safe to
   * repeat. The first run ever looks back one interval. When a meeting fails, the watermark stays put and
   * the next run retries.
   * @returns the number of onMeetingClosed events recorded.
   */
  async runAutoClose(now: number = this.#deps.clock.now()): Promise<number> {
    const { store, settings } = this.#deps;
    const stored = await store.settings.get(AUTO_CLOSE_WATERMARK);
    const since = stored === undefined ? now - this.#intervalMs : Number(stored);
    if (!(now > since)) return 0;
    const maxExtension = Math.max(settings.autoExtendMin, settings.closeGraceMin) * MINUTE;
    const candidates = await store.meetings.findForAutoClose(since - maxExtension, now + DTSTART_LOOKAHEAD_MS);
    const accounts = new Map<string, Account | undefined>();
    let closed = 0;
    let failed = false;
    for (const candidate of candidates) {
      try {
        let account = accounts.get(candidate.accountId);
        if (!accounts.has(candidate.accountId)) {
          account = await store.accounts.get(candidate.accountId, candidate.accountId);
          accounts.set(candidate.accountId, account);
        }
        if (!account || dueWindows(candidate, account, this.#deps, since, now).length === 0) continue;
        closed += await this.#closeWindows(candidate.id, since, now);
      } catch (err) {
        failed = true;
        this.#logger.error({ err, meetingId: candidate.id }, 'auto-close failed; retried on the next run');
      }
    }
    if (!failed) await store.settings.set(AUTO_CLOSE_WATERMARK, String(now));
    if (closed > 0) {
      this.#deps.notifyOutbox();
      this.#logger.info({ closed }, 'auto-closed meeting occurrences');
    }
    return closed;
  }

  /** Re-reads the meeting inside the transaction, so a concurrent close, update or delete is respected. */
  async #closeWindows(meetingId: string, since: number, now: number): Promise<number> {
    const deps = this.#deps;
    return deps.store.transaction(async (tx) => {
      const meeting = await tx.meetings.get('*', meetingId);
      if (!meeting) return 0;
      const account = await tx.accounts.get(meeting.accountId, meeting.accountId);
      if (!account) return 0;
      const windows = dueWindows(meeting, account, deps, since, now);
      for (const w of windows) {
        meeting.dtClosedAt = w.end;
        // Mirrors closeMeeting: a close is a change of the meeting, so updatedAt moves (to the run time).
        meeting.updatedAt = now;
        await recordEvent(tx, deps, {
          event: 'onMeetingClosed',
          meeting,
          payload: deps.renderWebhookPayload('onMeetingClosed', { meeting, account }),
          occurredAt: w.end,
          recurrenceId: meeting.isRecurring ? w.occurrence.recurrenceId : null,
        });
      }
      if (windows.length > 0) await tx.meetings.update(meeting);
      return windows.length;
    });
  }

  /**
   * Auto-delete (§8.11): deletes, with onMeetingDeleted and without mails, the meetings of every account with
   * `autoDeleteMeetingsAfterXDays` = X > 0 whose series ended more than X days before `now`. `endsType: never`
   * series have no end and are never deleted. Records the run in `store.settings`.
   * @returns the number of meetings deleted.
   */
  async runAutoDelete(now: number = this.#deps.clock.now()): Promise<number> {
    const { store } = this.#deps;
    let deleted = 0;
    let failed = false;
    for (let offset = 0; ; offset += ACCOUNT_PAGE) {
      const page = await store.accounts.list({ offset, limit: ACCOUNT_PAGE });
      for (const account of page.items) {
        const days = account.autoDeleteMeetingsAfterXDays;
        if (!(days > 0)) continue;
        const cutoff = now - days * DAY;
        const expired = (await store.meetings.find({ scope: account.id, accountId: account.id })).filter((m) => m.seriesEnd !== null && m.seriesEnd < cutoff);
        for (const m of expired) {
          try {
            await deleteMeeting(this.#deps, SYSTEM_ACTOR, { id: m.id, notify: false });
            deleted++;
          } catch (err) {
            failed = true;
            this.#logger.error({ err, meetingId: m.id }, 'auto-delete failed; retried on the next run');
          }
        }
      }
      if (offset + ACCOUNT_PAGE >= page.total || page.items.length === 0) break;
    }
    // A failure leaves the day's mark unset, so the next tick tries again instead of a day later.
    if (!failed) await store.settings.set(AUTO_DELETE_LAST_RUN, String(now));
    if (deleted > 0) this.#logger.info({ deleted }, 'auto-deleted meetings');
    return deleted;
  }
}

/**
 * The windows of `meeting` that ended in (since, now] and after its creation, oldest first, without those the
 * meeting was already closed in. "Closed in w" means dtClosedAt lies in [w.start, w.end] and is not the end
 * of another window: windows of long occurrences can overlap, and the auto-close of the previous one (at its
 * end) must not count as a close of the next.
 */
function dueWindows(meeting: Meeting, account: Account, deps: Pick<Deps, 'settings'>, since: number, now: number): OccurrenceWindow[] {
  const ext = extensionMs(deps.settings, account);
  // A window ends at end + ext; two extra days reach back to any earlier window that can overlap a due one
  // (occurrences last at most 24 h), so its end is known.
  const all = expand(seriesOf(meeting), { from: since - ext - 2 * DAY, to: now - ext + 1, horizonEnd: horizonEndAt(deps.settings, now) }).map((o) =>
    windowOf(o, deps.settings, account),
  );
  const ends = new Set(all.map((w) => w.end));
  const windows = all.filter((w) => w.end > since && w.end <= now && w.end > meeting.createdAt).sort((a, b) => a.end - b.end);
  const due: OccurrenceWindow[] = [];
  let closedAt = meeting.dtClosedAt;
  for (const w of windows) {
    const closedInW = closedAt !== null && closedAt >= w.start && closedAt <= w.end && (closedAt === w.end || !ends.has(closedAt));
    if (closedInW) continue;
    due.push(w);
    closedAt = w.end;
  }
  return due;
}
