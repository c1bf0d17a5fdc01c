// Finding deno-proxy-scheme-fallback (agent-conformance, docs/findings.md).
// "`HTTPS_PROXY` or `https_proxy`: Proxy server URL for HTTPS requests." An https.Agent whose
// proxyEnv has only HTTP_PROXY: an https request must go directly to its target, not to that proxy.
// Run: deno run -A deno-proxy-scheme-fallback.mjs (also runs under Node >= 22.21 for comparison)
// Exit 1: the proxy was asked for a tunnel (CONNECT); 0: the proxy saw nothing and the request went
// to its target. The target is a bare TCP server (no TLS): the request itself fails either way.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

const seen = { proxy: [], target: 0 };
const proxy = http.createServer((req, res) => {
  seen.proxy.push(`${req.method} ${req.url}`);
  res.writeHead(403).end();
});
proxy.on('connect', (req, socket) => {
  seen.proxy.push(`CONNECT ${req.url}`);
  socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
});
const target = net.createServer((socket) => {
  seen.target++;
  socket.destroy();
});
const listen = (s) => new Promise((r) => s.listen(0, '127.0.0.1', () => r(s.address().port)));
const proxyPort = await listen(proxy);
const targetPort = await listen(target);

const agent = new https.Agent({ proxyEnv: { HTTP_PROXY: `http://127.0.0.1:${proxyPort}` } });
const outcome = await new Promise((resolve) => {
  https
    .get(`https://127.0.0.1:${targetPort}/x`, { agent, rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve(`response ${res.statusCode}`);
    })
    .on('error', (err) => resolve(`error ${err.code ?? err.message}`));
});
const runtime = globalThis.Deno ? `Deno ${Deno.version.deno}` : `Node ${process.version}`;
console.log(
  `${runtime}: an https request through an https.Agent with only HTTP_PROXY: ${outcome}; proxy saw ${seen.proxy.join(', ') || 'nothing'}, target ${seen.target} connection(s)`,
);
agent.destroy();
proxy.close();
target.close();
process.exit(seen.proxy.length === 0 && seen.target > 0 ? 0 : 1);
