/**
 * The simulated telephone network (media-and-sip.md §6, huawei-meeting.md §4.4): the Dialer used while no
 * SIP trunk is configured. Each dialled number or SIP URI plays the script of the test-number table
 * (testNumbers.ts) and reports exactly the signals a SIP trunk would cause, through the same
 * `recordCallProgress` command a real dialer uses, so the legs go through the same state machine and
 * record the same events and webhooks:
 *
 *   100 Trying → dialing        180 Ringing → ringing (sipStatusCode 180)
 *   200 OK     → answered, connectNow (sipStatusCode 200)    BYE from the far end → ended CLIENT_LEFT
 *   4xx/5xx/6xx → ended with the reason of media-and-sip.md §5.2 and the status as sipStatusCode
 *
 * Until SIP dial-out (issue E) exists this is an in-process script player rather than the SIP UAS that
 * media-and-sip.md §6 recommends; an answered leg carries no media, so it is `connected` at the 200 OK.
 */
import type { LegSignal } from '../domain/live/Participant.js';
import type { Dialer, OutgoingCall } from '../domain/live/ports.js';
import type { CallProgressInput } from '../domain/live/recordCallProgress.js';
import type { DisconnectReason } from '../domain/live/types.js';
import { scriptFor, TIMER_B_MS, type SimScript } from './testNumbers.js';

/** The subset of a pino logger the simulated network uses. */
export interface SimulatedNetworkLogger {
  /** Each call's script, hang-ups and outcomes. */
  debug(obj: object, msg?: string): void;
  /** Ignored requests (a dial after close, a pid dialled twice). */
  warn(obj: object, msg?: string): void;
  /** A progress report that failed (the leg then stays where it was). */
  error(obj: object, msg?: string): void;
}

/** Options of {@link SimulatedNetwork}. */
export interface SimulatedNetworkOptions {
  /**
   * Where progress goes: bound to `recordCallProgress(deps, …)` by the wiring. Reports of one call are
   * made one after the other, in the order the far end sent them; a rejection is logged, never thrown.
   */
  report: (input: CallProgressInput) => Promise<unknown>;
  logger: SimulatedNetworkLogger;
  /**
   * Multiplies the simulator's own delays: the table's ring times, the busy/decline/unavailable delays,
   * the `…5NN` hang-up delay and Timer B of the silent `…504` row. Default 1 (the documented wall-clock
   * timings); tests pass e.g. 0.01 to play the table 100× faster. It does NOT scale Convene's ring
   * timeout (`OutgoingCall.ringTimeoutMs`, from `CONVENE_RING_TIMEOUT_S`): that timer belongs to Convene's
   * side of the call, exactly as with a real trunk.
   */
  timeScale?: number;
}

/** One thing the far end sends, `atMs` after the INVITE (before timeScale). */
interface FarEndStep {
  atMs: number;
  run: (c: SimCall) => void;
}

/** One call in progress. */
interface SimCall {
  readonly call: OutgoingCall;
  readonly script: SimScript;
  /** `calling` until the 200 OK, then `answered`. */
  phase: 'calling' | 'answered';
  /** A provisional response (100/180) has arrived, so Convene may CANCEL (media-and-sip.md §5.3). */
  provisional: boolean;
  /** The ring timeout expired before any provisional response: CANCEL as soon as one arrives. */
  cancelDue: boolean;
  /** The call is over (either side ended it): its timers must not act any more. */
  ended: boolean;
  /** Convene hung up or the network closed: reports not yet made are dropped when their turn comes. */
  dropped: boolean;
  readonly timers: Set<NodeJS.Timeout>;
  ringTimer: NodeJS.Timeout | null;
  /** The reports of this call, chained so that they reach the domain in order. */
  chain: Promise<void>;
}

/**
 * A Dialer (network `simulated`) that plays the test-number table. Per-call state lives in a Map keyed by
 * pid; every timer belongs to one call and is cleared when the call ends, is hung up, or the network
 * closes, so nothing fires late.
 */
export class SimulatedNetwork implements Dialer {
  /** Recorded on legs and in events (`"network":"simulated"` in webhooks). */
  readonly network = 'simulated' as const;
  readonly #report: SimulatedNetworkOptions['report'];
  readonly #logger: SimulatedNetworkLogger;
  readonly #scale: number;
  readonly #calls = new Map<string, SimCall>();
  /** Report chains still running (of calls that may have ended already), awaited by close(). */
  readonly #inFlight = new Set<Promise<void>>();
  #closed = false;

  constructor({ report, logger, timeScale = 1 }: SimulatedNetworkOptions) {
    if (!(timeScale >= 0) || !Number.isFinite(timeScale)) throw new RangeError(`timeScale must be a finite number ≥ 0, got ${timeScale}`);
    this.#report = report;
    this.#logger = logger;
    this.#scale = timeScale;
  }

  /** Calls in progress (ringing or answered). */
  get activeCalls(): number {
    return this.#calls.size;
  }

  /** Timers pending across all calls (0 once every call ended or the network closed). */
  get activeTimers(): number {
    let n = 0;
    for (const c of this.#calls.values()) n += c.timers.size;
    return n;
  }

  /** True after close(). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Places the call: plays its script from now on. Never throws for call outcomes (they are reported). */
  dial(call: OutgoingCall): void {
    if (this.#closed) {
      this.#logger.warn({ participantId: call.participantId }, 'simulated network is closed; call not placed');
      return;
    }
    if (this.#calls.has(call.participantId)) {
      this.#logger.warn({ participantId: call.participantId }, 'simulated network: participant is already being called');
      return;
    }
    const script = scriptFor(call.target, call.kind);
    const c: SimCall = { call, script, phase: 'calling', provisional: false, cancelDue: false, ended: false, dropped: false, timers: new Set(), ringTimer: null, chain: Promise.resolve() };
    this.#calls.set(call.participantId, c);
    this.#logger.debug({ participantId: call.participantId, target: call.target, row: script.row }, 'simulated call placed');

    // Convene's ring timer runs from the INVITE (media-and-sip.md §5.3: npm `sip` has no timer once a
    // provisional response arrived, so the dialer keeps its own). It is Convene's, so it is never scaled.
    c.ringTimer = this.#after(c, call.ringTimeoutMs, () => this.#ringTimeout(c), false);
    if (script.trying) this.#provisional(c, { kind: 'dialing' });
    this.#play(c, this.#steps(script), 0);
  }

  /**
   * Plays the far end's steps one after the other: each step's timer is set only when the previous step
   * ran, so a 180 can never overtake the 200 that follows it, however late the event loop runs timers.
   */
  #play(c: SimCall, steps: FarEndStep[], fromMs: number): void {
    const [step, ...rest] = steps;
    if (!step) return;
    this.#after(c, Math.max(0, step.atMs - fromMs), () => {
      step.run(c);
      if (!c.ended) this.#play(c, rest, step.atMs);
    });
  }

  /**
   * Convene ends the call: a CANCEL while it rings, a BYE once answered. The domain already ended the leg,
   * so nothing more is reported, and the call's timers (a pending answer, a `…5NN` BYE) are cleared.
   * Unknown or finished pids are ignored (idempotent).
   */
  hangup(participantId: string, reason: DisconnectReason): void {
    const c = this.#calls.get(participantId);
    if (!c) return;
    this.#end(c);
    c.dropped = true;
    this.#logger.debug({ participantId, reason, sent: c.phase === 'answered' ? 'BYE' : 'CANCEL' }, 'simulated call hung up by Convene');
  }

  /** Clears every timer and drops reports not yet made; waits for reports already under way. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const c of [...this.#calls.values()]) {
      this.#end(c);
      c.dropped = true;
    }
    await Promise.all([...this.#inFlight]);
  }

  /** A provisional response arrived (100 → dialing, 180 → ringing). */
  #provisional(c: SimCall, signal: LegSignal): void {
    c.provisional = true;
    this.#send(c, signal);
    if (c.cancelDue) this.#cancelForTimeout(c);
  }

  /** What the far end does after the INVITE, in time order (ms before timeScale). */
  #steps(script: SimScript): FarEndStep[] {
    const steps: FarEndStep[] = [];
    if (script.ringingAtMs !== null) steps.push({ atMs: script.ringingAtMs, run: (c) => this.#provisional(c, { kind: 'ringing', sipStatusCode: 180 }) });
    const f = script.final;
    switch (f.kind) {
      case 'answer':
        steps.push({ atMs: f.atMs, run: (c) => this.#answer(c) });
        if (f.byeAfterMs !== null) steps.push({ atMs: f.atMs + f.byeAfterMs, run: (c) => this.#finish(c, 'CLIENT_LEFT') });
        break;
      case 'reject':
        steps.push({ atMs: f.atMs, run: (c) => this.#finish(c, f.reason, f.status) });
        break;
      case 'silent':
        // Nothing ever arrives: Timer B makes the local 408, which means "nothing answered", not "no
        // answer" (media-and-sip.md §5.2), hence a trunk failure.
        steps.push({ atMs: TIMER_B_MS, run: (c) => this.#finish(c, 'SIP_TRUNK_FAILURE', 408) });
        break;
      case 'ring_forever':
        break;
    }
    // Stable: a 180 and a final response at the same instant keep the order a UAS sends them in.
    return steps.sort((x, y) => x.atMs - y.atMs);
  }

  /** 200 OK: the ring timer stops; no audio bridge yet (issue E), so media counts as attached at once. */
  #answer(c: SimCall): void {
    c.phase = 'answered';
    if (c.ringTimer) this.#clear(c, c.ringTimer);
    c.ringTimer = null;
    this.#send(c, { kind: 'answered', connectNow: true, sipStatusCode: 200 });
  }

  #ringTimeout(c: SimCall): void {
    c.ringTimer = null;
    if (c.phase !== 'calling') return;
    // A CANCEL may only follow a provisional response (media-and-sip.md §5.3); before one, wait for it or
    // for Timer B.
    if (!c.provisional) {
      c.cancelDue = true;
      return;
    }
    this.#cancelForTimeout(c);
  }

  /** Our CANCEL at the ring timeout; the far end answers 487, and the reason is the timeout's (§5.2). */
  #cancelForTimeout(c: SimCall): void {
    this.#logger.debug({ participantId: c.call.participantId, ringTimeoutMs: c.call.ringTimeoutMs }, 'ring timeout: CANCEL');
    this.#finish(c, 'NO_ANSWER', 487);
  }

  /** The call ended on the network's side (final response, BYE, Timer B, ring timeout): report it. */
  #finish(c: SimCall, reason: DisconnectReason, sipStatusCode?: number): void {
    this.#end(c);
    this.#send(c, { kind: 'ended', reason, ...(sipStatusCode === undefined ? {} : { sipStatusCode }) });
    this.#logger.debug({ participantId: c.call.participantId, reason, sipStatusCode }, 'simulated call ended');
  }

  /** Forgets the call and clears its timers. */
  #end(c: SimCall): void {
    c.ended = true;
    for (const t of c.timers) clearTimeout(t);
    c.timers.clear();
    c.ringTimer = null;
    this.#calls.delete(c.call.participantId);
  }

  /**
   * Queues a report behind the call's earlier ones. A report whose turn comes after Convene hung up is
   * dropped: the domain ended the leg already, and the network must look silent from then on.
   */
  #send(c: SimCall, signal: LegSignal): void {
    const participantId = c.call.participantId;
    const run = async (): Promise<void> => {
      if (c.dropped) return;
      try {
        await this.#report({ participantId, signal });
      } catch (err) {
        this.#logger.error({ err, participantId, signal: signal.kind }, 'simulated network: progress report failed');
      }
    };
    const next = c.chain.then(run);
    c.chain = next;
    this.#inFlight.add(next);
    void next.finally(() => this.#inFlight.delete(next));
  }

  /** A timer owned by `c`; `scaled` applies timeScale (the simulator's delays) or not (Convene's timers). */
  #after(c: SimCall, ms: number, fn: () => void, scaled = true): NodeJS.Timeout {
    const t = setTimeout(
      () => {
        c.timers.delete(t);
        if (!c.ended) fn();
      },
      scaled ? ms * this.#scale : ms,
    );
    c.timers.add(t);
    return t;
  }

  #clear(c: SimCall, t: NodeJS.Timeout): void {
    clearTimeout(t);
    c.timers.delete(t);
  }
}
