// Finding deno-no-keylog (agent-conformance, docs/findings.md).
// An https.Agent emits 'keylog' with the key material of its connections (Node's https docs, Event
// 'keylog'; the suite's case https/keylog-every-connection); Deno's emits none.
// Run: deno run -A deno-no-keylog.mjs | node … | bun …
// Exit 1: no 'keylog' line for the request's connection; 0: at least one.
import https from 'node:https';

// The throwaway self-signed certificate for 127.0.0.1 of deno-sni-empty.mjs.
const key =
  '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg/gDY56ZpfMzRkd+X\n5yqrt/n7ZSAdWQGLkp1RRNSLm62hRANCAASGXDffxv9i7hnc8Yp0nXtMOUWaQ0nz\nxfNdAT+W+I/xHojxQqmzgIHHYg/JiNCABu+cKKtQgX+Hjqp+8qBZVJDB\n-----END PRIVATE KEY-----\n';
const cert =
  '-----BEGIN CERTIFICATE-----\nMIIBkDCCATagAwIBAgIUAQg3DoUgwpy+yumXUAEp/put8b4wCgYIKoZIzj0EAwIw\nFDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTIwNjE5NDM1MFoYDzIxMjYxMTEy\nMTk0MzUwWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO\nPQMBBwNCAASGXDffxv9i7hnc8Yp0nXtMOUWaQ0nzxfNdAT+W+I/xHojxQqmzgIHH\nYg/JiNCABu+cKKtQgX+Hjqp+8qBZVJDBo2QwYjAdBgNVHQ4EFgQUKtPmLb6c5pEy\n/TkYIj7JccAiX+owHwYDVR0jBBgwFoAUKtPmLb6c5pEy/TkYIj7JccAiX+owDwYD\nVR0TAQH/BAUwAwEB/zAPBgNVHREECDAGhwR/AAABMAoGCCqGSM49BAMCA0gAMEUC\nIDDXUyY6n8UaBkJ64lgmsFf+pi6s3ZFbPuU47g1sqhXVAiEAh8lcMkcvG3OA43bO\nBjaFZUNJr1PjsO4wiK3qjytAIvQ=\n-----END CERTIFICATE-----\n';

const server = https.createServer({ key, cert }, (_req, res) => res.end('ok'));
await new Promise((r) => server.listen(0, '127.0.0.1', r));

const agent = new https.Agent();
const lines = [];
agent.on('keylog', (line) => lines.push(String(line).split(' ')[0]));
await new Promise((resolve, reject) => {
  https
    .get({ host: '127.0.0.1', port: server.address().port, agent, ca: cert }, (res) => {
      res.resume();
      res.on('end', resolve);
    })
    .on('error', reject);
});
console.log(
  `one request over TLS: ${lines.length} 'keylog' line(s)${lines.length ? ` (${lines.join(', ')})` : ''}`,
);
agent.destroy();
server.close();
process.exit(lines.length === 0 ? 1 : 0);
