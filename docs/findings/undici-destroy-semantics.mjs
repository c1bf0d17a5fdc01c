// Finding undici-destroy-semantics (agent-conformance, docs/findings.md).
// Node's agent.destroy() destroys the sockets in use; requests still queued go out on a new
// connection afterwards. undici's destroy() fails the queued requests and ends the dispatcher.
// Needs: npm install undici (without it the repro exits 2).
// Run: node undici-destroy-semantics.mjs
// Exit 1: the queued request failed; 0: it was served.
import http from 'node:http';

const { Agent, request } = await import('undici').catch(() => {
  console.error('this repro needs undici: npm install undici');
  process.exit(2);
});

let held;
const server = http.createServer((req, res) => {
  if (req.url === '/held') held = res;
  else res.end('ok');
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));

const dispatcher = new Agent({ connections: 1 });
const url = `http://127.0.0.1:${server.address().port}`;
const settle = (p) =>
  p.then(
    async ({ body }) => `served (${await body.text()})`,
    (err) => `failed: ${err.code}`,
  );
const first = settle(request(`${url}/held`, { dispatcher }));
const queued = settle(request(`${url}/queued`, { dispatcher }));
while (!held) await new Promise((r) => setTimeout(r, 10));
dispatcher.destroy();
console.log(
  `destroy() with one request in flight and one queued: in flight ${await first}; queued ${await queued}`,
);
server.close();
server.closeAllConnections();
process.exit((await queued).startsWith('failed') ? 1 : 0);
