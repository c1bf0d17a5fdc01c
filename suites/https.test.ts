/**
 * `https`: an https agent over TLS origins. Which TLS options keep requests apart (two requests that
 * differ in one of them must never share a connection), the SNI the origin receives, the TLS session
 * cache (`maxCachedSessions`: resumption, the limit, eviction), the https defaults, pooling over TLS
 * and what a failed handshake does to the request and the pool. Every verdict rests on the origin's
 * records: connections, the requests they carried and, per connection, the TLS handshake it saw
 * (`tls.servername`, `tls.resumed`). Agent bookkeeping is secondary evidence only.
 */
import assert from 'node:assert/strict';
import {
  type AgentHandle,
  type CaseContext,
  clientCert,
  defineCase,
  IDENTITY_REJECTED_CODE,
  type Origin,
  PFX_BUNDLES,
  PFX_PASSPHRASE,
  pfxCommonName,
  type RequestHandle,
  type RequestOptions,
  type TlsOriginOptions,
  untrustedCa,
} from '../harness/suite/api.ts';
import { DOCS } from './docs.ts';
import {
  closed,
  connectionOf,
  describeConnections,
  idleAfter,
  pooled,
  timerWindow,
  withinTimer,
} from './wire.ts';

/** A TLS origin whatever `--protocol` says. */
function tlsOrigin(ctx: CaseContext, label?: string, tls: TlsOriginOptions = {}): Promise<Origin> {
  return ctx.origin(label === undefined ? { tls } : { label, tls });
}

/** One request, completed, then its socket back in the pool (keep-alive agents). */
async function pooledRequest(
  ctx: CaseContext,
  agent: AgentHandle,
  options: RequestOptions,
): Promise<RequestHandle> {
  const before = agent.frees.length;
  const r = await (await agent.request(options)).completed();
  await pooled(ctx, agent, before + 1, `the socket of ${r.id} to be pooled`);
  return r;
}

/** One request on a new connection, completed, and that connection closed by the client (keepAlive false). */
async function oneShot(
  ctx: CaseContext,
  agent: AgentHandle,
  options: RequestOptions,
): Promise<RequestHandle> {
  const r = await (await agent.request(options)).completed();
  await closed(ctx, connectionOf(ctx, r), 1000);
  await ctx.settle();
  return r;
}

/** Whether the origin resumed the TLS session of the connection that carried `r`. */
function resumed(ctx: CaseContext, r: RequestHandle): boolean {
  const conn = connectionOf(ctx, r);
  return conn.tls?.resumed === true;
}

function resumptions(ctx: CaseContext, list: RequestHandle[]): string {
  return list.map((r) => `${r.origin.label}:${resumed(ctx, r) ? 'resumed' : 'full'}`).join(' ');
}

// ---------------------------------------------------------------------------------------------
// pool keys: a TLS option that changes the connection separates requests

interface Variant {
  slug: string;
  option: string;
  /** The two requests' extra options: they differ in exactly one TLS option. */
  make: (origin: Origin) => Promise<[Partial<RequestOptions>, Partial<RequestOptions>]>;
  /** The origin asks for a client certificate (without requiring one) and records its CN. */
  requestCert?: boolean;
}

/** `pfx` as an array of `{ buf, passphrase }` bundles, by index into PFX_BUNDLES. */
function pfxArray(...bundles: number[]): { buf: string; passphrase: string }[] {
  return bundles.map((i) => ({ buf: PFX_BUNDLES[i] ?? '', passphrase: PFX_PASSPHRASE }));
}

/** The client certificate (CN) each of the origin's connections presented. */
function clientCerts(origin: Origin): string {
  return origin.connections.map((c) => `#${c.id} ${c.tls?.clientCert ?? 'no client certificate'}`).join(', ');
}

const VARIANTS: Variant[] = [
  {
    slug: 'ca',
    option: '`ca` (the test CA, then the test CA plus a second one)',
    make: async (o) => [{ tls: { ca: o.ca } }, { tls: { ca: [o.ca, (await untrustedCa()).cert] } }],
  },
  {
    slug: 'cert-key',
    option: '`cert`/`key` (none, then a client certificate)',
    make: async () => {
      const c = await clientCert();
      return [{}, { tls: { cert: c.cert, key: c.key } }];
    },
  },
  {
    slug: 'pfx',
    option: '`pfx` (one PKCS#12 bundle as a Buffer, then another; the same passphrase)',
    make: async () => [
      { tls: { pfx: PFX_BUNDLES[0], passphrase: PFX_PASSPHRASE } },
      { tls: { pfx: PFX_BUNDLES[1], passphrase: PFX_PASSPHRASE } },
    ],
    requestCert: true,
  },
  {
    slug: 'pfx-array',
    option:
      'one bundle of a `pfx` array (two `{ buf, passphrase }` bundles, then the same array with its 2nd bundle replaced)',
    make: async () => [{ tls: { pfx: pfxArray(0, 1) } }, { tls: { pfx: pfxArray(0, 2) } }],
    requestCert: true,
  },
  {
    slug: 'reject-unauthorized',
    option: '`rejectUnauthorized` (default, then false)',
    make: async () => [{}, { tls: { rejectUnauthorized: false } }],
  },
  {
    slug: 'servername',
    option: "`servername` (the host's name a.test, then b.test)",
    make: async () => [
      { host: 'a.test', resolve: 'loopback' },
      { host: 'a.test', resolve: 'loopback', tls: { servername: 'b.test' } },
    ],
  },
  {
    slug: 'min-version',
    option: "`minVersion` (default, then 'TLSv1.3')",
    make: async () => [{}, { tls: { minVersion: 'TLSv1.3' } }],
  },
  {
    slug: 'max-version',
    option: "`maxVersion` (default, then 'TLSv1.2')",
    make: async () => [{}, { tls: { maxVersion: 'TLSv1.2' } }],
  },
  {
    slug: 'ciphers',
    option: '`ciphers` (default, then one TLS 1.2 suite and one TLS 1.3 suite)',
    make: async () => [{}, { tls: { ciphers: 'TLS_AES_128_GCM_SHA256:ECDHE-ECDSA-AES128-GCM-SHA256' } }],
  },
];

for (const v of VARIANTS) {
  defineCase(
    {
      id: `https/key-separates-${v.slug}`,
      title: `requests that differ only in ${v.option.replace(/ \(.*$/, '')} never share a connection`,
      level: 'must',
      doc: DOCS.httpsRequestTlsOptions,
      requires: ['https', 'requestTlsOptions'],
      expected: `keepAlive: a request, its socket pooled, then a request that differs only in ${v.option}: the origin sees a 2nd connection, never the pooled one`,
    },
    async (ctx) => {
      const origin = await tlsOrigin(ctx, undefined, v.requestCert ? { requestCert: true } : {});
      const agent = await ctx.httpsAgent({ keepAlive: true });
      const [a, b] = await v.make(origin);
      const first = await pooledRequest(ctx, agent, { origin, path: '/first', ...a });
      const second = await (await agent.request({ origin, path: '/second', ...b })).completed();
      ctx.observe(
        v.requestCert
          ? `${describeConnections(origin)}; client certificates: ${clientCerts(origin)}`
          : describeConnections(origin),
      );
      assert.equal(origin.connections.length, 2, 'a second connection for the second request');
      assert.notEqual(
        connectionOf(ctx, second).id,
        connectionOf(ctx, first).id,
        'the second request did not ride the pooled connection',
      );
      assert.equal(second.socket?.reusedSocket, false, 'reusedSocket is false for the second request');
    },
  );
}

defineCase(
  {
    id: 'https/key-same-options-share',
    title: 'requests with the same TLS options share the pooled connection',
    level: 'must',
    doc: DOCS.httpsAgentClass,
    requires: ['https'],
    expected:
      'keepAlive, the same ca/servername on both requests: the second rides the pooled TLS connection (nth 2), one handshake in all',
  },
  async (ctx) => {
    const origin = await tlsOrigin(ctx);
    const agent = await ctx.httpsAgent({ keepAlive: true });
    const same = { host: 'a.test', resolve: 'loopback' as const };
    await pooledRequest(ctx, agent, { origin, ...same });
    const second = await (await agent.request({ origin, ...same })).completed();
    ctx.observe(
      `${describeConnections(origin)}; handshakes ${origin.connections.filter((c) => c.tls?.secureAt !== null).length}`,
    );
    assert.equal(origin.connections.length, 1, 'one TLS connection for both requests');
    assert.equal(origin.requests[1]?.nth, 2, 'the second request is the 2nd on its connection');
    assert.equal(second.socket?.reusedSocket, true, 'reusedSocket is true on the pooled socket');
  },
);

/** Two requests with equal `pfx` options: each request's Buffers are new, so equal never means the same object. */
const SAME_PFX: { slug: string; what: string; bundles: number[]; tls: () => RequestOptions['tls'] }[] = [
  {
    slug: 'pfx',
    bundles: [0],
    what: 'the same PKCS#12 bundle as `pfx` (a new Buffer per request) and the same passphrase',
    tls: () => ({ pfx: PFX_BUNDLES[0], passphrase: PFX_PASSPHRASE }),
  },
  {
    slug: 'pfx-array',
    bundles: [0, 1],
    what: 'the same array of two `{ buf, passphrase }` bundles as `pfx` (new Buffers per request)',
    tls: () => ({ pfx: pfxArray(0, 1) }),
  },
];

for (const c of SAME_PFX) {
  defineCase(
    {
      id: `https/key-same-${c.slug}-shares`,
      title: `requests with equal \`pfx\` client identities share the pooled connection (${c.slug === 'pfx' ? 'a Buffer' : 'an array'})`,
      level: 'must',
      doc: DOCS.httpsAgentClass,
      requires: ['https', 'requestTlsOptions'],
      expected: `keepAlive, both requests with ${c.what}: the second rides the pooled TLS connection (nth 2), one connection in all, which presented a certificate of the pfx`,
    },
    async (ctx) => {
      const origin = await tlsOrigin(ctx, undefined, { requestCert: true });
      const agent = await ctx.httpsAgent({ keepAlive: true });
      await pooledRequest(ctx, agent, { origin, path: '/first', tls: c.tls() });
      const second = await (await agent.request({ origin, path: '/second', tls: c.tls() })).completed();
      ctx.observe(`${describeConnections(origin)}; client certificates: ${clientCerts(origin)}`);
      // the identity really was sent: the pool key is about a certificate the origin saw (which
      // bundle of an array a client presents is not documented: Node takes the last, Deno the first)
      const offered = c.bundles.map(pfxCommonName);
      const presented = origin.connections[0]?.tls?.clientCert ?? null;
      assert.ok(
        presented !== null && offered.includes(presented),
        `the connection presented a certificate of the pfx (${offered.join(' or ')})`,
      );
      assert.equal(origin.connections.length, 1, 'one TLS connection for both requests');
      assert.equal(origin.requests[1]?.nth, 2, 'the second request is the 2nd on its connection');
      assert.equal(second.socket?.reusedSocket, true, 'reusedSocket is true on the pooled socket');
    },
  );
}

defineCase(
  {
    id: 'https/name-format',
    title: "getName() is Node's: the http name followed by the TLS fields",
    level: 'should',
    doc: DOCS.httpsAgentClass,
    requires: ['https', 'getName'],
    expected:
      "getName({host: 'a', port: 443}) is 'a:443:' followed by 20 colons (Node 24); a servername that differs from the host and rejectUnauthorized appear in the name",
  },
  async (ctx) => {
    const agent = await ctx.httpsAgent();
    const plain = await agent.getName({ host: 'a', port: 443 });
    const named = await agent.getName({ host: 'a', port: 443, servername: 'b' });
    const sameName = await agent.getName({ host: 'a', port: 443, servername: 'a' });
    const strict = await agent.getName({ host: 'a', port: 443, rejectUnauthorized: false });
    ctx.observe(`${JSON.stringify(plain)}, servername b: ${JSON.stringify(named)}`);
    assert.equal(plain, `a:443:${':'.repeat(20)}`, 'the name of a request without TLS options');
    assert.notEqual(named, plain, 'a servername other than the host is in the name');
    assert.ok(String(named).includes(':b:'), 'the servername is a field of its own');
    assert.equal(sameName, plain, 'a servername equal to the host is left out');
    assert.notEqual(strict, plain, 'rejectUnauthorized is in the name');
  },
);

// ---------------------------------------------------------------------------------------------
// SNI

interface SniCase {
  slug: string;
  title: string;
  level: 'must' | 'should';
  doc: (typeof DOCS)[keyof typeof DOCS];
  request: Partial<RequestOptions>;
  sni: string | null;
  expected: string;
}

const SNI: SniCase[] = [
  {
    slug: 'sni-host-name',
    title: 'the SNI is the host name by default',
    level: 'must',
    doc: DOCS.httpsServername,
    request: { host: 'a.test', resolve: 'loopback' },
    sni: 'a.test',
    expected: 'a request to https://a.test:PORT without servername: the origin receives SNI a.test',
  },
  {
    slug: 'sni-none-for-ip',
    title: 'no SNI for an IP address',
    level: 'must',
    doc: DOCS.tlsServername,
    request: {},
    sni: null,
    expected: 'a request to https://127.0.0.1:PORT without servername: the origin receives no SNI',
  },
  {
    slug: 'sni-explicit-wins',
    title: 'an explicit servername is the SNI',
    level: 'must',
    doc: DOCS.httpsServername,
    request: { host: 'a.test', resolve: 'loopback', tls: { servername: 'b.test' } },
    sni: 'b.test',
    expected: "a request to https://a.test:PORT with servername 'b.test': the origin receives SNI b.test",
  },
  {
    slug: 'sni-empty-disables',
    title: "servername '' sends no SNI",
    level: 'must',
    doc: DOCS.httpsServername,
    request: { host: 'a.test', resolve: 'loopback', tls: { servername: '' } },
    sni: null,
    expected: "a request to https://a.test:PORT with servername '': the origin receives no SNI",
  },
];

for (const c of SNI) {
  defineCase(
    {
      id: `https/${c.slug}`,
      title: c.title,
      level: c.level,
      doc: c.doc,
      requires: ['https', ...(c.request.tls ? (['requestTlsOptions'] as const) : [])],
      expected: c.expected,
    },
    async (ctx) => {
      const origin = await tlsOrigin(ctx);
      const agent = await ctx.httpsAgent({ keepAlive: true });
      const r = await (await agent.request({ origin, ...c.request })).completed();
      const sni = connectionOf(ctx, r).tls?.servername ?? null;
      ctx.observe(`the origin received SNI ${sni === null ? 'none' : sni}`);
      assert.equal(sni, c.sni, 'the SNI the origin received');
    },
  );
}

// ---------------------------------------------------------------------------------------------
// the session cache (keepAlive false: every request on a new connection)

defineCase(
  {
    id: 'https/session-resumed',
    title: 'a new connection to the same origin resumes the cached TLS session',
    level: 'must',
    doc: DOCS.httpsMaxCachedSessions,
    requires: ['https'],
    expected:
      'keepAlive false, default maxCachedSessions: the 1st connection does a full handshake, the 2nd (after the 1st closed) is resumed',
  },
  async (ctx) => {
    const origin = await tlsOrigin(ctx);
    const agent = await ctx.httpsAgent({ keepAlive: false });
    const first = await oneShot(ctx, agent, { origin });
    const second = await oneShot(ctx, agent, { origin });
    ctx.observe(resumptions(ctx, [first, second]));
    assert.equal(origin.connections.length, 2, 'two connections');
    assert.equal(resumed(ctx, first), false, 'the 1st connection is a full handshake');
    assert.equal(resumed(ctx, second), true, 'the 2nd connection resumed the session');
    const client = second.secure[0];
    if (client) assert.equal(client.sessionReused, true, 'the client reports isSessionReused()');
  },
);

defineCase(
  {
    id: 'https/session-cache-disabled',
    title: 'maxCachedSessions 0 disables resumption',
    level: 'must',
    doc: DOCS.httpsMaxCachedSessions,
    requires: ['https'],
    expected: 'keepAlive false, maxCachedSessions 0: no connection to the origin is resumed',
  },
  async (ctx) => {
    const origin = await tlsOrigin(ctx);
    const agent = await ctx.httpsAgent({ keepAlive: false, maxCachedSessions: 0 });
    const list = [];
    for (let i = 0; i < 3; i++) list.push(await oneShot(ctx, agent, { origin }));
    ctx.observe(resumptions(ctx, list));
    assert.deepEqual(
      list.map((r) => resumed(ctx, r)),
      [false, false, false],
      'resumed, per connection',
    );
  },
);

defineCase(
  {
    id: 'https/session-cache-limit',
    title: 'the session cache holds at most maxCachedSessions sessions',
    level: 'must',
    doc: DOCS.httpsMaxCachedSessions,
    requires: ['https'],
    expected:
      'keepAlive false, maxCachedSessions 1, origins A then B then A: the second A connection is not resumed (B took the only place); a further A connection is',
  },
  async (ctx) => {
    const a = await tlsOrigin(ctx, 'A');
    const b = await tlsOrigin(ctx, 'B');
    const agent = await ctx.httpsAgent({ keepAlive: false, maxCachedSessions: 1 });
    const list = [];
    for (const origin of [a, a, b, a, a]) list.push(await oneShot(ctx, agent, { origin }));
    ctx.observe(resumptions(ctx, list));
    const [, a2, , a3, a4] = list.map((r) => resumed(ctx, r));
    assert.equal(a2, true, 'A resumes while its session is the only one cached');
    assert.equal(a3, false, "A's session was dropped when B's was cached");
    assert.equal(a4, true, 'the cache works again for A');
  },
);

defineCase(
  {
    id: 'https/session-cache-fifo',
    title: 'a full session cache drops the oldest entry, and using a session does not refresh it',
    level: 'should',
    doc: DOCS.httpsMaxCachedSessions,
    requires: ['https'],
    expected:
      "keepAlive false, maxCachedSessions 2: A, B, A (resumed), C, then A is not resumed and B is (Node's first-in-first-out eviction)",
  },
  async (ctx) => {
    const [a, b, c] = [await tlsOrigin(ctx, 'A'), await tlsOrigin(ctx, 'B'), await tlsOrigin(ctx, 'C')];
    const agent = await ctx.httpsAgent({ keepAlive: false, maxCachedSessions: 2 });
    const list = [];
    for (const origin of [a, b, a, c, b, a]) list.push(await oneShot(ctx, agent, { origin }));
    ctx.observe(resumptions(ctx, list));
    const [, , a2, , b2, a3] = list.map((r) => resumed(ctx, r));
    assert.equal(a2, true, 'A resumes while cached');
    assert.equal(b2, true, 'B, the newer entry, survived C');
    assert.equal(a3, false, 'A, the oldest entry, was evicted by C although it had just been used');
  },
);

defineCase(
  {
    id: 'https/session-cache-default',
    title: 'maxCachedSessions defaults to 100',
    level: 'must',
    doc: DOCS.httpsMaxCachedSessions,
    requires: ['https', 'requestTlsOptions'],
    expected:
      'keepAlive false, no maxCachedSessions: sessions for 100 pool keys (servernames s1…s100) are all kept, so s1 resumes; a 101st key evicts one, so not all 101 resume',
    budgetMs: 20_000,
  },
  async (ctx) => {
    const origin = await tlsOrigin(ctx);
    const agent = await ctx.httpsAgent({ keepAlive: false });
    const keyed = (n: number): RequestOptions => ({
      origin,
      path: `/s${n}`,
      tls: { servername: `s${n}.test`, rejectUnauthorized: false },
    });
    const fill = async (from: number, to: number) => {
      const { requests } = await agent.issue(
        Array.from({ length: to - from + 1 }, (_, i) => keyed(from + i)),
      );
      await Promise.all(requests.map((r) => r.completed(8000)));
      await ctx.waitFor('every connection to close', () => origin.open === 0, 4000);
      await ctx.settle();
    };
    await fill(1, 100);
    const again = await oneShot(ctx, agent, keyed(1));
    await fill(101, 101);
    const { requests } = await agent.issue(Array.from({ length: 101 }, (_, i) => keyed(i + 1)));
    await Promise.all(requests.map((r) => r.completed(8000)));
    const back = requests.filter((r) => resumed(ctx, r)).length;
    ctx.observe(
      `s1 after 100 keys: ${resumed(ctx, again) ? 'resumed' : 'full'}; then ${back} of 101 keys resumed`,
    );
    assert.equal(resumed(ctx, again), true, 'the 1st of 100 cached sessions is still there');
    assert.ok(back < 101, 'not every one of 101 keys resumed: the cache holds fewer than 101');
  },
);

defineCase(
  {
    id: 'https/session-evicted-on-error',
    title: 'a connection that ends in an error drops its session',
    level: 'should',
    doc: DOCS.httpsMaxCachedSessions,
    requires: ['https'],
    expected:
      "keepAlive false: A (full), A (reset by the origin: the request's 'error'), then A again is a full handshake (Node evicts the session of a socket closed with an error)",
  },
  async (ctx) => {
    const origin = await tlsOrigin(ctx);
    const agent = await ctx.httpsAgent({ keepAlive: false });
    const first = await oneShot(ctx, agent, { origin });
    const broken = await (await agent.request({ origin, behaviour: { drop: true } })).done();
    await closed(ctx, connectionOf(ctx, broken), 1000);
    await ctx.settle();
    const third = await oneShot(ctx, agent, { origin });
    ctx.observe(
      `${resumptions(ctx, [first, broken, third])}; reset request: ${broken.error?.code ?? 'no error'}`,
    );
    assert.ok(broken.error, "the reset request got an 'error'");
    assert.equal(resumed(ctx, broken), true, 'the reset connection had resumed the session');
    assert.equal(resumed(ctx, third), false, 'after the error the session is gone: a full handshake');
  },
);

// ---------------------------------------------------------------------------------------------
// defaults and pooling over TLS

defineCase(
  {
    id: 'https/defaults',
    title: "an https agent's defaultPort is 443 and its protocol 'https:'",
    level: 'must',
    doc: DOCS.httpsRequestDefaults,
    // a request without a port goes to the agent's defaultPort option, documented from 24.5.0/22.21.0
    requires: ['https', 'agentState', 'defaultPort'],
    expected:
      "createHttpsAgent({}): defaultPort 443, protocol 'https:'; with defaultPort = the origin's port, a request to https://127.0.0.1 (no port) reaches the origin",
  },
  async (ctx) => {
    const origin = await tlsOrigin(ctx);
    const fields = (await (await ctx.httpsAgent()).snapshot()).fields;
    const agent = await ctx.httpsAgent({ defaultPort: origin.port });
    const portless = Object.create(origin, { url: { value: 'https://127.0.0.1' } }) as Origin;
    const r = await (await agent.request({ origin: portless })).done();
    ctx.observe(
      `defaultPort ${String(fields.defaultPort)}, protocol ${String(fields.protocol)}; portless request ${r.error ? `failed: ${r.error.code}` : 'served'}`,
    );
    assert.equal(r.error, null, 'the portless request was served');
    assert.equal(origin.requests.length, 1, 'the origin received it');
    assert.equal(fields.defaultPort, 443, 'defaultPort');
    assert.equal(fields.protocol, 'https:', 'protocol');
  },
);

defineCase(
  {
    id: 'https/max-sockets',
    title: 'maxSockets holds over TLS',
    level: 'must',
    doc: DOCS.maxSocketsOption,
    requires: ['https'],
    expected:
      'keepAlive, maxSockets 2, 5 concurrent requests (150 ms each): the origin never sees more than 2 TLS connections; all 5 complete',
  },
  async (ctx) => {
    const origin = await tlsOrigin(ctx);
    const agent = await ctx.httpsAgent({ keepAlive: true, maxSockets: 2 });
    const { requests } = await agent.issue(
      Array.from({ length: 5 }, () => ({ origin, behaviour: { delay: 150 } })),
    );
    await Promise.all(requests.map((r) => r.completed()));
    ctx.observe(`peak ${origin.peak}; ${describeConnections(origin)}`);
    assert.equal(origin.peak, 2, 'at most 2 connections at once');
    assert.equal(origin.connections.length, 2, 'the queued requests rode the 2 connections');
  },
);

defineCase(
  {
    id: 'https/keep-alive-hint',
    title: 'a Keep-Alive hint shorter than the buffer is not pooled over TLS',
    level: 'must',
    doc: DOCS.keepAliveTimeoutBufferOption,
    requires: ['https', 'keepAliveHint'],
    expected: `keepAlive, timeout 5000, a response with Keep-Alive: timeout=1 (1000 ms less the 1000 ms buffer is 0): the client closes the TLS connection right after the response (within ${timerWindow(0, 500)[1]} ms; a 500 ms buffer would close it at 500); the next request opens a new one`,
  },
  async (ctx) => {
    const origin = await tlsOrigin(ctx);
    const agent = await ctx.httpsAgent({ keepAlive: true, timeout: 5000 });
    const first = await (await agent.request({ origin, behaviour: { ka: 1 } })).completed();
    const conn = await closed(ctx, connectionOf(ctx, first), 1500);
    await ctx.settle();
    const second = await (await agent.request({ origin })).completed();
    ctx.observe(describeConnections(origin));
    assert.equal(conn.closedBy, 'client', 'the client closed the connection');
    // right after the response; a buffer of 500 ms would keep it 500 ms
    withinTimer(idleAfter(conn, origin.requests[0]), 0, 'the close after the response', 500);
    assert.notEqual(connectionOf(ctx, second).id, conn.id, 'the next request on a new connection');
  },
);

// ---------------------------------------------------------------------------------------------
// a request's own checkServerIdentity: a pooled connection or a cached session made for another
// request must not let it skip the check

/**
 * Sends a request (path `/checked`) with a rejecting `checkServerIdentity` and checks that it got the
 * check's error and that the origin never received it.
 */
async function rejectedByOwnCheck(
  ctx: CaseContext,
  agent: AgentHandle,
  origin: Origin,
): Promise<RequestHandle> {
  const checked = await (
    await agent.request({ origin, path: '/checked', tls: { checkServerIdentity: 'reject' } })
  ).done();
  // a request the client did write may reach the origin's records after the client's 'error': a
  // round trip to the subject, then 100 ms for it to show (loopback delivers it in well under that)
  await ctx.settle();
  await ctx.observeFor(100);
  const received = origin.requests.some((q) => q.path.startsWith('/checked'));
  ctx.observe(
    `${describeConnections(origin)}; the checked request: ${checked.error ? `'error' ${checked.error.code}` : `no error (status ${checked.response?.status ?? 'none'})`}, ${received ? 'received' : 'never received'} by the origin`,
  );
  assert.equal(received, false, 'the origin never received the request whose own check rejected the server');
  assert.ok(checked.error, `the request got no 'error' (status ${checked.response?.status ?? 'none'})`);
  assert.equal(checked.error.code, IDENTITY_REJECTED_CODE, "the 'error' is its check's");
  return checked;
}

defineCase(
  {
    id: 'https/own-check-identity-pooled',
    title: "a request's own checkServerIdentity runs although a pooled connection to the origin exists",
    level: 'must',
    doc: DOCS.tlsCheckServerIdentity,
    requires: ['https', 'requestTlsOptions'],
    expected:
      "keepAlive: a request without checkServerIdentity, its TLS connection pooled; then a request whose own checkServerIdentity rejects every certificate: it gets its check's 'error', and the origin never receives it (neither on the pooled connection nor on a new one)",
  },
  async (ctx) => {
    const origin = await tlsOrigin(ctx);
    const agent = await ctx.httpsAgent({ keepAlive: true });
    await pooledRequest(ctx, agent, { origin, path: '/first' });
    const checked = await rejectedByOwnCheck(ctx, agent, origin);
    assert.equal(
      checked.socket?.reusedSocket ?? false,
      false,
      'the checked request was not given the pooled socket',
    );
  },
);

defineCase(
  {
    id: 'https/own-check-identity-session',
    title: "a request's own checkServerIdentity runs although a TLS session for the origin is cached",
    level: 'must',
    doc: DOCS.tlsCheckServerIdentity,
    requires: ['https', 'requestTlsOptions'],
    expected:
      "keepAlive false: a request without checkServerIdentity (its session cached, its connection closed); then a request whose own checkServerIdentity rejects every certificate: it gets its check's 'error' and the origin never receives it (a resumed session skips the certificate check, so it must not resume the cached session)",
  },
  async (ctx) => {
    const origin = await tlsOrigin(ctx);
    const agent = await ctx.httpsAgent({ keepAlive: false });
    await oneShot(ctx, agent, { origin, path: '/first' });
    const checked = await rejectedByOwnCheck(ctx, agent, origin);
    const conn = checked.connection;
    if (conn)
      ctx.observe(`the checked request's connection: ${conn.tls?.resumed ? 'resumed' : 'full handshake'}`);
  },
);

// ---------------------------------------------------------------------------------------------
// TLS failures

defineCase(
  {
    id: 'https/untrusted-certificate-error',
    title: "an untrusted certificate is a request 'error'; nothing is pooled and the queue settles",
    level: 'must',
    doc: DOCS.tlsRejectUnauthorized,
    requires: ['https'],
    expected:
      "keepAlive, maxSockets 1, 3 requests to an origin whose certificate no given CA signed: each request gets 'error' (UNABLE_TO_VERIFY_LEAF_SIGNATURE) on a connection of its own, the origin receives no request, and no socket is pooled",
  },
  async (ctx) => {
    const origin = await tlsOrigin(ctx, 'A', { certificate: 'untrusted' });
    const agent = await ctx.httpsAgent({ keepAlive: true, maxSockets: 1 });
    const { requests } = await agent.issue(Array.from({ length: 3 }, () => ({ origin })));
    await Promise.all(requests.map((r) => r.done()));
    const snapshot = await agent.optionalSnapshot();
    ctx.observe(
      `${requests.map((r) => r.error?.code ?? 'no error').join(', ')}; ${origin.connections.length} connection(s), ${origin.requests.length} request(s) at the origin`,
    );
    for (const r of requests) {
      assert.ok(r.error, `${r.id} got an 'error'`);
      assert.equal(r.error.code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', `${r.id}'s error code`);
    }
    assert.equal(origin.requests.length, 0, 'no request reached the origin');
    // the origin's record of each request's connection (both ends and time), where the subject said
    const conns = new Set(requests.map((r) => r.connection?.id ?? r.id));
    assert.equal(conns.size, 3, 'no failed socket was handed on: each request had its own connection');
    if (snapshot) assert.equal(snapshot.free(), 0, 'freeSockets is empty');
  },
);

defineCase(
  {
    id: 'https/handshake-reset-error',
    title: "a handshake reset is a request 'error', and queued requests still settle",
    level: 'must',
    doc: DOCS.requestError,
    requires: ['https'],
    expected:
      "keepAlive, maxSockets 1, 3 requests to an origin that resets every ClientHello: each request gets 'error' (ECONNRESET) and settles",
  },
  async (ctx) => {
    const origin = await tlsOrigin(ctx, 'A', { fault: 'resetOnHello' });
    const agent = await ctx.httpsAgent({ keepAlive: true, maxSockets: 1 });
    const { requests } = await agent.issue(Array.from({ length: 3 }, () => ({ origin })));
    await Promise.all(requests.map((r) => r.done()));
    ctx.observe(
      `${requests.map((r) => r.error?.code ?? 'no error').join(', ')}; ${origin.connections.length} connection(s)`,
    );
    for (const r of requests) {
      assert.ok(r.error, `${r.id} got an 'error'`);
      assert.equal(r.error.code, 'ECONNRESET', `${r.id}'s error code`);
    }
  },
);

defineCase(
  {
    id: 'https/failed-connection-not-pooled',
    title: 'a TLS connection the origin closed after the handshake is never reused',
    level: 'must',
    doc: DOCS.closedConnectionRemoved,
    requires: ['https'],
    expected:
      "keepAlive, maxSockets 1: the 1st connection is closed by the origin right after the handshake (the request's 'error'); it no longer counts, so the next request opens a new connection and is served",
  },
  async (ctx) => {
    const origin = await tlsOrigin(ctx, 'A', { fault: 'closeAfterHandshake', faultTimes: 1 });
    const agent = await ctx.httpsAgent({ keepAlive: true, maxSockets: 1 });
    const first = await (await agent.request({ origin })).done();
    await ctx.waitFor('the 1st connection to close', () => origin.connections[0]?.closedAt != null, 1000);
    await ctx.settle();
    const second = await (await agent.request({ origin })).completed();
    ctx.observe(`1st: ${first.error?.code ?? 'no error'}; ${describeConnections(origin)}`);
    assert.ok(first.error, "the 1st request got an 'error'");
    assert.equal(origin.connections.length, 2, 'the next request opened a new connection');
    assert.equal(connectionOf(ctx, second).id, 2, 'it rode the 2nd connection');
    assert.equal(second.socket?.reusedSocket, false, 'reusedSocket is false');
  },
);

// 'keylog' carries the key material of the agent's own connections. The client random in each line
// names the TLS connection; the line's socket names the TCP connection the origin saw.
defineCase(
  {
    id: 'https/keylog-every-connection',
    title: "the agent emits 'keylog' for each of its connections",
    level: 'should',
    doc: DOCS.httpsKeylogEvent,
    requires: ['https', 'events'],
    expected:
      "a 'keylog' listener from the agent's creation, keepAlive false, two requests one after the other: 'keylog' lines come from both connections the origin saw (by client port), all lines of one connection naming one client random and the two connections two different ones",
  },
  async (ctx) => {
    const origin = await tlsOrigin(ctx);
    const agent = await ctx.httpsAgent({ keepAlive: false }, { keylog: true });
    await oneShot(ctx, agent, { origin });
    await oneShot(ctx, agent, { origin });
    const randoms = origin.connections.map((c) => {
      const lines = agent.keylogs.filter((k) => k.localPort === c.remotePort);
      return {
        port: c.remotePort,
        lines: lines.length,
        randoms: new Set(lines.map((k) => k.line.split(' ')[1])),
      };
    });
    ctx.observe(
      `${agent.keylogs.length} 'keylog' line(s); ${randoms.map((r) => `client port ${r.port}: ${r.lines} line(s), ${r.randoms.size} client random(s)`).join('; ')}`,
    );
    assert.equal(origin.connections.length, 2, 'connections the origin saw');
    for (const r of randoms) {
      assert.ok(r.lines > 0, `'keylog' lines for the connection from client port ${r.port}`);
      assert.equal(
        r.randoms.size,
        1,
        `client randoms in the lines of the connection from client port ${r.port}`,
      );
    }
    const [a, b] = randoms.map((r) => [...r.randoms][0]);
    assert.notEqual(a, b, 'the two connections log two different client randoms');
  },
);
