/**
 * The realtime channel's socket seam over `ws`: `WireSocket` is the surface Session talks to, and the WebSocket
 * protocol itself (handshake, framing, ping/pong, closing handshake, payload limits, UTF-8 checks) is `ws`'s.
 */
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type ServerOptions } from 'ws';

/** The Node client socket (tests reach for `terminate()` through client.ts's `WebSocketLike`). */
export type { WebSocket as ClientWebSocket } from 'ws';

/**
 * The server side (`noServer`: plugin.ts calls `handleUpgrade` from its upgrade hook). A peer that does not
 * answer our closing frame is dropped after 2 s rather than ws's default 30 s, so shutdown does not hang on it
 * (`closeTimeout` is a ws 8.23 option that @types/ws does not list yet).
 */
export function createWireServer(o: { maxPayload: number }): WebSocketServer {
  const options: ServerOptions & { closeTimeout: number } = { noServer: true, clientTracking: false, maxPayload: o.maxPayload, closeTimeout: 2000 };
  return new WebSocketServer(options);
}

/** One accepted connection. Owners set `onMessage` / `onClose` before `start()`. */
export class WireSocket {
  /** A complete message: a string for text frames, a Buffer for binary ones. */
  onMessage: (data: string | Buffer) => void = () => {};
  /** Called exactly once, when the connection is over (1006 when it ended without a closing handshake). */
  onClose: (code: number, reason: string) => void = () => {};
  readonly #ws: WebSocket;
  /** Something (a message or a pong) arrived since the last liveness probe. */
  #alive = true;

  constructor(ws: WebSocket) {
    this.#ws = ws;
    // ws fails the connection itself on protocol errors (1002, 1007, 1009 …); unheard, 'error' would throw.
    ws.on('error', () => {});
  }

  /** Bytes queued and not yet handed to the kernel (backpressure). */
  get bufferedAmount(): number {
    return this.#ws.bufferedAmount;
  }

  start(): void {
    this.#ws.on('pong', () => (this.#alive = true));
    this.#ws.on('message', (data, isBinary) => {
      this.#alive = true;
      // binaryType is 'nodebuffer' (the default), so data is one Buffer.
      this.onMessage(isBinary ? (data as Buffer) : data.toString());
    });
    this.#ws.once('close', (code, reason) => this.onClose(code, reason.toString()));
  }

  /** Sends a text (string) or binary (Buffer) message; silently dropped once the connection is closing. */
  send(data: string | Buffer): void {
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.send(data);
  }

  /** Heartbeat: false when nothing arrived since the previous probe (drop the socket), else pings and true. */
  probe(): boolean {
    if (!this.#alive) return false;
    this.#alive = false;
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.ping();
    return true;
  }

  /** Starts the closing handshake. Idempotent; a code ws may not send becomes 1000, the reason is cut to 123 bytes. */
  close(code = 1000, reason = ''): void {
    this.#ws.close(isSendableCloseCode(code) ? code : 1000, truncateUtf8(reason, 123));
  }

  /** Drops the connection without a handshake. */
  terminate(): void {
    this.#ws.terminate();
  }
}

/** Close codes a peer may put on the wire (RFC 6455 §7.4.1; 1004–1006 and 1015 are never sent). */
function isSendableCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1014 && (code < 1004 || code > 1006)) || (code >= 3000 && code <= 4999);
}

function truncateUtf8(s: string, max: number): string {
  const b = Buffer.from(s, 'utf8');
  if (b.length <= max) return s;
  let end = max;
  // Never cut a multi-byte sequence in half: back up to the start of the character.
  while (end > 0 && ((b[end] as number) & 0xc0) === 0x80) end--;
  return b.subarray(0, end).toString('utf8');
}

/** Answers an upgrade request Convene will not take (unknown path, shutting down) with an HTTP error, and drops it. */
export function rejectUpgrade(socket: Duplex, status: number, message: string): void {
  // An upgraded socket has no 'error' listener of Node's any more; a reset peer must not crash the process.
  if (socket.listenerCount('error') === 0) socket.on('error', () => socket.destroy());
  const body = JSON.stringify({ error: message });
  socket.end(`HTTP/1.1 ${status} ${message}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}
