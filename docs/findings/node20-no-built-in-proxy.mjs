// Finding node20-no-built-in-proxy (agent-conformance, docs/findings.md).
// new http.Agent({ proxyEnv: { HTTP_PROXY } }) sends its requests through the proxy from Node 24.5.0
// and 22.21.0 on; Node 20 ignores the option and connects straight to the origin.
// Run: node node20-no-built-in-proxy.mjs (under the Node line to check)
// Exit 1: the request bypassed the proxy; 0: the proxy received it.
import http from 'node:http';

const listen = (server) => new Promise((r) => server.listen(0, '127.0.0.1', () => r(server.address().port)));
let direct = 0;
let proxied = 0;
const origin = http.createServer((_req, res) => {
  direct++;
  res.end('from the origin');
});
const proxy = http.createServer((_req, res) => {
  proxied++; // a forward proxy gets the absolute-form target; answering it here is enough
  res.end('from the proxy');
});
const originPort = await listen(origin);
const proxyPort = await listen(proxy);

const agent = new http.Agent({ proxyEnv: { HTTP_PROXY: `http://127.0.0.1:${proxyPort}` } });
const body = await new Promise((resolve, reject) => {
  http
    .get({ host: '127.0.0.1', port: originPort, agent }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve(text));
    })
    .on('error', reject);
});
console.log(
  `Node ${process.version}: proxy saw ${proxied} request(s), origin saw ${direct} directly; body "${body}"`,
);
agent.destroy();
origin.close();
proxy.close();
process.exit(proxied === 0 ? 1 : 0);
