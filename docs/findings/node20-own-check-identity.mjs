// Finding node20-own-check-identity (agent-conformance, docs/findings.md).
// A request that brings its own checkServerIdentity must have it run (tls.connect() documents it as
// the function used "when checking the server's host name ... against the certificate"; the suite's
// cases https/own-check-identity-pooled and https/own-check-identity-session). Node 20's https.Agent
// keys pools and cached sessions by getName(), which has no part for it: the request rides a pooled
// connection (keepAlive), or resumes a cached session, whose resumption skips the check; either way
// the check never runs and the request is sent.
// Run: node node20-own-check-identity.mjs | bun … | deno run -A …
// Exit 1: the server received a checked request; 0: it received neither.
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
const reject = () => new Error('rejected by the request’s own checkServerIdentity');

function get(agent, path, extra) {
  return new Promise((resolve) => {
    const req = https.get({ host: '127.0.0.1', port, path, agent, ca: cert, ...extra }, (res) => {
      res.resume();
      res.on('end', () => resolve(`response ${res.statusCode}`));
    });
    req.on('error', (err) => resolve(`error ${err.message}`));
  });
}

// a pooled connection made by a request without the option
const pooled = new https.Agent({ keepAlive: true });
await get(pooled, '/first', {});
await new Promise((r) => setTimeout(r, 50));
const onPooled = await get(pooled, '/checked-pooled', { checkServerIdentity: reject });
pooled.destroy();
// a cached session made by a request without the option (keepAlive false: a new connection)
const cached = new https.Agent({ keepAlive: false });
await get(cached, '/first', {});
await new Promise((r) => setTimeout(r, 50));
const onSession = await get(cached, '/checked-session', { checkServerIdentity: reject });
cached.destroy();
const sent = received.filter((p) => p.startsWith('/checked'));
console.log(
  `beside a pooled connection: ${onPooled}; with a cached session: ${onSession}; the server received ${sent.join(', ') || 'no checked request'}`,
);
server.close();
process.exit(sent.length > 0 ? 1 : 0);
