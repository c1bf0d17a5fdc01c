// Finding deno-retries-received-request (agent-conformance, docs/findings.md).
// On a pooled keep-alive connection the origin receives a request, then resets the connection
// without answering. The request must fail (ECONNRESET); it must not be sent again, since the origin
// may have acted on it. Deno's node:http retries it on a new connection.
// Run: deno run -A deno-retries-received-request.mjs | node … | bun …
// Exit 1: the origin received the request twice; 0: once.
import http from 'node:http';
import net from 'node:net';

let dropped = 0;
const server = net.createServer((socket) => {
  let buffered = '';
  socket.on('error', () => {});
  socket.on('data', (d) => {
    buffered += d;
    while (buffered.includes('\r\n\r\n')) {
      const head = buffered.slice(0, buffered.indexOf('\r\n\r\n'));
      buffered = buffered.slice(buffered.indexOf('\r\n\r\n') + 4);
      if (head.startsWith('GET /dropped')) {
        dropped++;
        socket.resetAndDestroy(); // received, then RST, no answer
        return;
      }
      socket.write('HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok');
    }
  });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const get = (path) =>
  new Promise((resolve) => {
    http
      .get({ host: '127.0.0.1', port: server.address().port, path, agent }, (res) => {
        res.resume();
        res.on('end', () => resolve('response'));
      })
      .on('error', (err) => resolve(`error ${err.code}`));
  });
await get('/first'); // its connection is pooled
const outcome = await get('/dropped');
await new Promise((r) => setTimeout(r, 200));
console.log(`/dropped: ${outcome}; the origin received it ${dropped} time(s)`);
agent.destroy();
server.close();
process.exit(dropped > 1 ? 1 : 0);
