// Finding max-total-sockets-cross-origin (agent-conformance, docs/findings.md).
// Node's http.Agent with maxTotalSockets: (1) more connections than maxTotalSockets are open at once
// across two origins; (2) an idle pooled socket of origin A starves a request to origin B.
// Run: node max-total-sockets-cross-origin.mjs | bun … | deno run -A …
// Exit 1: a deviation showed; 0: both behaved as documented.
import http from 'node:http';

let open = 0;
let peak = 0;
function origin(delay) {
  const server = http.createServer((_req, res) => setTimeout(() => res.end('ok'), delay));
  server.on('connection', (s) => {
    peak = Math.max(peak, ++open);
    s.on('close', () => open--);
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server)));
}
const get = (agent, server) =>
  new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: server.address().port, agent }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
  });

const a = await origin(150);
const b = await origin(150);

// (1) maxTotalSockets 2: three requests to A, then three to B, in one tick.
const agent1 = new http.Agent({ keepAlive: true, maxTotalSockets: 2 });
await Promise.all([a, a, a, b, b, b].map((s) => get(agent1, s)));
agent1.destroy();
const overshoot = peak > 2;
console.log(`(1) maxTotalSockets 2: ${peak} connections open at once across two origins`);

// (2) maxTotalSockets 1: a request to A completes (its socket is pooled), then one to B.
const agent2 = new http.Agent({ keepAlive: true, maxTotalSockets: 1 });
await get(agent2, a);
const served = await Promise.race([
  get(agent2, b).then(() => true),
  new Promise((r) => setTimeout(r, 1000, false)),
]);
console.log(
  `(2) maxTotalSockets 1, A's socket idle in the pool: the request to B was ${served ? 'served' : 'not served within 1000 ms'}`,
);
agent2.destroy();

a.close();
b.close();
a.closeAllConnections();
b.closeAllConnections();
process.exit(overshoot || !served ? 1 : 0);
