// Finding proxy-agents-refused-connect-stranded (agent-conformance, docs/findings.md).
// The proxy refuses the CONNECT with 403. Every request must settle (a response or an 'error');
// https-proxy-agent (agent-base) strands the requests queued behind maxSockets
// (TooTallNate/proxy-agents#427).
// Needs: npm install https-proxy-agent (without it the repro exits 2).
// Run: node proxy-agents-refused-connect-stranded.mjs
// Exit 1: some requests never settled; 0: all settled.
import http from 'node:http';
import https from 'node:https';

const { HttpsProxyAgent } = await import('https-proxy-agent').catch(() => {
  console.error('this repro needs https-proxy-agent: npm install https-proxy-agent');
  process.exit(2);
});

let connects = 0;
const proxy = http.createServer();
proxy.on('connect', (_req, client) => {
  connects++;
  client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
});
await new Promise((r) => proxy.listen(0, '127.0.0.1', r));

const agent = new HttpsProxyAgent(`http://127.0.0.1:${proxy.address().port}`, { maxSockets: 1 });
const outcomes = ['unsettled', 'unsettled', 'unsettled'];
outcomes.forEach((_, i) => {
  https
    .get({ host: '127.0.0.1', port: 9, agent }, (res) => {
      outcomes[i] = `response ${res.statusCode}`;
      res.resume();
    })
    .on('error', (err) => {
      outcomes[i] = `error ${err.code ?? err.message}`;
    });
});
await new Promise((r) => setTimeout(r, 1500));
console.log(`maxSockets 1, 3 requests, CONNECT answered 403: ${outcomes.join('; ')}; ${connects} CONNECT(s)`);
agent.destroy();
proxy.close();
process.exit(outcomes.includes('unsettled') ? 1 : 0);
