// Finding undici-reset-error-code (agent-conformance, docs/findings.md).
// A pooled connection that the peer closes as the next request arrives, before the origin has read
// it: Node's docs tell callers to retry on ECONNRESET (with req.reusedSocket true). undici reports its
// own UND_ERR_SOCKET ("other side closed") instead. Every later connection is cut the same way, so a
// retry cannot hide the code.
// Needs: npm install undici (without it the repro exits 2).
// Run: node undici-reset-error-code.mjs
// Exit 1: the error code is not ECONNRESET; 0: it is.
import net from 'node:net';

const { Agent, request } = await import('undici').catch(() => {
  console.error('this repro needs undici: npm install undici');
  process.exit(2);
});

let connections = 0;
// connection 1 answers one request, then closes as the next one arrives; later ones close at once
const server = net.createServer((socket) => {
  let served = connections++ > 0;
  socket.on('data', () => {
    if (served) return socket.end();
    served = true;
    socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nKeep-Alive: timeout=30\r\n\r\nok');
  });
  socket.on('error', () => {});
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}`;

const dispatcher = new Agent();
await (await request(`${url}/one`, { dispatcher })).body.dump();
let code = 'no error';
try {
  await (await request(`${url}/two`, { dispatcher, method: 'POST', body: 'x'.repeat(3000) })).body.dump();
} catch (err) {
  code = `${err.code} (${err.message})`;
}
console.log(`a pooled connection cut as the next request arrived: ${code}; ${connections} connection(s)`);
await dispatcher.destroy();
server.close();
process.exit(code.startsWith('ECONNRESET') ? 0 : 1);
