// Finding undici-tls-sessions (agent-conformance, docs/findings.md).
// Node's https.Agent resumes the TLS session on its next connection to an origin. undici's connector
// keeps a session cache too (maxCachedSessions, default 100): does its second connection resume?
// Needs: npm install undici (without it the repro exits 2).
// Run: node undici-tls-sessions.mjs
// Exit 1: the second connection made a full handshake; 0: it resumed the session.
import https from 'node:https';

const { Agent, request } = await import('undici').catch(() => {
  console.error('this repro needs undici: npm install undici');
  process.exit(2);
});

// A throwaway self-signed certificate for 127.0.0.1, made for this repro only.
const key =
  '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg/gDY56ZpfMzRkd+X\n5yqrt/n7ZSAdWQGLkp1RRNSLm62hRANCAASGXDffxv9i7hnc8Yp0nXtMOUWaQ0nz\nxfNdAT+W+I/xHojxQqmzgIHHYg/JiNCABu+cKKtQgX+Hjqp+8qBZVJDB\n-----END PRIVATE KEY-----\n';
const cert =
  '-----BEGIN CERTIFICATE-----\nMIIBkDCCATagAwIBAgIUAQg3DoUgwpy+yumXUAEp/put8b4wCgYIKoZIzj0EAwIw\nFDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTIwNjE5NDM1MFoYDzIxMjYxMTEy\nMTk0MzUwWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO\nPQMBBwNCAASGXDffxv9i7hnc8Yp0nXtMOUWaQ0nzxfNdAT+W+I/xHojxQqmzgIHH\nYg/JiNCABu+cKKtQgX+Hjqp+8qBZVJDBo2QwYjAdBgNVHQ4EFgQUKtPmLb6c5pEy\n/TkYIj7JccAiX+owHwYDVR0jBBgwFoAUKtPmLb6c5pEy/TkYIj7JccAiX+owDwYD\nVR0TAQH/BAUwAwEB/zAPBgNVHREECDAGhwR/AAABMAoGCCqGSM49BAMCA0gAMEUC\nIDDXUyY6n8UaBkJ64lgmsFf+pi6s3ZFbPuU47g1sqhXVAiEAh8lcMkcvG3OA43bO\nBjaFZUNJr1PjsO4wiK3qjytAIvQ=\n-----END CERTIFICATE-----\n';

const handshakes = [];
// Connection: close on every response, so each request needs a new connection
const server = https.createServer({ key, cert }, (_req, res) =>
  res.writeHead(200, { Connection: 'close' }).end('ok'),
);
server.on('secureConnection', (tls) => handshakes.push(tls.isSessionReused() ? 'resumed' : 'full'));
await new Promise((r) => server.listen(0, '127.0.0.1', r));

const dispatcher = new Agent({ connect: { ca: cert } });
for (let i = 0; i < 2; i++) {
  const { body } = await request(`https://127.0.0.1:${server.address().port}/`, { dispatcher });
  await body.dump();
  await new Promise((r) => setTimeout(r, 50));
}
console.log(`undici, two connections to one origin: ${handshakes.join(', then ')} handshake`);
await dispatcher.close();
server.close();
process.exit(handshakes[1] === 'resumed' ? 0 : 1);
