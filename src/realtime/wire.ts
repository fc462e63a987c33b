/**
 * The WebSocket wire (RFC 6455) under the realtime channel: the server side of an HTTP upgrade and a Node
 * client with the WHATWG `WebSocket` surface the typed client needs.
 *
 * Why this exists: ARCHITECTURE.md §2 names `ws` (through `@fastify/websocket`) for the realtime channel, but
 * neither package is installed in this repository yet, and installing packages is the lead's call. This module
 * is the smallest correct subset of RFC 6455 for a JSON signalling channel — text and binary messages,
 * fragmentation, ping/pong, the closing handshake with code and reason, payload limits, UTF-8 validation — and
 * it sits behind two seams (`WireSocket` on the server, `WebSocketLike` in client.ts), so replacing it with
 * `ws` touches only plugin.ts and the client's default socket factory. No extensions (permessage-deflate) and
 * no subprotocols are negotiated.
 */
import { createHash, randomBytes, randomFillSync } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

/** `Sec-WebSocket-Accept` for a `Sec-WebSocket-Key` (RFC 6455 §4.2.2). */
export function acceptKey(key: string): string {
  return createHash('sha1').update(key + GUID).digest('base64');
}

/** Close codes a peer may put on the wire (RFC 6455 §7.4.1; 1005/1006/1015 are never sent). */
function isSendableCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

/** Options of a WireSocket. */
export interface WireSocketOptions {
  /** `client` masks what it sends and expects unmasked frames; `server` the reverse. */
  role: 'server' | 'client';
  /** Largest message accepted (after reassembly), in bytes; larger closes with 1009. Default 1 MiB. */
  maxPayload?: number;
  /** How long to wait for the peer's closing frame before dropping the connection. Default 2000 ms. */
  closeTimeoutMs?: number;
}

/** One WebSocket connection over an upgraded socket. Owners set `onMessage` / `onClose` before `start()`. */
export class WireSocket {
  /** A complete message: a string for text frames, a Buffer for binary ones. */
  onMessage: (data: string | Buffer) => void = () => {};
  /** Called exactly once, when the connection is over (1006 when it ended without a closing handshake). */
  onClose: (code: number, reason: string) => void = () => {};

  readonly #socket: Duplex;
  readonly #masking: boolean;
  readonly #maxPayload: number;
  readonly #closeTimeoutMs: number;
  readonly #decoder = new TextDecoder('utf-8', { fatal: true });
  #buf: Buffer = Buffer.alloc(0);
  #fragments: Buffer[] | null = null;
  #fragmentOpcode = 0;
  #fragmentBytes = 0;
  /** Something arrived since the last liveness probe. */
  #alive = true;
  #closeSent = false;
  #closeReceived = false;
  #ended = false;
  #closeTimer: NodeJS.Timeout | null = null;
  /** What `onClose` reports: the code we sent or received first. */
  #code = 1006;
  #reason = '';

  constructor(socket: Duplex, o: WireSocketOptions) {
    this.#socket = socket;
    this.#masking = o.role === 'client';
    this.#maxPayload = o.maxPayload ?? 1_048_576;
    this.#closeTimeoutMs = o.closeTimeoutMs ?? 2000;
  }

  /** True until a closing frame was sent or received, or the connection dropped. */
  get open(): boolean {
    return !this.#closeSent && !this.#closeReceived && !this.#ended;
  }

  /** Bytes queued in the socket and not yet handed to the kernel (backpressure). */
  get bufferedAmount(): number {
    return this.#socket.writableLength;
  }

  /** Starts reading; `head` is whatever arrived with the upgrade. */
  start(head?: Buffer): void {
    this.#socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    this.#socket.on('error', () => this.#socket.destroy());
    // Sockets upgraded from Node's HTTP server are half-open capable: when the peer ends, end our side too,
    // or the connection (and server.close()) would wait forever.
    this.#socket.on('end', () => this.#socket.end());
    this.#socket.on('close', () => this.#finish());
    if (head && head.length > 0) this.#onData(head);
  }

  /** Sends a text message; silently dropped once the connection is closing. */
  send(data: string | Buffer): void {
    if (!this.open) return;
    if (typeof data === 'string') this.#write(OP_TEXT, Buffer.from(data, 'utf8'));
    else this.#write(OP_BINARY, data);
  }

  /** Sends a ping (the peer answers with a pong, which is ignored). */
  ping(): void {
    if (this.open) this.#write(OP_PING, Buffer.alloc(0));
  }

  /**
   * Liveness probe for heartbeats: false when nothing (not even a pong) arrived since the previous probe, so
   * the caller should drop the connection; otherwise sends a ping and returns true.
   */
  probe(): boolean {
    if (!this.#alive) return false;
    this.#alive = false;
    this.ping();
    return true;
  }

  /**
   * Starts the closing handshake with `code` and `reason` (truncated to the 123 bytes a control frame
   * allows). Idempotent. The connection is dropped if the peer does not answer within closeTimeoutMs.
   */
  close(code = 1000, reason = ''): void {
    if (this.#closeSent || this.#ended) return;
    this.#sendClose(isSendableCloseCode(code) ? code : 1000, reason);
    if (this.#closeReceived) {
      this.#endTcp();
      return;
    }
    this.#code = code;
    this.#reason = reason;
    this.#closeTimer = setTimeout(() => this.#socket.destroy(), this.#closeTimeoutMs);
    this.#closeTimer.unref();
  }

  /** Drops the connection without a handshake. */
  terminate(): void {
    this.#socket.destroy();
  }

  #sendClose(code: number, reason: string): void {
    this.#closeSent = true;
    let r: Buffer = Buffer.from(reason, 'utf8');
    if (r.length > 123) r = truncateUtf8(r, 123);
    const payload = Buffer.allocUnsafe(2 + r.length);
    payload.writeUInt16BE(code, 0);
    r.copy(payload, 2);
    this.#write(OP_CLOSE, payload);
  }

  /** The server ends TCP first (RFC 6455 §7.1.1); a client waits for it, bounded by the close timer. */
  #endTcp(): void {
    if (this.#masking) {
      this.#closeTimer ??= setTimeout(() => this.#socket.destroy(), this.#closeTimeoutMs);
      this.#closeTimer.unref();
    } else this.#socket.end();
  }

  #write(opcode: number, payload: Buffer): void {
    const len = payload.length;
    const ext = len < 126 ? 0 : len < 65536 ? 2 : 8;
    const maskBytes = this.#masking ? 4 : 0;
    const frame = Buffer.allocUnsafe(2 + ext + maskBytes + len);
    frame[0] = 0x80 | opcode;
    let off = 2;
    if (ext === 0) frame[1] = len;
    else if (ext === 2) {
      frame[1] = 126;
      frame.writeUInt16BE(len, 2);
      off = 4;
    } else {
      frame[1] = 127;
      frame.writeUInt32BE(Math.floor(len / 2 ** 32), 2);
      frame.writeUInt32BE(len >>> 0, 6);
      off = 10;
    }
    if (this.#masking) {
      frame[1] = (frame[1] as number) | 0x80;
      const mask = randomFillSync(Buffer.allocUnsafe(4));
      mask.copy(frame, off);
      off += 4;
      for (let i = 0; i < len; i++) frame[off + i] = (payload[i] as number) ^ (mask[i & 3] as number);
    } else payload.copy(frame, off);
    this.#socket.write(frame);
  }

  #onData(chunk: Buffer): void {
    this.#alive = true;
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    while (!this.#ended && this.#parseFrame()) {
      /* one frame consumed per turn */
    }
  }

  /** Consumes one frame from the buffer; false when more bytes are needed or the connection failed. */
  #parseFrame(): boolean {
    const buf = this.#buf;
    if (buf.length < 2) return false;
    const b0 = buf[0] as number;
    const b1 = buf[1] as number;
    const fin = (b0 & 0x80) !== 0;
    const opcode = b0 & 0x0f;
    const masked = (b1 & 0x80) !== 0;
    let len = b1 & 0x7f;
    let off = 2;
    if ((b0 & 0x70) !== 0) return this.#fail(1002, 'reserved bits set');
    if (masked === this.#masking) return this.#fail(1002, masked ? 'masked frame from server' : 'unmasked frame from client');
    if (len === 126) {
      if (buf.length < 4) return false;
      len = buf.readUInt16BE(2);
      off = 4;
    } else if (len === 127) {
      if (buf.length < 10) return false;
      const hi = buf.readUInt32BE(2);
      if (hi > 0x1fffff) return this.#fail(1009, 'frame too large');
      len = hi * 2 ** 32 + buf.readUInt32BE(6);
      off = 10;
    }
    const control = opcode >= 0x8;
    if (control && (!fin || len > 125)) return this.#fail(1002, 'bad control frame');
    if (len > this.#maxPayload || (!control && this.#fragmentBytes + len > this.#maxPayload)) return this.#fail(1009, 'message too large');
    const maskOff = off;
    if (masked) off += 4;
    if (buf.length < off + len) return false;
    const payload = buf.subarray(off, off + len);
    if (masked) for (let i = 0; i < len; i++) payload[i] = (payload[i] as number) ^ (buf[maskOff + (i & 3)] as number);
    this.#buf = buf.subarray(off + len);
    this.#onFrame(fin, opcode, payload);
    return true;
  }

  #onFrame(fin: boolean, opcode: number, payload: Buffer): void {
    switch (opcode) {
      case OP_PING:
        if (this.open) this.#write(OP_PONG, Buffer.from(payload));
        return;
      case OP_PONG:
        return;
      case OP_CLOSE:
        this.#onCloseFrame(payload);
        return;
      case OP_TEXT:
      case OP_BINARY:
        if (this.#fragments) {
          this.#fail(1002, 'new message inside a fragmented one');
          return;
        }
        if (fin) {
          this.#deliver(opcode, payload);
          return;
        }
        this.#fragments = [Buffer.from(payload)];
        this.#fragmentOpcode = opcode;
        this.#fragmentBytes = payload.length;
        return;
      case OP_CONTINUATION: {
        if (!this.#fragments) {
          this.#fail(1002, 'continuation without a message');
          return;
        }
        this.#fragments.push(Buffer.from(payload));
        this.#fragmentBytes += payload.length;
        if (!fin) return;
        const whole = Buffer.concat(this.#fragments);
        this.#fragments = null;
        this.#fragmentBytes = 0;
        this.#deliver(this.#fragmentOpcode, whole);
        return;
      }
      default:
        this.#fail(1002, 'unknown opcode');
    }
  }

  #deliver(opcode: number, payload: Buffer): void {
    // After a closing frame was sent, data frames are still read (RFC 6455 §5.5.1) but nobody is listening.
    if (this.#closeReceived) return;
    if (opcode === OP_BINARY) {
      this.onMessage(Buffer.from(payload));
      return;
    }
    let text: string;
    try {
      text = this.#decoder.decode(payload);
    } catch {
      this.#fail(1007, 'invalid UTF-8');
      return;
    }
    this.onMessage(text);
  }

  #onCloseFrame(payload: Buffer): void {
    if (this.#closeReceived) return;
    this.#closeReceived = true;
    let code = 1005;
    let reason = '';
    if (payload.length === 1) {
      this.#fail(1002, 'bad close frame');
      return;
    }
    if (payload.length >= 2) {
      code = payload.readUInt16BE(0);
      try {
        reason = this.#decoder.decode(payload.subarray(2));
      } catch {
        this.#fail(1007, 'invalid UTF-8 in close reason');
        return;
      }
      if (!isSendableCloseCode(code)) {
        this.#fail(1002, 'invalid close code');
        return;
      }
    }
    if (!this.#closeSent) {
      // Echo the peer's code (RFC 6455 §5.5.1) and report what the peer said.
      this.#code = code;
      this.#reason = reason;
      this.#sendClose(code === 1005 ? 1000 : code, '');
    }
    this.#endTcp();
    // The conversation is over once both closing frames crossed; report it now rather than when TCP ends.
    this.#finish();
  }

  /** Fails the connection (RFC 6455 §7.1.7): a closing frame with `code` if possible, then drop. */
  #fail(code: number, reason: string): false {
    if (!this.#closeSent && !this.#ended) {
      this.#sendClose(code, reason);
      this.#code = code;
      this.#reason = reason;
    }
    this.#socket.end();
    setTimeout(() => this.#socket.destroy(), this.#closeTimeoutMs).unref();
    this.#finish();
    return false;
  }

  #finish(): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#closeTimer && !this.#masking) clearTimeout(this.#closeTimer);
    this.onClose(this.#code, this.#reason);
  }
}

function truncateUtf8(b: Buffer, max: number): Buffer {
  let end = max;
  // Never cut a multi-byte sequence in half: back up to the start of the character.
  while (end > 0 && ((b[end] as number) & 0xc0) === 0x80) end--;
  return b.subarray(0, end);
}

/** An upgraded socket has no 'error' listener of Node's any more; a reset peer must not crash the process. */
function guard(socket: Duplex): void {
  if (socket.listenerCount('error') === 0) socket.on('error', () => socket.destroy());
}

/** Options of `acceptUpgrade`. */
export interface AcceptUpgradeOptions {
  maxPayload?: number;
  closeTimeoutMs?: number;
}

/** Answers an upgrade request that is not a valid WebSocket handshake, and drops the socket. */
export function rejectUpgrade(socket: Duplex, status: number, message: string, headers: Record<string, string> = {}): void {
  guard(socket);
  const body = JSON.stringify({ error: message });
  const lines = [`HTTP/1.1 ${status} ${message}`, 'Connection: close', 'Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}

/**
 * Completes the server side of a WebSocket handshake (RFC 6455 §4.2) on an HTTP `upgrade`, or answers
 * 400/426 and returns null. The caller sets the handlers, then calls `start(head)`.
 */
export function acceptUpgrade(req: IncomingMessage, socket: Duplex, o: AcceptUpgradeOptions = {}): WireSocket | null {
  guard(socket);
  const key = req.headers['sec-websocket-key'];
  const upgrade = (req.headers.upgrade ?? '').toLowerCase() === 'websocket';
  if (req.method !== 'GET' || !upgrade || typeof key !== 'string' || !/^[A-Za-z0-9+/]{22}==$/.test(key)) {
    rejectUpgrade(socket, 400, 'Bad Request');
    return null;
  }
  if (req.headers['sec-websocket-version'] !== '13') {
    rejectUpgrade(socket, 426, 'Upgrade Required', { 'Sec-WebSocket-Version': '13' });
    return null;
  }
  (socket as Socket).setNoDelay?.(true);
  (socket as Socket).setTimeout?.(0);
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`);
  return new WireSocket(socket, { role: 'server', ...o });
}

/** A message event as WHATWG WebSocket delivers it. */
export interface WireMessageEvent {
  data: string | Buffer;
}
/** A close event as WHATWG WebSocket delivers it. */
export interface WireCloseEvent {
  code: number;
  reason: string;
  wasClean: boolean;
}
/** An error event. */
export interface WireErrorEvent {
  message: string;
  error: Error;
}

/**
 * A Node WebSocket client with the part of the WHATWG `WebSocket` surface that client.ts uses (readyState,
 * on* handlers, send, close), so the typed client runs the same over this, over `ws` and in a browser.
 */
export class ClientWebSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;

  onopen: (() => void) | null = null;
  onmessage: ((ev: WireMessageEvent) => void) | null = null;
  onclose: ((ev: WireCloseEvent) => void) | null = null;
  onerror: ((ev: WireErrorEvent) => void) | null = null;
  readyState = ClientWebSocket.CONNECTING;
  #wire: WireSocket | null = null;
  #pendingClose: { code: number; reason: string } | null = null;

  constructor(url: string, o: { maxPayload?: number; headers?: Record<string, string> } = {}) {
    const u = new URL(url);
    if (u.protocol !== 'ws:' && u.protocol !== 'wss:') throw new SyntaxError(`not a WebSocket URL: ${url}`);
    const key = randomBytes(16).toString('base64');
    const request = u.protocol === 'wss:' ? httpsRequest : httpRequest;
    const req = request({
      host: u.hostname.replace(/^\[|\]$/g, ''),
      port: u.port || (u.protocol === 'wss:' ? 443 : 80),
      path: `${u.pathname}${u.search}`,
      headers: { ...o.headers, Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Key': key, 'Sec-WebSocket-Version': '13' },
    });
    req.on('upgrade', (res, socket, head) => {
      if (res.headers['sec-websocket-accept'] !== acceptKey(key)) {
        socket.destroy();
        this.#failConnect(new Error('bad Sec-WebSocket-Accept'));
        return;
      }
      socket.setNoDelay(true);
      const wire = new WireSocket(socket, { role: 'client', ...(o.maxPayload ? { maxPayload: o.maxPayload } : {}) });
      this.#wire = wire;
      wire.onMessage = (data) => this.onmessage?.({ data });
      wire.onClose = (code, reason) => {
        this.readyState = ClientWebSocket.CLOSED;
        this.onclose?.({ code, reason, wasClean: code !== 1006 });
      };
      this.readyState = ClientWebSocket.OPEN;
      this.onopen?.();
      wire.start(head);
      if (this.#pendingClose) this.close(this.#pendingClose.code, this.#pendingClose.reason);
    });
    req.on('response', (res) => {
      res.resume();
      this.#failConnect(new Error(`unexpected HTTP ${res.statusCode} instead of 101`));
    });
    req.on('error', (e) => this.#failConnect(e));
    req.end();
  }

  /** Sends a text message; throws while connecting, ignores once closing (as browsers do). */
  send(data: string): void {
    if (this.readyState === ClientWebSocket.CONNECTING) throw new Error('WebSocket is still connecting');
    this.#wire?.send(data);
  }

  /** Starts the closing handshake. */
  close(code = 1000, reason = ''): void {
    if (this.readyState === ClientWebSocket.CONNECTING) {
      this.#pendingClose = { code, reason };
      return;
    }
    if (this.readyState === ClientWebSocket.OPEN) this.readyState = ClientWebSocket.CLOSING;
    this.#wire?.close(code, reason);
  }

  /** Drops the TCP connection without a closing handshake (tests use it to simulate a lost network). */
  terminate(): void {
    this.#wire?.terminate();
  }

  #failConnect(error: Error): void {
    if (this.readyState === ClientWebSocket.CLOSED) return;
    this.readyState = ClientWebSocket.CLOSED;
    this.onerror?.({ message: error.message, error });
    this.onclose?.({ code: 1006, reason: '', wasClean: false });
  }
}
