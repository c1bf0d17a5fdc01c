// Finding undici-keepalive-hint (agent-conformance, docs/findings.md).
// Node's agent keeps a socket whose response said `Keep-Alive: timeout=2` for 2 s less
// agentKeepAliveTimeoutBuffer (1 s by default), so a request 300 ms later reuses it. undici subtracts
// keepAliveTimeoutThreshold (2 s by default) and closes it at once. It also reads the hint out of
// `max=5, timeout=1`, which Node does not take as a hint.
// Needs: npm install undici (without it the repro exits 2).
// Run: node undici-keepalive-hint.mjs
// Exit 1: a request 300 ms later did not reuse the connection; 0: it did, in both cases.
import http from 'node:http';

const { Agent, request } = await import('undici').catch(() => {
  console.error('this repro needs undici: npm install undici');
  process.exit(2);
});

const server = http.createServer((req, res) => {
  res.setHeader('Keep-Alive', req.url === '/parse' ? 'max=5, timeout=1' : 'timeout=2');
  res.end(String(req.socket.id));
});
let connections = 0;
server.on('connection', (s) => {
  s.id = ++connections;
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));

const dispatcher = new Agent();
const url = `http://127.0.0.1:${server.address().port}`;
const get = async (path) => (await request(url + path, { dispatcher })).body.text();
const results = [];
for (const path of ['/hint', '/parse']) {
  const first = await get(path);
  await new Promise((r) => setTimeout(r, 300));
  const second = await get(path);
  results.push(`${path}: ${first === second ? 'reused' : 'new connection'} 300 ms later`);
}
console.log(`Keep-Alive "timeout=2" (/hint) and "max=5, timeout=1" (/parse): ${results.join('; ')}`);
await dispatcher.close();
server.close();
process.exit(results.every((r) => r.includes('reused')) ? 0 : 1);
