/**
 * `createConnection`: the agent asks `createConnection(options[, callback])` for every new socket.
 * The host replaces it on the subject's agent by a hook of a chosen form (return the socket, call
 * back now, call back later, call back with an error) that delegates to the agent's own and reports
 * the options it got (`agent.connects`). The verdicts rest on the wire (what the origin saw) and on
 * the request's own events; the options are what the agent handed over.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import {
  type AgentHandle,
  type CaseContext,
  type CreateConnectionHook,
  defineCase,
  HOOK_CONNECT_ERROR,
  plainAddress,
} from '../harness/suite/api.ts';
import { DOCS } from './docs.ts';
import {
  CLOSE_GRACE_MS,
  cannotBind,
  describeConnections,
  handles,
  overlapPeak,
  pooled,
  releaseAll,
  show,
} from './wire.ts';

/** Later forms call back this long after the socket was made: longer than a loopback connect. */
const LATER_MS = 60;

function hooked(
  ctx: CaseContext,
  options: Record<string, unknown>,
  hook: CreateConnectionHook,
): Promise<AgentHandle> {
  return ctx.agent(options, { createConnection: hook });
}

/** The options of the n-th createConnection call (fails the case if there was none). */
function connectOptions(ctx: CaseContext, agent: AgentHandle, n = 0): Record<string, unknown> {
  return agent.connects[n]?.options ?? ctx.fail(`createConnection was called ${agent.connects.length} times`);
}

// --- the options it receives ---------------------------------------------------------------------

defineCase(
  {
    id: 'createConnection/options-host-port',
    title: "createConnection gets the request's host and port",
    level: 'must',
    doc: DOCS.createConnectionOptions,
    requires: ['agentHooks'],
    expected:
      'one request to http://127.0.0.1:PORT: createConnection is called once, with host 127.0.0.1 and port PORT, and the request is served on that connection',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await hooked(ctx, {}, { form: 'return' });
    await (await agent.request({ origin })).completed();
    const o = connectOptions(ctx, agent);
    ctx.observe(
      `${agent.connects.length} call(s): host ${show(o.host)}, port ${show(o.port)}; ${origin.connections.length} connection(s)`,
    );
    assert.equal(o.host, '127.0.0.1', 'options.host');
    assert.equal(Number(o.port), origin.port, 'options.port');
    assert.equal(agent.connects.length, 1, 'createConnection calls');
    assert.equal(origin.connections.length, 1, 'connections the origin saw');
  },
);

// `should`: the docs say what keepAliveMsecs is for; handing it to createConnection as the socket's
// `keepAlive` / `keepAliveInitialDelay` (net.createConnection's own options) is how Node does it.
defineCase(
  {
    id: 'createConnection/options-keepalive',
    title: 'with keepAlive, createConnection gets keepAlive true and keepAliveInitialDelay keepAliveMsecs',
    level: 'should',
    doc: DOCS.keepAliveMsecsOption,
    requires: ['agentHooks'],
    expected:
      'agent { keepAlive: true, keepAliveMsecs: 3000 }: createConnection gets keepAlive true and keepAliveInitialDelay 3000',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await hooked(ctx, { keepAlive: true, keepAliveMsecs: 3000 }, { form: 'return' });
    await (await agent.request({ origin })).completed();
    const o = connectOptions(ctx, agent);
    ctx.observe(`keepAlive ${show(o.keepAlive)}, keepAliveInitialDelay ${show(o.keepAliveInitialDelay)}`);
    assert.equal(o.keepAlive, true, 'options.keepAlive');
    assert.equal(o.keepAliveInitialDelay, 3000, 'options.keepAliveInitialDelay');
  },
);

defineCase(
  {
    id: 'createConnection/options-no-keepalive',
    title: 'without keepAlive, createConnection is not asked for TCP keep-alive',
    level: 'should',
    doc: DOCS.keepAliveMsecsOption,
    requires: ['agentHooks'],
    expected:
      'agent { keepAliveMsecs: 3000, maxSockets: 4 } (no keepAlive): createConnection gets no truthy keepAlive (keepAliveMsecs is ignored)',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await hooked(ctx, { keepAliveMsecs: 3000, maxSockets: 4 }, { form: 'return' });
    await (await agent.request({ origin })).completed();
    const o = connectOptions(ctx, agent);
    ctx.observe(`keepAlive ${show(o.keepAlive)}, keepAliveInitialDelay ${show(o.keepAliveInitialDelay)}`);
    assert.ok(!o.keepAlive, `options.keepAlive was ${show(o.keepAlive)}`);
  },
);

// `should`: the docs say the agent's timeout is set "when the socket is created"; passing it to
// createConnection (net's own `timeout` option) is Node's way, and what a custom createConnection sees.
defineCase(
  {
    id: 'createConnection/options-timeout',
    title: "createConnection gets the agent's timeout",
    level: 'should',
    doc: DOCS.timeoutOption,
    requires: ['agentHooks'],
    expected: 'agent { timeout: 700 }: createConnection gets timeout 700',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await hooked(ctx, { timeout: 700 }, { form: 'return' });
    await (await agent.request({ origin })).completed();
    const o = connectOptions(ctx, agent);
    ctx.observe(`timeout ${show(o.timeout)}`);
    assert.equal(o.timeout, 700, 'options.timeout');
  },
);

defineCase(
  {
    id: 'createConnection/options-request-timeout',
    title: "createConnection gets the request's own timeout over the agent's",
    level: 'should',
    doc: DOCS.requestTimeoutOption,
    requires: ['agentHooks', 'perRequestTimeout'],
    expected: 'agent { timeout: 700 }, request { timeout: 300 }: createConnection gets timeout 300',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await hooked(ctx, { timeout: 700 }, { form: 'return' });
    await (await agent.request({ origin, timeout: 300 })).completed();
    const o = connectOptions(ctx, agent);
    ctx.observe(`timeout ${show(o.timeout)}`);
    assert.equal(o.timeout, 300, 'options.timeout');
  },
);

// --- the forms ------------------------------------------------------------------------------------

for (const [form, slug, how] of [
  ['return', 'return-form', 'returns the socket'],
  ['callback', 'callback-form', 'passes the socket to the callback at once (returns nothing)'],
  ['callback-later', 'callback-later', `passes the socket to the callback ${LATER_MS} ms later`],
] as const) {
  defineCase(
    {
      id: `createConnection/${slug}`,
      title: `a createConnection that ${how} serves requests`,
      level: 'must',
      doc: form === 'return' ? DOCS.createConnectionReturn : DOCS.createConnectionForms,
      requires: ['agentHooks'],
      expected: `keepAlive; createConnection ${how}: two requests one after the other are served, on one connection, with one createConnection call`,
    },
    async (ctx) => {
      const origin = await ctx.origin();
      const agent = await hooked(ctx, { keepAlive: true }, { form, delayMs: LATER_MS });
      const first = await (await agent.request({ origin, path: '/one' })).completed(2000);
      await pooled(ctx, agent, 1, 'the socket to be pooled');
      const second = await (await agent.request({ origin, path: '/two' })).completed(2000);
      ctx.observe(
        `${agent.connects.length} createConnection call(s); ${describeConnections(origin)}; reusedSocket ${first.socket?.reusedSocket}, ${second.socket?.reusedSocket}`,
      );
      assert.equal(first.response?.status, 200, 'the first response');
      assert.equal(second.response?.status, 200, 'the second response');
      assert.equal(origin.connections.length, 1, 'connections the origin saw');
      assert.equal(agent.connects.length, 1, 'createConnection calls');
    },
  );
}

// --- errors ---------------------------------------------------------------------------------------

for (const [form, slug, when] of [
  ['error', 'callback-error', 'at once'],
  ['error-later', 'callback-error-later', `${LATER_MS} ms later`],
] as const) {
  defineCase(
    {
      id: `createConnection/${slug}`,
      title: `createConnection calling back an error ${when} fails that request with the error`,
      level: 'must',
      doc: DOCS.createConnectionCallback,
      requires: ['agentHooks'],
      expected: `createConnection calls back (err) ${when}: the request emits 'error' with that error (${HOOK_CONNECT_ERROR.code}) and settles; the origin sees no connection`,
    },
    async (ctx) => {
      const origin = await ctx.origin();
      const agent = await hooked(ctx, {}, { form, delayMs: LATER_MS });
      const r = await (await agent.request({ origin })).done(1500);
      ctx.observe(
        `request error ${r.error ? `${r.error.code} ${r.error.message}` : 'none'}; ${origin.connections.length} connection(s)`,
      );
      assert.ok(r.error, "the request emitted 'error'");
      assert.equal(r.error.code, HOOK_CONNECT_ERROR.code, 'the error is the one createConnection gave');
      assert.equal(r.response, null, 'no response');
      assert.equal(origin.connections.length, 0, 'connections the origin saw');
    },
  );
}

defineCase(
  {
    id: 'createConnection/error-queue-settles',
    title: 'when every createConnection fails, queued requests fail too instead of waiting forever',
    level: 'must',
    doc: DOCS.requestError,
    requires: ['agentHooks'],
    expected: `maxSockets 1, 3 requests in one tick, createConnection always calls back an error ${LATER_MS} ms later: all 3 requests emit that error within 1500 ms`,
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await hooked(ctx, { maxSockets: 1 }, { form: 'error-later', delayMs: LATER_MS });
    const { requests } = await agent.issue([1, 2, 3].map((i) => ({ origin, path: `/q${i}` })));
    await ctx.mayFail(ctx.waitFor('all 3 requests to settle', () => requests.every((r) => r.settled), 1500));
    ctx.observe(
      `${requests.map((r) => `${r.id.split('.').at(-1)}: ${r.error ? r.error.code : r.settled ? 'settled' : 'pending'}`).join(', ')}; ${agent.connects.length} createConnection call(s)`,
    );
    for (const r of requests) {
      assert.ok(r.settled, `${r.id} settled`);
      assert.equal(r.error?.code, HOOK_CONNECT_ERROR.code, `${r.id} failed with the createConnection error`);
    }
  },
);

defineCase(
  {
    id: 'createConnection/error-queue-continues',
    title: 'one failed createConnection fails its request only; the queued requests are served',
    level: 'must',
    doc: DOCS.maxSocketsQueue,
    requires: ['agentHooks'],
    expected: `maxSockets 1, 3 requests in one tick, the first createConnection calls back an error ${LATER_MS} ms later, the next ones succeed: the first request fails with that error, the other two are served`,
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await hooked(
      ctx,
      { keepAlive: true, maxSockets: 1 },
      { form: 'error-later', delayMs: LATER_MS, failures: 1 },
    );
    const { requests } = await agent.issue([1, 2, 3].map((i) => ({ origin, path: `/q${i}` })));
    const [first, ...queued] = handles(requests, 1);
    await ctx.mayFail(ctx.waitFor('all 3 requests to settle', () => requests.every((r) => r.settled), 2000));
    ctx.observe(
      `${requests.map((r) => `${r.id.split('.').at(-1)}: ${r.error ? r.error.code : r.ended ? 'served' : 'pending'}`).join(', ')}; ${describeConnections(origin)}`,
    );
    assert.equal(first.error?.code, HOOK_CONNECT_ERROR.code, 'the first request failed with that error');
    for (const r of queued) {
      assert.equal(r.error, null, `${r.id} did not fail`);
      assert.ok(r.ended, `${r.id} was served`);
    }
  },
);

defineCase(
  {
    id: 'createConnection/error-frees-slot',
    title: 'a failed createConnection does not keep a place under maxSockets',
    level: 'must',
    doc: DOCS.maxSocketsOption,
    requires: ['agentHooks'],
    expected:
      'maxSockets 1, the first createConnection calls back an error: that request fails; the next request, sent after it, is served',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await hooked(ctx, { maxSockets: 1 }, { form: 'error', failures: 1 });
    const first = await (await agent.request({ origin, path: '/one' })).done(1500);
    const second = await agent.request({ origin, path: '/two' });
    await ctx.mayFail(second.done(1500));
    ctx.observe(
      `first: ${first.error?.code ?? 'no error'}; second: ${second.error ? second.error.code : second.ended ? 'served' : 'still waiting'}`,
    );
    assert.equal(first.error?.code, HOOK_CONNECT_ERROR.code, 'the first request failed with that error');
    assert.equal(second.error, null, 'the second request did not fail');
    assert.ok(second.ended, 'the second request was served');
  },
);

// --- limits while a socket is being created -------------------------------------------------------

defineCase(
  {
    id: 'createConnection/max-sockets-pending',
    title: 'maxSockets holds while createConnection has not called back yet',
    level: 'must',
    doc: DOCS.maxSocketsOption,
    requires: ['agentHooks'],
    expected: `maxSockets 2, createConnection calls back ${LATER_MS} ms later, 6 held requests in one tick: the origin never sees more than 2 connections (a socket being created counts); all 6 are served`,
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await hooked(ctx, { maxSockets: 2 }, { form: 'callback-later', delayMs: LATER_MS });
    const { requests } = await agent.issue(
      Array.from({ length: 6 }, (_, i) => ({ origin, path: `/h${i + 1}`, behaviour: { hold: 'h' } })),
    );
    await ctx.waitFor('the origin to hold 2 requests', () => origin.heldCount('h') >= 2, 1500);
    // Every createConnection of the first tick has called back by now; more would be connected.
    await ctx.observeFor(LATER_MS + 100);
    const held = origin.heldCount('h');
    await releaseAll(ctx, [origin], requests, 'h');
    for (const r of requests) await r.completed();
    // As below: a close and the next open may be logged out of order by a few ms; not an overlap.
    const peak = overlapPeak(origin.connections);
    ctx.observe(
      `${agent.connects.length} createConnection calls; peak ${peak} connections (raw ${origin.peak}), ${held} requests held at once`,
    );
    assert.equal(peak, 2, `connections open at once (overlaps under ${CLOSE_GRACE_MS} ms ignored)`);
  },
);

defineCase(
  {
    id: 'createConnection/max-total-sockets-pending',
    title: 'maxTotalSockets holds while createConnection has not called back yet',
    level: 'must',
    doc: DOCS.maxTotalSocketsOption,
    requires: ['agentHooks', 'maxTotalSockets'],
    expected: `maxTotalSockets 2, createConnection calls back ${LATER_MS} ms later, 3 + 3 held requests to two origins in one tick: never more than 2 connections across both (a socket being created counts); all 6 are served`,
  },
  async (ctx) => {
    const a = await ctx.origin('A');
    const b = await ctx.origin('B');
    const agent = await hooked(ctx, { maxTotalSockets: 2 }, { form: 'callback-later', delayMs: LATER_MS });
    const { requests } = await agent.issue(
      [a, b, a, b, a, b].map((origin, i) => ({ origin, path: `/h${i + 1}`, behaviour: { hold: 'h' } })),
    );
    await ctx.waitFor('the origins to hold 2 requests', () => a.heldCount('h') + b.heldCount('h') >= 2, 1500);
    await ctx.observeFor(LATER_MS + 100);
    await releaseAll(ctx, [a, b], requests, 'h');
    for (const r of requests) await r.completed();
    // Without keepAlive each released socket is closed and the next one opened at once: the origin
    // may log the new open a few ms before the old close, so such overlaps are not counted.
    const peak = overlapPeak([...a.connections, ...b.connections]);
    ctx.observe(
      `${agent.connects.length} createConnection calls; peak ${peak} connections across both origins (raw ${ctx.wire.peak}; A ${a.peak}, B ${b.peak})`,
    );
    assert.ok(
      peak <= 2,
      `connections open at once across both origins: ${peak} (overlaps under ${CLOSE_GRACE_MS} ms ignored)`,
    );
  },
);

// --- a request's own socket options ----------------------------------------------------------------

// The agent builds each connection from the request's options: a `lookup` given with the request
// must be what resolves its host. The name is under `.test` (reserved, never in public DNS; `a.test`
// is in the test certificate for --protocol https), so only the request's lookup, which answers
// 127.0.0.1, can take the request to the origin.
defineCase(
  {
    id: 'createConnection/request-lookup',
    title: "a request's own lookup function resolves its host",
    level: 'must',
    doc: DOCS.requestLookupOption,
    // a per-request socket option, like localAddress: a dispatcher takes its lookup per dispatcher
    requires: ['requestConnectOptions'],
    expected:
      'one request to a.test:PORT whose lookup answers 127.0.0.1: the origin receives it on one connection; the request has no error',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({});
    const req = await agent.request({ origin, host: 'a.test', resolve: 'loopback' });
    await ctx.mayFail(req.done(1500));
    ctx.observe(
      `origin received ${origin.requests.length} request(s) on ${origin.connections.length} connection(s); request error ${req.error ? `${req.error.code} ${req.error.message}` : 'none'}`,
    );
    assert.equal(origin.requests.length, 1, 'requests the origin received');
    assert.equal(req.error, null, "the request's error");
  },
);

/** A port on 127.0.0.1 that was free a moment ago: the kernel's pick for a listener, closed again. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

defineCase(
  {
    id: 'createConnection/request-local-port',
    title: "a request's own localPort is the client port of its connection",
    level: 'must',
    doc: DOCS.requestLocalPortOption,
    requires: ['requestConnectOptions'],
    expected:
      'one request with localPort P (a port free a moment before): the origin sees one connection, from client port P',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const port = await freePort();
    const agent = await ctx.agent({});
    const req = await agent.request({ origin, localPort: port });
    await ctx.mayFail(req.done(1500));
    const conn = origin.connections[0];
    ctx.observe(
      `localPort ${port}: the origin saw ${origin.connections.length} connection(s)${conn ? `, the first from client port ${conn.remotePort}` : ''}; request error ${req.error ? `${req.error.code} ${req.error.message}` : 'none'}`,
    );
    assert.equal(origin.connections.length, 1, 'connections the origin saw');
    assert.equal(conn?.remotePort, port, 'the client port of the connection');
  },
);

defineCase(
  {
    id: 'createConnection/agent-connect-options',
    title: "the agent's own socket.connect() options (localAddress) apply to every connection it makes",
    level: 'must',
    doc: DOCS.agentConnectOptions,
    expected:
      "an agent made with keepAlive and localAddress '127.0.0.2' (not given per request): two overlapping requests to origin A and one to origin B; every connection that carries a request to A or B comes from 127.0.0.2",
  },
  async (ctx) => {
    const a = await ctx.origin('A');
    const b = await ctx.origin('B');
    // the machine, not the subject: can a connection come from 127.0.0.2 here at all?
    const unbindable = await cannotBind('127.0.0.2', a.port);
    if (unbindable) ctx.skip(`this host cannot bind 127.0.0.2 (${unbindable})`);
    const agent = await ctx.agent({ keepAlive: true, localAddress: '127.0.0.2' });
    const { requests } = await agent.issue([
      { origin: a, path: '/a1', behaviour: { delay: 50 } },
      { origin: a, path: '/a2', behaviour: { delay: 50 } },
      { origin: b, path: '/b1' },
    ]);
    for (const r of requests) await r.completed();
    const seen = [a, b].flatMap((o) =>
      // the ones that carried a request: cannotBind's own probe connection to A carried none
      o.connections
        .filter((c) => c.requests > 0)
        .map((c) => ({ at: `${o.label}#${c.id}`, from: plainAddress(c.remoteAddress) })),
    );
    ctx.observe(`connections: ${seen.map((c) => `${c.at} from ${c.from}`).join(', ')}`);
    assert.equal(seen.length, 3, `three connections (two overlapping to A, one to B), saw ${seen.length}`);
    for (const c of seen)
      assert.equal(
        c.from,
        '127.0.0.2',
        `${c.at} came from ${c.from}, not the agent's localAddress 127.0.0.2`,
      );
  },
);
