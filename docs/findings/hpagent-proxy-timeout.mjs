// Finding hpagent-proxy-timeout (agent-conformance, docs/findings.md).
// A request with a timeout through a proxy that accepts the connection and never answers: the
// request must emit 'timeout' ("only notifies that the socket has been idle"). hpagent fails it with
// its own 'Proxy timeout' error instead.
// Needs: npm install hpagent (without it the repro exits 2).
// Run: node hpagent-proxy-timeout.mjs
// Exit 1: no 'timeout' event; 0: 'timeout' was emitted.
import http from 'node:http';
import net from 'node:net';

const { HttpProxyAgent } = await import('hpagent').catch(() => {
  console.error('this repro needs hpagent: npm install hpagent');
  process.exit(2);
});

const held = [];
const proxy = net.createServer((s) => held.push(s.on('error', () => {}))); // silent
await new Promise((r) => proxy.listen(0, '127.0.0.1', r));

const agent = new HttpProxyAgent({ proxy: `http://127.0.0.1:${proxy.address().port}` });
const events = [];
await new Promise((resolve) => {
  const req = http.get({ host: '127.0.0.1', port: 9, agent, timeout: 300 }, (res) => {
    events.push(`response ${res.statusCode}`);
    res.resume();
    resolve();
  });
  req.on('timeout', () => {
    events.push("'timeout'");
    req.destroy();
  });
  req.on('error', (err) => {
    events.push(`error ${err.code ?? ''} ${err.message}`.replace('  ', ' '));
    resolve();
  });
  setTimeout(resolve, 1500);
});
console.log(`request timeout 300 through a silent proxy: ${events.join(', ') || 'nothing within 1500 ms'}`);
for (const s of held) s.destroy();
agent.destroy();
proxy.close();
process.exit(events.includes("'timeout'") ? 0 : 1);
