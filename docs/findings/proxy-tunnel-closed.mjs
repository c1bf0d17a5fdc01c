// Finding proxy-tunnel-closed (agent-conformance, docs/findings.md).
// keepAlive, Node's built-in proxy support (proxyEnv): after an https request through a CONNECT
// tunnel, the proxy closes the tunnel (FIN to both sides) 400 ms later. The pooled socket must be
// dropped: the client closes its side too. Node does; Bun and Deno leave it half-open.
// Run: bun proxy-tunnel-closed.mjs | deno run -A … | node …
// Exit 1: the client had not closed its side of the tunnel 1500 ms after the proxy's FIN; 0: it had.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

// A throwaway self-signed certificate for 127.0.0.1, made for this repro only.
const key =
  '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg/gDY56ZpfMzRkd+X\n5yqrt/n7ZSAdWQGLkp1RRNSLm62hRANCAASGXDffxv9i7hnc8Yp0nXtMOUWaQ0nz\nxfNdAT+W+I/xHojxQqmzgIHHYg/JiNCABu+cKKtQgX+Hjqp+8qBZVJDB\n-----END PRIVATE KEY-----\n';
const cert =
  '-----BEGIN CERTIFICATE-----\nMIIBkDCCATagAwIBAgIUAQg3DoUgwpy+yumXUAEp/put8b4wCgYIKoZIzj0EAwIw\nFDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTIwNjE5NDM1MFoYDzIxMjYxMTEy\nMTk0MzUwWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO\nPQMBBwNCAASGXDffxv9i7hnc8Yp0nXtMOUWaQ0nzxfNdAT+W+I/xHojxQqmzgIHH\nYg/JiNCABu+cKKtQgX+Hjqp+8qBZVJDBo2QwYjAdBgNVHQ4EFgQUKtPmLb6c5pEy\n/TkYIj7JccAiX+owHwYDVR0jBBgwFoAUKtPmLb6c5pEy/TkYIj7JccAiX+owDwYD\nVR0TAQH/BAUwAwEB/zAPBgNVHREECDAGhwR/AAABMAoGCCqGSM49BAMCA0gAMEUC\nIDDXUyY6n8UaBkJ64lgmsFf+pi6s3ZFbPuU47g1sqhXVAiEAh8lcMkcvG3OA43bO\nBjaFZUNJr1PjsO4wiK3qjytAIvQ=\n-----END CERTIFICATE-----\n';

const origin = https.createServer({ key, cert }, (_req, res) => res.end('ok'));
await new Promise((r) => origin.listen(0, '127.0.0.1', r));
let finAt = null;
let clientClosedAt = null;
const t0 = performance.now();
const proxy = http.createServer();
proxy.on('connect', (req, client, head) => {
  const [host, port] = req.url.split(':');
  const upstream = net.connect(Number(port), host, () => {
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    upstream.write(head);
    upstream.pipe(client).pipe(upstream);
    setTimeout(() => {
      finAt = Math.round(performance.now() - t0);
      client.end();
      upstream.end();
    }, 400);
  });
  client.on('end', () => {
    clientClosedAt ??= Math.round(performance.now() - t0);
  });
  upstream.on('error', () => client.destroy());
  client.on('error', () => upstream.destroy());
});
await new Promise((r) => proxy.listen(0, '127.0.0.1', r));

const agent = new https.Agent({
  keepAlive: true,
  proxyEnv: { HTTPS_PROXY: `http://127.0.0.1:${proxy.address().port}` },
});
const first = await new Promise((resolve) => {
  https
    .get({ host: '127.0.0.1', port: origin.address().port, agent, ca: cert }, (res) => {
      res.resume();
      res.on('end', () => resolve(`served at ${Math.round(performance.now() - t0)} ms`));
    })
    .on('error', (err) =>
      resolve(`failed at ${Math.round(performance.now() - t0)} ms: ${err.code} ${err.message}`),
    );
});
await new Promise((r) => setTimeout(r, 1900));
console.log(
  `first request ${first}; the proxy sent FIN at ${finAt} ms; the client ${clientClosedAt === null ? 'had not closed its side 1500 ms later' : `closed its side at ${clientClosedAt} ms`}`,
);
agent.destroy();
origin.close();
proxy.close();
origin.closeAllConnections();
process.exit(finAt !== null && clientClosedAt === null && first.startsWith('served') ? 1 : 0);
