/**
 * A typed event emitter whose `safeEmit` logs a throwing listener instead of letting it break the emitter
 * (ARCHITECTURE.md §4.8, after versatica/mediasoup `node/src/enhancedEvents.ts`).
 */
import { EventEmitter } from 'node:events';

/** Minimal pino-compatible logger the realtime objects use. */
export interface RealtimeLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A logger that drops everything (tests, embedding without logs). */
export const silentLogger: RealtimeLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** Events as a map from name to argument tuple. */
export type EventMap = Record<string, unknown[]>;

/** A typed EventEmitter with `safeEmit`. */
export class EnhancedEventEmitter<E extends EventMap> {
  readonly #emitter = new EventEmitter();
  readonly #logger: RealtimeLogger;

  constructor(logger: RealtimeLogger = silentLogger) {
    this.#logger = logger;
    this.#emitter.setMaxListeners(Infinity);
  }

  on<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.#emitter.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  once<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.#emitter.once(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.#emitter.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  /** Emits; a listener that throws is logged and the remaining listeners still run. */
  safeEmit<K extends keyof E & string>(event: K, ...args: E[K]): boolean {
    // rawListeners: calling a `once` wrapper also removes it.
    const listeners = this.#emitter.rawListeners(event) as Array<(...a: E[K]) => void>;
    for (const l of listeners) {
      try {
        l(...args);
      } catch (err) {
        this.#logger.error({ err, event }, 'realtime event listener threw');
      }
    }
    return listeners.length > 0;
  }

  removeAllListeners(): void {
    this.#emitter.removeAllListeners();
  }
}
