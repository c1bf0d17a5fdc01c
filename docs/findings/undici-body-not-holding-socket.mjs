// Finding undici-body-not-holding-socket (agent-conformance, docs/findings.md).
// With one connection per origin, Node sends a queued request only once the previous response body
// has been read. undici sends it while the caller has not read the first body yet.
// Needs: npm install undici (without it the repro exits 2).
// Run: node undici-body-not-holding-socket.mjs
// Exit 1: the origin got the second request while the first body was unread; 0: it did not.
import http from 'node:http';

const { Agent, request } = await import('undici').catch(() => {
  console.error('this repro needs undici: npm install undici');
  process.exit(2);
});

let received = 0;
const server = http.createServer((_req, res) => {
  received++;
  res.end('x'.repeat(1024));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));

const dispatcher = new Agent({ connections: 1 });
const url = `http://127.0.0.1:${server.address().port}/`;
const first = await request(url, { dispatcher }); // its body is left unread for now
const second = request(url, { dispatcher });
await new Promise((r) => setTimeout(r, 300));
const whileUnread = received;
await first.body.dump();
await (await second).body.dump();
console.log(
  `connections 1: the origin had received ${whileUnread} request(s) while the first body was unread`,
);
await dispatcher.close();
server.close();
process.exit(whileUnread > 1 ? 1 : 0);
