// Finding deno-global-proxy-agents (agent-conformance, docs/findings.md).
// http.setGlobalProxyFromEnv() "Dynamically resets the global configurations to enable built-in proxy
// support for `fetch()` and `http.request()`/`https.request()`": the global agent goes through the
// proxy; an agent made with `new http.Agent()` (no proxyEnv) does not; after the returned restore
// function, a request with no agent goes directly again.
// Run: deno run -A deno-global-proxy-agents.mjs (also runs under Node >= 24.14 for comparison)
// Exit 1: the own agent went through the proxy, or the agent-less request did not go directly
// after restore; 0: both went directly.
import http from 'node:http';

const proxied = [];
const proxy = http.createServer((req, res) => {
  proxied.push(`${req.method} ${req.url}`);
  res.end('proxy');
});
const origin = http.createServer((_req, res) => res.end('origin'));
const listen = (s) => new Promise((r) => s.listen(0, '127.0.0.1', () => r(s.address().port)));
const proxyPort = await listen(proxy);
const originPort = await listen(origin);
const get = (path, agent) =>
  new Promise((resolve) => {
    http
      .get(`http://127.0.0.1:${originPort}${path}`, agent ? { agent } : {}, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve(`${res.statusCode} ${text}`));
      })
      .on('error', (err) => resolve(`error ${err.code ?? err.message}`));
  });

const restore = http.setGlobalProxyFromEnv({ HTTP_PROXY: `http://127.0.0.1:${proxyPort}` });
const own = new http.Agent();
const global = await get('/global');
const mine = await get('/own', own);
restore();
const after = await get('/restored');
const runtime = globalThis.Deno ? `Deno ${Deno.version.deno}` : `Node ${process.version}`;
console.log(
  `${runtime}: agent-less "${global}", own new Agent() "${mine}", agent-less after restore "${after}"; the proxy saw ${proxied.join(', ') || 'nothing'}`,
);
own.destroy();
http.globalAgent.destroy();
proxy.close();
origin.close();
process.exit(mine === '200 origin' && after === '200 origin' ? 0 : 1);
