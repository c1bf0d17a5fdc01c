/**
 * `maxSockets`: how many connections the agent opens to one origin, what happens to the requests
 * beyond that number (they wait in a queue, first in first out, and are served when a connection
 * frees up or ends), that pooled idle sockets count toward the limit and that each origin has its
 * own limit. Every verdict rests on the origin's records: how many connections were open at once,
 * which connection carried which request (as its n-th) and in which order the requests arrived.
 */
import assert from 'node:assert/strict';
import { defineCase, type Origin } from '../harness/suite/api.ts';
import { DOCS } from './docs.ts';
import { arrived, CLOSE_GRACE_MS, nameOf, overlapPeak, pooled } from './wire.ts';

/** Paths (without the query string) in the order the origin received them. */
function arrivalOrder(origin: Origin): string[] {
  return origin.requests.map((q) => q.path.split('?')[0] ?? q.path);
}

defineCase(
  {
    id: 'maxSockets/limit-per-origin',
    title: 'never more than maxSockets connections to one origin',
    level: 'must',
    doc: DOCS.maxSocketsOption,
    expected:
      'keepAlive, maxSockets 2, 6 concurrent requests of 100 ms: the origin sees at most 2 (and, as each request uses a new socket until the limit, exactly 2) open connections, and all 6 requests',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true, maxSockets: 2 });
    const { requests } = await agent.issue(
      Array.from({ length: 6 }, (_, i) => ({ origin, path: `/r${i + 1}`, behaviour: { delay: 100 } })),
    );
    for (const r of requests) await r.completed();
    ctx.observe(
      `server peak ${origin.peak} open connection(s), ${origin.connections.length} in all, ${origin.requests.length} request(s)`,
    );
    assert.ok(origin.peak <= 2, `the origin saw ${origin.peak} connections open at once (maxSockets 2)`);
    assert.equal(origin.peak, 2, 'each request uses a new socket until maxSockets is reached');
    assert.equal(origin.requests.length, 6, 'all six requests reached the origin');
  },
);

defineCase(
  {
    id: 'maxSockets/queue-beyond-limit',
    title: 'requests beyond maxSockets wait in the agent and reach the origin only when a socket frees up',
    level: 'must',
    doc: DOCS.maxSocketsOption,
    expected:
      'keepAlive, maxSockets 2, 5 requests in one tick, the first 2 held by the origin: while they are held the origin has exactly 2 connections and 2 requests (the other 3 are in agent.requests, 2 in agent.sockets, in the same tick); after the release the 3 queued requests arrive on those 2 connections',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true, maxSockets: 2 });
    const { requests, snapshot } = await agent.issue(
      [
        { origin, path: '/h1', behaviour: { hold: 'h' } },
        { origin, path: '/h2', behaviour: { hold: 'h' } },
        { origin, path: '/q3' },
        { origin, path: '/q4' },
        { origin, path: '/q5' },
      ],
      { snapshot: true },
    );
    await ctx.waitFor('the two first requests to be held', () => origin.heldCount('h') === 2, 1500);
    await ctx.observeFor(200);
    const whileHeld = { connections: origin.connections.length, requests: origin.requests.length };
    const releasedAt = ctx.now();
    origin.release('h');
    for (const r of requests) await r.completed();
    const name = nameOf(origin);
    ctx.observe(
      `while held: ${whileHeld.connections} connection(s), ${whileHeld.requests} request(s) at the origin; snapshot sockets ${snapshot?.active(name)} / requests ${snapshot?.queued(name)}; ${origin.connections.length} connection(s) in all, peak ${origin.peak}`,
    );
    assert.equal(whileHeld.connections, 2, 'connections while the first two requests were held');
    assert.equal(whileHeld.requests, 2, 'requests at the origin while the first two were held');
    assert.equal(origin.peak, 2, 'peak of open connections');
    assert.equal(origin.connections.length, 2, 'the queued requests are served on the same 2 connections');
    for (const tag of ['/q3', '/q4', '/q5']) {
      const rec = arrived(ctx, origin, tag);
      assert.ok(rec.at >= releasedAt, `${tag} reached the origin before a socket was free`);
    }
    // secondary evidence: the agent's own bookkeeping in the tick the requests were issued
    if (snapshot) {
      assert.equal(snapshot.active(name), 2, 'agent.sockets[name].length in the same tick');
      assert.equal(snapshot.queued(name), 3, 'agent.requests[name].length in the same tick');
    }
  },
);

defineCase(
  {
    id: 'maxSockets/queue-fifo',
    title: 'queued requests are sent in the order they were made (first in, first out)',
    level: 'must',
    // A "queue" is first in, first out; Node dequeues with requests[name].shift().
    doc: DOCS.maxSocketsQueue,
    expected:
      'keepAlive, maxSockets 1, /q1 held by the origin and /q2…/q5 queued behind it: the origin receives /q1, /q2, /q3, /q4, /q5 in that order, all on one connection',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true, maxSockets: 1 });
    const { requests } = await agent.issue([
      { origin, path: '/q1', behaviour: { hold: 'h' } },
      ...[2, 3, 4, 5].map((i) => ({ origin, path: `/q${i}` })),
    ]);
    await ctx.waitFor('the first request to be held', () => origin.heldCount('h') === 1, 1500);
    origin.release('h');
    for (const r of requests) await r.completed();
    const order = arrivalOrder(origin);
    ctx.observe(`arrival order ${order.join(', ')}; ${origin.connections.length} connection(s)`);
    assert.deepEqual(order, ['/q1', '/q2', '/q3', '/q4', '/q5'], 'order in which the origin received them');
    assert.equal(origin.connections.length, 1, 'the queued requests rode the one connection');
    assert.deepEqual(
      origin.requests.map((q) => q.nth),
      [1, 2, 3, 4, 5],
      'the requests are the 1st to 5th on that connection',
    );
    assert.equal(origin.peak, 1, 'peak of open connections');
  },
);

defineCase(
  {
    id: 'maxSockets/queue-served-after-close',
    title: 'a queued request is sent on a new connection when the busy one terminates',
    level: 'must',
    doc: DOCS.maxSocketsQueue,
    expected:
      'keepAlive, maxSockets 1: the first response carries `Connection: close` and the origin closes its connection; the queued request then goes out on a new connection (never two open at once)',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true, maxSockets: 1 });
    const { requests } = await agent.issue([
      { origin, path: '/first', behaviour: { delay: 50, close: true } },
      { origin, path: '/queued' },
    ]);
    for (const r of requests) await r.completed();
    const first = arrived(ctx, origin, '/first');
    const queued = arrived(ctx, origin, '/queued');
    const c1 = origin.connections[0];
    const peak = overlapPeak(origin.connections);
    ctx.observe(
      `/queued on connection ${queued.connection} as #${queued.nth}; connection 1 closed by ${c1?.closedBy ?? 'nobody'}; overlap peak ${peak} (raw ${origin.peak})`,
    );
    assert.equal(first.connection, 1, '/first on connection 1');
    assert.equal(queued.connection, 2, '/queued on a new connection');
    assert.equal(queued.nth, 1, '/queued is the 1st request on its connection');
    assert.ok(queued.at >= (first.respondedAt ?? Infinity), '/queued arrived only after /first was answered');
    assert.equal(peak, 1, `connections open at once (overlaps under ${CLOSE_GRACE_MS} ms ignored)`);
  },
);

defineCase(
  {
    id: 'maxSockets/counts-free',
    title: 'pooled idle sockets count toward maxSockets: a burst after idle opens no extra connection',
    level: 'must',
    doc: DOCS.maxSocketsOption,
    expected:
      'keepAlive, maxSockets 2, 2 pooled sockets, then 3 requests in one tick (2 held): the origin still has 2 connections, the third request waits and then rides on one of them; no third connection ever',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true, maxSockets: 2 });
    const { requests: warm } = await agent.issue([
      { origin, path: '/w1', behaviour: { delay: 30 } },
      { origin, path: '/w2', behaviour: { delay: 30 } },
    ]);
    for (const r of warm) await r.completed();
    await pooled(ctx, agent, 2, 'both sockets to be pooled');
    const { requests, snapshot } = await agent.issue(
      [
        { origin, path: '/h1', behaviour: { hold: 'h' } },
        { origin, path: '/h2', behaviour: { hold: 'h' } },
        { origin, path: '/third' },
      ],
      { snapshot: true },
    );
    await ctx.waitFor('two requests to be held', () => origin.heldCount('h') === 2, 1500);
    await ctx.observeFor(150);
    const whileHeld = origin.connections.length;
    const thirdEarly = origin.requests.some((q) => q.path === '/third');
    origin.release('h');
    for (const r of requests) await r.completed();
    const third = arrived(ctx, origin, '/third');
    ctx.observe(
      `${whileHeld} connection(s) while held, ${origin.connections.length} in all, peak ${origin.peak}; /third on connection ${third.connection} as #${third.nth}; snapshot sockets ${snapshot?.active()} free ${snapshot?.free()} queued ${snapshot?.queued()}`,
    );
    assert.equal(whileHeld, 2, 'connections while the two reused sockets were busy');
    assert.equal(thirdEarly, false, 'the third request reached the origin while both sockets were busy');
    assert.equal(origin.connections.length, 2, 'no third connection');
    assert.equal(origin.peak, 2, 'peak of open connections');
    assert.equal(third.nth, 3, 'the third request is the 3rd on a reused connection');
    if (snapshot)
      assert.equal(snapshot.queued(), 1, 'agent.requests holds the third request in the same tick');
  },
);

defineCase(
  {
    id: 'maxSockets/per-origin',
    title: 'each origin has its own maxSockets',
    level: 'must',
    doc: DOCS.maxSocketsPerOrigin,
    expected:
      'keepAlive, maxSockets 1, requests A1 (held), B1 (held), A2 in one tick: B1 reaches origin B while A1 is busy, A2 waits for A1 and then rides on its connection; each origin sees 1 connection',
  },
  async (ctx) => {
    const a = await ctx.origin('A');
    const b = await ctx.origin('B');
    const agent = await ctx.agent({ keepAlive: true, maxSockets: 1 });
    const { requests, snapshot } = await agent.issue(
      [
        { origin: a, path: '/a1', behaviour: { hold: 'a' } },
        { origin: b, path: '/b1', behaviour: { hold: 'b' } },
        { origin: a, path: '/a2' },
      ],
      { snapshot: true },
    );
    await ctx.waitFor(
      'A1 and B1 to be held at the same time',
      () => a.heldCount('a') === 1 && b.heldCount('b') === 1,
      1500,
    );
    await ctx.observeFor(150);
    const aWhileHeld = a.requests.length;
    a.release('a');
    b.release('b');
    for (const r of requests) await r.completed();
    const a2 = arrived(ctx, a, '/a2');
    ctx.observe(
      `A: ${a.connections.length} connection(s), /a2 as #${a2.nth}; B: ${b.connections.length} connection(s); both origins peak ${ctx.wire.peak}; snapshot A sockets ${snapshot?.active(nameOf(a))} queued ${snapshot?.queued(nameOf(a))}, B sockets ${snapshot?.active(nameOf(b))}`,
    );
    assert.equal(ctx.wire.peak, 2, 'one connection per origin open at the same time');
    assert.equal(aWhileHeld, 1, 'A2 did not reach origin A while A1 was busy');
    assert.equal(a.connections.length, 1, 'origin A saw one connection');
    assert.equal(b.connections.length, 1, 'origin B saw one connection');
    assert.equal(a2.nth, 2, 'A2 is the 2nd request on A’s connection');
    if (snapshot) {
      assert.equal(snapshot.queued(nameOf(a)), 1, 'agent.requests for A in the same tick');
      assert.equal(snapshot.queued(nameOf(b)), 0, 'nothing queued for B in the same tick');
    }
  },
);
