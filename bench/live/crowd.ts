/**
 * The live benchmark's crowd (bench/live.ts): thousands of WebSocket participants in one process, each a
 * plain `ws` socket speaking the realtime protocol of src/realtime/protocol.ts. The typed client
 * (src/realtime/client.ts) parses and keeps every message; a crowd of 2,000 that receives ~n² roster
 * notifications while it joins cannot afford that, so a member parses responses only and hands every other
 * message, unparsed and timestamped, to whoever listens at the moment.
 */
import WebSocket from 'ws';
import type { ClientMessage, RequestType, ResponseDataOf } from '../../src/realtime/protocol.js';

/** How a member's socket closed (times are performance.now()). */
export interface Closed {
  code: number;
  reason: string;
  /** The server's close frame arrived (the client knows the code and reason; readyState CLOSING). */
  frameAt: number;
  /** The connection is gone ('close' event: both close frames exchanged and TCP closed). */
  at: number;
}

type RequestFields<T extends RequestType> = Omit<Extract<ClientMessage, { type: T }>, 'type' | 'id'>;

const RESPONSE_PREFIX = '{"type":"response"';
const REQUEST_TIMEOUT_MS = 30_000;

/** One participant socket. */
export class Member {
  /** The participant id once joined. */
  pid = '';
  /** The member's own label (e.g. the user index). */
  readonly label: string;
  /** Every non-response message, with its arrival time; null = ignore (the default, cheap). */
  onNotice: ((raw: Buffer, at: number) => void) | null = null;
  /** Resolves when the socket closed. */
  readonly closed: Promise<Closed>;
  readonly #ws: WebSocket;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  #seq = 0;
  #closedInfo: Closed | null = null;
  #frameAt: number | null = null;
  #closingByUs = false;

  private constructor(ws: WebSocket, label: string) {
    this.#ws = ws;
    this.label = label;
    ws.on('error', () => undefined);
    // `ws` has no event for "the peer's close frame arrived": it answers that frame by calling the instance's
    // public close(), so wrapping close() timestamps it. (Without the hook, frameAt falls back to `at`.)
    const close = ws.close.bind(ws);
    ws.close = (code?: number, data?: string | Buffer) => {
      if (!this.#closingByUs && this.#frameAt === null) this.#frameAt = performance.now();
      close(code, data);
    };
    ws.on('message', (data: Buffer) => {
      const at = performance.now();
      if (data.length > RESPONSE_PREFIX.length && data.toString('latin1', 0, RESPONSE_PREFIX.length) === RESPONSE_PREFIX) {
        const msg = JSON.parse(data.toString('utf8')) as { id: number; ok: boolean; data?: unknown; error?: { code: string; message: string } };
        const p = this.#pending.get(msg.id);
        if (!p) return;
        this.#pending.delete(msg.id);
        clearTimeout(p.timer);
        if (msg.ok) p.resolve(msg.data);
        else p.reject(new Error(`${this.label}: ${msg.error?.code}: ${msg.error?.message}`));
        return;
      }
      this.onNotice?.(data, at);
    });
    this.closed = new Promise((resolve) =>
      ws.once('close', (code: number, reason: Buffer) => {
        const at = performance.now();
        this.#closedInfo = { code, reason: reason.toString(), frameAt: this.#frameAt ?? at, at };
        for (const p of this.#pending.values()) {
          clearTimeout(p.timer);
          p.reject(new Error(`${this.label}: socket closed ${code} ${reason.toString()}`));
        }
        this.#pending.clear();
        resolve(this.#closedInfo);
      }),
    );
  }

  /**
   * Opens a socket: no compression (neither Convene nor the baseline negotiates it) and no UTF-8 check of
   * incoming text (both servers send JSON.stringify output; the check would only load the load generator).
   */
  static open(url: string, label: string): Promise<Member> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true });
      const fail = (e: Error) => reject(new Error(`${label}: ${e.message}`));
      ws.once('error', fail);
      ws.once('open', () => {
        ws.off('error', fail);
        resolve(new Member(ws, label));
      });
    });
  }

  /** True once the socket closed. */
  get isClosed(): boolean {
    return this.#closedInfo !== null;
  }

  /** Sends a protocol request and resolves with its response data. */
  request<T extends RequestType>(type: T, fields: RequestFields<T>): Promise<ResponseDataOf<T>> {
    const id = ++this.#seq;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${this.label}: no answer to ${type} within ${REQUEST_TIMEOUT_MS} ms`));
      }, REQUEST_TIMEOUT_MS);
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.#ws.send(JSON.stringify({ type, id, ...fields }));
    });
  }

  /** Sends raw text (the baseline's echo). */
  sendRaw(text: string): void {
    this.#ws.send(text);
  }

  /** The next non-response message and its arrival time. */
  next(timeoutMs = 10_000): Promise<{ raw: Buffer; at: number }> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.onNotice = null;
        reject(new Error(`${this.label}: no message within ${timeoutMs} ms`));
      }, timeoutMs);
      this.onNotice = (raw, at) => {
        this.onNotice = null;
        clearTimeout(timer);
        resolve({ raw, at });
      };
    });
  }

  /** Closes the socket and waits for the close (or gives up after 2 s and drops it). */
  async close(): Promise<void> {
    if (this.#closedInfo) return;
    this.#closingByUs = true;
    this.#ws.close(1000);
    const t = setTimeout(() => this.#ws.terminate(), 2000);
    await this.closed;
    clearTimeout(t);
  }
}

/**
 * Waits until every member saw a message containing `marker` (the first such message per member counts).
 * Resolves with the first and last arrival times and the size of the last matching message.
 */
export function allReceive(members: Member[], marker: string, timeoutMs = 30_000): Promise<{ first: number; last: number; bytes: number }> {
  const needle = Buffer.from(marker);
  return new Promise((resolve, reject) => {
    let left = members.length;
    let first = Infinity;
    const timer = setTimeout(() => {
      for (const m of members) m.onNotice = null;
      reject(new Error(`only ${members.length - left} of ${members.length} sockets saw ${marker} within ${timeoutMs} ms`));
    }, timeoutMs);
    for (const m of members) {
      m.onNotice = (raw, at) => {
        if (raw.indexOf(needle) === -1) return;
        m.onNotice = null;
        if (at < first) first = at;
        if (--left === 0) {
          clearTimeout(timer);
          resolve({ first, last: at, bytes: raw.length });
        }
      };
    }
  });
}

/** Runs `fn` over `items` with at most `n` in flight; results in input order. */
export async function pool<T, R>(n: number, items: T[], fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

/** Percentile by nearest rank (p in 0..100) of unsorted samples. */
export function pct(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number;
}

/** Rejects after `ms` with `what` unless `p` settles first. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
    }),
  ]);
}
