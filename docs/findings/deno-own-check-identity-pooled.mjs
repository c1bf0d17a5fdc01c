// Finding deno-own-check-identity-pooled (agent-conformance, docs/findings.md).
// A request that brings its own checkServerIdentity must have it run (tls.connect() documents it as
// the function "used ... when checking the server's host name ... against the certificate"; the
// suite's case https/own-check-identity-pooled). Node gives such a request a connection of its own
// (https.request() marks it with a pool key of its own); Deno hands it the pooled connection another
// request made, no handshake runs, the check never runs, and the request is sent.
// Run: deno run -A deno-own-check-identity-pooled.mjs | node … | bun …
// Exit 1: the server received the checked request; 0: it never did (the check's error instead).
import https from 'node:https';

// A throwaway self-signed certificate for 127.0.0.1, made for this repro only.
const key =
  '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg/gDY56ZpfMzRkd+X\n5yqrt/n7ZSAdWQGLkp1RRNSLm62hRANCAASGXDffxv9i7hnc8Yp0nXtMOUWaQ0nz\nxfNdAT+W+I/xHojxQqmzgIHHYg/JiNCABu+cKKtQgX+Hjqp+8qBZVJDB\n-----END PRIVATE KEY-----\n';
const cert =
  '-----BEGIN CERTIFICATE-----\nMIIBkDCCATagAwIBAgIUAQg3DoUgwpy+yumXUAEp/put8b4wCgYIKoZIzj0EAwIw\nFDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTIwNjE5NDM1MFoYDzIxMjYxMTEy\nMTk0MzUwWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO\nPQMBBwNCAASGXDffxv9i7hnc8Yp0nXtMOUWaQ0nzxfNdAT+W+I/xHojxQqmzgIHH\nYg/JiNCABu+cKKtQgX+Hjqp+8qBZVJDBo2QwYjAdBgNVHQ4EFgQUKtPmLb6c5pEy\n/TkYIj7JccAiX+owHwYDVR0jBBgwFoAUKtPmLb6c5pEy/TkYIj7JccAiX+owDwYD\nVR0TAQH/BAUwAwEB/zAPBgNVHREECDAGhwR/AAABMAoGCCqGSM49BAMCA0gAMEUC\nIDDXUyY6n8UaBkJ64lgmsFf+pi6s3ZFbPuU47g1sqhXVAiEAh8lcMkcvG3OA43bO\nBjaFZUNJr1PjsO4wiK3qjytAIvQ=\n-----END CERTIFICATE-----\n';

const received = [];
const server = https.createServer({ key, cert }, (req, res) => {
  received.push(req.url);
  res.end('ok');
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const port = server.address().port;
const agent = new https.Agent({ keepAlive: true });

function get(path, extra) {
  return new Promise((resolve) => {
    const req = https.get({ host: '127.0.0.1', port, path, agent, ca: cert, ...extra }, (res) => {
      res.resume();
      res.on('end', () => resolve(`response ${res.statusCode}`));
    });
    req.on('error', (err) => resolve(`error ${err.message}`));
  });
}

await get('/first', {});
// let the socket go back to the pool
await new Promise((r) => setTimeout(r, 50));
const outcome = await get('/checked', {
  checkServerIdentity: () => new Error('rejected by the request’s own checkServerIdentity'),
});
const sent = received.includes('/checked');
console.log(`the checked request: ${outcome}; the server ${sent ? 'received' : 'never received'} it`);
agent.destroy();
server.close();
process.exit(sent ? 1 : 0);
