// Finding agentkeepalive-active-timeout (agent-conformance, docs/findings.md).
// 'timeout' "only notifies that the socket has been idle. The request must be destroyed manually."
// agentkeepalive destroys an active request that has no 'timeout' listener.
// Needs: npm install agentkeepalive (without it the repro exits 2).
// Run: node agentkeepalive-active-timeout.mjs
// Exit 1: the request was destroyed by the agent; 0: its response arrived.
import http from 'node:http';

const { default: Agent } = await import('agentkeepalive').catch(() => {
  console.error('this repro needs agentkeepalive: npm install agentkeepalive');
  process.exit(2);
});

const server = http.createServer((_req, res) => setTimeout(() => res.end('late'), 500));
await new Promise((r) => server.listen(0, '127.0.0.1', r));

const agent = new Agent({ timeout: 200 });
const t0 = performance.now();
const outcome = await new Promise((resolve) => {
  http
    .get({ host: '127.0.0.1', port: server.address().port, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(`response after ${Math.round(performance.now() - t0)} ms`));
    })
    .on('error', (err) => resolve(`error ${err.code} after ${Math.round(performance.now() - t0)} ms`));
});
console.log(`agent timeout 200, the server answers after 500 ms, no 'timeout' listener: ${outcome}`);
agent.destroy();
server.close();
server.closeAllConnections();
process.exit(outcome.startsWith('error') ? 1 : 0);
