/**
 * One realtime socket (ARCHITECTURE.md §4.8, §4.9): authentication within a deadline, request/response
 * correlation, serial request handling, and the ordering rule "a response is sent before any notification it
 * caused". A session acts as one user and, after `meeting.join` or `call.accept`, carries one participant leg.
 *
 * Ordering: domain commands publish their events synchronously after commit, i.e. before the command's promise
 * resolves, so while a request is being handled every outgoing notification (and a pending session end) is
 * held and flushed right after the response.
 */
import { randomBytes } from 'node:crypto';
import { Compile } from 'typebox/compile';
import { isDomainError } from '../domain/errors.js';
import { EnhancedEventEmitter, type RealtimeLogger } from './enhancedEvents.js';
import { ClientMessage, CloseCode, ProtocolErrorCode, type Notification, type RequestId, type SessionEndReason } from './protocol.js';
import type { RealtimeIdentity } from './tokens.js';
import type { WireSocket } from './wire.js';

const checkClientMessage = Compile(ClientMessage);

/** A failure of the channel itself (not a domain error), answered with one of `ProtocolErrorCode`. */
export class RealtimeError extends Error {
  readonly code: string;
  constructor(code: (typeof ProtocolErrorCode)[keyof typeof ProtocolErrorCode], message: string) {
    super(message);
    this.name = 'RealtimeError';
    this.code = code;
  }
}

/** The leg a session carries. */
export interface SessionBinding {
  participantId: string;
  conferenceId: string;
  meetingId: string;
}

/** Handles one request of an authenticated (or, for `auth`, a fresh) session; returns the response data. */
export type RequestHandler = (session: Session, msg: ClientMessage) => Promise<unknown>;

/** What a session needs from its surroundings. */
export interface SessionOptions {
  socket: WireSocket;
  handle: RequestHandler;
  /** Called once when the session is over; `lost` when the socket went away without the server ending it. */
  onClosed: (session: Session, lost: boolean) => void;
  /** Close with 4401 when no successful `auth` arrived within this time. */
  authTimeoutMs: number;
  /**
   * A client that does not read its messages is dropped (as a lost connection) once this many bytes wait in
   * its socket, so one stalled client cannot grow the server's memory without bound. Default 4 MiB.
   */
  maxBufferedBytes?: number;
  remoteAddress: string | null;
  logger: RealtimeLogger;
}

/** Observer events of a Session. */
export type SessionObserverEvents = {
  /** Authenticated as a user. */
  authenticated: [];
  close: [];
};

type Held = string | { end: SessionEndReason; code: number };

/** One realtime socket. */
export class Session {
  /** Random id for logs. */
  readonly id = randomBytes(6).toString('hex');
  readonly remoteAddress: string | null;
  readonly observer: EnhancedEventEmitter<SessionObserverEvents>;
  readonly #o: SessionOptions;
  readonly #queue: ClientMessage[] = [];
  #held: Held[] = [];
  #identity: RealtimeIdentity | null = null;
  #binding: SessionBinding | null = null;
  #authStarted = false;
  #busy = false;
  #ending = false;
  #closed = false;
  #authTimer: NodeJS.Timeout | null;

  constructor(o: SessionOptions) {
    this.#o = o;
    this.remoteAddress = o.remoteAddress;
    this.observer = new EnhancedEventEmitter(o.logger);
    o.socket.onMessage = (data) => this.#onMessage(data);
    o.socket.onClose = () => this.#onSocketClose();
    this.#authTimer = setTimeout(() => this.close(CloseCode.unauthenticated, 'UNAUTHENTICATED'), o.authTimeoutMs);
  }

  /** True once the socket is closed or closing. */
  get closed(): boolean {
    return this.#closed;
  }

  /** True once the server decided to end this session (session.ended is queued or sent). */
  get ending(): boolean {
    return this.#ending;
  }

  /** The user, once authenticated. */
  get identity(): RealtimeIdentity | null {
    return this.#identity;
  }

  /** The user id, or null before authentication. */
  get userId(): string | null {
    return this.#identity?.userId ?? null;
  }

  /** The leg this socket carries, if any. */
  get binding(): SessionBinding | null {
    return this.#binding;
  }

  /** @internal RoomHub keeps bindings consistent with its indexes; nothing else calls this. */
  setBinding(b: SessionBinding | null): void {
    this.#binding = b;
  }

  /** @internal Marks the session authenticated (the `auth` handler). */
  authenticate(identity: RealtimeIdentity): void {
    this.#identity = identity;
    if (this.#authTimer) clearTimeout(this.#authTimer);
    this.#authTimer = null;
    this.observer.safeEmit('authenticated');
  }

  /** Sends a notification (held while a request of this session is being handled). */
  notify(msg: Notification): void {
    if (this.#closed || this.#ending) return;
    this.sendRaw(JSON.stringify(msg));
  }

  /** Sends an already serialised notification (fan-out serialises once for a whole room). */
  sendRaw(json: string): void {
    if (this.#closed || this.#ending) return;
    if (this.#busy) this.#held.push(json);
    else this.#write(json);
  }

  /** Heartbeat tick (RoomHub): a socket from which nothing arrived since the last tick is dropped as lost. */
  heartbeat(): void {
    if (this.#closed) return;
    if (!this.#o.socket.probe()) {
      this.#o.logger.info({ session: this.id }, 'realtime socket missed its heartbeat; dropping it');
      this.#o.socket.terminate();
    }
  }

  #write(json: string): void {
    const socket = this.#o.socket;
    if (socket.bufferedAmount > (this.#o.maxBufferedBytes ?? 4 * 1024 * 1024)) {
      this.#o.logger.warn({ session: this.id, buffered: socket.bufferedAmount }, 'realtime client does not read; dropping it');
      socket.terminate();
      return;
    }
    socket.send(json);
  }

  /**
   * Ends the session: `session.ended {reason}`, then the socket closes with `code` and the reason as close
   * text (media-and-sip.md §2.4). Idempotent; during a request it happens right after the response.
   */
  end(reason: SessionEndReason, code: number): void {
    if (this.#closed || this.#ending) return;
    this.#ending = true;
    if (this.#busy) this.#held.push({ end: reason, code });
    else this.#finishEnd(reason, code);
  }

  /** Closes the socket now (no session.ended). Idempotent. */
  close(code: number = CloseCode.normal, reason = ''): void {
    if (this.#closed) return;
    this.#markClosed();
    this.#o.socket.close(code, reason);
    this.#o.onClosed(this, false);
    this.observer.safeEmit('close');
  }

  /** Sends session.ended and closes at once, even mid-request (server shutdown). */
  shutdown(): void {
    if (this.#closed) return;
    this.#o.socket.send(JSON.stringify({ type: 'session.ended', reason: 'SERVER_SHUTDOWN' } satisfies Notification));
    this.close(CloseCode.goingAway, 'SERVER_SHUTDOWN');
  }

  #finishEnd(reason: SessionEndReason, code: number): void {
    this.#o.socket.send(JSON.stringify({ type: 'session.ended', reason } satisfies Notification));
    this.close(code, reason);
  }

  #markClosed(): void {
    this.#closed = true;
    this.#queue.length = 0;
    this.#held = [];
    if (this.#authTimer) clearTimeout(this.#authTimer);
    this.#authTimer = null;
  }

  #onSocketClose(): void {
    if (this.#closed) return;
    const lost = !this.#ending;
    this.#markClosed();
    this.#o.onClosed(this, lost);
    this.observer.safeEmit('close');
  }

  #onMessage(data: string | Buffer): void {
    if (this.#closed || this.#ending) return;
    let raw: unknown;
    try {
      if (typeof data !== 'string') throw new Error('binary');
      raw = JSON.parse(data);
    } catch {
      this.#refuse(undefined, 'messages are JSON text');
      return;
    }
    if (!checkClientMessage.Check(raw)) {
      this.#refuse(raw, 'the message does not match the protocol');
      return;
    }
    const msg = raw as ClientMessage;
    if (!this.#authStarted) {
      // The first message must be `auth` (ARCHITECTURE.md §4.9).
      if (msg.type !== 'auth') {
        this.close(CloseCode.unauthenticated, 'UNAUTHENTICATED');
        return;
      }
      this.#authStarted = true;
    }
    this.#queue.push(msg);
    void this.#pump();
  }

  /** Answers an invalid message: a response when it has a usable id, else protocol.error; before auth, 4401. */
  #refuse(raw: unknown, message: string): void {
    if (!this.#authStarted) {
      this.close(CloseCode.unauthenticated, 'UNAUTHENTICATED');
      return;
    }
    const id = (raw as { id?: unknown } | null)?.id;
    const usable = (typeof id === 'number' && Number.isInteger(id) && id >= 0) || (typeof id === 'string' && id.length > 0 && id.length <= 64);
    const code = ProtocolErrorCode.invalidRequest;
    if (usable) this.#o.socket.send(JSON.stringify({ type: 'response', id: id as RequestId, ok: false, error: { code, message } }));
    else this.notify({ type: 'protocol.error', code, message });
  }

  /** Handles queued requests one at a time, in arrival order. */
  async #pump(): Promise<void> {
    if (this.#busy) return;
    while (this.#queue.length > 0 && !this.#closed) {
      const msg = this.#queue.shift() as ClientMessage;
      this.#busy = true;
      let response: string;
      let ok = true;
      try {
        const data = await this.#o.handle(this, msg);
        response = JSON.stringify({ type: 'response', id: msg.id, ok: true, data: data ?? {} });
      } catch (err) {
        ok = false;
        response = JSON.stringify({ type: 'response', id: msg.id, ok: false, error: this.#errorBody(err, msg) });
      }
      if (!this.#closed) this.#o.socket.send(response);
      this.#busy = false;
      this.#flush();
      if (!ok && msg.type === 'auth' && !this.#identity) this.close(CloseCode.unauthenticated, 'UNAUTHENTICATED');
      // After meeting.leave or an end the session is over: later requests are dropped with it.
      if (this.#ending) break;
    }
  }

  #flush(): void {
    const held = this.#held;
    this.#held = [];
    for (const item of held) {
      if (this.#closed) return;
      if (typeof item === 'string') this.#write(item);
      else {
        this.#finishEnd(item.end, item.code);
        return;
      }
    }
  }

  #errorBody(err: unknown, msg: ClientMessage): { code: string; message: string } {
    if (err instanceof RealtimeError) return { code: err.code, message: err.message };
    if (isDomainError(err)) return { code: err.code, message: err.message };
    this.#o.logger.error({ err, session: this.id, request: msg.type }, 'realtime request failed');
    return { code: ProtocolErrorCode.internal, message: 'internal error' };
  }
}
