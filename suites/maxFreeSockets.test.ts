/**
 * `maxFreeSockets`: how many idle sockets per origin the agent keeps once their requests are done.
 * A socket released when its origin's pool is full is closed by the client right away; the ones
 * already pooled stay. Every verdict rests on the origin's records: which connections the client
 * closed, when (relative to their last response), which stay open and which one the next request
 * rides on.
 */
import assert from 'node:assert/strict';
import {
  type AgentHandle,
  type CaseContext,
  type ConnectionRecord,
  defineCase,
  type Origin,
  type RequestHandle,
} from '../harness/suite/api.ts';
import { DOCS } from './docs.ts';
import { arrived, connectionOf, describeConnections, pooled } from './wire.ts';

/** How long after its last response a connection beyond the cap may take to be closed by the client. */
const CLOSE_WITHIN_MS = 300;

/**
 * Issues `delays.length` overlapping requests to `origin` (paths `<prefix>1`, `<prefix>2`…), each
 * answered after its delay, so that their sockets are released in the order of the delays. Waits
 * for all of them to complete and for every socket to be released (`'free'`).
 */
async function overlapping(
  ctx: CaseContext,
  agent: AgentHandle,
  origin: Origin,
  prefix: string,
  delays: number[],
): Promise<RequestHandle[]> {
  const before = agent.frees.length;
  const { requests } = await agent.issue(
    delays.map((delay, i) => ({ origin, path: `${prefix}${i + 1}`, behaviour: { delay } })),
  );
  for (const r of requests) await r.completed();
  await ctx.waitFor(
    `${delays.length} sockets to be released`,
    () => agent.frees.length >= before + delays.length,
    1000,
  );
  return requests;
}

/** When the origin answered the last request on `conn`. */
function lastResponse(origin: Origin, conn: ConnectionRecord): number {
  return Math.max(
    ...origin.requests.filter((q) => q.connection === conn.id).map((q) => q.respondedAt ?? Infinity),
  );
}

/**
 * Waits (at most `ms`) until `n` connections of `origin` are closed, by anyone. Does not fail by
 * itself: the case's assertions then say what the origin saw.
 */
async function closedCount(ctx: CaseContext, origin: Origin, n: number, ms: number): Promise<void> {
  // fewer closes than expected: reported by the assertions that follow
  await ctx.mayFail(
    ctx.waitFor(
      `${n} connection(s) of ${origin.label} to close`,
      () => origin.connections.filter((c) => c.closedAt !== null).length >= n,
      ms,
    ),
  );
}

defineCase(
  {
    id: 'maxFreeSockets/cap',
    title: 'no more than maxFreeSockets idle sockets are kept per origin; the others are closed',
    level: 'must',
    doc: DOCS.maxFreeSocketsOption,
    requires: ['maxFreeSockets'],
    expected: `keepAlive, maxFreeSockets 1, 3 overlapping requests: the client closes 2 of the 3 connections, each right after its response (within ${CLOSE_WITHIN_MS} ms); 2 requests sent as soon as the third socket is released find 1 pooled connection and open 1 new one; in the end 1 connection stays open`,
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true, maxFreeSockets: 1 });
    const first = await overlapping(ctx, agent, origin, '/r', [20, 80, 140]);
    const firstConns = first.map((r) => connectionOf(ctx, r));
    const { requests: next } = await agent.issue([
      { origin, path: '/n1' },
      { origin, path: '/n2' },
    ]);
    for (const r of next) await r.completed();
    await closedCount(ctx, origin, 3, 600);
    await ctx.observeFor(150);
    const snap = await agent.optionalSnapshot();
    const followUps = ['/n1', '/n2'].map((tag) => arrived(ctx, origin, tag));
    const onPooled = followUps.filter((q) => q.nth > 1).length;
    ctx.observe(
      `${describeConnections(origin)}; follow-ups ${followUps.map((q) => `#${q.connection} as #${q.nth}`).join(', ')}; freeSockets ${snap ? snap.free() : 'not readable'}`,
    );
    assert.equal(
      onPooled,
      1,
      'of 2 requests sent right after the releases, exactly 1 (maxFreeSockets) found a pooled connection',
    );
    const closedOnes = firstConns.filter((c) => c.closedAt !== null && c.requests === 1);
    assert.equal(closedOnes.length, 2, 'of the first 3 connections, 2 were closed without carrying more');
    for (const c of closedOnes) {
      assert.equal(c.closedBy, 'client', `connection ${c.id} was closed by the client`);
      const after = (c.closedAt ?? 0) - lastResponse(origin, c);
      assert.ok(
        after >= 0 && after <= CLOSE_WITHIN_MS,
        `connection ${c.id} closed ${Math.round(after)} ms after its response, expected within [0, ${CLOSE_WITHIN_MS}]`,
      );
    }
    assert.equal(origin.connections.length, 4, 'three connections, then one more for the follow-ups');
    assert.equal(origin.open, 1, 'connections left open (idle) at the origin');
    if (snap) assert.equal(snap.free(), 1, 'agent.freeSockets holds one socket (secondary)');
  },
);

// `should`: the docs cap the number, not which socket stays. Node keeps the ones already pooled and
// destroys the one being released (`freeLen >= maxFreeSockets`, lib/_http_agent.js 'free' handler).
defineCase(
  {
    id: 'maxFreeSockets/keeps-first-released',
    title: 'the socket kept is the first one released; later ones are closed (as in Node)',
    level: 'should',
    doc: DOCS.maxFreeSocketsProperty,
    requires: ['maxFreeSockets'],
    expected:
      'keepAlive, maxFreeSockets 1, 3 overlapping requests answered after 20, 80 and 140 ms: the connection of the first one stays open and carries the next request (as its 2nd); the other two are closed by the client',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true, maxFreeSockets: 1 });
    const [r1, r2, r3] = await overlapping(ctx, agent, origin, '/r', [20, 80, 140]);
    if (!r1 || !r2 || !r3) return ctx.fail('three requests were expected');
    await closedCount(ctx, origin, 2, 600);
    const first = connectionOf(ctx, r1);
    const next = await (await agent.request({ origin, path: '/next' })).completed();
    const rec = arrived(ctx, origin, '/next');
    ctx.observe(
      `${describeConnections(origin)}; first released #${first.id}; /next on #${rec.connection} as #${rec.nth}`,
    );
    assert.equal(first.closedAt, null, 'the first released connection is still open');
    assert.equal(
      connectionOf(ctx, r2).closedBy,
      'client',
      'the second released connection was closed by the client',
    );
    assert.equal(
      connectionOf(ctx, r3).closedBy,
      'client',
      'the third released connection was closed by the client',
    );
    assert.equal(rec.connection, first.id, 'the next request rides on the first released connection');
    assert.equal(next.socket?.reusedSocket, true, 'and reports reusedSocket');
  },
);

defineCase(
  {
    id: 'maxFreeSockets/per-origin',
    title: 'maxFreeSockets applies to each origin separately',
    level: 'must',
    doc: DOCS.maxFreeSocketsOption,
    requires: ['maxFreeSockets'],
    expected:
      'keepAlive, maxFreeSockets 1, 2 overlapping requests to A and 2 to B: each origin keeps 1 idle connection open and sees the other one closed by the client',
  },
  async (ctx) => {
    const a = await ctx.origin('A');
    const b = await ctx.origin('B');
    const agent = await ctx.agent({ keepAlive: true, maxFreeSockets: 1 });
    const { requests } = await agent.issue([
      { origin: a, path: '/a1', behaviour: { delay: 20 } },
      { origin: b, path: '/b1', behaviour: { delay: 50 } },
      { origin: a, path: '/a2', behaviour: { delay: 80 } },
      { origin: b, path: '/b2', behaviour: { delay: 110 } },
    ]);
    for (const r of requests) await r.completed();
    await pooled(ctx, agent, 4, '4 sockets to be released');
    await closedCount(ctx, a, 1, 600);
    await closedCount(ctx, b, 1, 600);
    await ctx.observeFor(150);
    ctx.observe(`${describeConnections(a)}; ${describeConnections(b)}`);
    for (const o of [a, b]) {
      assert.equal(o.connections.length, 2, `origin ${o.label} saw two connections`);
      assert.equal(o.open, 1, `origin ${o.label} keeps one idle connection open`);
      const gone = o.connections.find((c) => c.closedAt !== null);
      assert.equal(gone?.closedBy, 'client', `the client closed the other connection to ${o.label}`);
    }
  },
);

// `should`: the docs give the default (256) but not what 0 means. Node's constructor uses
// `options.maxFreeSockets || 256`, so 0 means the default, not "keep nothing".
defineCase(
  {
    id: 'maxFreeSockets/zero-means-default',
    title: 'maxFreeSockets 0 means the default (256), not "pool nothing" (as in Node)',
    level: 'should',
    doc: DOCS.maxFreeSocketsOption,
    requires: ['maxFreeSockets'],
    expected:
      'keepAlive, maxFreeSockets 0, 3 overlapping requests: all 3 connections stay open as idle pooled sockets (none closed by the client within 200 ms of the last release)',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true, maxFreeSockets: 0 });
    await overlapping(ctx, agent, origin, '/r', [10, 40, 70]);
    await ctx.observeFor(200);
    const snap = await agent.optionalSnapshot();
    ctx.observe(
      `${describeConnections(origin)}; freeSockets ${snap?.free() ?? 'n/a'}; maxFreeSockets ${String(snap?.fields.maxFreeSockets)}`,
    );
    assert.equal(origin.connections.length, 3, 'three connections for three overlapping requests');
    assert.equal(origin.open, 3, 'connections still open (pooled) at the origin');
  },
);
