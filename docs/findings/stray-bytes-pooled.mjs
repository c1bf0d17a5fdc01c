// Finding stray-bytes-pooled (agent-conformance, docs/findings.md).
// 30 ms after a response the server writes a whole unsolicited response on the idle pooled
// connection. Those bytes answer no request: the client must close that connection (as Node 22+ does)
// rather than keep it for the next request.
// Run: node stray-bytes-pooled.mjs | deno run -A … | bun …
// Exit 1: the connection was still open 500 ms after the stray bytes; 0: the client closed it.
import http from 'node:http';
import net from 'node:net';

let closedBy = null;
const server = net.createServer((socket) => {
  let answered = false;
  socket.on('error', () => {});
  socket.on('data', () => {
    if (answered) return;
    answered = true;
    socket.write('HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok');
    setTimeout(() => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstray'), 30);
  });
  socket.on('end', () => {
    closedBy ??= 'client';
    socket.end();
  });
  socket.on('close', () => {
    closedBy ??= 'client';
  });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));

const agent = new http.Agent({ keepAlive: true });
await new Promise((resolve, reject) => {
  http
    .get({ host: '127.0.0.1', port: server.address().port, agent }, (res) => {
      res.resume();
      res.on('end', resolve);
    })
    .on('error', reject);
});
await new Promise((r) => setTimeout(r, 530));
console.log(
  `stray response 30 ms after the first: the pooled connection was ${closedBy ? 'closed by the client' : 'still open 500 ms later'}`,
);
agent.destroy();
server.close();
process.exit(closedBy ? 0 : 1);
