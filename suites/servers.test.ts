/**
 * `servers`: the agent against real servers in containers (`--containers`): nginx, Apache httpd and
 * HAProxy, each with a 2 s idle keep-alive timeout and 3 requests per connection (Apache: 1 + 3,
 * announced in `Keep-Alive: timeout=2, max=N`). Every verdict rests on the server's own access log
 * (which client port carried which request, as the how-many-th on its connection) beside the
 * agent's events. The containers are shared by the cases of a run; each case reads only the log
 * entries under its own path prefix. Without `--containers` every case here is `skip`.
 */
import assert from 'node:assert/strict';
import {
  type AccessEntry,
  type AgentHandle,
  type CaseContext,
  defineCase,
  peakOf,
  type RealServer,
  type RequestHandle,
  sampleConnections,
  sampledConnections,
} from '../harness/suite/api.ts';
import { DOCS } from './docs.ts';
import { CLOSE_GRACE_MS, overlapPeak, pooled } from './wire.ts';

type Kind = 'nginx' | 'httpd' | 'haproxy';
const NAME: Record<Kind, string> = { nginx: 'nginx', httpd: 'Apache httpd', haproxy: 'HAProxy' };
/** The servers' idle keep-alive timeout (docker/<kind>/). */
const IDLE_MS = 2000;

async function get(agent: AgentHandle, server: RealServer, tag: string): Promise<RequestHandle> {
  return (await agent.request({ origin: server, path: server.path(tag) })).completed(3000);
}

/** `a@:41234#2`: the request `a` arrived on client port 41234 as the 2nd request of its connection. */
function fmt(e: AccessEntry): string {
  return `${e.path.slice(e.path.lastIndexOf('/') + 1)}@:${e.clientPort}#${e.request}`;
}

/** Like `pooled`, for cases where an agent that does not pool is an observation, not a failure. */
async function maybePooled(ctx: CaseContext, agent: AgentHandle, n: number): Promise<boolean> {
  return (await ctx.mayFail(pooled(ctx, agent, n))).ok;
}

function header(r: RequestHandle, name: string): string {
  const v = r.response?.headers[name];
  return Array.isArray(v) ? v.join(', ') : (v ?? '');
}

/** Lets time pass until `ms` after the case-clock instant `from`. */
async function until(ctx: CaseContext, from: number, ms: number): Promise<void> {
  const left = from + ms - ctx.now();
  if (left > 0) await ctx.observeFor(left);
}

for (const kind of ['nginx', 'httpd', 'haproxy'] as const) {
  defineCase(
    {
      id: `servers/${kind}-keepalive-reuse`,
      title: `${NAME[kind]}: a pooled socket carries the next request`,
      level: 'must',
      doc: DOCS.keepAliveOption,
      expected: `two sequential requests to ${NAME[kind]}: its access log shows both from the agent's one client port, as requests 1 and 2 of that connection`,
      budgetMs: 10_000,
    },
    async (ctx) => {
      const server = await ctx.server(kind);
      const agent = await ctx.agent({ keepAlive: true });
      const a = await get(agent, server, 'a');
      await pooled(ctx, agent, 1);
      const b = await get(agent, server, 'b');
      const [ea, eb] = [await server.entry('a'), await server.entry('b')];
      ctx.observe(
        `${server.version}: ${fmt(ea)} ${fmt(eb)}; reusedSocket ${a.socket?.reusedSocket} then ${b.socket?.reusedSocket}`,
      );
      assert.equal(ea.clientPort, a.socket?.localPort, 'the log names the agent socket of the 1st request');
      assert.equal(eb.clientPort, ea.clientPort, 'the 2nd request on the same connection');
      assert.equal(eb.request, 2, 'the 2nd request is the 2nd on its connection');
    },
  );
}

/** Requests `count` sequentially; returns them with their log entries. */
async function sequence(
  ctx: CaseContext,
  agent: AgentHandle,
  server: RealServer,
  count: number,
  keptAfter: number,
): Promise<{ requests: RequestHandle[]; entries: AccessEntry[] }> {
  const requests: RequestHandle[] = [];
  for (let i = 1; i <= count; i++) {
    requests.push(await get(agent, server, `r${i}`));
    // the agent pools the socket after every response but the one that ends the connection
    if (i <= keptAfter) await pooled(ctx, agent, i);
    if (i === keptAfter + 1) {
      // secondary evidence: the socket that answered Connection: close never returns to the pool
      await ctx.observeFor(100);
      assert.equal(
        agent.frees.length,
        keptAfter,
        'the socket answered with Connection: close was not pooled',
      );
    }
  }
  const entries: AccessEntry[] = [];
  for (let i = 1; i <= count; i++) entries.push(await server.entry(`r${i}`));
  return { requests, entries };
}

defineCase(
  {
    id: 'servers/httpd-max-countdown',
    title: 'Apache httpd: Keep-Alive max counts down to Connection: close; that socket is not reused',
    level: 'must',
    doc: DOCS.serverMayRefuseReuse,
    expected:
      'requests 1–4 on one connection (Keep-Alive max=3, 2, 1, then Connection: close on the 4th); the 5th on a new connection as its 1st request, without an error',
    budgetMs: 10_000,
  },
  async (ctx) => {
    const server = await ctx.server('httpd');
    const agent = await ctx.agent({ keepAlive: true });
    const { requests, entries } = await sequence(ctx, agent, server, 5, 3);
    const hints = requests.map((r) => header(r, 'keep-alive') || `connection: ${header(r, 'connection')}`);
    ctx.observe(`${server.version}: ${entries.map(fmt).join(' ')}; responses: ${hints.join(' | ')}`);
    const first = entries[0]?.clientPort;
    assert.deepEqual(
      entries.slice(0, 4).map((e) => [e.clientPort, e.request]),
      [1, 2, 3, 4].map((n) => [first, n]),
      'requests 1–4 on one connection',
    );
    assert.match(header(requests[3] as RequestHandle, 'connection'), /close/i, 'the 4th answered with close');
    assert.notEqual(entries[4]?.clientPort, first, 'the 5th request on a new connection');
    assert.equal(entries[4]?.request, 1, 'the 5th request is the 1st on its connection');
  },
);

for (const kind of ['nginx', 'haproxy'] as const) {
  defineCase(
    {
      id: `servers/${kind}-requests-limit`,
      title: `${NAME[kind]}: after the response with Connection: close, the next request opens a connection`,
      level: 'must',
      doc: DOCS.serverMayRefuseReuse,
      expected: `${NAME[kind]} ends a connection after 3 requests (the 3rd answered with Connection: close): requests 1–3 on one connection, the 4th on a new one as its 1st request, without an error`,
      budgetMs: 10_000,
    },
    async (ctx) => {
      const server = await ctx.server(kind);
      const agent = await ctx.agent({ keepAlive: true });
      const { requests, entries } = await sequence(ctx, agent, server, 4, 2);
      ctx.observe(
        `${server.version}: ${entries.map(fmt).join(' ')}; 3rd response Connection: ${header(requests[2] as RequestHandle, 'connection')}`,
      );
      const first = entries[0]?.clientPort;
      assert.deepEqual(
        entries.slice(0, 3).map((e) => [e.clientPort, e.request]),
        [1, 2, 3].map((n) => [first, n]),
        'requests 1–3 on one connection',
      );
      assert.match(
        header(requests[2] as RequestHandle, 'connection'),
        /close/i,
        'the 3rd answered with close',
      );
      assert.notEqual(entries[3]?.clientPort, first, 'the 4th request on a new connection');
      assert.equal(entries[3]?.request, 1, 'the 4th request is the 1st on its connection');
    },
  );
}

/**
 * httpd-hint-expiry probes between the right expiry (2000 − 1000 ms) and the nearest wrong one (a
 * 500 ms buffer: 1500 ms), halfway: 250 ms of lateness either way.
 */
const HINT_PROBE_MS = 1250;

defineCase(
  {
    id: 'servers/httpd-hint-expiry',
    title: 'Apache httpd: the pooled socket expires at the Keep-Alive hint less agentKeepAliveTimeoutBuffer',
    level: 'must',
    doc: DOCS.keepAliveTimeoutBufferOption,
    requires: ['agentKeepAliveTimeoutBuffer', 'keepAliveHint'],
    expected: `Keep-Alive: timeout=2, agent timeout 5000 and agentKeepAliveTimeoutBuffer 1000: a request 300 ms after a response reuses its connection; one ${HINT_PROBE_MS} ms after (past 2000 − 1000, before 2000 − 500, where a 500 ms buffer would expire it, and before the server closes at 2000) goes on a new connection`,
    budgetMs: 12_000,
  },
  async (ctx) => {
    const server = await ctx.server('httpd');
    // Node lowers the pooled socket's timeout to the hint; with no agent `timeout` there is none to lower
    const agent = await ctx.agent({ keepAlive: true, timeout: 5000, agentKeepAliveTimeoutBuffer: 1000 });
    await get(agent, server, 'a');
    await pooled(ctx, agent, 1);
    await ctx.observeFor(300);
    const b = await get(agent, server, 'b');
    await pooled(ctx, agent, 2);
    await until(ctx, b.ended?.t ?? ctx.now(), HINT_PROBE_MS);
    await get(agent, server, 'c');
    const [ea, eb, ec] = [await server.entry('a'), await server.entry('b'), await server.entry('c')];
    ctx.observe(
      `${server.version} Keep-Alive: ${header(b, 'keep-alive')}; ${fmt(ea)} ${fmt(eb)} then ${HINT_PROBE_MS} ms idle, ${fmt(ec)}`,
    );
    assert.match(header(b, 'keep-alive'), /timeout=2\b/, 'the server announced timeout=2');
    assert.equal(eb.clientPort, ea.clientPort, 'after 300 ms idle the socket is reused');
    assert.notEqual(
      ec.clientPort,
      ea.clientPort,
      `after ${HINT_PROBE_MS} ms idle (expired at 1000) a new connection`,
    );
    assert.equal(ec.request, 1, 'the last request is the 1st on its connection');
  },
);

const IDLE_CLOSE = {
  httpd: {
    doc: DOCS.closedConnectionRemoved,
    title: 'Apache httpd: a socket the server closed at its keep-alive timeout is never sent on',
  },
  nginx: {
    doc: DOCS.pooledTcpKeepAlive,
    title:
      'nginx: a pooled socket closed at keepalive_timeout (no hint) is dropped; the next request opens one',
  },
  haproxy: {
    doc: DOCS.pooledTcpKeepAlive,
    title:
      'HAProxy: a pooled socket closed at timeout http-keep-alive (no hint) is dropped; the next request opens one',
  },
} as const;

for (const kind of ['httpd', 'nginx', 'haproxy'] as const) {
  defineCase(
    {
      id: `servers/${kind}-idle-close`,
      title: IDLE_CLOSE[kind].title,
      level: 'must',
      doc: IDLE_CLOSE[kind].doc,
      expected: `${NAME[kind]} closes an idle connection after ${IDLE_MS} ms: a request sent ${IDLE_MS + 500} ms after the last response goes on a new connection (its 1st request), without an error`,
      budgetMs: 12_000,
    },
    async (ctx) => {
      const server = await ctx.server(kind);
      const agent = await ctx.agent({ keepAlive: true });
      const a = await get(agent, server, 'a');
      if (!(await maybePooled(ctx, agent, 1))) ctx.observe('the agent did not pool the socket');
      await until(ctx, a.ended?.t ?? ctx.now(), IDLE_MS + 500);
      const read = await ctx.mayFail(agent.optionalSnapshot());
      const snapshot = read.ok ? read.value : null;
      const r = await agent.request({ origin: server, path: server.path('b') });
      await r.done(3000);
      const ea = await server.entry('a');
      const eb = r.error ? null : await server.entry('b');
      ctx.observe(
        `${server.version}: ${fmt(ea)}, ${IDLE_MS + 500} ms idle, then ${eb ? fmt(eb) : `error ${r.error?.code} ${r.error?.message}`}` +
          (snapshot ? `; pooled sockets before it: ${snapshot.free()}` : ''),
      );
      assert.equal(r.error, null, 'the request after the server closed the idle connection succeeds');
      assert.notEqual(eb?.clientPort, ea.clientPort, 'it goes on a new connection');
      assert.equal(eb?.request, 1, 'it is the 1st request on its connection');
    },
  );
}

/** Reads every held response as it comes (one `resume` each), until all have ended, within 6 s. */
async function drain(ctx: CaseContext, requests: RequestHandle[]): Promise<void> {
  const resumed = new Set<string>();
  const deadline = ctx.now() + 6000;
  for (;;) {
    const next = await ctx.waitFor(
      'every held response to be read',
      () => {
        const failed = requests.find((r) => r.error);
        if (failed?.error)
          ctx.fail(`request ${failed.id} failed: ${failed.error.code ?? ''} ${failed.error.message}`);
        const unread = requests.find((r) => r.response && !resumed.has(r.id));
        return unread ?? (requests.every((r) => r.ended !== null) && 'all read');
      },
      Math.max(1, deadline - ctx.now()),
    );
    if (next === 'all read') return;
    resumed.add(next.id);
    await next.act('resume');
  }
}

/** The agent's client ports: the server's log of this case, and the host's 'socket' events. */
function clientPorts(entries: readonly AccessEntry[], requests: readonly RequestHandle[]): Set<number> {
  const ports = new Set(entries.map((e) => e.clientPort));
  for (const r of requests) for (const s of r.sockets) if (s.localPort !== null) ports.add(s.localPort);
  return ports;
}

defineCase(
  {
    id: 'servers/nginx-max-sockets',
    title: 'nginx: maxSockets 2 caps the connections the server holds',
    level: 'must',
    doc: DOCS.maxSocketsOption,
    alone: true,
    expected:
      "six requests at once with maxSockets 2 (responses read late): nginx never holds more than 2 of the agent's connections at once (its sockets in the kernel's table, sampled every few ms); its log shows them on 2 or 3 connections (it ends one after 3 requests); all 6 complete",
    budgetMs: 12_000,
  },
  async (ctx) => {
    const server = await ctx.server('nginx');
    const agent = await ctx.agent({ keepAlive: true, maxSockets: 2 });
    const sampler = sampleConnections([server]);
    const { requests } = await agent.issue(
      Array.from({ length: 6 }, (_, i) => ({
        origin: server,
        path: server.path(`r${i + 1}`),
        manualConsume: true,
      })),
    );
    await server.logged(2);
    await ctx.observeFor(300);
    const held = server.entries();
    await drain(ctx, requests);
    const all = await server.logged(6);
    await ctx.observeFor(200);
    const samples = await sampler.stop();
    const ports = clientPorts(all, requests);
    const peak = overlapPeak(sampledConnections(samples, ports));
    ctx.observe(
      `${server.version}: at most ${peak} connection(s) at once over ${samples.length} samples (raw ${peakOf(samples, ports)}; overlaps under ${CLOSE_GRACE_MS} ms ignored); ` +
        `logged while unread ${held.length}; in all ${all.map(fmt).join(' ')}`,
    );
    assert.ok(peak <= 2, `nginx held ${peak} of the agent's connections at once, maxSockets is 2`);
    // nginx ends a connection after 3 requests: 6 requests over at most 2 sockets at a time take 2
    // connections, or 3 when they were shared unevenly; more means more than 2 at once
    const used = new Set(all.map((e) => e.clientPort)).size;
    assert.ok(
      used >= 2,
      `the 6 requests came on ${used} connection(s): no 2nd socket while the 1st was busy`,
    );
    assert.ok(used <= 3, `the 6 requests came on ${used} connections: more than 2 at once`);
  },
);

defineCase(
  {
    id: 'servers/nginx-haproxy-max-total-sockets',
    title: 'nginx and HAProxy: maxTotalSockets 2 caps the connections both servers hold together',
    level: 'must',
    doc: DOCS.maxTotalSocketsOption,
    requires: ['maxTotalSockets'],
    alone: true,
    expected:
      "two requests to nginx and two to HAProxy at once with maxTotalSockets 2 (responses read late, one at a time, 100 ms apart): the two servers never hold more than 2 of the agent's connections at once (kernel's table, sampled every few ms); all 4 complete",
    budgetMs: 12_000,
  },
  async (ctx) => {
    const nginx = await ctx.server('nginx');
    const haproxy = await ctx.server('haproxy');
    const agent = await ctx.agent({ keepAlive: true, maxTotalSockets: 2 });
    const sampler = sampleConnections([nginx, haproxy]);
    const { requests } = await agent.issue(
      [nginx, nginx, haproxy, haproxy].map((server, i) => ({
        origin: server,
        path: server.path(`r${i + 1}`),
        manualConsume: true,
      })),
    );
    await ctx.waitFor('a response', () => requests.some((r) => r.response !== null), 3000);
    await ctx.observeFor(300);
    const held = { nginx: nginx.entries().length, haproxy: haproxy.entries().length };
    // one response read at a time, each followed by a pause: after the 1st, one nginx socket is
    // pooled while the other is still busy, and HAProxy's queued request must not get a 3rd
    for (const r of requests) {
      await r.responded(3000);
      await r.act('resume');
      await r.completed(3000);
      await ctx.observeFor(100);
    }
    const all = [...(await nginx.logged(2)), ...(await haproxy.logged(2))];
    await ctx.observeFor(200);
    const samples = await sampler.stop();
    const ports = clientPorts(all, requests);
    // the same grace as the origin-side maxTotalSockets cases: an agent that closes an idle socket of
    // one server and opens one to the other in the same tick shows both for a moment
    const peak = overlapPeak(sampledConnections(samples, ports));
    ctx.observe(
      `at most ${peak} connection(s) at once over ${samples.length} samples (raw ${peakOf(samples, ports)}; overlaps under ${CLOSE_GRACE_MS} ms ignored); while unread ${nginx.version} logged ${held.nginx}, ` +
        `${haproxy.version} ${held.haproxy}; in all ${all.map(fmt).join(' ')}`,
    );
    assert.ok(peak <= 2, `the servers held ${peak} of the agent's connections at once, maxTotalSockets is 2`);
  },
);

/** The agent's outcome of one request sent at the server's idle timeout. */
interface RaceOutcome {
  i: number;
  delta: number;
  result: 'reused' | 'new' | 'ECONNRESET' | 'error';
  retried: boolean;
  /** The warm-up request (its socket pooled) and the one sent at the idle timeout. */
  warm: RequestHandle;
  race: RequestHandle;
  /** Ms from the warm-up response's end to the race request leaving. */
  sentAfter: number;
}

async function raceOne(ctx: CaseContext, server: RealServer, delta: number, i: number): Promise<RaceOutcome> {
  const agent = await ctx.agent({ keepAlive: true });
  const warm = await get(agent, server, `w${i}`);
  await maybePooled(ctx, agent, 1);
  const warmPort = warm.socket?.localPort ?? null;
  const warmEnd = warm.ended?.t ?? ctx.now();
  await until(ctx, warmEnd, IDLE_MS + delta);
  const sentAfter = ctx.now() - warmEnd;
  const r = await agent.request({ origin: server, path: server.path(`s${i}`) });
  await r.done(4000);
  const base = { i, delta, warm, race: r, sentAfter };
  if (r.error) {
    const reset = r.error.code === 'ECONNRESET' || /socket hang up|other side closed/i.test(r.error.message);
    return { ...base, result: reset ? 'ECONNRESET' : 'error', retried: r.sockets.length > 1 };
  }
  const last = r.sockets.at(-1);
  const firstReused = r.socket?.reusedSocket === true && r.socket.localPort === warmPort;
  // the pooled socket, not a new one that got the same port once the server closed the old one
  const onPooled = last?.reusedSocket === true && last.localPort === warmPort;
  // a request that was handed the pooled socket but completed on another one was sent again
  const retried = r.sockets.length > 1 || (firstReused && !onPooled);
  return { ...base, result: onPooled ? 'reused' : 'new', retried };
}

/** How late a race request may leave after its instant (the case runs alone), and how early (a timer rounds). */
const RACE_LATE_MS = 100;
const RACE_EARLY_MS = 5;

/**
 * What the server's access log must show for one race: the warm-up as the 1st request of a
 * connection from the agent's socket (the agent pooled one connection); a request the agent saw
 * answered was served, on the pooled connection as its 2nd request ('reused') or as the 1st of a new
 * one ('new', also after a retry); a request that failed was not served on the pooled connection.
 */
function checkRace(o: RaceOutcome, entries: readonly AccessEntry[], server: RealServer): void {
  const at = (tag: string) => entries.find((e) => e.path === server.path(tag));
  const w = at(`w${o.i}`);
  const s = at(`s${o.i}`);
  const who = `agent ${o.i} (${o.delta > 0 ? '+' : ''}${o.delta} ms)`;
  assert.ok(w, `${who}: the server logged its warm-up request`);
  assert.equal(w.clientPort, o.warm.socket?.localPort, `${who}: the warm-up came from the agent's socket`);
  assert.equal(w.request, 1, `${who}: the warm-up was the 1st request of its connection`);
  const lo = IDLE_MS + o.delta;
  assert.ok(
    o.sentAfter >= lo - RACE_EARLY_MS && o.sentAfter <= lo + RACE_LATE_MS,
    `${who}: sent ${Math.round(o.sentAfter)} ms after the warm-up response, expected within [${lo - RACE_EARLY_MS}, ${lo + RACE_LATE_MS}]`,
  );
  if (o.result === 'reused') {
    assert.ok(s, `${who}: answered on the pooled socket, so the server logged it`);
    assert.deepEqual(
      [s.clientPort, s.request],
      [w.clientPort, 2],
      `${who}: the 2nd request of the pooled connection`,
    );
  } else if (o.result === 'new') {
    assert.ok(s, `${who}: answered on a new connection, so the server logged it`);
    assert.equal(s.request, 1, `${who}: the 1st request of a new connection`);
  } else if (s)
    assert.notDeepEqual(
      [s.clientPort, s.request],
      [w.clientPort, 2],
      `${who}: failed (${o.race.error?.code}) although the server served it on the pooled connection`,
    );
}

/** Requests go out at the idle timeout − SPREAD_MS … + SPREAD_MS, STEP_MS apart. */
const SPREAD_MS = 20;
const STEP_MS = 2;

for (const kind of ['nginx', 'haproxy', 'httpd'] as const) {
  defineCase(
    {
      id: `servers/${kind}-reuse-race`,
      title: `${NAME[kind]}: requests sent at the server's idle timeout (the reuse race), measured`,
      level: 'info',
      doc: DOCS.reusedSocket,
      expected: `${2 * (SPREAD_MS / STEP_MS) + 1} agents each pool one connection, then send a request ${IDLE_MS} ms ± ${SPREAD_MS} ms (${STEP_MS} ms apart) after their response, as ${NAME[kind]} closes the connection: how many fail with ECONNRESET, and whether the agent sent them again. The server's access log shows each warm-up as the 1st request of a connection from the agent's socket, each answered request served (as the pooled connection's 2nd, or a new one's 1st), and no failed request served on the pooled connection; each request left within ${RACE_LATE_MS} ms of its instant`,
      budgetMs: 20_000,
      alone: true,
    },
    async (ctx) => {
      const server = await ctx.server(kind);
      const deltas = Array.from({ length: 2 * (SPREAD_MS / STEP_MS) + 1 }, (_, i) => i * STEP_MS - SPREAD_MS);
      const outcomes = await Promise.all(deltas.map((d, i) => raceOne(ctx, server, d, i)));
      const count = (k: RaceOutcome['result']) => outcomes.filter((o) => o.result === k).length;
      const resets = outcomes.filter((o) => o.result === 'ECONNRESET');
      const retried = outcomes.filter((o) => o.retried).length;
      const pct = Math.round((100 * resets.length) / outcomes.length);
      ctx.observe(
        `${server.version}: ECONNRESET ${resets.length}/${outcomes.length} (${pct}%)` +
          (resets.length
            ? ` at ${resets.map((o) => `${o.delta > 0 ? '+' : ''}${o.delta}`).join(',')} ms`
            : '') +
          `; retried ${retried}; reused ${count('reused')}, new connection ${count('new')}, other errors ${count('error')}`,
      );
      // the measurement stands on the server's log: every agent pooled one connection, every request
      // left at its instant, and every outcome the agent reported is what the server served
      const served = outcomes.filter((o) => o.result === 'reused' || o.result === 'new').length;
      const entries = await server.logged(outcomes.length + served);
      for (const o of outcomes) checkRace(o, entries, server);
    },
  );
}
