/**
 * The live benchmark's baseline (bench/live.ts): a bare `ws` server on a bare node:http server, the fastest
 * this machine moves WebSocket messages with the library Convene itself uses. Run as a child process, like
 * Convene, so both are measured from the same load generator:
 * - every text message is echoed back (the plain WebSocket round trip);
 * - `POST /broadcast?bytes=N` sends one N-byte JSON text to every socket (serialised once, like Convene's
 *   fan-out), then answers 200;
 * - `POST /close?id=K` closes socket K (`?id=K` of its URL) with 4001, then answers 200 — the bare version
 *   of "an HTTP call ends a participant's session".
 */
import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';

const sockets = new Map<string, WebSocket>();
const wss = new WebSocketServer({ noServer: true, clientTracking: false });

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  req.resume();
  req.on('end', () => {
    if (req.method === 'POST' && url.pathname === '/broadcast') {
      const bytes = Math.max(32, Number(url.searchParams.get('bytes') ?? 200));
      const head = '{"type":"broadcast","pad":"';
      const msg = `${head}${'x'.repeat(bytes - head.length - 2)}"}`;
      for (const s of sockets.values()) s.send(msg);
      res.writeHead(200, { 'content-type': 'application/json' }).end(`{"sockets":${sockets.size}}`);
      return;
    }
    if (req.method === 'POST' && url.pathname === '/close') {
      const s = sockets.get(url.searchParams.get('id') ?? '');
      s?.close(4001, 'PARTICIPANT_REMOVED');
      res.writeHead(s ? 200 : 404, { 'content-type': 'application/json' }).end('{}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(`{"sockets":${sockets.size}}`);
  });
});

server.on('upgrade', (req, socket, head) => {
  const id = new URL(req.url ?? '/', 'http://x').searchParams.get('id') ?? String(sockets.size);
  wss.handleUpgrade(req, socket, head, (ws) => {
    sockets.set(id, ws);
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
    ws.on('close', () => {
      if (sockets.get(id) === ws) sockets.delete(id);
    });
    ws.on('error', () => ws.terminate());
  });
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const addr = server.address();
  console.log(`listening ${typeof addr === 'object' && addr ? addr.port : ''}`);
});
