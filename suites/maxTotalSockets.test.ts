/**
 * `maxTotalSockets`: the cap on sockets across all origins. The cap is checked on the wire, as the
 * number of connections open at the same time across the case's origins, also while sockets move
 * from one origin to another; a pooled idle socket of one origin must not keep a request to another
 * origin waiting for ever; the option is validated when the agent is made.
 *
 * Node 24 fails three `must` cases here, on purpose (the docs are the spec): when a socket is
 * pooled, `removeSocket` opens a socket for another origin's queued request without re-checking
 * `maxTotalSockets` (max + 1 connections), and a pooled idle socket is never evicted for a request
 * to another origin (that request waits until the idle socket happens to close). Both were noted in
 * the review of the PR that added the option, nodejs/node#33617 ("not FIFO across origins",
 * "I believe this is subtly broken"), and are still in lib/_http_agent.js.
 */
import assert from 'node:assert/strict';
import {
  type CaseContext,
  type ConnectionRecord,
  defineCase,
  type Origin,
  type RequestOptions,
} from '../harness/suite/api.ts';
import { DOCS } from './docs.ts';
import { arrived, CLOSE_GRACE_MS, nameOf, overlapPeak } from './wire.ts';

function allConnections(...origins: Origin[]): ConnectionRecord[] {
  return origins.flatMap((o) => o.connections);
}

/** 3 requests to A, then 3 to B, in that order, each answered after `delay` ms. */
function threeEach(a: Origin, b: Origin, delay: number): RequestOptions[] {
  return [
    ...[1, 2, 3].map((i) => ({ origin: a, path: `/a${i}`, behaviour: { delay } })),
    ...[1, 2, 3].map((i) => ({ origin: b, path: `/b${i}`, behaviour: { delay } })),
  ];
}

// Node 24 FAILS this case (peak 3): when /a2's socket is pooled, removeSocket opens a socket for
// B's queue without checking maxTotalSockets (nodejs/node#33617 review). The docs cap the total.
defineCase(
  {
    id: 'maxTotalSockets/limit-across-origins',
    title: 'never more than maxTotalSockets connections across origins, also while pooling',
    level: 'must',
    doc: DOCS.maxTotalSocketsOption,
    requires: ['maxTotalSockets'],
    expected:
      'keepAlive, maxTotalSockets 2, 3 requests to A then 3 to B in one tick (150 ms each): at no time are more than 2 connections open across A and B; all 6 requests are served',
  },
  async (ctx) => {
    const a = await ctx.origin('A');
    const b = await ctx.origin('B');
    const agent = await ctx.agent({ keepAlive: true, maxTotalSockets: 2 });
    const { requests, snapshot } = await agent.issue(threeEach(a, b, 150), { snapshot: true });
    for (const r of requests) await r.completed();
    const peak = overlapPeak(allConnections(a, b));
    ctx.observe(
      `peak ${peak} connections open at once across A and B (raw ${ctx.wire.peak}); A ${a.connections.length}, B ${b.connections.length} connection(s); snapshot in the issuing tick: sockets ${snapshot?.active()}, queued A ${snapshot?.queued(nameOf(a))} B ${snapshot?.queued(nameOf(b))}`,
    );
    assert.ok(
      peak <= 2,
      `${peak} connections were open at once across origins (maxTotalSockets 2; overlaps under ${CLOSE_GRACE_MS} ms ignored)`,
    );
    assert.equal(a.requests.length + b.requests.length, 6, 'all six requests were served');
    if (snapshot)
      assert.equal(
        snapshot.active(),
        2,
        'agent.sockets in the issuing tick holds 2 sockets in all (secondary)',
      );
  },
);

defineCase(
  {
    id: 'maxTotalSockets/limit-without-keepalive',
    title: 'never more than maxTotalSockets connections across origins when sockets are not pooled',
    level: 'must',
    doc: DOCS.maxTotalSocketsOption,
    requires: ['maxTotalSockets'],
    expected:
      'keepAlive false, maxTotalSockets 2, 3 requests to A then 3 to B in one tick (150 ms each): at no time are more than 2 connections open across A and B; all 6 requests are served',
  },
  async (ctx) => {
    const a = await ctx.origin('A');
    const b = await ctx.origin('B');
    const agent = await ctx.agent({ keepAlive: false, maxTotalSockets: 2 });
    const { requests } = await agent.issue(threeEach(a, b, 150));
    for (const r of requests) await r.completed();
    const peak = overlapPeak(allConnections(a, b));
    ctx.observe(
      `peak ${peak} connections open at once across A and B (raw ${ctx.wire.peak}); A ${a.connections.length}, B ${b.connections.length} connection(s)`,
    );
    assert.ok(
      peak <= 2,
      `${peak} connections were open at once across origins (maxTotalSockets 2; overlaps under ${CLOSE_GRACE_MS} ms ignored)`,
    );
    assert.equal(peak, 2, 'each request uses a new socket until the maximum is reached');
    assert.equal(a.requests.length + b.requests.length, 6, 'all six requests were served');
  },
);

// Node 24 FAILS this case (peak 2): A's socket goes to the pool, then removeSocket opens B's socket
// without re-checking maxTotalSockets, so an idle A and an active B are open together
// (nodejs/node#33617 review; lib/_http_agent.js removeSocket).
defineCase(
  {
    id: 'maxTotalSockets/pooled-socket-counts',
    title: 'a pooled socket counts toward maxTotalSockets when a queued request of another origin starts',
    level: 'must',
    doc: DOCS.maxTotalSocketsProperty,
    requires: ['maxTotalSockets'],
    expected:
      'keepAlive, maxTotalSockets 1, a request to A (50 ms) and one to B (250 ms) in one tick: B is served, but never while A’s connection is still open (at most 1 connection at any time)',
  },
  async (ctx) => {
    const a = await ctx.origin('A');
    const b = await ctx.origin('B');
    const agent = await ctx.agent({ keepAlive: true, maxTotalSockets: 1 });
    const { requests } = await agent.issue([
      { origin: a, path: '/a', behaviour: { delay: 50 } },
      { origin: b, path: '/b', behaviour: { delay: 250 } },
    ]);
    for (const r of requests) await r.completed(2000);
    const peak = overlapPeak(allConnections(a, b));
    const snap = await agent.optionalSnapshot();
    ctx.observe(
      `peak ${peak} connections open at once (raw ${ctx.wire.peak}); A's connection ${a.connections[0]?.closedAt === null ? 'still open' : `closed by ${a.connections[0]?.closedBy}`}; afterwards free ${snap?.free() ?? 'n/a'}, totalSocketCount ${snap?.totalSocketCount ?? 'n/a'}`,
    );
    assert.ok(
      peak <= 1,
      `${peak} connections were open at once across origins (maxTotalSockets 1; overlaps under ${CLOSE_GRACE_MS} ms ignored)`,
    );
  },
);

// Node 24 FAILS this case: B stays in agent.requests while A's idle socket holds the only slot; the
// agent never evicts a free socket of another origin (nodejs/node#33617 review). The pool exists to
// serve future requests, not to block them.
defineCase(
  {
    id: 'maxTotalSockets/idle-not-starving',
    title: 'an idle pooled socket of one origin does not keep a request to another origin waiting',
    level: 'must',
    doc: DOCS.maxTotalSocketsOption,
    requires: ['maxTotalSockets'],
    expected:
      'keepAlive, maxTotalSockets 1: A’s request completes and its socket is pooled; a request to B is then served within 500 ms, A’s idle connection being closed first (never 2 open at once)',
  },
  async (ctx) => {
    const a = await ctx.origin('A');
    const b = await ctx.origin('B');
    const agent = await ctx.agent({ keepAlive: true, maxTotalSockets: 1 });
    await (await agent.request({ origin: a, path: '/a' })).completed();
    await ctx.waitFor('A’s socket to be pooled', () => agent.frees.length === 1, 1000);
    const rb = await agent.request({ origin: b, path: '/b' });
    const { ok: served } = await ctx.mayFail(rb.responded(500));
    const snap = await agent.optionalSnapshot();
    ctx.observe(
      `B ${served ? `answered ${Math.round((rb.response?.t ?? 0) - (rb.socket?.t ?? 0))} ms after its socket` : 'not served within 500 ms'}; B saw ${b.requests.length} request(s); A's connection ${a.connections[0]?.closedAt === null ? 'still open' : `closed by ${a.connections[0]?.closedBy}`}; queued ${snap?.queued(nameOf(b)) ?? 'n/a'}, free ${snap?.free(nameOf(a)) ?? 'n/a'}`,
    );
    assert.ok(served, 'the request to B was not served within 500 ms while A’s socket sat idle in the pool');
    await rb.completed();
    const peak = overlapPeak(allConnections(a, b));
    assert.ok(peak <= 1, `${peak} connections were open at once (maxTotalSockets 1)`);
  },
);

defineCase(
  {
    id: 'maxTotalSockets/unblock-on-close',
    title: 'a request waiting for the total cap is served once the idle socket holding the slot closes',
    level: 'should',
    doc: DOCS.maxTotalSocketsProperty,
    requires: ['maxTotalSockets'],
    expected:
      'keepAlive, maxTotalSockets 1: A’s socket is pooled and the origin closes it 250 ms after the response; a request to B made meanwhile is served on a new connection, at the latest within 500 ms of that close, and never while A’s connection is open',
  },
  async (ctx) => {
    const a = await ctx.origin('A');
    const b = await ctx.origin('B');
    const agent = await ctx.agent({ keepAlive: true, maxTotalSockets: 1 });
    await (await agent.request({ origin: a, path: '/a', behaviour: { hangup: 250 } })).completed();
    await ctx.waitFor('A’s socket to be pooled', () => agent.frees.length === 1, 1000);
    const rb = await agent.request({ origin: b, path: '/b' });
    const ca = a.connections[0] ?? ctx.fail('origin A saw no connection');
    await ctx.waitFor('A’s connection to close', () => ca.closedAt !== null, 1500);
    await ctx.waitFor('B to be served within 500 ms of that close', () => b.requests.length > 0, 500);
    await rb.completed();
    const rec = arrived(ctx, b, '/b');
    const peak = overlapPeak(allConnections(a, b));
    ctx.observe(
      `A closed by ${ca.closedBy} at ${Math.round(ca.closedAt ?? 0)} ms; /b arrived at ${Math.round(rec.at)} ms on B's connection ${rec.connection}; peak ${peak}`,
    );
    assert.equal(b.connections.length, 1, 'B was served on one new connection');
    assert.ok(peak <= 1, `${peak} connections were open at once (maxTotalSockets 1)`);
  },
);

// `info`: Node serves the rest of the current origin's queue before any other origin (handoff on
// 'free'), then the first origin in agent.requests; the docs say nothing about the order across
// origins and the #33617 review calls it "not FIFO across origins". Recorded, not required.
defineCase(
  {
    id: 'maxTotalSockets/origin-priority',
    title: 'order across origins when the total cap makes requests wait (as in Node)',
    level: 'info',
    doc: DOCS.maxTotalSocketsProperty,
    requires: ['maxTotalSockets'],
    expected:
      'keepAlive false, maxTotalSockets 1, requests A1, B1, A2 in one tick: as in Node, the origins receive A1, then A2 (handed A1’s socket), then B1',
  },
  async (ctx) => {
    const a = await ctx.origin('A');
    const b = await ctx.origin('B');
    const agent = await ctx.agent({ keepAlive: false, maxTotalSockets: 1 });
    const { requests } = await agent.issue([
      { origin: a, path: '/a1', behaviour: { delay: 30 } },
      { origin: b, path: '/b1' },
      { origin: a, path: '/a2' },
    ]);
    for (const r of requests) await r.completed();
    const order = [...a.requests, ...b.requests]
      .sort((x, y) => x.at - y.at)
      .map((q) => q.path.split('?')[0] ?? q.path);
    ctx.observe(`arrival order ${order.join(', ')}; peak ${overlapPeak(allConnections(a, b))}`);
    assert.deepEqual(order, ['/a1', '/a2', '/b1'], 'order in which the origins received the requests');
  },
);

defineCase(
  {
    id: 'maxTotalSockets/invalid-type',
    title: 'a maxTotalSockets that is not a number is rejected with a TypeError',
    level: 'should',
    doc: DOCS.maxTotalSocketsOption,
    requires: ['maxTotalSockets'],
    expected:
      "maxTotalSockets '1', 'test' or null: the constructor throws TypeError with code ERR_INVALID_ARG_TYPE (as Node's validateNumber)",
  },
  async (ctx) => {
    const seen: string[] = [];
    for (const value of ['1', 'test', null]) {
      const made = await ctx.tryAgent({ maxTotalSockets: value });
      seen.push(
        made.ok
          ? `${JSON.stringify(value)} accepted`
          : `${JSON.stringify(value)} → ${made.error.name} ${made.error.code}`,
      );
    }
    ctx.observe(seen.join('; '));
    for (const line of seen) {
      assert.match(line, /→ TypeError ERR_INVALID_ARG_TYPE$/, `maxTotalSockets ${line.split(' ')[0]}`);
    }
  },
);

defineCase(
  {
    id: 'maxTotalSockets/out-of-range',
    title: 'a maxTotalSockets below 1 (or NaN) is rejected with a RangeError',
    level: 'should',
    doc: DOCS.maxTotalSocketsOption,
    requires: ['maxTotalSockets'],
    expected:
      'maxTotalSockets 0, -1 or NaN: the constructor throws RangeError with code ERR_OUT_OF_RANGE (as Node)',
  },
  async (ctx) => {
    const seen: string[] = [];
    for (const value of [0, -1, Number.NaN]) {
      const made = await ctx.tryAgent({ maxTotalSockets: value });
      seen.push(made.ok ? `${value} accepted` : `${value} → ${made.error.name} ${made.error.code}`);
    }
    ctx.observe(seen.join('; '));
    for (const line of seen) {
      assert.match(line, /→ RangeError ERR_OUT_OF_RANGE$/, `maxTotalSockets ${line.split(' ')[0]}`);
    }
  },
);

defineCase(
  {
    id: 'maxTotalSockets/accepts-infinity-fraction',
    title: 'maxTotalSockets Infinity and 1.5 are accepted, and Infinity does not limit connections',
    level: 'should',
    doc: DOCS.maxTotalSocketsProperty,
    requires: ['maxTotalSockets'],
    expected:
      'maxTotalSockets Infinity and 1.5 make agents (as in Node); with Infinity, 3 held requests to one origin get 3 connections; with 1.5 a request is served',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const inf = await ctx.tryAgent({ keepAlive: true, maxTotalSockets: Number.POSITIVE_INFINITY });
    const frac = await ctx.tryAgent({ keepAlive: true, maxTotalSockets: 1.5 });
    const why = (m: Awaited<ReturnType<CaseContext['tryAgent']>>) =>
      m.ok ? 'accepted' : `${m.error.name} ${m.error.code}: ${m.error.message}`;
    ctx.observe(`Infinity ${why(inf)}; 1.5 ${why(frac)}`);
    if (!inf.ok) return ctx.fail(`maxTotalSockets Infinity was rejected: ${why(inf)}`);
    if (!frac.ok) return ctx.fail(`maxTotalSockets 1.5 was rejected: ${why(frac)}`);
    const { requests } = await inf.agent.issue(
      [1, 2, 3].map((i) => ({ origin, path: `/inf${i}`, behaviour: { hold: 'h' } })),
    );
    await ctx.waitFor('3 requests to be held', () => origin.heldCount('h') === 3, 1500);
    const open = origin.open;
    origin.release('h');
    for (const r of requests) await r.completed();
    await (await frac.agent.request({ origin, path: '/frac' })).completed();
    ctx.observe(`Infinity: ${open} connection(s) open at once`);
    assert.equal(open, 3, 'connections open at once with maxTotalSockets Infinity');
  },
);

defineCase(
  {
    id: 'maxTotalSockets/total-socket-count',
    title: 'totalSocketCount counts active and pooled sockets and drops to 0 after destroy()',
    level: 'should',
    doc: DOCS.maxTotalSocketsProperty,
    requires: ['totalSocketCount', 'agentState'],
    expected:
      'keepAlive, 2 pooled sockets and 1 active one: the origin has 3 open connections and totalSocketCount is 3 (as in Node); after destroy() the client closes all 3 and totalSocketCount is 0',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true });
    const { requests } = await agent.issue([
      { origin, path: '/f1', behaviour: { delay: 20 } },
      { origin, path: '/f2', behaviour: { delay: 20 } },
      { origin, path: '/held', behaviour: { hold: 'h' } },
    ]);
    const [f1, f2, held] = requests;
    await f1?.completed();
    await f2?.completed();
    await ctx.waitFor('two sockets to be pooled', () => agent.frees.length === 2, 1000);
    await ctx.waitFor('the third request to be held', () => origin.heldCount('h') === 1, 1500);
    const during = await agent.snapshot();
    const openDuring = origin.open;
    await agent.destroy();
    for (const c of origin.connections)
      await ctx.waitFor(`connection ${c.id} to close`, () => c.closedAt !== null, 1000);
    await held?.done();
    const after = await agent.snapshot();
    ctx.observe(
      `origin open ${openDuring}, totalSocketCount ${during.totalSocketCount} (free ${during.free()}, active ${during.active()}); after destroy: closed by ${origin.connections.map((c) => c.closedBy).join('/')}, totalSocketCount ${after.totalSocketCount}`,
    );
    assert.equal(openDuring, 3, 'connections open at the origin');
    for (const c of origin.connections)
      assert.equal(c.closedBy, 'client', `the client closed connection ${c.id} on destroy()`);
    assert.equal(during.totalSocketCount, 3, 'totalSocketCount with 2 pooled and 1 active socket');
    assert.equal(after.totalSocketCount, 0, 'totalSocketCount after destroy() and the closes');
  },
);
