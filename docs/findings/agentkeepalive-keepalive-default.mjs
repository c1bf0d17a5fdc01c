// Finding agentkeepalive-keepalive-default (agent-conformance, docs/findings.md).
// Node's keepAlive defaults to false: "Keep sockets around even when there are no outstanding
// requests". agentkeepalive turns it on when it is not given.
// Needs: npm install agentkeepalive (without it the repro exits 2).
// Run: node agentkeepalive-keepalive-default.mjs
// Exit 1: without keepAlive the second request reused the first connection; 0: it got a new one.
import http from 'node:http';

const { default: Agent } = await import('agentkeepalive').catch(() => {
  console.error('this repro needs agentkeepalive: npm install agentkeepalive');
  process.exit(2);
});

let connections = 0;
const seen = [];
const server = http.createServer((req, res) => {
  seen.push(`${req.url} on #${req.socket.id} (Connection: ${req.headers.connection})`);
  res.end('ok');
});
server.on('connection', (s) => {
  s.id = ++connections;
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));

const agent = new Agent({}); // no keepAlive given
const get = (path) =>
  new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: server.address().port, path, agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      })
      .on('error', reject);
  });
await get('/one');
await get('/two');
console.log(`agent.keepAlive ${agent.keepAlive}; ${seen.join('; ')}`);
agent.destroy();
server.close();
server.closeAllConnections();
process.exit(connections === 1 ? 1 : 0);
