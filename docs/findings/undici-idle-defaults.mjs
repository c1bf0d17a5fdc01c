// Finding undici-idle-defaults (agent-conformance, docs/findings.md).
// The TCP half of the finding, which shows in a moment: Node's agent asks for TCP keep-alive only
// with keepAlive (keepAliveMsecs "Ignored when the keepAlive option is false or undefined"); undici's
// connector turns it on for every socket. While a slow response is in flight, the kernel's table
// (/proc/net/tcp, Linux only) shows whether the client's socket runs a keep-alive timer (timer 2).
// The idle half (undici closes an idle pooled connection after its 4 s keepAliveTimeout, where Node's
// agent without a timeout keeps it) needs more than 4 s to show and is left to the suite's case.
// Needs: npm install undici (without it the repro exits 2). Linux.
// Run: node undici-idle-defaults.mjs
// Exit 1: the client socket has a TCP keep-alive timer; 0: it has none.
import { readFileSync } from 'node:fs';
import http from 'node:http';

const { Agent, request } = await import('undici').catch(() => {
  console.error('this repro needs undici: npm install undici');
  process.exit(2);
});

// the kernel's timer for the client socket with this local port: 0 none, 2 keep-alive
const timerOf = (port) => {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const row = readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .find((cols) => cols[1]?.endsWith(`:${hex}`) && cols[3] === '01'); // local port, ESTABLISHED
  return row ? Number(row[5].split(':')[0]) : null;
};

let timer = null;
const server = http.createServer((req, res) => {
  setTimeout(() => {
    timer = timerOf(req.socket.remotePort);
    res.end('ok');
  }, 200);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));

const dispatcher = new Agent();
await (await request(`http://127.0.0.1:${server.address().port}/`, { dispatcher })).body.dump();
console.log(
  `undici Agent() with default options: the client socket's kernel timer during the request: ${timer === 2 ? 'keep-alive (TCP keep-alive on)' : `${timer} (no keep-alive timer)`}`,
);
await dispatcher.close();
server.close();
process.exit(timer === 2 ? 1 : 0);
