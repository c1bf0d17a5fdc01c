// Finding proxy-max-sockets-ignored (agent-conformance, docs/findings.md).
// maxSockets 1 on hpagent's HttpProxyAgent: three concurrent requests must share one tunnel at a
// time; hpagent opens its CONNECT tunnels in an asynchronous createConnection that Node's limit does
// not count (delvedor/hpagent#12).
// Needs: npm install hpagent (without it the repro exits 2).
// Run: node proxy-max-sockets-ignored.mjs
// Exit 1: more than one connection to the proxy at once; 0: at most one.
import http from 'node:http';
import net from 'node:net';

const { HttpProxyAgent } = await import('hpagent').catch(() => {
  console.error('this repro needs hpagent: npm install hpagent');
  process.exit(2);
});

const origin = http.createServer((_req, res) => setTimeout(() => res.end('ok'), 150));
await new Promise((r) => origin.listen(0, '127.0.0.1', r));

let open = 0;
let peak = 0;
const proxy = http.createServer();
proxy.on('connection', (s) => {
  peak = Math.max(peak, ++open);
  s.on('close', () => open--);
});
proxy.on('connect', (req, client, head) => {
  const [host, port] = req.url.split(':');
  const upstream = net.connect(Number(port), host, () => {
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    upstream.write(head);
    upstream.pipe(client).pipe(upstream);
  });
  upstream.on('error', () => client.destroy());
  client.on('error', () => upstream.destroy());
});
await new Promise((r) => proxy.listen(0, '127.0.0.1', r));

const agent = new HttpProxyAgent({ proxy: `http://127.0.0.1:${proxy.address().port}`, maxSockets: 1 });
const get = () =>
  new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: origin.address().port, agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      })
      .on('error', reject);
  });
await Promise.all([get(), get(), get()]);
console.log(`maxSockets 1, 3 concurrent requests: the proxy saw ${peak} connections open at once`);
agent.destroy();
origin.close();
proxy.close();
origin.closeAllConnections();
process.exit(peak > 1 ? 1 : 0);
