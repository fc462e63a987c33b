import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptKey, acceptUpgrade, ClientWebSocket } from './wire.js';

/** A server that echoes text, closes on "close:<code>:<reason>", and reports what happened to it. */
let server: Server;
let port = 0;
const serverCloses: Array<{ code: number; reason: string }> = [];

beforeAll(async () => {
  server = createServer((_req, res) => res.end('plain'));
  server.on('upgrade', (req, socket, head) => {
    const ws = acceptUpgrade(req, socket, { maxPayload: 200_000 });
    if (!ws) return;
    ws.onMessage = (data) => {
      if (typeof data === 'string' && data.startsWith('close:')) {
        const [, code, reason] = data.split(':');
        ws.close(Number(code), reason);
      } else ws.send(typeof data === 'string' ? `echo:${data}` : data);
    };
    ws.onClose = (code, reason) => serverCloses.push({ code, reason });
    ws.start(head);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function open(): Promise<{ ws: ClientWebSocket; messages: string[]; closed: Promise<{ code: number; reason: string }> }> {
  return new Promise((resolve, reject) => {
    const ws = new ClientWebSocket(`ws://127.0.0.1:${port}/x`);
    const messages: string[] = [];
    let resolveClosed!: (v: { code: number; reason: string }) => void;
    const closed = new Promise<{ code: number; reason: string }>((r) => (resolveClosed = r));
    ws.onmessage = (ev) => messages.push(String(ev.data));
    ws.onclose = (ev) => resolveClosed({ code: ev.code, reason: ev.reason });
    ws.onerror = (ev) => reject(ev.error);
    ws.onopen = () => resolve({ ws, messages, closed });
  });
}

async function until(pred: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !pred(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(pred()).toBe(true);
}

/** A raw TCP peer that speaks the handshake by hand and sends hand-made frames. */
async function raw(headers: Record<string, string> = {}): Promise<{ sock: Socket; response: string; frames: () => Array<{ opcode: number; payload: Buffer }> }> {
  const sock = connect(port, '127.0.0.1');
  await new Promise((r) => sock.once('connect', r));
  const hs = { Host: 'x', Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13', ...headers };
  sock.write(`GET /x HTTP/1.1\r\n${Object.entries(hs).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`);
  let buf = Buffer.alloc(0);
  sock.on('data', (c: Buffer) => (buf = Buffer.concat([buf, c])));
  await until(() => buf.includes('\r\n\r\n'));
  const end = buf.indexOf('\r\n\r\n') + 4;
  const response = buf.subarray(0, end).toString();
  const frames = () => {
    const out: Array<{ opcode: number; payload: Buffer }> = [];
    let b = buf.subarray(end);
    while (b.length >= 2) {
      let len = (b[1] as number) & 0x7f;
      let off = 2;
      if (len === 126) {
        len = b.readUInt16BE(2);
        off = 4;
      }
      if (b.length < off + len) break;
      out.push({ opcode: (b[0] as number) & 0x0f, payload: b.subarray(off, off + len) });
      b = b.subarray(off + len);
    }
    return out;
  };
  return { sock, response, frames };
}

function frame(opcode: number, payload: Buffer, o: { fin?: boolean; mask?: boolean } = {}): Buffer {
  const fin = o.fin ?? true;
  const mask = o.mask ?? true;
  const key = Buffer.from([1, 2, 3, 4]);
  const head = Buffer.from([(fin ? 0x80 : 0) | opcode, (mask ? 0x80 : 0) | payload.length]);
  const body = mask ? Buffer.from(payload.map((b, i) => b ^ (key[i & 3] as number))) : payload;
  return Buffer.concat([head, mask ? key : Buffer.alloc(0), body]);
}

describe('wire (RFC 6455 subset)', () => {
  it('acceptKey() computes the RFC 6455 §1.3 example', () => {
    expect(acceptKey('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('round-trips UTF-8 text of every length class (7-bit, 16-bit and 64-bit lengths)', async () => {
    const { ws, messages } = await open();
    const sizes = [5, 300, 70_000];
    for (const n of sizes) ws.send('é'.repeat(n));
    await until(() => messages.length === 3);
    expect(messages.map((m) => m.length)).toEqual(sizes.map((n) => n + 5));
    expect(messages[0]).toBe(`echo:${'é'.repeat(5)}`);
    ws.close();
  });

  it('a server close reaches the client with its code and reason, and both sides report it', async () => {
    const { ws, closed } = await open();
    ws.send('close:4001:PARTICIPANT_REMOVED');
    expect(await closed).toEqual({ code: 4001, reason: 'PARTICIPANT_REMOVED' });
    await until(() => serverCloses.some((c) => c.code === 4001));
  });

  it('a client close reaches the server with its code and reason', async () => {
    const { ws, closed } = await open();
    ws.close(1000, 'bye');
    expect(await closed).toEqual({ code: 1000, reason: 'bye' });
    await until(() => serverCloses.some((c) => c.reason === 'bye'));
  });

  it('reassembles a fragmented message and answers a ping sent between its fragments', async () => {
    const { sock, response, frames } = await raw();
    expect(response).toContain('101 Switching Protocols');
    expect(response).toContain('Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    sock.write(Buffer.concat([frame(0x1, Buffer.from('Hel'), { fin: false }), frame(0x9, Buffer.from('p')), frame(0x0, Buffer.from('lo'))]));
    await until(() => frames().length === 2);
    expect(frames().map((f) => [f.opcode, f.payload.toString()])).toEqual([
      [0xa, 'p'],
      [0x1, 'echo:Hello'],
    ]);
    sock.destroy();
  });

  it.each([
    ['an unmasked client frame', 1002, () => frame(0x1, Buffer.from('x'), { mask: false })],
    ['invalid UTF-8', 1007, () => frame(0x1, Buffer.from([0xc3, 0x28]))],
    ['a continuation without a message', 1002, () => frame(0x0, Buffer.from('x'))],
  ])('fails the connection on %s with close code %i', async (_name, code, make) => {
    const { sock, frames } = await raw();
    sock.write(make());
    await until(() => frames().some((f) => f.opcode === 0x8));
    expect(frames().find((f) => f.opcode === 0x8)?.payload.readUInt16BE(0)).toBe(code);
    sock.destroy();
  });

  it('closes with 1009 when a message exceeds maxPayload', async () => {
    const { ws, closed } = await open();
    ws.send('x'.repeat(200_001));
    expect((await closed).code).toBe(1009);
  });

  it('answers 400 to an upgrade without a valid key and 426 to another protocol version', async () => {
    const bad = await raw({ 'Sec-WebSocket-Key': 'short' });
    expect(bad.response).toMatch(/^HTTP\/1.1 400 /);
    bad.sock.destroy();
    const old = await raw({ 'Sec-WebSocket-Version': '8' });
    expect(old.response).toMatch(/^HTTP\/1.1 426 /);
    expect(old.response).toContain('Sec-WebSocket-Version: 13');
    old.sock.destroy();
  });

  it('reports a connection refused as an error and a 1006 close', async () => {
    const ws = new ClientWebSocket('ws://127.0.0.1:1/x');
    const ev = await new Promise<{ code: number }>((resolve) => (ws.onclose = resolve));
    expect(ev.code).toBe(1006);
  });
});
