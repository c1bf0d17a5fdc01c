// Finding proxy-agents-no-tunnel-reuse (agent-conformance, docs/findings.md).
// keepAlive: two https requests one after the other through the proxy should share one CONNECT
// tunnel, as Node's built-in proxy support does. https-proxy-agent opens a tunnel per request.
// Needs: npm install https-proxy-agent (without it the repro exits 2).
// Run: node proxy-agents-no-tunnel-reuse.mjs
// Exit 1: more than one CONNECT; 0: one.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

const { HttpsProxyAgent } = await import('https-proxy-agent').catch(() => {
  console.error('this repro needs https-proxy-agent: npm install https-proxy-agent');
  process.exit(2);
});

// A throwaway self-signed certificate for 127.0.0.1, made for this repro only.
const key =
  '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg/gDY56ZpfMzRkd+X\n5yqrt/n7ZSAdWQGLkp1RRNSLm62hRANCAASGXDffxv9i7hnc8Yp0nXtMOUWaQ0nz\nxfNdAT+W+I/xHojxQqmzgIHHYg/JiNCABu+cKKtQgX+Hjqp+8qBZVJDB\n-----END PRIVATE KEY-----\n';
const cert =
  '-----BEGIN CERTIFICATE-----\nMIIBkDCCATagAwIBAgIUAQg3DoUgwpy+yumXUAEp/put8b4wCgYIKoZIzj0EAwIw\nFDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTIwNjE5NDM1MFoYDzIxMjYxMTEy\nMTk0MzUwWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO\nPQMBBwNCAASGXDffxv9i7hnc8Yp0nXtMOUWaQ0nzxfNdAT+W+I/xHojxQqmzgIHH\nYg/JiNCABu+cKKtQgX+Hjqp+8qBZVJDBo2QwYjAdBgNVHQ4EFgQUKtPmLb6c5pEy\n/TkYIj7JccAiX+owHwYDVR0jBBgwFoAUKtPmLb6c5pEy/TkYIj7JccAiX+owDwYD\nVR0TAQH/BAUwAwEB/zAPBgNVHREECDAGhwR/AAABMAoGCCqGSM49BAMCA0gAMEUC\nIDDXUyY6n8UaBkJ64lgmsFf+pi6s3ZFbPuU47g1sqhXVAiEAh8lcMkcvG3OA43bO\nBjaFZUNJr1PjsO4wiK3qjytAIvQ=\n-----END CERTIFICATE-----\n';

const origin = https.createServer({ key, cert }, (_req, res) => res.end('ok'));
await new Promise((r) => origin.listen(0, '127.0.0.1', r));
let connects = 0;
const proxy = http.createServer();
proxy.on('connect', (req, client, head) => {
  connects++;
  const [host, port] = req.url.split(':');
  const upstream = net.connect(Number(port), host, () => {
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    upstream.write(head);
    upstream.pipe(client).pipe(upstream);
  });
  upstream.on('error', () => client.destroy());
  client.on('error', () => upstream.destroy());
});
await new Promise((r) => proxy.listen(0, '127.0.0.1', r));

const agent = new HttpsProxyAgent(`http://127.0.0.1:${proxy.address().port}`, { keepAlive: true, ca: cert });
for (let i = 0; i < 2; i++)
  await new Promise((resolve, reject) => {
    https
      .get({ host: '127.0.0.1', port: origin.address().port, agent, ca: cert }, (res) => {
        res.resume();
        res.on('end', resolve);
      })
      .on('error', reject);
  });
console.log(`keepAlive, two https requests in turn: ${connects} CONNECT(s)`);
agent.destroy();
origin.close();
proxy.close();
origin.closeAllConnections();
process.exit(connects > 1 ? 1 : 0);
