// Finding deno-unix-socket-proxy (agent-conformance, docs/findings.md).
// "If the request is made to a Unix domain socket, the proxy settings will be ignored." An agent with
// proxyEnv, a request with socketPath: the server on the Unix socket must receive it, the proxy nothing.
// Run: deno run -A deno-unix-socket-proxy.mjs (also runs under Node >= 22.21 for comparison)
// Exit 1: the Unix-socket server did not receive the request in origin form ("/unix"), or the proxy
// saw it; 0: the request reached the Unix socket as a plain origin-form request, the proxy saw nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const seen = { unix: 0, proxy: 0, tcp: 0 };
let target = null;
const server = (name) =>
  http.createServer((req, res) => {
    seen[name]++;
    if (name === 'unix') target = req.url;
    res.end(name);
  });
const listen = (s, ...at) => new Promise((r) => s.listen(...at, () => r(s.address())));
const dir = mkdtempSync(join(tmpdir(), 'repro-'));
const socketPath = join(dir, 'origin.sock');
const unix = server('unix');
const proxy = server('proxy');
const tcp = server('tcp'); // where host:port of the request point, should the socketPath be dropped
await listen(unix, socketPath);
const proxyPort = (await listen(proxy, 0, '127.0.0.1')).port;
const tcpPort = (await listen(tcp, 0, '127.0.0.1')).port;

const agent = new http.Agent({ proxyEnv: { HTTP_PROXY: `http://127.0.0.1:${proxyPort}` } });
const body = await new Promise((resolve, reject) => {
  http
    .get({ socketPath, host: '127.0.0.1', port: tcpPort, path: '/unix', agent }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve(text));
    })
    .on('error', reject);
});
const runtime = globalThis.Deno ? `Deno ${Deno.version.deno}` : `Node ${process.version}`;
console.log(
  `${runtime}: a socketPath request with proxyEnv was answered by "${body}"; Unix-socket server ${seen.unix} (request target ${JSON.stringify(target)}), proxy ${seen.proxy}, TCP server ${seen.tcp} request(s)`,
);
agent.destroy();
for (const s of [unix, proxy, tcp]) s.close();
rmSync(dir, { recursive: true, force: true });
process.exit(seen.unix === 1 && seen.proxy === 0 && target === '/unix' ? 0 : 1);
