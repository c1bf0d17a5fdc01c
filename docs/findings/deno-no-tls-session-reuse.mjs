// Finding deno-no-tls-session-reuse (agent-conformance, docs/findings.md).
// An https.Agent caches TLS sessions (maxCachedSessions, default 100) and resumes them on its next
// connection to the same origin. Deno's node:https makes a full handshake every time.
// Run: deno run -A deno-no-tls-session-reuse.mjs | node … | bun …
// Exit 1: the second connection did not resume the session; 0: it did. Under Deno the server below is
// Deno's too; the suite's run, with a Node origin and Deno only as the client, saw the same.
import https from 'node:https';

// A throwaway self-signed certificate for 127.0.0.1, made for this repro only.
const key =
  '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg/gDY56ZpfMzRkd+X\n5yqrt/n7ZSAdWQGLkp1RRNSLm62hRANCAASGXDffxv9i7hnc8Yp0nXtMOUWaQ0nz\nxfNdAT+W+I/xHojxQqmzgIHHYg/JiNCABu+cKKtQgX+Hjqp+8qBZVJDB\n-----END PRIVATE KEY-----\n';
const cert =
  '-----BEGIN CERTIFICATE-----\nMIIBkDCCATagAwIBAgIUAQg3DoUgwpy+yumXUAEp/put8b4wCgYIKoZIzj0EAwIw\nFDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTIwNjE5NDM1MFoYDzIxMjYxMTEy\nMTk0MzUwWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO\nPQMBBwNCAASGXDffxv9i7hnc8Yp0nXtMOUWaQ0nzxfNdAT+W+I/xHojxQqmzgIHH\nYg/JiNCABu+cKKtQgX+Hjqp+8qBZVJDBo2QwYjAdBgNVHQ4EFgQUKtPmLb6c5pEy\n/TkYIj7JccAiX+owHwYDVR0jBBgwFoAUKtPmLb6c5pEy/TkYIj7JccAiX+owDwYD\nVR0TAQH/BAUwAwEB/zAPBgNVHREECDAGhwR/AAABMAoGCCqGSM49BAMCA0gAMEUC\nIDDXUyY6n8UaBkJ64lgmsFf+pi6s3ZFbPuU47g1sqhXVAiEAh8lcMkcvG3OA43bO\nBjaFZUNJr1PjsO4wiK3qjytAIvQ=\n-----END CERTIFICATE-----\n';

const handshakes = [];
const server = https.createServer({ key, cert }, (_req, res) => res.end('ok'));
server.on('secureConnection', (tls) => handshakes.push(tls.isSessionReused() ? 'resumed' : 'full'));
await new Promise((r) => server.listen(0, '127.0.0.1', r));

// keepAlive off: each request gets its own connection, which may resume the cached session
const agent = new https.Agent({ keepAlive: false, ca: cert });
for (let i = 0; i < 2; i++)
  await new Promise((resolve, reject) => {
    https
      .get({ host: '127.0.0.1', port: server.address().port, agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      })
      .on('error', reject);
  }).then(() => new Promise((r) => setTimeout(r, 50))); // TLS 1.3 sends its session ticket after the handshake
console.log(`two connections to one origin: ${handshakes.join(', then ')} handshake`);
agent.destroy();
server.close();
process.exit(handshakes[1] === 'resumed' ? 0 : 1);
