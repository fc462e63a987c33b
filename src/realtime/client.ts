/**
 * A small typed client for the realtime channel (issue #5: "Ship a small typed Node client … the tests,
 * benchmarks and the later web client use it"). Requests are correlated by id and typed by protocol.ts;
 * pending requests reject when the socket closes; notifications are typed per `type`.
 *
 *   const c = await ConveneRealtimeClient.connect('ws://127.0.0.1:8080/realtime', token);
 *   c.on('call.incoming', (call) => void c.request('call.accept', { callId: call.callId }));
 *   const { participantId } = await c.request('meeting.join', { meetingCode: '914083136' });
 */
import { WebSocket } from 'ws';
import {
  type ClientMessage,
  type Notification,
  type NotificationOf,
  type NotificationType,
  type RequestType,
  type ResponseDataOf,
  type ServerMessage,
} from './protocol.js';

/** The part of the WHATWG WebSocket this client uses (browser WebSocket or `ws`). */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: (() => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** Payload of request type T (the message without `type` and `id`). */
export type RequestPayload<T extends RequestType> = Omit<Extract<ClientMessage, { type: T }>, 'type' | 'id'>;

/** A request answered with `ok: false`; `code` is the domain or channel error code. */
export class RealtimeRequestError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(`${code}: ${message}`);
    this.name = 'RealtimeRequestError';
    this.code = code;
  }
}

/** A request that could not be answered because the socket closed (or never opened). */
export class RealtimeClosedError extends Error {
  readonly code: number;
  readonly reason: string;
  constructor(code: number, reason: string) {
    super(`realtime socket closed (${code}${reason ? ` ${reason}` : ''})`);
    this.name = 'RealtimeClosedError';
    this.code = code;
    this.reason = reason;
  }
}

/** How the socket closed. */
export interface CloseInfo {
  code: number;
  reason: string;
}

/** Options of ConveneRealtimeClient. */
export interface ConveneRealtimeClientOptions {
  /** Makes the socket; default `ws`'s Node client. Pass `(url) => new WebSocket(url)` in a browser. */
  createSocket?: (url: string) => WebSocketLike;
  /** Rejects a request not answered within this time (ms); default 10 000. */
  requestTimeoutMs?: number;
}

type Listener = (msg: Notification) => void;

interface Pending {
  resolve: (data: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/** One realtime connection. */
export class ConveneRealtimeClient {
  /** Every server message received, in order (responses included): tests assert ordering on it. */
  readonly received: ServerMessage[] = [];
  /** Resolves once the socket has closed. */
  readonly closed: Promise<CloseInfo>;
  readonly #o: Required<ConveneRealtimeClientOptions>;
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Map<string, Set<Listener>>();
  #socket: WebSocketLike | null = null;
  #nextId = 1;
  #closeInfo: CloseInfo | null = null;
  #resolveClosed!: (info: CloseInfo) => void;

  constructor(o: ConveneRealtimeClientOptions = {}) {
    this.#o = {
      createSocket: o.createSocket ?? ((url) => new WebSocket(url) as unknown as WebSocketLike),
      requestTimeoutMs: o.requestTimeoutMs ?? 10_000,
    };
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
  }

  /** Opens a socket and authenticates with `token`; resolves with who the server says we are. */
  static async connect(url: string, token: string, o: ConveneRealtimeClientOptions = {}): Promise<ConveneRealtimeClient> {
    const c = new ConveneRealtimeClient(o);
    await c.connect(url, token);
    return c;
  }

  /** How the socket closed, once it has. */
  get closeInfo(): CloseInfo | null {
    return this.#closeInfo;
  }

  /** Opens the socket and sends `auth` (which must be the first message). */
  async connect(url: string, token: string): Promise<ResponseDataOf<'auth'>> {
    await this.open(url);
    return this.request('auth', { token });
  }

  /** Opens the socket without authenticating (tests of the auth deadline use it). */
  open(url: string): Promise<void> {
    if (this.#socket) throw new Error('already connected');
    return new Promise((resolve, reject) => {
      const ws = this.#o.createSocket(url);
      this.#socket = ws;
      let opened = false;
      ws.onopen = () => {
        opened = true;
        resolve();
      };
      ws.onerror = () => {
        /* the close event follows and carries what is known */
      };
      ws.onmessage = (ev) => this.#onMessage(ev.data);
      ws.onclose = (ev) => {
        this.#onClose(ev.code, ev.reason);
        if (!opened) reject(new RealtimeClosedError(ev.code, ev.reason));
      };
    });
  }

  /** Sends a request and resolves with its typed `data`, or rejects with RealtimeRequestError / RealtimeClosedError. */
  request<T extends RequestType>(type: T, payload: RequestPayload<T>): Promise<ResponseDataOf<T>> {
    const ws = this.#socket;
    if (this.#closeInfo || !ws) return Promise.reject(new RealtimeClosedError(this.#closeInfo?.code ?? 1006, this.#closeInfo?.reason ?? 'not connected'));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`realtime request ${type} timed out`));
      }, this.#o.requestTimeoutMs);
      this.#pending.set(id, { resolve: resolve as (d: unknown) => void, reject, timer });
      ws.send(JSON.stringify({ ...payload, type, id }));
    });
  }

  /** Listens to one notification type; returns a function that removes the listener. */
  on<T extends NotificationType>(type: T, listener: (msg: NotificationOf<T>) => void): () => void {
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, (set = new Set()));
    set.add(listener as Listener);
    return () => set.delete(listener as Listener);
  }

  /**
   * Resolves with the next notification of `type` that matches `where`, received after this call; rejects
   * when the socket closes first or after `timeoutMs` (default 10 s).
   */
  next<T extends NotificationType>(type: T, where: (msg: NotificationOf<T>) => boolean = () => true, timeoutMs = 10_000): Promise<NotificationOf<T>> {
    return new Promise((resolve, reject) => {
      const off = this.on(type, (msg) => {
        if (!where(msg)) return;
        off();
        clearTimeout(timer);
        resolve(msg);
      });
      const timer = setTimeout(() => {
        off();
        reject(new Error(`no ${type} within ${timeoutMs} ms`));
      }, timeoutMs);
      void this.closed.then((info) => {
        off();
        clearTimeout(timer);
        reject(new RealtimeClosedError(info.code, info.reason));
      });
    });
  }

  /** Closes the socket (code 1000 by default). */
  close(code = 1000, reason = ''): Promise<CloseInfo> {
    this.#socket?.close(code, reason);
    return this.closed;
  }

  /** The underlying socket (tests use it to drop the connection without a goodbye). */
  get socket(): WebSocketLike | null {
    return this.#socket;
  }

  #onMessage(data: unknown): void {
    let msg: ServerMessage;
    try {
      msg = JSON.parse(String(data)) as ServerMessage;
    } catch {
      return;
    }
    this.received.push(msg);
    if (msg.type === 'response') {
      const p = typeof msg.id === 'number' ? this.#pending.get(msg.id) : undefined;
      if (!p) return;
      this.#pending.delete(msg.id as number);
      clearTimeout(p.timer);
      if (msg.ok) p.resolve(msg.data);
      else p.reject(new RealtimeRequestError(msg.error.code, msg.error.message));
      return;
    }
    for (const l of [...(this.#listeners.get(msg.type) ?? [])]) l(msg);
  }

  #onClose(code: number, reason: string): void {
    if (this.#closeInfo) return;
    this.#closeInfo = { code, reason };
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      p.reject(new RealtimeClosedError(code, reason));
    }
    this.#pending.clear();
    this.#resolveClosed(this.#closeInfo);
  }
}
