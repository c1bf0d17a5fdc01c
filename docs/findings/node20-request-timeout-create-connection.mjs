// Finding node20-request-timeout-create-connection (agent-conformance, docs/findings.md).
// createConnection must get the request's own timeout (300) over the agent's (700): "This will set
// the timeout before the socket is connected." Node 20 passes the agent's.
// Run: node node20-request-timeout-create-connection.mjs (under the Node line to check)
// Exit 1: createConnection saw the agent's timeout; 0: the request's.
import http from 'node:http';
import net from 'node:net';

const server = http.createServer((_req, res) => res.end('ok'));
await new Promise((r) => server.listen(0, '127.0.0.1', r));

let seen;
class Spy extends http.Agent {
  createConnection(options, callback) {
    seen = options.timeout;
    return net.createConnection(options, callback);
  }
}
const agent = new Spy({ timeout: 700 });
await new Promise((resolve, reject) => {
  http
    .get({ host: '127.0.0.1', port: server.address().port, agent, timeout: 300 }, (res) => {
      res.resume();
      res.on('end', resolve);
    })
    .on('error', reject);
});
console.log(`Node ${process.version}: createConnection got options.timeout ${seen} (agent 700, request 300)`);
agent.destroy();
server.close();
process.exit(seen === 300 ? 0 : 1);
