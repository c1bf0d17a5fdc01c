// Finding agentkeepalive-free-socket-timeout (agent-conformance, docs/findings.md).
// "Sockets in the freeSockets list will be automatically destroyed and removed from the array on
// 'timeout'." With timeout 300, a pooled socket must be closed about 300 ms after its request;
// agentkeepalive keeps it until freeSocketTimeout (4000 ms by default).
// Needs: npm install agentkeepalive (without it the repro exits 2).
// Run: node agentkeepalive-free-socket-timeout.mjs
// Exit 1: the pooled connection was still open after 1200 ms; 0: the client had closed it.
import http from 'node:http';

const { default: Agent } = await import('agentkeepalive').catch(() => {
  console.error('this repro needs agentkeepalive: npm install agentkeepalive');
  process.exit(2);
});

let closedAt = null;
const t0 = performance.now();
const server = http.createServer((_req, res) => res.end('ok'));
server.on('connection', (s) => s.on('close', () => (closedAt = Math.round(performance.now() - t0))));
await new Promise((r) => server.listen(0, '127.0.0.1', r));

const agent = new Agent({ keepAlive: true, timeout: 300 });
await new Promise((resolve, reject) => {
  http
    .get({ host: '127.0.0.1', port: server.address().port, agent }, (res) => {
      res.resume();
      res.on('end', resolve);
    })
    .on('error', reject);
});
const freedAt = Math.round(performance.now() - t0);
await new Promise((r) => setTimeout(r, 1200));
console.log(
  `timeout 300: pooled at ${freedAt} ms; ${closedAt === null ? 'still open 1200 ms later' : `closed at ${closedAt} ms`}`,
);
agent.destroy();
server.close();
process.exit(closedAt === null ? 1 : 0);
