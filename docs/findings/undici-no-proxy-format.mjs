// Finding undici-no-proxy-format (agent-conformance, docs/findings.md).
// Node's NO_PROXY format: a bare host ("a.test") matches that host only, so a request to sub.a.test
// goes through the proxy. undici's EnvHttpProxyAgent also bypasses the proxy for subdomains.
// Needs: npm install undici (without it the repro exits 2).
// Run: node undici-no-proxy-format.mjs
// Exit 1: sub.a.test did not reach the proxy; 0: it did.
import http from 'node:http';

const { EnvHttpProxyAgent, request } = await import('undici').catch(() => {
  console.error('this repro needs undici: npm install undici');
  process.exit(2);
});

const proxied = [];
const proxy = http.createServer((req, res) => {
  proxied.push(req.url); // a forward proxy gets the absolute-form target; answering it here is enough
  res.end('via proxy');
});
await new Promise((r) => proxy.listen(0, '127.0.0.1', r));

const dispatcher = new EnvHttpProxyAgent({
  httpProxy: `http://127.0.0.1:${proxy.address().port}`,
  noProxy: 'a.test',
});
// sub.a.test has no DNS entry: going direct fails with a lookup error, going through the proxy works
const outcome = await request('http://sub.a.test/', { dispatcher }).then(
  async ({ body }) => `answered "${await body.text()}"`,
  (err) => `failed (${err.code ?? err.cause?.code ?? err.message}): it went direct`,
);
console.log(
  `NO_PROXY "a.test", request to sub.a.test: ${outcome}; the proxy saw ${proxied.length} request(s)`,
);
await dispatcher.close();
proxy.close();
process.exit(proxied.length === 0 ? 1 : 0);
