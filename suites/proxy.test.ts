/**
 * `proxy`: agents that go through a forward proxy (Node's `proxyEnv`, http-/https-proxy-agent,
 * hpagent, undici's ProxyAgent / EnvHttpProxyAgent), made by the subject's proxy factory
 * (`ctx.proxyAgent`, harness/subject/proxy-contract.ts) and pointed at the instrumented forward proxy
 * (`ctx.forwardProxy`, fixtures/forward-proxy). Every verdict rests on the two wire records: what the
 * proxy received on which client connection (absolute-form requests, CONNECTs, Proxy-Authorization)
 * and which of the origin's connections were the proxy's upstream sockets (a request that arrived on
 * another connection went direct: a NO_PROXY bypass).
 */
import assert from 'node:assert/strict';
import {
  type AgentHandle,
  type CaseContext,
  defineCase,
  type ForwardProxy,
  type Origin,
  type ProxyConnectionRecord,
  type ProxyRequestRecord,
  type RequestHandle,
} from '../harness/suite/api.ts';
import { DOCS } from './docs.ts';
import { overlapPeak, pooled, requestAt, timerWindow, upstreamConnection, withinTimer } from './wire.ts';

/** Made-up names the proxy serves from its `hosts` map and the subject resolves to loopback. */
const NAMES = ['a.test', 'sub.a.test', 'bada.test', 'b.test', 'localhost'];
const HOSTS = Object.fromEntries(NAMES.map((n) => [n, '127.0.0.1']));

/** Most client connections the proxy had open at the same time (a close 30 ms early is not an overlap). */
const proxyPeak = (connections: readonly ProxyConnectionRecord[]): number => overlapPeak(connections, 30);

/**
 * How the request with this path reached the origin: on a connection that was one of the proxy's
 * upstream sockets (both ends and time match, `upstreamConnection`), or directly.
 */
function route(proxy: ForwardProxy, origin: Origin, path: string): 'proxy' | 'direct' | 'missing' {
  const rec = requestAt(origin, path);
  if (!rec) return 'missing';
  const conn = origin.connections.find((c) => c.id === rec.connection);
  return proxy.upstreams.some((u) => conn !== undefined && upstreamConnection(origin, u) === conn)
    ? 'proxy'
    : 'direct';
}

/** `absolute-form` when the proxy saw an absolute URL for the target, `connect` for a CONNECT. */
function formSeen(proxy: ForwardProxy): string {
  const forms = proxy.requests.map((r) => (r.method === 'CONNECT' ? `CONNECT ${r.target}` : r.requestLine));
  return forms.join(' | ') || 'nothing';
}

function outcomeOf(r: RequestHandle): string {
  if (r.response) return `response ${r.response.status}`;
  if (r.error) return `error ${r.error.code ?? ''} ${r.error.message}`.trim();
  return 'unsettled';
}

interface Target {
  host: string;
  /** Which origin (default the first). */
  origin?: number;
  expect: 'proxy' | 'direct';
}

/**
 * One request per target, one after another, through a proxy agent with this NO_PROXY list (or these
 * raw variables); each must arrive at its origin by the expected route.
 */
async function noProxyCase(
  ctx: CaseContext,
  setup: { noProxy?: string | ((ports: number[]) => string); env?: Record<string, string>; origins?: number },
  targets: Target[],
): Promise<void> {
  const origins: Origin[] = [];
  for (let i = 0; i < (setup.origins ?? 1); i++) origins.push(await ctx.origin());
  const proxy = await ctx.forwardProxy({ hosts: HOSTS });
  const ports = origins.map((o) => o.port);
  const noProxy = typeof setup.noProxy === 'function' ? setup.noProxy(ports) : setup.noProxy;
  const env = setup.env
    ? Object.fromEntries(Object.entries(setup.env).map(([k, v]) => [k, v.replace('$PROXY', proxy.url)]))
    : undefined;
  const agent = await ctx.proxyAgent({
    proxy: proxy.url,
    ...(noProxy !== undefined ? { noProxy } : {}),
    ...(env ? { env } : {}),
  });
  const seen: string[] = [];
  for (const [i, t] of targets.entries()) {
    const origin = origins[t.origin ?? 0] as Origin;
    const r = await agent.request({ origin, host: t.host, path: `/t${i}` });
    await r.completed();
    seen.push(`${t.host}:${origin.port === ports[0] ? 'A' : 'B'} ${route(proxy, origin, `/t${i}`)}`);
  }
  ctx.observe(`NO_PROXY ${JSON.stringify(noProxy ?? env)}: ${seen.join(', ')}`);
  for (const [i, t] of targets.entries()) {
    const origin = origins[t.origin ?? 0] as Origin;
    assert.equal(
      route(proxy, origin, `/t${i}`),
      t.expect,
      `${t.host} (port ${origin.port}) went ${route(proxy, origin, `/t${i}`)}, expected ${t.expect}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Where requests go

defineCase(
  {
    id: 'proxy/http-through-proxy',
    title: 'an http: target is reached through the proxy, not directly',
    level: 'must',
    doc: DOCS.proxyHttpVariable,
    requires: ['proxy'],
    expected:
      "an http target through a proxy agent: the proxy receives one request for that target (absolute-form or CONNECT), the origin receives it on the proxy's upstream connection, and the response comes back",
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const proxy = await ctx.forwardProxy();
    const agent = await ctx.proxyAgent({ proxy: proxy.url });
    const r = await agent.request({ origin, path: '/x' });
    await r.completed();
    ctx.observe(`proxy saw: ${formSeen(proxy)}; origin route ${route(proxy, origin, '/x')}`);
    assert.equal(r.response?.status, 200);
    assert.equal(route(proxy, origin, '/x'), 'proxy', 'the request reached the origin through the proxy');
    assert.ok(
      proxy.requests.some((q) => q.target.includes(`127.0.0.1:${origin.port}`)),
      'the proxy was asked for the target',
    );
  },
);

defineCase(
  {
    id: 'proxy/http-absolute-form',
    title: 'an http: target is sent in absolute-form (not a CONNECT tunnel)',
    level: 'info',
    doc: DOCS.proxyEnvOption,
    requires: ['proxy'],
    expected:
      'Node sends http targets to the proxy as `GET http://host:port/path HTTP/1.1`, no CONNECT (RFC 9112 §3.2.2); a tunnel is recorded',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const proxy = await ctx.forwardProxy();
    const agent = await ctx.proxyAgent({ proxy: proxy.url });
    const r = await agent.request({ origin, path: '/x' });
    await r.completed();
    ctx.observe(`proxy saw: ${formSeen(proxy)}`);
    assert.equal(proxy.requests.length, 1);
    assert.equal(proxy.requests[0]?.requestLine, `GET ${origin.url}/x HTTP/1.1`);
  },
);

defineCase(
  {
    id: 'proxy/keep-alive-one-connection',
    title: 'keep-alive through the proxy: sequential requests share one proxy connection',
    level: 'should',
    doc: DOCS.keepAliveOption,
    requires: ['proxy'],
    expected:
      'keepAlive, two sequential requests to one origin: the proxy sees one client connection (carrying both, or one tunnel) and the origin one upstream connection',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const proxy = await ctx.forwardProxy();
    const agent = await ctx.proxyAgent({ proxy: proxy.url, agentOptions: { keepAlive: true } });
    const r1 = await agent.request({ origin, path: '/1' });
    await r1.completed();
    await pooled(ctx, agent, 1, 'the first socket back in the pool');
    await ctx.settle();
    const r2 = await agent.request({ origin, path: '/2' });
    await r2.completed();
    ctx.observe(
      `${proxy.connections.length} proxy connection(s), ${proxy.requests.length} proxy request(s), ${origin.connections.length} origin connection(s)`,
    );
    assert.equal(proxy.connections.length, 1, 'one connection to the proxy for both requests');
    assert.equal(origin.connections.length, 1, 'one upstream connection at the origin');
    assert.equal(origin.requests.length, 2);
  },
);

defineCase(
  {
    id: 'proxy/reused-connection-absolute-url',
    title: 'a reused proxy connection still carries absolute-form request lines',
    level: 'should',
    doc: DOCS.proxyEnvOption,
    requires: ['proxy'],
    expected:
      'keepAlive, two sequential requests through the proxy: the second is `GET http://host:port/2` too (a relative URL cannot be forwarded), on the reused connection or on a new one (whether it reused is proxy/keep-alive-one-connection); not applicable to a subject that tunnels http targets',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const proxy = await ctx.forwardProxy();
    const agent = await ctx.proxyAgent({ proxy: proxy.url, agentOptions: { keepAlive: true } });
    const r1 = await agent.request({ origin, path: '/1' });
    await r1.completed();
    if (proxy.requests[0]?.method === 'CONNECT')
      ctx.unsupported('the subject tunnels http targets (CONNECT): no absolute-form to check');
    await pooled(ctx, agent, 1, 'the first socket back in the pool');
    await ctx.settle();
    const r2 = await agent.request({ origin, path: '/2' });
    await r2.done();
    const second = proxy.requests[1];
    const reused = second !== undefined && second.connection === proxy.requests[0]?.connection;
    ctx.observe(
      `proxy saw: ${formSeen(proxy)}; second request ${outcomeOf(r2)}, on ${reused ? 'the same' : 'a new'} proxy connection`,
    );
    assert.ok(second, 'the proxy received the second request');
    // checked on whatever connection it came: a relative URL cannot be forwarded on a new one either
    assert.equal(second.target, `${origin.url}/2`, 'the second request line is absolute-form');
    assert.equal(r2.response?.status, 200);
  },
);

defineCase(
  {
    id: 'proxy/https-proxy-url',
    title: 'an https:// proxy URL: TLS to the proxy, and keep-alive reuses that TLS connection',
    level: 'must',
    doc: DOCS.proxyHttpsUrl,
    requires: ['proxy'],
    expected:
      'the proxy URL is https://127.0.0.1:<port> (a proxy that speaks only TLS), keepAlive, two sequential requests to an http origin: no failed handshake at the proxy, both requests reach the origin through the proxy (absolute-form or a CONNECT tunnel inside the TLS), on one TLS connection to it',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const proxy = await ctx.forwardProxy({ tls: true });
    const agent = await ctx.proxyAgent({ proxy: proxy.url, agentOptions: { keepAlive: true } });
    const r1 = await (await agent.request({ origin, path: '/1' })).done();
    await ctx.mayFail(ctx.waitFor('the first socket back in the pool', () => agent.frees.length >= 1, 1000));
    await ctx.settle();
    const r2 = await (await agent.request({ origin, path: '/2' })).done();
    ctx.observe(
      `${proxy.connections.length} TLS connection(s) to the proxy, ${proxy.tlsFailures} failed handshake(s); proxy saw ${formSeen(proxy)}; /1 ${route(proxy, origin, '/1')} (${outcomeOf(r1)}), /2 ${route(proxy, origin, '/2')} (${outcomeOf(r2)})`,
    );
    assert.equal(proxy.tlsFailures, 0, 'no connection to the proxy failed its TLS handshake');
    assert.equal(
      route(proxy, origin, '/1'),
      'proxy',
      'the first request reached the origin through the proxy',
    );
    assert.equal(
      route(proxy, origin, '/2'),
      'proxy',
      'the second request reached the origin through the proxy',
    );
    // absolute-form (two requests on it) or one CONNECT tunnel (both inside it): one connection either way
    assert.equal(proxy.connections.length, 1, 'one TLS connection to the proxy carried both requests');
  },
);

// ---------------------------------------------------------------------------------------------
// https: targets, through a CONNECT tunnel

/** A TLS origin (whatever `--protocol` says), a proxy, and a proxy agent for https: targets. */
async function tunnelSetup(
  ctx: CaseContext,
  proxyOptions: Parameters<CaseContext['forwardProxy']>[0] = {},
  agentOptions: Record<string, unknown> = {},
): Promise<{ origin: Origin; proxy: ForwardProxy; agent: AgentHandle }> {
  const origin = await ctx.origin({ tls: {} });
  const proxy = await ctx.forwardProxy(proxyOptions);
  const agent = await ctx.proxyAgent({ proxy: proxy.url, protocol: 'https:', agentOptions });
  return { origin, proxy, agent };
}

function connects(proxy: ForwardProxy): ProxyRequestRecord[] {
  return proxy.requests.filter((q) => q.method === 'CONNECT');
}

defineCase(
  {
    id: 'proxy/https-connect',
    title: 'an https: target goes through a `CONNECT host:port` tunnel',
    level: 'must',
    doc: DOCS.proxyHttpsVariable,
    requires: ['proxy'],
    expected:
      "an https target through a proxy agent: the proxy receives exactly one request, `CONNECT 127.0.0.1:<port>` (RFC 9110 §9.3.6: the target's authority), and nothing in absolute-form; the TLS handshake and the request reach the origin on the proxy's upstream connection, and the response comes back",
  },
  async (ctx) => {
    const { origin, proxy, agent } = await tunnelSetup(ctx);
    const r = await agent.request({ origin, path: '/x' });
    await r.done();
    const conn = origin.connections[0];
    ctx.observe(
      `proxy saw: ${formSeen(proxy)} (Host ${JSON.stringify(proxy.requests[0]?.headers.host ?? null)}); origin route ${route(proxy, origin, '/x')}, TLS ${conn?.tls?.secureAt != null ? 'established' : 'none'}; ${outcomeOf(r)}`,
    );
    assert.equal(proxy.requests.length, 1, 'one request to the proxy');
    assert.equal(proxy.requests[0]?.method, 'CONNECT', 'the proxy was asked for a tunnel, not a resource');
    assert.equal(proxy.requests[0]?.target, `127.0.0.1:${origin.port}`, 'CONNECT host:port of the target');
    assert.equal(route(proxy, origin, '/x'), 'proxy', 'the request reached the origin through the tunnel');
    assert.ok(conn?.tls?.secureAt != null, 'TLS was negotiated with the origin, inside the tunnel');
    assert.equal(r.response?.status, 200);
  },
);

defineCase(
  {
    id: 'proxy/https-keep-alive-one-tunnel',
    title: 'keep-alive through a tunnel: sequential https requests share one CONNECT',
    level: 'should',
    doc: DOCS.keepAliveOption,
    requires: ['proxy'],
    expected:
      "keepAlive, two sequential requests to one https origin: one proxy connection, one CONNECT, one origin connection carrying both requests (Node's test-https-proxy-request-socket-keep-alive)",
  },
  async (ctx) => {
    const { origin, proxy, agent } = await tunnelSetup(ctx, {}, { keepAlive: true });
    const r1 = await agent.request({ origin, path: '/1' });
    await r1.completed();
    await pooled(ctx, agent, 1, 'the first socket back in the pool');
    await ctx.settle();
    const r2 = await agent.request({ origin, path: '/2' });
    await r2.completed();
    ctx.observe(
      `${proxy.connections.length} proxy connection(s), ${connects(proxy).length} CONNECT(s), ${origin.connections.length} origin connection(s); second request nth ${requestAt(origin, '/2')?.nth}`,
    );
    assert.equal(connects(proxy).length, 1, 'one CONNECT for both requests');
    assert.equal(proxy.connections.length, 1, 'one connection to the proxy');
    assert.equal(origin.connections.length, 1, 'one TLS connection at the origin');
    assert.equal(requestAt(origin, '/2')?.nth, 2, 'the second request rode the tunnel of the first');
  },
);

// A refused CONNECT means the tunnel to the https origin was never formed (RFC 9110 §9.3.6: any
// response other than 2xx); the proxy's 403/502 is not the origin's answer, so handing it to the
// caller as the response would pass the proxy off as the origin. The request met an error: 'error'.
for (const status of [403, 502]) {
  defineCase(
    {
      id: `proxy/refused-connect-${status}-settles`,
      title: `a CONNECT refused with ${status} fails every request with an 'error' and never reaches the origin`,
      level: 'should',
      doc: DOCS.requestError,
      requires: ['proxy'],
      expected: `a proxy that answers every CONNECT ${status}, an https target, keepAlive and maxSockets 1, three requests: each emits 'error' within 2 s and none gets a response (the proxy's ${status} is not the origin's), and the origin sees no connection`,
    },
    async (ctx) => {
      const { origin, proxy, agent } = await tunnelSetup(
        ctx,
        { refuseConnect: status },
        { keepAlive: true, maxSockets: 1 },
      );
      const { requests } = await agent.issue([1, 2, 3].map((i) => ({ origin, path: `/r${i}` })));
      const settled = await ctx.mayFail(
        ctx.waitFor('every request to settle', () => requests.every((r) => r.settled), 2000),
      );
      // a response or an error, per request: what the matrix shows, settled or not
      ctx.observe(`${requests.map(outcomeOf).join('; ')}; proxy saw ${formSeen(proxy)}`);
      if (!settled.ok) ctx.fail(settled.message);
      for (const r of requests) {
        assert.ok(
          r.response === null,
          `${r.id} got the proxy's refusal as if the origin had answered (${outcomeOf(r)})`,
        );
        assert.ok(r.error, `${r.id} emitted 'error' (${outcomeOf(r)})`);
      }
      assert.equal(origin.connections.length, 0, 'the origin is never contacted');
    },
  );
}

defineCase(
  {
    id: 'proxy/tunnel-closed-by-proxy',
    title: 'a pooled tunnel closed by the proxy is dropped; the next request opens a new one',
    level: 'should',
    doc: DOCS.pooledTcpKeepAlive,
    requires: ['proxy'],
    expected:
      'keepAlive, an https request through a tunnel the proxy closes (FIN both ways) 400 ms after its 200; once it is closed, a second request succeeds on a new CONNECT over a new proxy connection, without an error',
  },
  async (ctx) => {
    const { origin, proxy, agent } = await tunnelSetup(ctx, { tunnelCloseAfter: 400 }, { keepAlive: true });
    const r1 = await agent.request({ origin, path: '/1' });
    await r1.completed();
    await pooled(ctx, agent, 1, 'the first socket back in the pool');
    const first = await ctx.waitFor(
      'the proxy to close the tunnel',
      () => proxy.connections.find((c) => c.closedAt !== null),
      1500,
    );
    await ctx.waitFor(
      'the origin to see the tunnel close',
      () => origin.connections[0]?.closedAt != null,
      1000,
    );
    await ctx.settle();
    const r2 = await agent.request({ origin, path: '/2' });
    await r2.done();
    ctx.observe(
      `tunnel closed by ${first.closedBy} (${first.closeKind}); second request ${outcomeOf(r2)}; proxy saw ${formSeen(proxy)} on ${proxy.connections.length} connection(s)`,
    );
    assert.equal(r2.error, null, 'the second request did not fail');
    assert.equal(r2.response?.status, 200);
    assert.equal(connects(proxy).length, 2, 'a new CONNECT for the second request');
    assert.notEqual(connects(proxy)[1]?.connection, first.id, 'the new CONNECT is on a new proxy connection');
    assert.equal(origin.connections.length, 2, 'a new connection at the origin');
  },
);

// ---------------------------------------------------------------------------------------------
// The pool key is the target origin

defineCase(
  {
    id: 'proxy/max-sockets-through-proxy',
    title: 'maxSockets holds through the proxy',
    level: 'must',
    doc: DOCS.maxSocketsPerOrigin,
    requires: ['proxy'],
    expected:
      'maxSockets 1, three concurrent 100 ms requests to one origin through the proxy: never more than one proxy connection open (a tunnel still being set up counts) and one origin connection',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const proxy = await ctx.forwardProxy();
    const agent = await ctx.proxyAgent({
      proxy: proxy.url,
      agentOptions: { keepAlive: true, maxSockets: 1 },
    });
    const { requests } = await agent.issue(
      [1, 2, 3].map((i) => ({ origin, path: `/r${i}`, behaviour: { delay: 100 } })),
    );
    for (const r of requests) await r.completed();
    ctx.observe(`proxy peak ${proxyPeak(proxy.connections)}, origin peak ${origin.peak}`);
    assert.equal(proxyPeak(proxy.connections), 1, 'at most one connection to the proxy');
    assert.equal(origin.peak, 1, 'at most one connection at the origin');
  },
);

defineCase(
  {
    id: 'proxy/max-sockets-per-target-origin',
    title: 'maxSockets counts per target origin, not per proxy',
    level: 'must',
    doc: DOCS.maxSocketsPerOrigin,
    requires: ['proxy'],
    expected:
      'maxSockets 1, two origins, two concurrent 150 ms requests to each: both origins are served at the same time (two proxy connections at once), each origin sees at most one connection',
  },
  async (ctx) => {
    const a = await ctx.origin();
    const b = await ctx.origin();
    const proxy = await ctx.forwardProxy();
    const agent = await ctx.proxyAgent({
      proxy: proxy.url,
      agentOptions: { keepAlive: true, maxSockets: 1 },
    });
    const { requests } = await agent.issue(
      [a, b, a, b].map((origin, i) => ({ origin, path: `/r${i}`, behaviour: { delay: 150 } })),
    );
    for (const r of requests) await r.completed();
    const peak = proxyPeak(proxy.connections);
    ctx.observe(`proxy peak ${peak}, origin peaks A ${a.peak} B ${b.peak}`);
    assert.equal(a.peak, 1, 'origin A: at most maxSockets connections');
    assert.equal(b.peak, 1, 'origin B: at most maxSockets connections');
    assert.equal(peak, 2, 'the two origins are served in parallel: the limit is per target, not per proxy');
  },
);

defineCase(
  {
    id: 'proxy/max-total-sockets-through-proxy',
    title: 'maxTotalSockets holds across target origins through the proxy',
    level: 'must',
    doc: DOCS.maxTotalSocketsOption,
    requires: ['proxy', 'maxTotalSockets'],
    expected:
      'maxTotalSockets 1, one 150 ms request to each of two origins at once: never more than one proxy connection open, both requests served',
  },
  async (ctx) => {
    const a = await ctx.origin();
    const b = await ctx.origin();
    const proxy = await ctx.forwardProxy();
    const agent = await ctx.proxyAgent({ proxy: proxy.url, agentOptions: { maxTotalSockets: 1 } });
    const { requests } = await agent.issue(
      [a, b].map((origin, i) => ({ origin, path: `/r${i}`, behaviour: { delay: 150 } })),
    );
    for (const r of requests) await r.completed();
    ctx.observe(
      `proxy peak ${proxyPeak(proxy.connections)}, ${proxy.connections.length} proxy connection(s)`,
    );
    assert.equal(proxyPeak(proxy.connections), 1, 'at most maxTotalSockets connections to the proxy');
    assert.equal(a.requests.length + b.requests.length, 2, 'both requests served');
  },
);

// ---------------------------------------------------------------------------------------------
// Credentials

defineCase(
  {
    id: 'proxy/authorization-to-proxy-only',
    title: 'Proxy-Authorization goes to the proxy, never to the origin',
    level: 'should',
    doc: DOCS.proxyUrlWithAuth,
    requires: ['proxy'],
    expected:
      'credentials in the proxy URL, a proxy that requires them, two keep-alive requests: the proxy sees `Proxy-Authorization: Basic` (on each absolute-form request, or on the CONNECT), the origin sees no proxy-authorization header',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const proxy = await ctx.forwardProxy({ auth: { username: 'user', password: 'secret' } });
    const agent = await ctx.proxyAgent({
      proxy: proxy.urlWith('user', 'secret'),
      agentOptions: { keepAlive: true },
    });
    const r1 = await agent.request({ origin, path: '/1' });
    await r1.completed();
    await pooled(ctx, agent, 1, 'the first socket back in the pool');
    const r2 = await agent.request({ origin, path: '/2' });
    await r2.completed();
    const leaked = origin.requests.filter((q) => q.headers['proxy-authorization'] !== undefined);
    ctx.observe(
      `proxy credentials: ${proxy.requests.map((q) => q.credentials ?? 'none').join(', ')}; origin requests with proxy-authorization: ${leaked.length}`,
    );
    assert.equal(r1.response?.status, 200);
    assert.ok(
      proxy.requests.every((q) => q.credentials === 'user:secret'),
      'every request the proxy received carried the credentials',
    );
    assert.equal(leaked.length, 0, 'the origin never sees Proxy-Authorization');
  },
);

defineCase(
  {
    id: 'proxy/credentials-percent-decoded',
    title: 'percent-encoded credentials in the proxy URL are decoded',
    level: 'should',
    doc: DOCS.proxyUrlWithAuth,
    requires: ['proxy'],
    expected:
      'proxy URL `http://u%40x:p%20w@…`: the proxy receives Basic credentials `u@x:p w` and lets the request through',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const proxy = await ctx.forwardProxy({ auth: { username: 'u@x', password: 'p w' } });
    const agent = await ctx.proxyAgent({ proxy: proxy.urlWith('u@x', 'p w') });
    const r = await agent.request({ origin, path: '/x' });
    await r.done();
    ctx.observe(
      `proxy credentials ${proxy.requests.map((q) => JSON.stringify(q.credentials)).join(', ')}; ${outcomeOf(r)}`,
    );
    assert.equal(proxy.requests[0]?.credentials, 'u@x:p w');
    assert.equal(r.response?.status, 200);
  },
);

// ---------------------------------------------------------------------------------------------
// A proxy that says no, or nothing

defineCase(
  {
    id: 'proxy/auth-required-settles',
    title: 'a 407 from the proxy settles every request and never reaches the origin',
    level: 'should',
    doc: DOCS.requestError,
    requires: ['proxy'],
    expected:
      'a proxy requiring credentials, none given, maxSockets 1, three requests: each settles (a 407 response or an error: recorded) within 2 s, and the origin sees no connection',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const proxy = await ctx.forwardProxy({ auth: { username: 'u', password: 'p' } });
    const agent = await ctx.proxyAgent({
      proxy: proxy.url,
      agentOptions: { keepAlive: true, maxSockets: 1 },
    });
    const { requests } = await agent.issue([1, 2, 3].map((i) => ({ origin, path: `/r${i}` })));
    await ctx.waitFor('every request to settle', () => requests.every((r) => r.settled), 2000);
    ctx.observe(`${requests.map(outcomeOf).join('; ')}; proxy saw ${formSeen(proxy)}`);
    for (const r of requests)
      assert.ok(
        r.response?.status === 407 || r.error,
        `${r.id}: a 407 response or an error (${outcomeOf(r)})`,
      );
    assert.equal(origin.connections.length, 0, 'the origin is never contacted');
  },
);

// ---------------------------------------------------------------------------------------------
// Proxy down, requests queued: with maxSockets reached, every request queued behind a connection
// to a proxy that refuses or resets connections settles. The rule is "settles within
// QUEUE_SETTLE_MS": on loopback each attempt fails in a few ms, so the right value is well under
// 100 ms for three requests, and the wrong one is never (a queue stranded for good); the bound
// sits far from both, for a loaded machine.

const QUEUE_SETTLE_MS = 2000;

interface ProxyDown {
  slug: 'refused' | 'reset';
  how: string;
}

const PROXY_DOWN: ProxyDown[] = [
  {
    slug: 'refused',
    how: 'nothing listens on the proxy port any more (every connection refused)',
  },
  {
    slug: 'reset',
    how: 'the proxy resets each connection once its request (or CONNECT) arrived',
  },
];

/** Waits (bounded) for every request to settle, observes each outcome, and fails on any left unsettled. */
async function allSettle(
  ctx: CaseContext,
  proxy: ForwardProxy,
  requests: RequestHandle[],
  ms: number,
): Promise<void> {
  const settled = await ctx.mayFail(
    ctx.waitFor('every request to settle', () => requests.every((r) => r.settled), ms),
  );
  ctx.observe(
    `${requests.map((r) => `${r.id.replace(/^.*\./, '')} ${outcomeOf(r)}`).join('; ')}; the proxy saw ${proxy.connections.length} connection(s): ${formSeen(proxy)}`,
  );
  if (!settled.ok)
    ctx.fail(
      `${requests.filter((r) => !r.settled).length} of ${requests.length} requests still unsettled after ${ms} ms`,
    );
}

for (const down of PROXY_DOWN) {
  for (const protocol of ['http:', 'https:'] as const) {
    const secure = protocol === 'https:';
    defineCase(
      {
        id: `proxy/${down.slug}-queued-settle${secure ? '-https' : ''}`,
        title: `a proxy that ${down.slug === 'refused' ? 'refuses' : 'resets'} connections fails every queued request (${secure ? 'https: CONNECT' : 'http: absolute-form'})`,
        level: 'must',
        doc: DOCS.requestError,
        requires: ['proxy'],
        expected: `keepAlive and maxSockets 1 through a proxy, three ${secure ? 'https' : 'http'} requests in one tick (two queued behind the first), ${down.how}: every request emits 'error' within ${QUEUE_SETTLE_MS} ms (a few ms each on loopback; a stranded queue never settles), none gets a response, and the origin sees no connection`,
      },
      async (ctx) => {
        const origin = await ctx.origin(secure ? { tls: {} } : { tls: false });
        const proxy = await ctx.forwardProxy(down.slug === 'reset' ? { resetRequests: true } : {});
        // refused: the proxy's port is closed before any request (another listener taking that
        // ephemeral port within the case is the only way this could go wrong, and would be seen
        // as a connection or a response below)
        if (down.slug === 'refused') await proxy.stop();
        const agent = await ctx.proxyAgent({
          proxy: proxy.url,
          protocol,
          agentOptions: { keepAlive: true, maxSockets: 1 },
        });
        const { requests } = await agent.issue([1, 2, 3].map((i) => ({ origin, path: `/r${i}` })));
        await allSettle(ctx, proxy, requests, QUEUE_SETTLE_MS);
        for (const r of requests)
          assert.ok(r.response === null && r.error, `${r.id}: ${outcomeOf(r)}, where an 'error' was due`);
        if (down.slug === 'refused')
          assert.equal(proxy.connections.length, 0, 'the proxy port accepted nothing');
        assert.equal(origin.connections.length, 0, 'the origin is never contacted');
      },
    );
  }
}

defineCase(
  {
    id: 'proxy/tunnel-closed-queued-settle',
    title: 'a tunnel the proxy closes under a request fails it, and the requests queued behind it settle',
    level: 'should',
    doc: DOCS.requestError,
    requires: ['proxy'],
    expected: `keepAlive and maxSockets 1, three https requests through a proxy that closes each tunnel (FIN both ways) 150 ms after its 200; the first request's response is held 1000 ms, so its tunnel closes under it: it emits 'error', and the two queued behind it each settle (a response, or an 'error'), all within ${QUEUE_SETTLE_MS} ms of the first 'error' (a stranded queue never settles)`,
  },
  async (ctx) => {
    const { origin, proxy, agent } = await tunnelSetup(
      ctx,
      { tunnelCloseAfter: 150 },
      { keepAlive: true, maxSockets: 1 },
    );
    const { requests } = await agent.issue([
      { origin, path: '/r1', behaviour: { delay: 1000 } },
      { origin, path: '/r2' },
      { origin, path: '/r3' },
    ]);
    const [first] = requests;
    assert.ok(first);
    await first.done(2000);
    await allSettle(ctx, proxy, requests, QUEUE_SETTLE_MS);
    assert.ok(
      first.response === null && first.error,
      `the first request: ${outcomeOf(first)}, where an 'error' was due when its tunnel closed`,
    );
  },
);

defineCase(
  {
    id: 'proxy/silent-proxy-timeout',
    title: "a proxy that never answers fires the request's timeout",
    level: 'should',
    doc: DOCS.requestTimeoutOption,
    requires: ['proxy', 'perRequestTimeout'],
    expected: `a proxy that accepts and never answers, request \`timeout: 400\`: \`'timeout'\` on the request 400 ms after it was issued (within [${timerWindow(400).join(', ')}]: twice the timeout is out), the origin untouched`,
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const proxy = await ctx.forwardProxy({ silent: true });
    const agent = await ctx.proxyAgent({ proxy: proxy.url });
    const issued = ctx.now();
    const r = await agent.request({ origin, path: '/x', timeout: 400 });
    await ctx.waitFor("the request's 'timeout'", () => r.timeouts.length > 0 || r.settled, 1500);
    const at = r.timeouts[0];
    // from the moment the request was issued: its socket (and timer) cannot start earlier
    const from = issued;
    ctx.observe(
      at === undefined
        ? `no 'timeout': ${outcomeOf(r)}`
        : `'timeout' ${Math.round(at - from)} ms after the request`,
    );
    await r.act('destroy');
    assert.ok(at !== undefined, "the request emitted 'timeout'");
    withinTimer(at - from, 400, "'timeout' after the request was issued");
    assert.equal(origin.connections.length, 0, 'the origin is never contacted');
  },
);

// ---------------------------------------------------------------------------------------------
// NO_PROXY, one rule per case (each requires proxyNoProxy through ctx.proxyAgent)

defineCase(
  {
    id: 'proxy/no-proxy-star',
    title: 'NO_PROXY `*` bypasses the proxy for every host',
    level: 'must',
    doc: DOCS.noProxyAll,
    requires: ['proxy', 'proxyNoProxy'],
    expected: 'NO_PROXY `*`: requests to 127.0.0.1 and to a.test go directly to the origin',
  },
  (ctx) =>
    noProxyCase(ctx, { noProxy: '*' }, [
      { host: '127.0.0.1', expect: 'direct' },
      { host: 'a.test', expect: 'direct' },
    ]),
);

defineCase(
  {
    id: 'proxy/no-proxy-exact-host',
    title: 'NO_PROXY `a.test` matches that host name only',
    level: 'must',
    doc: DOCS.noProxyExactHost,
    requires: ['proxy', 'proxyNoProxy'],
    expected: 'NO_PROXY `a.test`: a.test goes directly; sub.a.test and b.test go through the proxy',
  },
  (ctx) =>
    noProxyCase(ctx, { noProxy: 'a.test' }, [
      { host: 'a.test', expect: 'direct' },
      { host: 'sub.a.test', expect: 'proxy' },
      { host: 'b.test', expect: 'proxy' },
    ]),
);

defineCase(
  {
    id: 'proxy/no-proxy-domain-suffix',
    title: 'NO_PROXY `.a.test` matches subdomains, not names that merely end the same',
    level: 'must',
    doc: DOCS.noProxyDomainSuffix,
    requires: ['proxy', 'proxyNoProxy'],
    expected:
      'NO_PROXY `.a.test`: sub.a.test goes directly; bada.test goes through the proxy (nodejs/node#62907)',
  },
  (ctx) =>
    noProxyCase(ctx, { noProxy: '.a.test' }, [
      { host: 'sub.a.test', expect: 'direct' },
      { host: 'bada.test', expect: 'proxy' },
    ]),
);

defineCase(
  {
    id: 'proxy/no-proxy-wildcard',
    title: 'NO_PROXY `*.a.test` matches subdomains',
    level: 'must',
    doc: DOCS.noProxyWildcard,
    requires: ['proxy', 'proxyNoProxy'],
    expected: 'NO_PROXY `*.a.test`: sub.a.test goes directly; bada.test and b.test go through the proxy',
  },
  (ctx) =>
    noProxyCase(ctx, { noProxy: '*.a.test' }, [
      { host: 'sub.a.test', expect: 'direct' },
      { host: 'bada.test', expect: 'proxy' },
      { host: 'b.test', expect: 'proxy' },
    ]),
);

defineCase(
  {
    id: 'proxy/no-proxy-ip',
    title: 'NO_PROXY with an IP address matches that address, not a name resolving to it',
    level: 'must',
    doc: DOCS.noProxyIp,
    requires: ['proxy', 'proxyNoProxy'],
    expected:
      'NO_PROXY `127.0.0.1`: a request to 127.0.0.1 goes directly; one to a.test (also loopback) through the proxy',
  },
  (ctx) =>
    noProxyCase(ctx, { noProxy: '127.0.0.1' }, [
      { host: '127.0.0.1', expect: 'direct' },
      { host: 'a.test', expect: 'proxy' },
    ]),
);

defineCase(
  {
    id: 'proxy/no-proxy-ip-range',
    title: 'NO_PROXY with an IP address range matches addresses inside it',
    level: 'must',
    doc: DOCS.noProxyIpRange,
    requires: ['proxy', 'proxyNoProxy'],
    expected:
      'NO_PROXY `127.0.0.0-127.0.0.5`: a request to 127.0.0.1 goes directly; one to a.test through the proxy',
  },
  (ctx) =>
    noProxyCase(ctx, { noProxy: '127.0.0.0-127.0.0.5' }, [
      { host: '127.0.0.1', expect: 'direct' },
      { host: 'a.test', expect: 'proxy' },
    ]),
);

defineCase(
  {
    id: 'proxy/no-proxy-host-port',
    title: 'NO_PROXY `host:port` matches that port only',
    level: 'must',
    doc: DOCS.noProxyHostPort,
    requires: ['proxy', 'proxyNoProxy'],
    expected:
      'two origins on 127.0.0.1, NO_PROXY `127.0.0.1:<port of A>`: A goes directly, B through the proxy',
  },
  (ctx) =>
    noProxyCase(ctx, { noProxy: (ports) => `127.0.0.1:${ports[0]}`, origins: 2 }, [
      { host: '127.0.0.1', origin: 0, expect: 'direct' },
      { host: '127.0.0.1', origin: 1, expect: 'proxy' },
    ]),
);

defineCase(
  {
    id: 'proxy/no-proxy-case-insensitive',
    title: 'NO_PROXY host names match case-insensitively',
    level: 'should',
    doc: DOCS.noProxyExactHost,
    requires: ['proxy', 'proxyNoProxy'],
    expected: 'NO_PROXY `A.TEST`: a request to a.test goes directly (host names are case-insensitive)',
  },
  (ctx) =>
    noProxyCase(ctx, { noProxy: 'A.TEST' }, [
      { host: 'a.test', expect: 'direct' },
      { host: 'b.test', expect: 'proxy' },
    ]),
);

defineCase(
  {
    id: 'proxy/no-proxy-list',
    title: 'NO_PROXY takes a comma-separated list',
    level: 'must',
    doc: DOCS.noProxyList,
    requires: ['proxy', 'proxyNoProxy'],
    expected: 'NO_PROXY ` b.test , a.test `: a.test and b.test go directly, localhost through the proxy',
  },
  (ctx) =>
    noProxyCase(ctx, { noProxy: ' b.test , a.test ' }, [
      { host: 'a.test', expect: 'direct' },
      { host: 'b.test', expect: 'direct' },
      { host: 'localhost', expect: 'proxy' },
    ]),
);

defineCase(
  {
    id: 'proxy/no-proxy-lower-case-wins',
    title: 'no_proxy takes precedence over NO_PROXY',
    level: 'must',
    doc: DOCS.proxyNoProxyVariable,
    requires: ['proxy', 'proxyEnv'],
    expected:
      'HTTP_PROXY set, NO_PROXY `a.test`, no_proxy `b.test`: b.test goes directly, a.test through the proxy',
  },
  (ctx) =>
    noProxyCase(ctx, { env: { HTTP_PROXY: '$PROXY', NO_PROXY: 'a.test', no_proxy: 'b.test' } }, [
      { host: 'a.test', expect: 'proxy' },
      { host: 'b.test', expect: 'direct' },
    ]),
);

defineCase(
  {
    id: 'proxy/http-proxy-lower-case-wins',
    title: 'http_proxy takes precedence over HTTP_PROXY',
    level: 'must',
    doc: DOCS.proxyHttpVariable,
    requires: ['proxy', 'proxyEnv'],
    expected: 'HTTP_PROXY = proxy U, http_proxy = proxy L: the request goes through L only',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const upper = await ctx.forwardProxy({ label: 'U' });
    const lower = await ctx.forwardProxy({ label: 'L' });
    const agent = await ctx.proxyAgent({ env: { HTTP_PROXY: upper.url, http_proxy: lower.url } });
    const r = await agent.request({ origin, path: '/x' });
    await r.completed();
    ctx.observe(
      `HTTP_PROXY proxy saw ${upper.requests.length}, http_proxy proxy saw ${lower.requests.length}`,
    );
    assert.equal(lower.requests.length, 1, 'the http_proxy proxy carried the request');
    assert.equal(upper.requests.length, 0, 'the HTTP_PROXY proxy saw nothing');
  },
);

defineCase(
  {
    id: 'proxy/https-proxy-lowercase-wins',
    title: 'https_proxy takes precedence over HTTPS_PROXY',
    level: 'must',
    doc: DOCS.proxyHttpsVariable,
    requires: ['proxy', 'proxyEnv'],
    expected:
      'HTTPS_PROXY = proxy U, https_proxy = proxy L, an https target: the CONNECT goes to L only, and the request reaches the origin through it',
  },
  async (ctx) => {
    const origin = await ctx.origin({ tls: {} });
    const upper = await ctx.forwardProxy({ label: 'U' });
    const lower = await ctx.forwardProxy({ label: 'L' });
    const agent = await ctx.proxyAgent({
      env: { HTTPS_PROXY: upper.url, https_proxy: lower.url },
      protocol: 'https:',
    });
    const r = await agent.request({ origin, path: '/x' });
    await r.done();
    ctx.observe(
      `HTTPS_PROXY proxy saw ${formSeen(upper)}, https_proxy proxy saw ${formSeen(lower)}; origin route ${route(lower, origin, '/x')}; ${outcomeOf(r)}`,
    );
    assert.equal(upper.requests.length, 0, 'the HTTPS_PROXY proxy saw nothing');
    assert.equal(connects(lower).length, 1, 'the https_proxy proxy was asked for one tunnel');
    assert.equal(
      route(lower, origin, '/x'),
      'proxy',
      'the request reached the origin through the https_proxy proxy',
    );
  },
);

defineCase(
  {
    id: 'proxy/env-one-scheme-only',
    title: "a proxy variable of one scheme does not proxy the other scheme's requests",
    level: 'must',
    doc: DOCS.proxyHttpVariable,
    requires: ['proxy', 'proxyEnv'],
    expected:
      'only HTTPS_PROXY set, an http target: the request goes directly to the origin; only HTTP_PROXY set, an https target: directly too (no CONNECT); the proxy sees nothing',
  },
  async (ctx) => {
    const plain = await ctx.origin({ label: 'P' });
    const secure = await ctx.origin({ label: 'S', tls: {} });
    const proxy = await ctx.forwardProxy();
    const httpAgent = await ctx.proxyAgent({ env: { HTTPS_PROXY: proxy.url } });
    const httpsAgent = await ctx.proxyAgent({ env: { HTTP_PROXY: proxy.url }, protocol: 'https:' });
    const r1 = await httpAgent.request({ origin: plain, path: '/http' });
    await r1.done();
    const r2 = await httpsAgent.request({ origin: secure, path: '/https' });
    await r2.done();
    ctx.observe(
      `http target with only HTTPS_PROXY: ${route(proxy, plain, '/http')}, ${outcomeOf(r1)}; https target with only HTTP_PROXY: ${route(proxy, secure, '/https')}, ${outcomeOf(r2)}; proxy saw ${formSeen(proxy)}`,
    );
    assert.equal(
      route(proxy, plain, '/http'),
      'direct',
      'the http request went directly (HTTPS_PROXY is for https)',
    );
    assert.equal(
      route(proxy, secure, '/https'),
      'direct',
      'the https request went directly (HTTP_PROXY is for http)',
    );
    assert.equal(proxy.requests.length, 0, 'the proxy saw no request');
  },
);

defineCase(
  {
    id: 'proxy/global-env-proxy',
    title: 'http.setGlobalProxyFromEnv() proxies agent-less requests only, until it is restored',
    level: 'must',
    doc: DOCS.setGlobalProxyFromEnv,
    requires: ['globalProxy'],
    // process-wide: the runtime's global agent changes for every case of the subject process
    alone: true,
    expected:
      'http.setGlobalProxyFromEnv({ HTTP_PROXY }) in the subject process: a request with no agent goes through the proxy (absolute-form), one through an agent the subject makes then (no proxyEnv) goes directly; after the returned restore function, an agent-less request goes directly again',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const proxy = await ctx.forwardProxy();
    const restore = await ctx.globalProxy({ HTTP_PROXY: proxy.url });
    // made while the global proxy is on: still an agent without proxyEnv
    const agent = await ctx.agent({ keepAlive: true });
    const global = await (await agent.request({ origin, path: '/global', useAgent: 'global' })).done();
    const own = await (await agent.request({ origin, path: '/own' })).done();
    await restore();
    const after = await (await agent.request({ origin, path: '/restored', useAgent: 'global' })).done();
    ctx.observe(
      `agent-less: ${route(proxy, origin, '/global')} (${outcomeOf(global)}); subject's agent: ${route(proxy, origin, '/own')} (${outcomeOf(own)}); agent-less after restore: ${route(proxy, origin, '/restored')} (${outcomeOf(after)}); proxy saw ${formSeen(proxy)}`,
    );
    assert.equal(route(proxy, origin, '/global'), 'proxy', 'the agent-less request went through the proxy');
    assert.equal(route(proxy, origin, '/own'), 'direct', "the subject's own agent went directly");
    assert.equal(
      route(proxy, origin, '/restored'),
      'direct',
      'after restore, the agent-less request went directly',
    );
  },
);

defineCase(
  {
    id: 'proxy/env-proxy-at-start',
    title: 'NODE_USE_ENV_PROXY=1 at start proxies agent-less requests, not an agent of the subject',
    level: 'must',
    doc: DOCS.useEnvProxy,
    requires: ['envProxyAtStart'],
    // a fresh process of the runtime is started (and the module loaded) for this case
    budgetMs: 15_000,
    expected:
      'a fresh subject process started with NODE_USE_ENV_PROXY=1 and HTTP_PROXY (http_proxy too, NO_PROXY and no_proxy empty): a request with no agent goes through the proxy, one through the agent the subject makes goes directly',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const proxy = await ctx.forwardProxy();
    // both spellings, so that whatever the suite's own environment holds cannot decide
    const env = {
      NODE_USE_ENV_PROXY: '1',
      HTTP_PROXY: proxy.url,
      http_proxy: proxy.url,
      NO_PROXY: '',
      no_proxy: '',
    };
    const probe = await ctx.exitProbe(
      [
        { origin, path: '/global', useAgent: 'global' },
        { origin, path: '/own' },
      ],
      { agentOptions: { keepAlive: true }, exitWithinMs: 2000, deadlineMs: 10_000, env },
    );
    if (probe.unsupported) ctx.unsupported(probe.unsupported);
    if (probe.code !== null && probe.code !== 0)
      throw new Error(
        `the probe process exited with code ${probe.code}: ${probe.stderr.trim().split('\n').at(-1) ?? ''}`,
      );
    const outcome = (n: number) => {
      const e = probe.events.find((x) => x.n === n && (x.ev === 'response' || x.ev === 'error'));
      return e
        ? e.ev === 'response'
          ? `response ${e.status}`
          : `error ${e.code ?? e.message}`
        : 'no answer';
    };
    ctx.observe(
      `agent-less: ${route(proxy, origin, '/global')} (${outcome(1)}); subject's agent: ${route(proxy, origin, '/own')} (${outcome(2)}); proxy saw ${formSeen(proxy)}`,
    );
    assert.equal(route(proxy, origin, '/global'), 'proxy', 'the agent-less request went through the proxy');
    assert.equal(route(proxy, origin, '/own'), 'direct', "the subject's own agent went directly");
  },
);

// ---------------------------------------------------------------------------------------------
// Requests the proxy settings do not apply to

defineCase(
  {
    id: 'proxy/unix-socket-not-proxied',
    title: 'a request to a Unix domain socket ignores the proxy settings',
    level: 'must',
    doc: DOCS.proxyUnixSocketIgnored,
    requires: ['proxy', 'proxyEnv'],
    expected:
      'HTTP_PROXY = the proxy, a plain http request with `socketPath` to an origin on a Unix socket: the origin receives it and the proxy sees no connection and no request; then a request to a TCP origin through the same agent reaches it through the proxy (so the agent does proxy)',
  },
  async (ctx) => {
    const unix = await ctx.origin({ label: 'U', socketPath: true });
    const tcp = await ctx.origin({ label: 'T' });
    const proxy = await ctx.forwardProxy();
    const agent = await ctx.proxyAgent({ env: { HTTP_PROXY: proxy.url } });
    const socketPath = unix.socketPath ?? ctx.fail('the Unix-socket origin has no socketPath');
    const r1 = await agent.request({ origin: unix, socketPath, path: '/unix' });
    await r1.done();
    // what the proxy had seen once the Unix-socket request was over, before the control request
    const proxied = { connections: proxy.connections.length, requests: proxy.requests.length };
    const proxySaw = formSeen(proxy);
    const r2 = await agent.request({ origin: tcp, path: '/tcp' });
    await r2.done();
    const arrival = requestAt(unix, '/unix');
    const control = route(proxy, tcp, '/tcp');
    const how = { proxy: 'through the proxy', direct: 'directly', missing: 'never' }[control];
    ctx.observe(
      `Unix-socket request: ${outcomeOf(r1)}, the origin ${arrival ? 'received it' : 'saw nothing'}, the proxy saw ${proxySaw} on ${proxied.connections} connection(s); TCP request: ${outcomeOf(r2)}, reached its origin ${how}`,
    );
    assert.equal(
      proxied.requests,
      0,
      `the proxy received the Unix-socket request (${proxySaw}): the proxy settings were not ignored`,
    );
    assert.equal(
      proxied.connections,
      0,
      `the proxy had ${proxied.connections} client connection(s) by the end of the Unix-socket request`,
    );
    assert.ok(arrival, 'the origin on the Unix socket received the request');
    assert.equal(r1.response?.status, 200, `the Unix-socket request: ${outcomeOf(r1)}`);
    assert.equal(
      control,
      'proxy',
      `the control request to a TCP origin reached it ${how}, not through the proxy (an agent that never proxies cannot pass)`,
    );
  },
);
