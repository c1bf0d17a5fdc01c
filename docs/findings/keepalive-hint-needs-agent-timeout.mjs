// Finding keepalive-hint-needs-agent-timeout (agent-conformance, docs/findings.md).
// The docs: agentKeepAliveTimeoutBuffer is subtracted from the server's `Keep-Alive: timeout=N` hint
// "when determining socket expiration time". With `new Agent({ keepAlive: true })` and nothing else,
// a response saying `Keep-Alive: timeout=2` should expire the pooled socket after 2 s less the default
// 1000 ms buffer. Node's agent applies the hint only to lower a timeout the agent already has, so the
// socket stays open (the same with `timeout: 0`).
// Run: node keepalive-hint-needs-agent-timeout.mjs (also: bun …, deno run -A …)
// Exit 1: the socket was still open 1500 ms after the response; 0: the client closed it before.
import http from 'node:http';

let respondedAt = 0;
let closedAfter = null;
const server = http.createServer((_req, res) => {
  res.setHeader('Keep-Alive', 'timeout=2');
  res.end('ok', () => {
    respondedAt = performance.now();
  });
});
server.on('connection', (socket) =>
  socket.on('close', () => {
    closedAfter ??= Math.round(performance.now() - respondedAt);
  }),
);
await new Promise((r) => server.listen(0, '127.0.0.1', r));

const agent = new http.Agent({ keepAlive: true });
await new Promise((resolve, reject) => {
  http
    .get({ host: '127.0.0.1', port: server.address().port, agent }, (res) => {
      res.resume();
      res.on('end', resolve);
    })
    .on('error', reject);
});
// wait for the close, at most 1500 ms (the expected expiry is 1000 ms; a 500 ms buffer would give 1500)
const t0 = performance.now();
while (closedAfter === null && performance.now() - t0 < 1500) await new Promise((r) => setTimeout(r, 25));
const runtime = globalThis.Deno
  ? `Deno ${Deno.version.deno}`
  : globalThis.Bun
    ? `Bun ${Bun.version}`
    : `Node ${process.version}`;
console.log(
  `${runtime}: Keep-Alive: timeout=2, an agent with keepAlive and no timeout: ${closedAfter === null ? 'the pooled socket was still open 1500 ms after the response' : `the client closed the pooled socket ${closedAfter} ms after the response`}`,
);
agent.destroy();
server.close();
process.exit(closedAfter === null ? 1 : 0);
