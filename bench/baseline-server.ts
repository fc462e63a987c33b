/** The baseline: a bare node:http JSON handler, the fastest this machine answers an HTTP JSON request. */
import { createServer } from 'node:http';

const body = JSON.stringify({ responseCode: 0, data: { id: '5e945c36b863b82cefdddf54', topic: 'My Meeting Topic' } });
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    if (chunks.length) JSON.parse(Buffer.concat(chunks).toString('utf8'));
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const addr = server.address();
  console.log(`listening ${typeof addr === 'object' && addr ? addr.port : ''}`);
});
