// Finding request-close-reused (agent-conformance, docs/findings.md).
// A request that says `Connection: close` is answered `Connection: keep-alive` by a server that keeps
// the connection open: the agent must not send another request on it (RFC 9112 §9.6).
// Run: node request-close-reused.mjs | bun … | deno run -A …
// Exit 1: the queued request went on the same connection; 0: it got a new one.
import http from 'node:http';
import net from 'node:net';

const perConnection = [];
const server = net.createServer((socket) => {
  const id = perConnection.push(0) - 1;
  let buffered = '';
  socket.on('data', (d) => {
    buffered += d;
    while (buffered.includes('\r\n\r\n')) {
      buffered = buffered.slice(buffered.indexOf('\r\n\r\n') + 4);
      perConnection[id]++;
      socket.write('HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok');
    }
  });
  socket.on('error', () => {});
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const get = (headers) =>
  new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: server.address().port, agent, headers }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
  });
await Promise.all([get({ Connection: 'close' }), get({})]);
console.log(
  `requests per connection: ${perConnection.join(', ')} (the first request said Connection: close)`,
);
agent.destroy();
server.close();
process.exit(perConnection[0] > 1 ? 1 : 0);
