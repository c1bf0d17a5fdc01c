/**
 * `defaults`: what an agent made without options does, checked on the wire wherever the default has
 * a visible effect (the origin sees who closes a connection, the `Connection` request header, how many
 * connections are open at once, which ones stay open), with the agent's own fields as secondary
 * evidence. The `scheduling` default ('lifo') is checked on the wire by `scheduling/default-lifo` and
 * a pooled socket without a `timeout` by `timeout/none-keeps-pooled`; here they appear as fields only.
 */
import assert from 'node:assert/strict';
import { type CaseContext, defineCase, type Origin, type RequestHandle } from '../harness/suite/api.ts';
import { DOCS } from './docs.ts';
import { fdShortage } from './fd-limit.ts';
import {
  arrived,
  closed,
  connectionOf,
  handles,
  idleAfter,
  overlapPeak,
  pooled,
  RELEASE_CLOSE_MS,
  releaseAll,
  released,
  requestAt,
  show,
  timerWindow,
  within,
  withinTimer,
} from './wire.ts';

/**
 * Skips the case, before it acts, where the machine's limit on open files leaves no room for `n`
 * connections at once (macOS defaults to 256 descriptors). Past this check, EMFILE is the subject's
 * doing (sockets it leaked): the request error fails the case.
 */
function needConnections(ctx: CaseContext, n: number): void {
  const shortage = fdShortage(n);
  if (shortage) ctx.skip(shortage);
}

/** Issues `n` held requests per origin in one tick and waits until the origins hold all of them. */
async function holdAtOnce(
  ctx: CaseContext,
  agent: Awaited<ReturnType<CaseContext['agent']>>,
  spread: [Origin, number][],
  waitMs: number,
): Promise<{ requests: RequestHandle[]; heldAtOnce: boolean }> {
  const list = spread.flatMap(([origin, n]) =>
    Array.from({ length: n }, (_, i) => ({ origin, path: `/h${i + 1}`, behaviour: { hold: 'h' } })),
  );
  const { requests } = await agent.issue(list);
  const { ok: heldAtOnce } = await ctx.mayFail(
    ctx.waitFor(
      `the origins to hold ${list.length} requests at once`,
      () => spread.every(([origin, n]) => origin.heldCount('h') === n),
      waitMs,
    ),
  );
  // Release everything held, including requests an agent queued and sends only now.
  await releaseAll(
    ctx,
    spread.map(([origin]) => origin),
    requests,
    'h',
  );
  for (const r of requests) await r.completed();
  return { requests, heldAtOnce };
}

defineCase(
  {
    id: 'defaults/keepalive-false',
    title: 'without a keepAlive option, a socket is closed once its request is done',
    level: 'must',
    doc: DOCS.keepAliveOptionFull,
    expected: `no keepAlive option (maxSockets 10, so the request asks to keep the connection): after the response the client closes the connection within ${RELEASE_CLOSE_MS} ms; a request sent as soon as the socket is released opens a new one`,
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ maxSockets: 10 });
    const first = await agent.request({ origin, path: '/one' });
    await released(ctx, agent, first, 0);
    const second = await (await agent.request({ origin, path: '/two' })).completed();
    await ctx.mayFail(closed(ctx, connectionOf(ctx, first), 1000));
    const c1 = connectionOf(ctx, first);
    const rec1 = arrived(ctx, origin, '/one');
    const rec2 = arrived(ctx, origin, '/two');
    const snap = await agent.optionalSnapshot();
    const after = c1.closedAt === null ? null : c1.closedAt - (rec1.respondedAt ?? 0);
    ctx.observe(
      `request Connection: ${rec1.headers.connection}; first connection ${after === null ? 'still open' : `closed by ${c1.closedBy} ${Math.round(after)} ms after the response`}; /two on #${rec2.connection}/${rec2.nth} (reusedSocket ${second.socket?.reusedSocket}); agent.keepAlive ${show(snap?.fields.keepAlive)}`,
    );
    assert.notEqual(rec2.connection, rec1.connection, 'the next request went on a new connection');
    assert.equal(rec2.nth, 1, 'the next request is the 1st on its connection');
    assert.ok(c1.closedAt !== null, 'the first connection was still open after its response');
    assert.equal(c1.closedBy, 'client', 'the client closed it');
    within(after ?? 0, 0, RELEASE_CLOSE_MS, 'close after the response');
    if (snap && 'keepAlive' in snap.fields)
      assert.equal(snap.fields.keepAlive, false, 'agent.keepAlive (secondary)');
  },
);

defineCase(
  {
    id: 'defaults/connection-close-header',
    title: 'an agent made without options sends `Connection: close`',
    level: 'must',
    doc: DOCS.keepAliveOptionFull,
    expected:
      'no options at all (keepAlive false and maxSockets Infinity by default): the origin receives `Connection: close`',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({});
    await (await agent.request({ origin, path: '/plain' })).completed();
    const header = arrived(ctx, origin, '/plain').headers.connection;
    ctx.observe(`Connection: ${header}`);
    assert.equal(header, 'close', 'the Connection request header');
  },
);

defineCase(
  {
    id: 'defaults/max-sockets-infinity',
    title: 'without a maxSockets option, concurrent requests to one origin each get a connection',
    level: 'must',
    doc: DOCS.maxSocketsDefault,
    expected:
      'no options, 8 requests to one origin in one tick, all held: the origin holds all 8 at once on 8 connections; agent.maxSockets is Infinity',
  },
  async (ctx) => {
    needConnections(ctx, 8);
    const origin = await ctx.origin();
    const agent = await ctx.agent({});
    const { heldAtOnce } = await holdAtOnce(ctx, agent, [[origin, 8]], 1000);
    const snap = await agent.optionalSnapshot();
    ctx.observe(
      `${heldAtOnce ? 'all 8 held at once' : `at most ${origin.peak} at once`}; ${origin.connections.length} connections, peak ${origin.peak}; agent.maxSockets ${show(snap?.fields.maxSockets)}`,
    );
    assert.ok(heldAtOnce, 'the origin held all 8 requests at the same time');
    assert.equal(origin.peak, 8, 'connections open at once');
    if (snap) assert.equal(snap.fields.maxSockets, Number.POSITIVE_INFINITY, 'agent.maxSockets (secondary)');
  },
);

defineCase(
  {
    id: 'defaults/max-total-sockets-infinity',
    title: 'without a maxTotalSockets option, concurrent requests to two origins each get a connection',
    level: 'must',
    doc: DOCS.maxTotalSocketsProperty,
    expected:
      'no options, 6 + 6 requests to two origins in one tick, all held: 12 connections open at once; agent.maxTotalSockets is Infinity',
  },
  async (ctx) => {
    needConnections(ctx, 12);
    const a = await ctx.origin('A');
    const b = await ctx.origin('B');
    const agent = await ctx.agent({});
    const { heldAtOnce } = await holdAtOnce(
      ctx,
      agent,
      [
        [a, 6],
        [b, 6],
      ],
      1000,
    );
    const snap = await agent.optionalSnapshot();
    ctx.observe(
      `${heldAtOnce ? 'all 12 held at once' : 'not all held at once'}; peak ${ctx.wire.peak} connections across both origins; agent.maxTotalSockets ${show(snap?.fields.maxTotalSockets)}`,
    );
    assert.ok(heldAtOnce, 'the origins held all 12 requests at the same time');
    assert.equal(ctx.wire.peak, 12, 'connections open at once across both origins');
    if (snap)
      assert.equal(
        snap.fields.maxTotalSockets,
        Number.POSITIVE_INFINITY,
        'agent.maxTotalSockets (secondary)',
      );
  },
);

const FREE_DEFAULT = 256;

defineCase(
  {
    id: 'defaults/max-free-sockets-256',
    title: 'without a maxFreeSockets option, 256 idle sockets are kept and the 257th is closed',
    level: 'must',
    doc: DOCS.maxFreeSocketsProperty,
    requires: ['maxFreeSockets'],
    expected: `keepAlive only, ${FREE_DEFAULT + 1} requests in one tick, all held then released: once all are answered the client closes exactly one connection; ${FREE_DEFAULT} stay open; agent.maxFreeSockets is 256`,
    budgetMs: 8000,
  },
  async (ctx) => {
    const n = FREE_DEFAULT + 1;
    needConnections(ctx, n);
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true });
    const { heldAtOnce } = await holdAtOnce(ctx, agent, [[origin, n]], 3000);
    await pooled(ctx, agent, n, `${n} 'free' events`, 2000);
    await ctx.mayFail(
      ctx.waitFor('a connection to close', () => origin.connections.some((c) => c.closedAt !== null), 500),
    );
    // Nothing else may close: give a second close the time to show up.
    await ctx.observeFor(150);
    const closedByClient = origin.connections.filter((c) => c.closedBy === 'client').length;
    const snap = await agent.optionalSnapshot();
    ctx.observe(
      `${origin.connections.length} connections (${heldAtOnce ? 'all held at once' : 'not all held at once'}); ${closedByClient} closed by the client, ${origin.open} open; freeSockets ${snap?.free() ?? 'n/a'}; agent.maxFreeSockets ${show(snap?.fields.maxFreeSockets)}`,
    );
    assert.ok(heldAtOnce, `the origin held all ${n} requests at the same time`);
    assert.equal(origin.connections.length, n, `${n} connections`);
    assert.equal(closedByClient, 1, 'connections the client closed');
    assert.equal(origin.open, FREE_DEFAULT, 'idle connections left open');
    if (snap) assert.equal(snap.fields.maxFreeSockets, FREE_DEFAULT, 'agent.maxFreeSockets (secondary)');
  },
);

// `should`: only keepAliveMsecs has a documented default among these as an option; the agent
// properties keepAlive, keepAliveMsecs and scheduling are not documented, and `timeout` has no
// documented default. Node: keepAlive false, keepAliveMsecs 1000, scheduling 'lifo', no timeout.
defineCase(
  {
    id: 'defaults/option-fields',
    title: "an agent made without options reports Node's defaults and gives sockets no timeout",
    level: 'should',
    doc: DOCS.keepAliveMsecsOption,
    requires: ['agentState'],
    expected:
      "no options: agent.keepAlive false, agent.keepAliveMsecs 1000, agent.scheduling 'lifo', no agent.options.timeout; a new socket has no timeout (socket.timeout 0 or unset)",
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({});
    const r = await (await agent.request({ origin })).completed();
    const snap = await agent.snapshot();
    const f = snap.fields;
    const socketTimeout = r.socket?.socketTimeout ?? null;
    ctx.observe(
      `keepAlive ${show(f.keepAlive)}, keepAliveMsecs ${show(f.keepAliveMsecs)}, scheduling ${show(f.scheduling)}, options.timeout ${show(snap.options?.timeout)}, socket.timeout ${show(socketTimeout)}`,
    );
    assert.equal(f.keepAlive, false, 'agent.keepAlive');
    assert.equal(f.keepAliveMsecs, 1000, 'agent.keepAliveMsecs');
    assert.equal(f.scheduling, 'lifo', 'agent.scheduling');
    assert.equal(snap.options?.timeout, undefined, 'agent.options.timeout');
    assert.ok(!socketTimeout, `socket.timeout at 'socket' was ${socketTimeout}`);
  },
);

// `should`: the docs give defaults, not what 0 or '' mean. Node's constructor uses `||`, so these
// falsy values fall back to the defaults (maxSockets 0 would otherwise mean no request ever goes out).
defineCase(
  {
    id: 'defaults/falsy-options',
    title:
      "maxSockets 0, maxFreeSockets 0, keepAliveMsecs 0 and scheduling '' mean the defaults (as in Node)",
    level: 'should',
    doc: DOCS.keepAliveMsecsOption,
    requires: ['maxFreeSockets', 'scheduling'],
    expected:
      "keepAlive with maxSockets 0, maxFreeSockets 0, keepAliveMsecs 0, scheduling '': 3 overlapping requests get 3 connections, all 3 stay pooled, the next request rides on the last one released ('lifo'); fields read Infinity, 256, 1000, 'lifo'",
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({
      keepAlive: true,
      maxSockets: 0,
      maxFreeSockets: 0,
      keepAliveMsecs: 0,
      scheduling: '',
    });
    const { requests } = await agent.issue(
      [20, 60, 100].map((delay, i) => ({ origin, path: `/w${i + 1}`, behaviour: { delay } })),
    );
    for (const r of requests) await r.completed(1500);
    await pooled(ctx, agent, 3, '3 sockets to be pooled');
    await (await agent.request({ origin, path: '/next' })).completed();
    const last = arrived(ctx, origin, '/w3').connection;
    const next = arrived(ctx, origin, '/next');
    const f = (await agent.optionalSnapshot())?.fields ?? null;
    ctx.observe(
      `${origin.connections.length} connections, ${origin.open} open; /next on #${next.connection}/${next.nth} (last released #${last}); maxSockets ${show(f?.maxSockets)}, maxFreeSockets ${show(f?.maxFreeSockets)}, keepAliveMsecs ${show(f?.keepAliveMsecs)}, scheduling ${show(f?.scheduling)}`,
    );
    assert.equal(
      origin.connections.length,
      3,
      'maxSockets 0: three connections for three overlapping requests',
    );
    assert.equal(origin.open, 3, 'maxFreeSockets 0: all three stayed open (pooled)');
    assert.equal(next.connection, last, "scheduling '': the next request rode on the last socket released");
    if (f)
      assert.deepEqual(
        [f.maxSockets, f.maxFreeSockets, f.keepAliveMsecs, f.scheduling],
        [Number.POSITIVE_INFINITY, 256, 1000, 'lifo'],
        'fields maxSockets, maxFreeSockets, keepAliveMsecs, scheduling (secondary)',
      );
  },
);

defineCase(
  {
    id: 'defaults/default-port',
    title: 'a request without a port goes to the agent’s defaultPort; the default is 80',
    level: 'must',
    doc: DOCS.defaultPortOption,
    requires: ['defaultPort'],
    expected:
      "agent { defaultPort: <origin's port> }, a request to http://127.0.0.1 with no port: the origin receives it; an agent made without options has defaultPort 80",
  },
  async (ctx) => {
    const origin = await ctx.origin();
    // The same origin, addressed without a port: http.request() then asks the agent for its default.
    // --protocol https: https.Agent's default is 443
    const [scheme, defaultPort] = ctx.protocol === 'https' ? ['https', 443] : ['http', 80];
    const portless = Object.create(origin, { url: { value: `${scheme}://127.0.0.1` } }) as Origin;
    const agent = await ctx.agent({ defaultPort: origin.port });
    const r = await agent.request({ origin: portless, path: '/no-port' });
    await r.done(1500);
    const plain = await ctx.agent({});
    const dflt = (await plain.snapshot()).fields.defaultPort;
    const rec = requestAt(origin, '/no-port');
    ctx.observe(
      `${rec ? `the origin received the request (Host: ${rec.headers.host})` : `the origin never received it${r.error ? ` (${r.error.code ?? ''} ${r.error.message})` : ''}`}; default agent.defaultPort ${show(dflt)}`,
    );
    assert.ok(rec, `the request without a port reached the origin on port ${origin.port}`);
    assert.equal(dflt, defaultPort, 'agent.defaultPort of an agent made without options');
  },
);

// `should`, as decided for the suite: the null prototypes are documented only in the change history
// of `agent.freeSockets`, `agent.requests` and `agent.sockets` (v16.0.0).
defineCase(
  {
    id: 'defaults/null-prototype-maps',
    title: 'sockets, freeSockets and requests are objects with a null prototype',
    level: 'should',
    doc: DOCS.nullPrototypeMaps,
    requires: ['agentState'],
    expected:
      "Object.getPrototypeOf(agent.sockets / agent.freeSockets / agent.requests) === null, with a pooled socket and a queued request (so a key like '__proto__' or 'constructor' cannot collide)",
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true, maxSockets: 1 });
    await (await agent.request({ origin, path: '/one' })).completed();
    await pooled(ctx, agent, 1, 'the socket to be pooled');
    const { requests, snapshot } = await agent.issue(
      [
        { origin, path: '/two', behaviour: { hold: 'h' } },
        { origin, path: '/three' },
      ],
      { snapshot: true },
    );
    await ctx.waitFor('the origin to hold /two', () => origin.heldCount('h') === 1, 1000);
    const later = await agent.snapshot();
    origin.release('h');
    for (const r of requests) await r.completed();
    ctx.observe(
      `null prototypes: ${show(snapshot?.nullPrototypes)} with a queued request, ${show(later.nullPrototypes)} with an active one`,
    );
    assert.equal(snapshot?.nullPrototypes, true, 'null prototypes with a request queued');
    assert.equal(later.nullPrototypes, true, 'null prototypes with a request in flight');
  },
);

defineCase(
  {
    id: 'defaults/keepalive-timeout-buffer',
    title: 'agentKeepAliveTimeoutBuffer defaults to 1000 ms',
    level: 'must',
    doc: DOCS.keepAliveTimeoutBufferOption,
    requires: ['agentKeepAliveTimeoutBuffer'],
    expected: `keepAlive, timeout 5000, no buffer option; two overlapping responses with \`Keep-Alive: timeout=1\` and \`timeout=2\`: the first connection is closed right after its response (1000 − 1000 ≤ 0: not pooled; within ${RELEASE_CLOSE_MS} ms, where a 500 ms buffer closes it at 500), the second 1000 ms after (2000 − 1000; within [${timerWindow(1000, 1500).join(', ')}], where a 500 ms buffer gives 1500 and none 2000)`,
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true, timeout: 5000 });
    const { requests } = await agent.issue([
      { origin, path: '/ka1', behaviour: { ka: 1 } },
      { origin, path: '/ka2', behaviour: { ka: 2 } },
    ]);
    const [r1, r2] = handles(requests, 2);
    await r1.completed();
    await r2.completed();
    const c1 = await closed(ctx, connectionOf(ctx, r1), 1000);
    const c2 = await closed(ctx, connectionOf(ctx, r2), 2500);
    const idle1 = idleAfter(c1, arrived(ctx, origin, '/ka1'));
    const idle2 = idleAfter(c2, arrived(ctx, origin, '/ka2'));
    const f = (await agent.optionalSnapshot())?.fields;
    ctx.observe(
      `timeout=1: closed by ${c1.closedBy} ${Math.round(idle1)} ms after the response; timeout=2: closed by ${c2.closedBy} ${Math.round(idle2)} ms after; agent.agentKeepAliveTimeoutBuffer ${show(f?.agentKeepAliveTimeoutBuffer)}`,
    );
    assert.equal(c1.closedBy, 'client', 'the client closed the timeout=1 connection');
    within(idle1, 0, RELEASE_CLOSE_MS, 'timeout=1: close after the response (buffer ≥ 1000: not pooled)');
    assert.equal(c2.closedBy, 'client', 'the client closed the timeout=2 connection');
    // 2000 − 1000; the nearest wrong default is a 500 ms buffer (1500)
    withinTimer(idle2, 1000, 'timeout=2: idle time before the close (2000 − buffer)', 1500);
    if (f) assert.equal(f.agentKeepAliveTimeoutBuffer, 1000, 'agent.agentKeepAliveTimeoutBuffer (secondary)');
  },
);

// --- agent: false ---------------------------------------------------------------------------------

defineCase(
  {
    id: 'defaults/agent-false',
    title: '`agent: false` uses a one-time agent with default options for each request',
    level: 'must',
    doc: DOCS.agentFalse,
    expected:
      'two requests with `agent: false` (the subject loaded): each is sent with `Connection: close` on its own connection, closed within 600 ms of the response (the origin honours the `Connection: close`)',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true });
    const first = await (await agent.request({ origin, path: '/one', useAgent: false })).completed();
    const second = await (await agent.request({ origin, path: '/two', useAgent: false })).completed();
    const rec1 = arrived(ctx, origin, '/one');
    const rec2 = arrived(ctx, origin, '/two');
    await ctx.mayFail(closed(ctx, connectionOf(ctx, first), 1000));
    await ctx.mayFail(closed(ctx, connectionOf(ctx, second), 1000));
    const c1 = connectionOf(ctx, first);
    const c2 = connectionOf(ctx, second);
    const after = (c: typeof c1, rec: typeof rec1) =>
      c.closedAt === null ? null : c.closedAt - (rec.respondedAt ?? 0);
    ctx.observe(
      `Connection: ${rec1.headers.connection}, ${rec2.headers.connection}; connections #${rec1.connection}, #${rec2.connection}; closed ${[after(c1, rec1), after(c2, rec2)].map((a) => (a === null ? 'never' : `${Math.round(a)} ms after`)).join(', ')} by ${c1.closedBy}, ${c2.closedBy}`,
    );
    assert.equal(rec1.headers.connection, 'close', 'the first request asked to close');
    assert.equal(rec2.headers.connection, 'close', 'the second request asked to close');
    assert.notEqual(rec1.connection, rec2.connection, 'each request had its own connection');
    for (const [c, rec] of [
      [c1, rec1],
      [c2, rec2],
    ] as const) {
      within(after(c, rec) ?? Number.POSITIVE_INFINITY, 0, 600, `close of #${c.id} after its response`);
    }
  },
);

// --- the runtime's global agent ------------------------------------------------------------------
// `useAgent: 'global'` sends a request with `agent: undefined`: the runtime's http.globalAgent (or
// https.globalAgent) serves it, whatever the subject is; these cases hold the runtime to its docs.

/** The global agent's documented timeout. */
const GLOBAL_TIMEOUT_MS = 5000;

defineCase(
  {
    id: 'defaults/global-agent-keepalive',
    title: "requests without an agent share one kept-alive connection (the runtime's globalAgent)",
    level: 'must',
    doc: DOCS.globalAgent,
    // the runtime's global agent, as its release documents it (keep-alive from 19.0.0)
    requires: ['globalAgentKeepAlive'],
    expected:
      'two sequential requests with `agent: undefined`: both sent with `Connection: keep-alive`, the second on the connection of the first as its 2nd request, which stays open in between',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const carrier = await ctx.agent({});
    const first = await (await carrier.request({ origin, path: '/one', useAgent: 'global' })).completed();
    await ctx.waitFor("the first request's 'close'", () => first.closed, 1000);
    await ctx.settle();
    const conn = connectionOf(ctx, first);
    const openBetween = conn.closedAt === null;
    const second = await (await carrier.request({ origin, path: '/two', useAgent: 'global' })).completed();
    const rec1 = arrived(ctx, origin, '/one');
    const rec2 = arrived(ctx, origin, '/two');
    ctx.observe(
      `Connection: ${rec1.headers.connection}, ${rec2.headers.connection}; /one on #${rec1.connection}, /two on #${rec2.connection}/${rec2.nth}; first connection ${openBetween ? 'open' : `closed by ${conn.closedBy}`} in between`,
    );
    assert.equal(rec1.headers.connection, 'keep-alive', 'the first request asked for keep-alive');
    assert.ok(openBetween, 'the first connection stayed open after its response');
    assert.equal(rec2.connection, rec1.connection, 'the second request reused the first connection');
    assert.equal(rec2.nth, 2, 'it is the 2nd request on that connection');
    assert.equal(second.socket?.reusedSocket, true, 'req.reusedSocket on the second request (secondary)');
  },
);

defineCase(
  {
    id: 'defaults/global-agent-timeout',
    title: "an idle connection of the runtime's globalAgent is closed after 5 s",
    level: 'must',
    doc: DOCS.globalAgent,
    requires: ['globalAgentKeepAlive'],
    // long on purpose (it outwaits the 5 s timeout); it overlaps other cases like timeout/none-keeps-pooled
    budgetMs: timerWindow(GLOBAL_TIMEOUT_MS)[1] + 4000,
    expected: `one request with \`agent: undefined\`: the client closes the idle connection ${GLOBAL_TIMEOUT_MS} ms after the response (within [${timerWindow(GLOBAL_TIMEOUT_MS).join(', ')}]: twice the timeout, or no timeout, is out; undici's 4 s is below)`,
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const carrier = await ctx.agent({});
    const r = await (await carrier.request({ origin, path: '/one', useAgent: 'global' })).completed();
    const conn = connectionOf(ctx, r);
    const [, hi] = timerWindow(GLOBAL_TIMEOUT_MS);
    await ctx.mayFail(closed(ctx, conn, hi + 250));
    const rec = arrived(ctx, origin, '/one');
    const idle = conn.closedAt === null ? null : conn.closedAt - (rec.respondedAt ?? 0);
    ctx.observe(
      idle === null
        ? `the idle connection was still open ${hi + 250} ms after the response`
        : `the connection was closed by the ${conn.closedBy} ${Math.round(idle)} ms after the response`,
    );
    assert.ok(idle !== null, `the idle connection was still open ${hi + 250} ms after the response`);
    assert.equal(conn.closedBy, 'client', 'the client closed the idle connection');
    withinTimer(idle, GLOBAL_TIMEOUT_MS, 'idle time before the close');
  },
);

// --- limits changed after construction ------------------------------------------------------------

/** Issues `n` held requests to each origin, lets the agent settle, then releases until all are done. */
async function heldPeak(
  ctx: CaseContext,
  agent: Awaited<ReturnType<CaseContext['agent']>>,
  spread: [Origin, number][],
  expectHeld: number,
): Promise<RequestHandle[]> {
  const list = spread.flatMap(([origin, n], o) =>
    Array.from({ length: n }, (_, i) => ({ origin, path: `/o${o}r${i + 1}`, behaviour: { hold: 'h' } })),
  );
  const { requests } = await agent.issue(list);
  await ctx.waitFor(
    `the origins to hold ${expectHeld} requests`,
    () => spread.reduce((sum, [origin]) => sum + origin.heldCount('h'), 0) >= expectHeld,
    1500,
  );
  // Anything beyond the limit would connect within a loopback round trip or two.
  await ctx.observeFor(150);
  await releaseAll(
    ctx,
    spread.map(([origin]) => origin),
    requests,
    'h',
  );
  for (const r of requests) await r.completed();
  return requests;
}

/**
 * keepAlive (a freed socket then does not race its own Connection: close), then `agent[limit] = 2`
 * set after construction; `n` held requests to one origin in one tick: at most 2 connections at once.
 */
async function assignedLimitHolds(ctx: CaseContext, limit: 'maxSockets' | 'maxTotalSockets', n: number) {
  const origin = await ctx.origin();
  const agent = await ctx.agent({ keepAlive: true }, { assign: { [limit]: 2 } });
  await heldPeak(ctx, agent, [[origin, n]], 2);
  const peak = overlapPeak(origin.connections);
  ctx.observe(`peak ${peak} connections (raw ${origin.peak}), ${origin.connections.length} in all`);
  assert.equal(peak, 2, 'connections open at once');
}

defineCase(
  {
    id: 'defaults/max-sockets-assigned',
    title: 'agent.maxSockets set after construction limits the connections',
    level: 'must',
    doc: DOCS.maxSocketsPerOrigin,
    expected:
      'keepAlive (so a freed socket is not racing its own Connection: close), then `agent.maxSockets = 2`; 5 held requests to one origin in one tick: at most 2 connections at once; all 5 are served',
  },
  async (ctx) => {
    await assignedLimitHolds(ctx, 'maxSockets', 5);
  },
);

defineCase(
  {
    id: 'defaults/max-free-sockets-assigned',
    title: 'agent.maxFreeSockets set after construction limits the idle sockets kept',
    level: 'must',
    doc: DOCS.maxFreeSocketsProperty,
    requires: ['maxFreeSockets'],
    expected:
      'keepAlive, then `agent.maxFreeSockets = 1`; 3 held requests answered together: the client closes 2 of the 3 connections within 600 ms, 1 stays open',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true }, { assign: { maxFreeSockets: 1 } });
    await heldPeak(ctx, agent, [[origin, 3]], 3);
    await ctx.mayFail(
      ctx.waitFor(
        '2 connections to close',
        () => origin.connections.filter((c) => c.closedAt !== null).length >= 2,
        600,
      ),
    );
    await ctx.observeFor(100);
    const byClient = origin.connections.filter((c) => c.closedBy === 'client').length;
    ctx.observe(
      `${origin.connections.length} connections, ${byClient} closed by the client, ${origin.open} open`,
    );
    assert.equal(origin.connections.length, 3, 'three connections');
    assert.equal(byClient, 2, 'connections the client closed');
    assert.equal(origin.open, 1, 'idle connections left open');
  },
);

defineCase(
  {
    id: 'defaults/max-total-sockets-assigned',
    title: 'agent.maxTotalSockets set after construction limits the connections',
    level: 'must',
    doc: DOCS.maxTotalSocketsProperty,
    requires: ['maxTotalSockets'],
    expected:
      'keepAlive (so a freed socket is not racing its own Connection: close), then `agent.maxTotalSockets = 2`; 4 held requests to one origin in one tick: at most 2 connections at once; all 4 are served',
  },
  async (ctx) => {
    await assignedLimitHolds(ctx, 'maxTotalSockets', 4);
  },
);

// --- maxTotalSockets with maxSockets --------------------------------------------------------------

/**
 * 3 + 3 held requests to origins A and B through an agent made with `options`; once `held` of them
 * are held, all are released. The peaks of connections open at once: per origin and across both.
 */
async function twoOriginPeaks(
  ctx: CaseContext,
  options: Record<string, unknown>,
  held: number,
): Promise<{ pa: number; pb: number; both: number }> {
  const a = await ctx.origin('A');
  const b = await ctx.origin('B');
  const agent = await ctx.agent(options);
  await heldPeak(
    ctx,
    agent,
    [
      [a, 3],
      [b, 3],
    ],
    held,
  );
  const pa = overlapPeak(a.connections);
  const pb = overlapPeak(b.connections);
  const both = overlapPeak([...a.connections, ...b.connections]);
  ctx.observe(`peak A ${pa}, B ${pb}, both ${both} (raw ${a.peak}, ${b.peak}, ${ctx.wire.peak})`);
  return { pa, pb, both };
}

defineCase(
  {
    id: 'defaults/max-total-with-max-sockets-per-origin',
    title: 'with maxTotalSockets, maxSockets still limits each origin',
    level: 'must',
    doc: DOCS.maxTotalSocketsProperty,
    requires: ['maxTotalSockets'],
    expected:
      'maxSockets 2, maxTotalSockets 3, 3 + 3 held requests to origins A and B in one tick: at most 2 connections to either origin and 3 in all at once; all 6 are served',
  },
  async (ctx) => {
    const { pa, pb, both } = await twoOriginPeaks(ctx, { maxSockets: 2, maxTotalSockets: 3 }, 3);
    assert.ok(pa <= 2, `connections to A at once: ${pa}`);
    assert.ok(pb <= 2, `connections to B at once: ${pb}`);
    assert.equal(both, 3, 'connections at once across both origins');
  },
);

defineCase(
  {
    id: 'defaults/max-total-with-max-sockets-total',
    title: 'with maxSockets, maxTotalSockets still limits the total',
    level: 'must',
    doc: DOCS.maxTotalSocketsOption,
    requires: ['maxTotalSockets'],
    expected:
      'maxSockets 3, maxTotalSockets 4, 3 + 3 held requests to origins A and B in one tick: at most 4 connections at once across both, at most 3 to either; all 6 are served',
  },
  async (ctx) => {
    const { pa, pb, both } = await twoOriginPeaks(ctx, { maxSockets: 3, maxTotalSockets: 4 }, 4);
    assert.ok(pa <= 3 && pb <= 3, `connections to one origin at once: A ${pa}, B ${pb}`);
    assert.equal(both, 4, 'connections at once across both origins');
  },
);

// --- defaultPort and protocol on the wire ---------------------------------------------------------

// `should`: the docs make agent.defaultPort the request's default port; leaving a default port out
// of `Host` is HTTP's rule (RFC 9110 §7.2), which Node's ClientRequest applies with that port.
defineCase(
  {
    id: 'defaults/default-port-host-header',
    title: "the Host header leaves out the port when it is the agent's defaultPort",
    level: 'should',
    doc: DOCS.requestDefaultPort,
    requires: ['defaultPort'],
    expected:
      "agent { defaultPort: <origin's port> }, a request with no port: the origin receives `Host: 127.0.0.1`; through an agent made without options, a request with the port gets `Host: 127.0.0.1:<port>`",
  },
  async (ctx) => {
    const origin = await ctx.origin();
    // --protocol https: the same rule through an https agent
    const portless = Object.create(origin, { url: { value: `${ctx.protocol}://127.0.0.1` } }) as Origin;
    const agent = await ctx.agent({ defaultPort: origin.port });
    const r = await agent.request({ origin: portless, path: '/no-port' });
    await r.done(1500);
    const plain = await ctx.agent({});
    await (await plain.request({ origin, path: '/with-port' })).completed();
    const own = requestAt(origin, '/no-port');
    const other = arrived(ctx, origin, '/with-port');
    ctx.observe(
      `no port: ${own ? `Host: ${own.headers.host}` : `never arrived${r.error ? ` (${r.error.code})` : ''}`}; default agent: Host: ${other.headers.host}`,
    );
    assert.ok(own, 'the request without a port reached the origin');
    assert.equal(own.headers.host, '127.0.0.1', 'Host when the port is the default');
    assert.equal(other.headers.host, `127.0.0.1:${origin.port}`, 'Host when it is not');
  },
);

defineCase(
  {
    id: 'defaults/protocol-http',
    title: "an agent made without options is an 'http:' agent",
    level: 'must',
    doc: DOCS.protocolOption,
    requires: ['protocol'],
    expected: "no options: an http request through the agent is served; agent.protocol is 'http:'",
  },
  async (ctx) => {
    if (ctx.protocol === 'https')
      ctx.skip("about http.Agent's 'http:' protocol; https/defaults checks an https agent's");
    const origin = await ctx.origin();
    const agent = await ctx.agent({});
    const sent = await ctx.mayFail(agent.request({ origin }));
    const r = await (sent.ok ? sent.value : ctx.fail(`http.request threw: ${sent.message}`)).completed();
    const snap = await agent.optionalSnapshot();
    ctx.observe(`served with status ${r.response?.status}; agent.protocol ${show(snap?.fields.protocol)}`);
    assert.equal(r.response?.status, 200, 'the response');
    if (snap) assert.equal(snap.fields.protocol, 'http:', 'agent.protocol (secondary)');
  },
);

// `should`: the docs give the agent's protocol and the request's; that a request of another protocol
// is refused (ERR_INVALID_PROTOCOL) is Node's ClientRequest, fed by agent.protocol.
defineCase(
  {
    id: 'defaults/protocol-mismatch',
    title: 'an http request through an agent whose protocol is https: is refused',
    level: 'should',
    doc: DOCS.requestProtocol,
    requires: ['protocol'],
    expected:
      "agent { protocol: 'https:' }, an http: request through it: http.request() throws ERR_INVALID_PROTOCOL (or the request fails with it) and the origin sees no connection",
  },
  async (ctx) => {
    if (ctx.protocol === 'https')
      ctx.skip("about http.Agent's 'http:' protocol; https/defaults checks an https agent's");
    const origin = await ctx.origin();
    const agent = await ctx.agent({ protocol: 'https:' });
    // refused by http.request() itself (the command throws) or by the request's 'error'
    const sent = await ctx.mayFail(agent.request({ origin }));
    const code = sent.ok ? ((await sent.value.done(1500)).error?.code ?? null) : sent.code;
    ctx.observe(`${code ? `refused: ${code}` : 'not refused'}; ${origin.connections.length} connection(s)`);
    assert.equal(code, 'ERR_INVALID_PROTOCOL', 'the request was refused');
    assert.equal(origin.connections.length, 0, 'connections the origin saw');
  },
);
