// Finding undici-keepalive-model (agent-conformance, docs/findings.md).
// Node's agent without keepAlive but with maxSockets 2 sends `Connection: keep-alive` while requests
// are queued and hands each finished socket to the next request: 5 requests, 2 connections. undici
// has no keepAlive option (it points to pipelining: 0), and with pipelining 0 every request says
// `Connection: close` and gets a connection of its own.
// Needs: npm install undici (without it the repro exits 2).
// Run: node undici-keepalive-model.mjs
// Exit 1: more than 2 connections for the 5 requests; 0: at most 2.
import http from 'node:http';

const { Agent, request } = await import('undici').catch(() => {
  console.error('this repro needs undici: npm install undici');
  process.exit(2);
});

let connections = 0;
const headers = new Set();
const server = http.createServer((req, res) => {
  headers.add(req.headers.connection);
  setTimeout(() => res.end('ok'), 50);
});
server.on('connection', () => connections++);
await new Promise((r) => server.listen(0, '127.0.0.1', r));

const dispatcher = new Agent({ pipelining: 0, connections: 2 });
const url = `http://127.0.0.1:${server.address().port}/`;
await Promise.all(
  Array.from({ length: 5 }, async () => {
    const { body } = await request(url, { dispatcher });
    await body.dump();
  }),
);
console.log(
  `pipelining 0, connections 2, 5 requests: ${connections} connections; Connection: ${[...headers].join(', ')}`,
);
await dispatcher.close();
server.close();
process.exit(connections > 2 ? 1 : 0);
