import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, type ClientOptions } from 'ws';
import { ConveneRealtimeClient, RealtimeClosedError } from './client.js';
import { createWireServer, rejectUpgrade, WireSocket } from './wire.js';

/** What the server saw of one connection. */
interface Peer {
  wire: WireSocket;
  ws: WebSocket;
  messages: Array<string | Buffer>;
  closes: Array<{ code: number; reason: string }>;
}

/** Serves `/x` through the adapter, as plugin.ts does: echoes messages, closes on "close:<code>:<reason>". */
let server: Server;
let port = 0;
const peers: Peer[] = [];

beforeAll(async () => {
  const wss = createWireServer({ maxPayload: 200_000 });
  server = createServer((_req, res) => res.end('plain'));
  server.on('upgrade', (req, socket, head) => {
    if (req.url !== '/x') return rejectUpgrade(socket, 404, 'Not Found');
    wss.handleUpgrade(req, socket, head, (ws) => {
      const wire = new WireSocket(ws);
      const peer: Peer = { wire, ws, messages: [], closes: [] };
      peers.push(peer);
      wire.onMessage = (data) => {
        peer.messages.push(data);
        if (typeof data === 'string' && data.startsWith('close:')) {
          const [, code, reason] = data.split(':');
          wire.close(Number(code), reason);
        } else wire.send(typeof data === 'string' ? `echo:${data}` : data);
      };
      wire.onClose = (code, reason) => peer.closes.push({ code, reason });
      wire.start();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function until(pred: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !pred(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(pred()).toBe(true);
}

/** An open client and the server's side of it. */
async function open(o: ClientOptions = {}): Promise<{ ws: WebSocket; peer: Peer; received: Array<string | Buffer>; closed: Promise<{ code: number; reason: string }> }> {
  const before = peers.length;
  const ws = new WebSocket(`ws://127.0.0.1:${port}/x`, o);
  const received: Array<string | Buffer> = [];
  ws.on('message', (data, isBinary) => received.push(isBinary ? (data as Buffer) : data.toString()));
  const closed = once(ws, 'close').then(([code, reason]) => ({ code: code as number, reason: String(reason) }));
  await once(ws, 'open');
  await until(() => peers.length > before);
  return { ws, peer: peers.at(-1) as Peer, received, closed };
}

/** A raw TCP peer that speaks the handshake by hand and never reads what the server sends. */
async function rawPeer(path = '/x'): Promise<Socket> {
  const sock = connect(port, '127.0.0.1');
  await once(sock, 'connect');
  sock.on('error', () => {});
  sock.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
  return sock;
}

describe('wire (the WireSocket adapter over ws)', () => {
  it('delivers text as a string and binary as a Buffer, and sends both back', async () => {
    const { ws, peer, received } = await open();
    ws.send('héllo');
    ws.send(Buffer.from([1, 2, 3]));
    await until(() => received.length === 2);
    expect(peer.messages).toEqual(['héllo', Buffer.from([1, 2, 3])]);
    expect(received).toEqual(['echo:héllo', Buffer.from([1, 2, 3])]);
    ws.close();
  });

  it('a server close reaches the client with its code and reason, and onClose fires once', async () => {
    const { ws, peer, closed } = await open();
    ws.send('close:4001:PARTICIPANT_REMOVED');
    expect(await closed).toEqual({ code: 4001, reason: 'PARTICIPANT_REMOVED' });
    await until(() => peer.closes.length === 1);
    expect(peer.closes).toEqual([{ code: 4001, reason: 'PARTICIPANT_REMOVED' }]);
  });

  it('a client close reaches the server with its code and reason', async () => {
    const { ws, peer, closed } = await open();
    ws.close(1000, 'bye');
    expect(await closed).toEqual({ code: 1000, reason: 'bye' }); // ws echoes the peer's code and reason
    await until(() => peer.closes.length === 1);
    expect(peer.closes).toEqual([{ code: 1000, reason: 'bye' }]);
  });

  it('close() is idempotent, sends 1000 for a code ws may not send, and cuts a long reason at a character boundary', async () => {
    const { peer, closed } = await open();
    peer.wire.close(1006, 'é'.repeat(100));
    peer.wire.close(4001, 'again');
    peer.wire.send('after close');
    expect(await closed).toEqual({ code: 1000, reason: 'é'.repeat(61) });
  });

  it('probe() pings and stays true while pongs come back; false once a probe went unanswered', async () => {
    const live = await open();
    expect(live.peer.wire.probe()).toBe(true);
    await once(live.peer.ws, 'pong');
    expect(live.peer.wire.probe()).toBe(true);
    live.ws.close();

    const deaf = await open({ autoPong: false });
    const pinged = once(deaf.ws, 'ping');
    expect(deaf.peer.wire.probe()).toBe(true);
    await pinged;
    expect(deaf.peer.wire.probe()).toBe(false);
    deaf.peer.wire.terminate();
    expect((await deaf.closed).code).toBe(1006);
    await until(() => deaf.peer.closes.length === 1);
    expect(deaf.peer.closes[0]?.code).toBe(1006);
  });

  it('bufferedAmount grows while the peer does not read', async () => {
    const before = peers.length;
    const sock = await rawPeer();
    await until(() => peers.length > before);
    const { wire } = peers.at(-1) as Peer;
    const chunk = 'x'.repeat(1024 * 1024);
    for (let i = 0; i < 256 && wire.bufferedAmount === 0; i++) wire.send(chunk);
    expect(wire.bufferedAmount).toBeGreaterThan(0);
    sock.destroy();
  });

  it('fails the connection on a protocol error (1002) or an oversized message (1009) without crashing', async () => {
    const before = peers.length;
    const sock = await rawPeer();
    let got = Buffer.alloc(0);
    sock.on('data', (c: Buffer) => (got = Buffer.concat([got, c])));
    await until(() => peers.length > before);
    const peer = peers.at(-1) as Peer;
    sock.write(Buffer.from([0x81, 0x01, 0x78])); // an unmasked client frame
    await until(() => got.includes(Buffer.from([0x88, 0x02, 0x03, 0xea]))); // close frame, code 1002
    sock.destroy();
    await until(() => peer.closes.length === 1);
    expect(peer.closes[0]?.code).toBe(1006); // no closing frame came back

    const big = await open();
    big.ws.send('x'.repeat(200_001));
    expect((await big.closed).code).toBe(1009);
  });

  it("drops a peer that does not answer the closing frame after 2 s, not ws's default 30 s", async () => {
    const before = peers.length;
    const sock = await rawPeer();
    sock.resume();
    await until(() => peers.length > before);
    const peer = peers.at(-1) as Peer;
    const t0 = Date.now();
    peer.wire.close(4002, 'MEETING_ENDED');
    await expect.poll(() => peer.closes.length, { timeout: 5000 }).toBe(1);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1900);
    expect(Date.now() - t0).toBeLessThan(5000);
    sock.destroy();
  });

  it('rejectUpgrade() answers an HTTP error and ends the socket', async () => {
    const sock = await rawPeer('/elsewhere');
    let response = '';
    sock.on('data', (c: Buffer) => (response += c.toString()));
    await once(sock, 'close');
    expect(response).toMatch(/^HTTP\/1.1 404 Not Found\r\n/);
    expect(response.endsWith('\r\n\r\n{"error":"Not Found"}')).toBe(true);
  });

  it("the client's default socket (ws) reports a refused connection as a 1006 close", async () => {
    const c = new ConveneRealtimeClient();
    await expect(c.open('ws://127.0.0.1:1/x')).rejects.toBeInstanceOf(RealtimeClosedError);
    expect(c.closeInfo).toEqual({ code: 1006, reason: '' });
  });
});
