// Finding deno-no-proxy-subdomain (agent-conformance, docs/findings.md).
// With NO_PROXY "a.test" (no leading dot), a request to sub.a.test must go through the proxy: the docs
// make "example.com" an exact match and ".example.com" the domain-suffix match. Deno sends it direct.
// Run: deno run -A deno-no-proxy-subdomain.mjs (also runs under Node >= 22.21 for comparison)
// Exit 1: sub.a.test bypassed the proxy; 0: it went through the proxy.
import http from 'node:http';

const listen = (server) => new Promise((r) => server.listen(0, '127.0.0.1', () => r(server.address().port)));
let direct = 0;
let proxied = 0;
const origin = http.createServer((_req, res) => {
  direct++;
  res.end('origin');
});
const proxy = http.createServer((_req, res) => {
  proxied++;
  res.end('proxy');
});
const originPort = await listen(origin);
const proxyPort = await listen(proxy);

const agent = new http.Agent({
  proxyEnv: { HTTP_PROXY: `http://127.0.0.1:${proxyPort}`, NO_PROXY: 'a.test' },
});
// bada.test resolves to 127.0.0.1 here, so a direct connection reaches the origin
const lookup = (_host, options, cb) =>
  options?.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4);
await new Promise((resolve, reject) => {
  http
    .get({ host: 'sub.a.test', port: originPort, agent, lookup }, (res) => {
      res.resume();
      res.on('end', resolve);
    })
    .on('error', reject);
});
console.log(
  `${globalThis.Deno ? `Deno ${Deno.version.deno}` : `Node ${process.version}`}: NO_PROXY "a.test", sub.a.test went ${proxied ? 'through the proxy' : 'direct'}`,
);
agent.destroy();
origin.close();
proxy.close();
process.exit(direct > 0 && proxied === 0 ? 1 : 0);
