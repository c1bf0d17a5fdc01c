// Finding deno-sni-empty (agent-conformance, docs/findings.md).
// An https request with servername '' must send no SNI extension (Node's tls.connect documents
// servername as the SNI server name; the suite's case https/sni-empty-disables); Deno sends the host.
// Run: deno run -A deno-sni-empty.mjs | node … | bun …
// Exit 1: the server received an SNI; 0: none. Under Deno the server below is Deno's too; the
// suite's run, with a Node origin and Deno only as the client, saw the same.
import https from 'node:https';

// A throwaway self-signed certificate for 127.0.0.1, made for this repro only.
const key =
  '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg/gDY56ZpfMzRkd+X\n5yqrt/n7ZSAdWQGLkp1RRNSLm62hRANCAASGXDffxv9i7hnc8Yp0nXtMOUWaQ0nz\nxfNdAT+W+I/xHojxQqmzgIHHYg/JiNCABu+cKKtQgX+Hjqp+8qBZVJDB\n-----END PRIVATE KEY-----\n';
const cert =
  '-----BEGIN CERTIFICATE-----\nMIIBkDCCATagAwIBAgIUAQg3DoUgwpy+yumXUAEp/put8b4wCgYIKoZIzj0EAwIw\nFDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTIwNjE5NDM1MFoYDzIxMjYxMTEy\nMTk0MzUwWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO\nPQMBBwNCAASGXDffxv9i7hnc8Yp0nXtMOUWaQ0nzxfNdAT+W+I/xHojxQqmzgIHH\nYg/JiNCABu+cKKtQgX+Hjqp+8qBZVJDBo2QwYjAdBgNVHQ4EFgQUKtPmLb6c5pEy\n/TkYIj7JccAiX+owHwYDVR0jBBgwFoAUKtPmLb6c5pEy/TkYIj7JccAiX+owDwYD\nVR0TAQH/BAUwAwEB/zAPBgNVHREECDAGhwR/AAABMAoGCCqGSM49BAMCA0gAMEUC\nIDDXUyY6n8UaBkJ64lgmsFf+pi6s3ZFbPuU47g1sqhXVAiEAh8lcMkcvG3OA43bO\nBjaFZUNJr1PjsO4wiK3qjytAIvQ=\n-----END CERTIFICATE-----\n';

let sni;
const server = https.createServer({ key, cert }, (_req, res) => res.end('ok'));
server.on('secureConnection', (tls) => {
  sni = tls.servername;
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));

const agent = new https.Agent();
// localhost is a name, so SNI would be sent unless servername '' turns it off
await new Promise((resolve, reject) => {
  https
    .get(
      {
        host: 'localhost',
        port: server.address().port,
        agent,
        servername: '',
        ca: cert,
        rejectUnauthorized: false,
      },
      (res) => {
        res.resume();
        res.on('end', resolve);
      },
    )
    .on('error', reject);
});
console.log(`servername '': the server received SNI ${sni ? JSON.stringify(sni) : 'none'}`);
agent.destroy();
server.close();
process.exit(sni ? 1 : 0);
