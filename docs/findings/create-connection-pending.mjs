// Finding create-connection-pending (agent-conformance, docs/findings.md).
// An http.Agent whose createConnection hands the socket to its callback 60 ms later: maxSockets 2
// does not hold, because Node counts a socket only once the callback ran.
// Run: node create-connection-pending.mjs | bun … | deno run -A …
// Exit 1: more than maxSockets connections were open at once; 0: at most maxSockets.
import http from 'node:http';
import net from 'node:net';

let open = 0;
let peak = 0;
const server = http.createServer((_req, res) => setTimeout(() => res.end('ok'), 300));
server.on('connection', (s) => {
  peak = Math.max(peak, ++open);
  s.on('close', () => open--);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));

class LateAgent extends http.Agent {
  createConnection(options, callback) {
    calls++;
    setTimeout(() => callback(null, net.connect(options.port, options.host)), 60);
  }
}
let calls = 0;
const agent = new LateAgent({ keepAlive: true, maxSockets: 2 });
const get = () =>
  new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: server.address().port, agent }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
  });
await Promise.all(Array.from({ length: 6 }, get));
console.log(`maxSockets 2, 6 requests: ${calls} createConnection calls, ${peak} connections open at once`);
agent.destroy();
server.close();
server.closeAllConnections();
process.exit(peak > 2 ? 1 : 0);
