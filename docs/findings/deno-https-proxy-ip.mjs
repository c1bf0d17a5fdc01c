// Finding deno-https-proxy-ip (agent-conformance, docs/findings.md).
// "HTTPS proxy: `https://proxy.example.com:8080`". An agent whose proxy URL is https:// with an IP
// address: the client must open a TLS connection to that address (with no SNI, as for any IP).
// Run: deno run -A deno-https-proxy-ip.mjs (also runs under Node >= 22.21 for comparison)
// Exit 1: the request failed before any connection reached the proxy's port; 0: a connection (the
// TLS handshake) reached it. The proxy here is a bare TCP server: the handshake fails either way.
import http from 'node:http';
import net from 'node:net';

let connections = 0;
const proxy = net.createServer((socket) => {
  connections++;
  socket.once('data', () => socket.destroy());
});
const port = await new Promise((r) => proxy.listen(0, '127.0.0.1', () => r(proxy.address().port)));

const agent = new http.Agent({ proxyEnv: { HTTP_PROXY: `https://127.0.0.1:${port}` } });
const outcome = await new Promise((resolve) => {
  try {
    http
      .get('http://127.0.0.1:9/x', { agent }, (res) => {
        res.resume();
        resolve(`response ${res.statusCode}`);
      })
      .on('error', (err) => resolve(`error ${err.code ?? ''} ${err.message}`.trim()));
  } catch (err) {
    resolve(`threw ${err.code ?? ''} ${err.message}`.trim());
  }
});
const runtime = globalThis.Deno ? `Deno ${Deno.version.deno}` : `Node ${process.version}`;
console.log(
  `${runtime}: a request through an https://127.0.0.1 proxy: ${outcome}; ${connections} connection(s) reached the proxy's port`,
);
agent.destroy();
proxy.close();
process.exit(connections > 0 ? 0 : 1);
