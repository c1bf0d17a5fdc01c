/**
 * `lifecycle`: how sockets leave the agent. `destroy()` closes pooled and in-flight sockets (the
 * origin sees the client close each connection); requests still queued when it is called go on, and
 * the agent stays usable. A socket is announced as released with the agent's `'free'` event, leaves
 * the agent when it emits `'agentRemove'`, and is not pooled when its request is destroyed while the
 * response is being read. Every verdict rests on the origin's records of its connections.
 */
import assert from 'node:assert/strict';
import { defineCase, type Origin, type RequestHandle, type Snapshot } from '../harness/suite/api.ts';
import { DOCS } from './docs.ts';
import {
  arrived,
  connectionOf,
  describeConnections,
  handles,
  pooled,
  releaseAll,
  requestAt,
} from './wire.ts';

/** How long after destroy() the origin must see a close. */
const CLOSE_WITHIN_MS = 500;

defineCase(
  {
    id: 'lifecycle/destroy-closes-free',
    title: 'destroy() closes the pooled idle sockets',
    level: 'must',
    doc: DOCS.agentDestroy,
    expected: `keepAlive, 2 idle pooled connections: after destroy() the client closes both within ${CLOSE_WITHIN_MS} ms; the pool is empty`,
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true });
    const { requests } = await agent.issue([
      { origin, path: '/one', behaviour: { delay: 20 } },
      { origin, path: '/two', behaviour: { delay: 20 } },
    ]);
    for (const r of requests) await r.completed();
    await pooled(ctx, agent, 2, 'both sockets to be pooled');
    assert.equal(origin.connections.length, 2, 'two overlapping requests opened two connections');
    // Still open while pooled: destroy() is what closes them, not something else.
    assert.equal(origin.open, 2, 'both connections open before destroy()');
    const t0 = ctx.now();
    await agent.destroy();
    await ctx.mayFail(ctx.waitFor('every connection to close', () => origin.open === 0, CLOSE_WITHIN_MS));
    // The origin sees the FIN before the subject's own socket has emitted 'close' (which is what
    // empties freeSockets), and no event tells the harness when it has: the secondary evidence gets
    // up to 200 ms more, re-read every 20 ms (Deno's agent lagged by a few ms when cases overlapped).
    let snap = await agent.optionalSnapshot();
    for (let i = 0; snap && snap.free() > 0 && i < 10; i++) {
      await ctx.observeFor(20);
      snap = await agent.optionalSnapshot();
    }
    ctx.observe(
      `after destroy(): ${describeConnections(origin)}; closes ${origin.connections.map((c) => (c.closedAt === null ? 'none' : `${Math.round(c.closedAt - t0)} ms`)).join(', ')}; freeSockets ${snap?.free()}`,
    );
    for (const c of origin.connections) {
      assert.notEqual(
        c.closedAt,
        null,
        `connection ${c.id} closed within ${CLOSE_WITHIN_MS} ms of destroy()`,
      );
      assert.equal(c.closedBy, 'client', `the client closed connection ${c.id}`);
    }
    if (snap) assert.equal(snap.free(), 0, 'freeSockets is empty after destroy()');
  },
);

defineCase(
  {
    id: 'lifecycle/destroy-closes-active',
    title: 'destroy() closes a socket whose request is in flight',
    level: 'must',
    doc: DOCS.agentDestroy,
    expected: `keepAlive, one request held by the origin: after destroy() the client closes its connection within ${CLOSE_WITHIN_MS} ms and the request fails`,
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true });
    const r = await agent.request({ origin, path: '/held', behaviour: { hold: 'h' } });
    await ctx.waitFor('the origin to hold the request', () => origin.heldCount('h') === 1, 1000);
    const conn = connectionOf(ctx, await r.assigned());
    const t0 = ctx.now();
    await agent.destroy();
    await ctx.mayFail(ctx.waitFor('the connection to close', () => conn.closedAt !== null, CLOSE_WITHIN_MS));
    await ctx.mayFail(r.done(CLOSE_WITHIN_MS));
    ctx.observe(
      `connection ${conn.closedAt === null ? 'still open' : `closed by ${conn.closedBy} ${Math.round(conn.closedAt - t0)} ms after destroy()`}; request ${r.error ? `error ${r.error.code ?? ''} ${r.error.message}` : r.ended ? 'completed' : 'unsettled'}`,
    );
    assert.notEqual(conn.closedAt, null, `the connection closed within ${CLOSE_WITHIN_MS} ms of destroy()`);
    assert.equal(conn.closedBy, 'client', 'the client closed the connection');
    assert.ok(r.error, "the in-flight request emitted 'error'");
  },
);

// `should`: the docs say destroy() destroys sockets; that requests still waiting in the queue are then
// sent on a new connection, and that the agent remains usable, is Node's behaviour (destroy() does not
// touch `requests`; the closes dispatch the queue).
defineCase(
  {
    id: 'lifecycle/destroy-queued-continue',
    title: 'after destroy(), queued requests go out on a new connection and the agent stays usable',
    level: 'should',
    doc: DOCS.agentDestroy,
    expected:
      'keepAlive, maxSockets 1, one request held and two queued: destroy() fails the held one; the two queued ones complete on one new connection, which is pooled; a request made afterwards reuses it',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true, maxSockets: 1 });
    const { requests } = await agent.issue([
      { origin, path: '/held', behaviour: { hold: 'h' } },
      { origin, path: '/q1' },
      { origin, path: '/q2' },
    ]);
    const [held, q1, q2] = handles(requests, 3);
    await ctx.waitFor('the origin to hold the first request', () => origin.heldCount('h') === 1, 1000);
    await agent.destroy();
    await held.done(1000);
    await q1.completed(1500);
    await q2.completed(1500);
    await pooled(ctx, agent, 2, 'the new connection to be pooled');
    const after = await (await agent.request({ origin, path: '/after' })).completed();
    const [r1, r2, r3] = [
      arrived(ctx, origin, '/q1'),
      arrived(ctx, origin, '/q2'),
      arrived(ctx, origin, '/after'),
    ];
    ctx.observe(
      `held request: ${held.error ? `error ${held.error.code ?? ''}` : 'no error'}; /q1 #${r1.connection}/${r1.nth}, /q2 #${r2.connection}/${r2.nth}, /after #${r3.connection}/${r3.nth} (reusedSocket ${after.socket?.reusedSocket}); ${describeConnections(origin)}`,
    );
    assert.ok(held.error, "the held request emitted 'error'");
    const first = origin.connections[0];
    assert.equal(first?.closedBy, 'client', 'the client closed the first connection');
    assert.notEqual(r1.connection, first?.id, '/q1 went on a new connection');
    assert.deepEqual(
      [r1.nth, r2.connection, r2.nth],
      [1, r1.connection, 2],
      '/q1 then /q2 on that connection',
    );
    assert.deepEqual([r3.connection, r3.nth], [r1.connection, 3], '/after reused the pooled connection');
  },
);

// `should`: the agent's 'free' event is not documented; Node emits it (with the socket) each time a
// request releases its socket, after the response has ended. Tools and tests rely on it.
defineCase(
  {
    id: 'lifecycle/free-event',
    title: "the agent emits 'free' when a request releases its socket (as in Node)",
    level: 'should',
    doc: DOCS.keepSocketAlive,
    requires: ['events'],
    expected:
      "keepAlive: one 'free' event per request, after its response ended, carrying the request's socket (same local port), whose connection is still open (pooled)",
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true });
    const r = await agent.request({ origin, path: '/one' });
    const at = await ctx.waitFor("the agent's 'free' event", () => agent.frees[0], 1000);
    await r.completed();
    const conn = connectionOf(ctx, r);
    await ctx.observeFor(50);
    ctx.observe(
      `${agent.frees.length} 'free' event(s); port ${at.localPort} (request's ${r.socket?.localPort}); response ended at ${Math.round(r.ended?.t ?? -1)} ms, 'free' at ${Math.round(at.t)} ms; connection ${conn.closedAt === null ? 'open' : 'closed'}`,
    );
    assert.equal(agent.frees.length, 1, "exactly one 'free' event");
    assert.equal(at.localPort, r.socket?.localPort, "the 'free' event carries the request's socket");
    assert.ok(at.t >= (r.ended?.t ?? Infinity), "'free' comes after the response ended");
    assert.equal(conn.closedAt, null, 'the released socket is still open (pooled)');
  },
);

// `must`: the class description states it in so many words. What removal means on the wire follows
// from the rest of the docs: a removed socket is no longer one of the origin's sockets (so it does not
// count toward maxSockets) and is never put into the pool. That Node leaves it open is not asserted.
defineCase(
  {
    id: 'lifecycle/agent-remove',
    title: "a socket that emits 'agentRemove' leaves the agent: it no longer counts and is not pooled",
    level: 'must',
    doc: DOCS.agentRemove,
    requires: ['agentRemove'],
    expected:
      "keepAlive, maxSockets 1: /detached emits 'agentRemove' on its socket and is held; /next is sent at once on a second connection (the detached socket no longer counts); after both finish, /third rides on /next's pooled connection, never on the detached one",
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true, maxSockets: 1 });
    const detached = await agent.request({
      origin,
      path: '/detached',
      behaviour: { hold: 'h' },
      agentRemoveOnSocket: true,
    });
    await ctx.waitFor('the origin to hold /detached', () => origin.heldCount('h') === 1, 1000);
    const next = await agent.request({ origin, path: '/next' });
    const { ok: sentAtOnce } = await ctx.mayFail(
      ctx.waitFor(
        '/next to reach the origin while /detached is held',
        () => origin.requests.length >= 2,
        500,
      ),
    );
    origin.release('h');
    await detached.completed();
    await next.completed();
    await pooled(ctx, agent, 1, 'a socket to be pooled');
    const third = await (await agent.request({ origin, path: '/third' })).completed();
    const [d, n, t] = [
      arrived(ctx, origin, '/detached'),
      arrived(ctx, origin, '/next'),
      arrived(ctx, origin, '/third'),
    ];
    // secondary evidence, where the subject shows its state: is the detached socket still in its maps?
    const snap = await agent.optionalSnapshot();
    const tracked = snap
      ? [...Object.values(snap.sockets), ...Object.values(snap.freeSockets)]
          .flat()
          .some((s) => s.localPort === detached.socket?.localPort)
      : null;
    const maps = tracked === null ? 'unknown to' : tracked ? 'still in' : 'not in';
    ctx.observe(
      `/next ${sentAtOnce ? 'sent while /detached was held' : 'waited for /detached'}; /detached #${d.connection}/${d.nth}, /next #${n.connection}/${n.nth}, /third #${t.connection}/${t.nth} (reusedSocket ${third.socket?.reusedSocket}); detached socket ${maps} the agent's maps`,
    );
    assert.ok(
      sentAtOnce,
      '/next was sent while /detached was still held (the removed socket does not count)',
    );
    assert.notEqual(n.connection, d.connection, '/next on its own connection');
    assert.notEqual(t.connection, d.connection, '/third did not ride on the detached connection');
    if (tracked !== null)
      assert.equal(tracked, false, 'the detached socket is in neither sockets nor freeSockets (secondary)');
  },
);

defineCase(
  {
    id: 'lifecycle/request-destroy-not-pooled',
    title: "a request destroyed in 'response' takes its socket with it; it is not pooled",
    level: 'must',
    doc: DOCS.requestDestroy,
    expected:
      "keepAlive: req.destroy() in 'response' → the client closes that connection (no 'free' event for it); the next request opens a new connection",
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true });
    const first = await agent.request({ origin, path: '/first', destroyOn: 'response' });
    await first.done(1000);
    const conn = connectionOf(ctx, first);
    await ctx.mayFail(
      ctx.waitFor('the first connection to close', () => conn.closedAt !== null, CLOSE_WITHIN_MS),
    );
    const freedFirst = agent.frees.some((f) => f.localPort === first.socket?.localPort);
    await (await agent.request({ origin, path: '/second' })).completed();
    const rec = arrived(ctx, origin, '/second');
    ctx.observe(
      `first connection ${conn.closedAt === null ? 'still open' : `closed by ${conn.closedBy}`}; 'free' for it: ${freedFirst}; /second on #${rec.connection}/${rec.nth}`,
    );
    assert.notEqual(conn.closedAt, null, `the connection closed within ${CLOSE_WITHIN_MS} ms`);
    assert.equal(conn.closedBy, 'client', 'the client closed it');
    assert.notEqual(rec.connection, conn.id, '/second went on a new connection');
    assert.equal(freedFirst, false, "no 'free' event for the destroyed request's socket (secondary)");
  },
);

// --- the agent's maps, against the wire --------------------------------------------------------------
// `sockets`, `freeSockets` and `requests` are the agent's own account of its connections. Each case
// puts the agent in a state the origin can see (requests in flight, connections idle, a queue behind
// maxSockets) and compares the map with it: the client ports the map lists are the client ports of
// the origin's connections in that state.

/** The client ports a map of the snapshot lists, across pool keys, sorted. */
function listedPorts(snap: Snapshot, map: 'sockets' | 'freeSockets'): number[] {
  return Object.values(snap[map])
    .flat()
    .map((s) => s.localPort ?? -1)
    .sort((a, b) => a - b);
}

/** The client ports of the origin's open connections, sorted (all but `except`). */
function openPorts(origin: Origin, except: number[] = []): number[] {
  return origin.connections
    .filter((c) => c.closedAt === null && !except.includes(c.remotePort))
    .map((c) => c.remotePort)
    .sort((a, b) => a - b);
}

defineCase(
  {
    id: 'lifecycle/sockets-lists-in-use',
    title: 'agent.sockets lists the sockets with a request in flight, and no pooled one',
    level: 'should',
    doc: DOCS.agentSocketsProperty,
    requires: ['agentState'],
    expected:
      'keepAlive, two requests held by the origin: agent.sockets lists exactly the two connections the origin holds them on; once both are answered and pooled it lists none',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true });
    const { requests } = await agent.issue([
      { origin, path: '/one', behaviour: { hold: 'h' } },
      { origin, path: '/two', behaviour: { hold: 'h' } },
    ]);
    await ctx.waitFor('the origin to hold both requests', () => origin.heldCount('h') === 2, 1000);
    const busyWire = openPorts(origin);
    const busy = listedPorts(await agent.snapshot(), 'sockets');
    await releaseAll(ctx, [origin], requests, 'h');
    await ctx.waitFor('both sockets to be pooled', () => agent.frees.length >= 2, 1000);
    const idleWire = openPorts(origin);
    const idle = listedPorts(await agent.snapshot(), 'sockets');
    ctx.observe(
      `in flight: origin holds them on client ports [${busyWire}], agent.sockets lists [${busy}]; pooled: origin has [${idleWire}] open and idle, agent.sockets lists [${idle}]`,
    );
    assert.equal(busyWire.length, 2, 'connections the origin holds the two requests on');
    assert.deepEqual(busy, busyWire, 'agent.sockets while both requests are in flight');
    assert.deepEqual(idle, [], 'agent.sockets once both sockets are pooled');
  },
);

defineCase(
  {
    id: 'lifecycle/free-sockets-lists-idle',
    title: 'agent.freeSockets lists the pooled sockets, and not one that carries a request again',
    level: 'should',
    doc: DOCS.agentFreeSocketsProperty,
    requires: ['agentState'],
    expected:
      'keepAlive, two answered requests: agent.freeSockets lists the two connections the origin has open and idle; a third request, held by the origin on one of them: freeSockets lists only the other',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true });
    const { requests } = await agent.issue([
      { origin, path: '/one', behaviour: { delay: 20 } },
      { origin, path: '/two', behaviour: { delay: 20 } },
    ]);
    for (const r of requests) await r.completed();
    await ctx.waitFor('both sockets to be pooled', () => agent.frees.length >= 2, 1000);
    const idleWire = openPorts(origin);
    const idle = listedPorts(await agent.snapshot(), 'freeSockets');
    const third = await agent.request({ origin, path: '/three', behaviour: { hold: 'h' } });
    await ctx.waitFor('the origin to hold /three', () => origin.heldCount('h') === 1, 1000);
    const carrying = arrived(ctx, origin, '/three');
    const carrier = origin.connections.find((c) => c.id === carrying.connection)?.remotePort ?? -1;
    const restWire = openPorts(origin, [carrier]);
    const rest = listedPorts(await agent.snapshot(), 'freeSockets');
    origin.release('h');
    await third.completed();
    ctx.observe(
      `pooled: origin has [${idleWire}] open and idle, agent.freeSockets lists [${idle}]; /three held on client port ${carrier}: the idle rest is [${restWire}], agent.freeSockets lists [${rest}]`,
    );
    assert.equal(idleWire.length, 2, 'idle connections the origin has open');
    assert.deepEqual(idle, idleWire, 'agent.freeSockets once both sockets are pooled');
    assert.deepEqual(rest, restWire, 'agent.freeSockets while /three is in flight on a pooled socket');
  },
);

defineCase(
  {
    id: 'lifecycle/requests-lists-queued',
    title: 'agent.requests lists the requests waiting for a socket, until they get one',
    level: 'should',
    doc: DOCS.agentRequestsProperty,
    requires: ['agentState'],
    expected:
      'keepAlive, maxSockets 1, three requests in one tick, held by the origin: the origin has one connection with one request; agent.requests lists the other two; once all three are answered it lists none',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true, maxSockets: 1 });
    const { requests } = await agent.issue(
      [1, 2, 3].map((i) => ({ origin, path: `/q${i}`, behaviour: { hold: 'h' } })),
    );
    await ctx.waitFor('the origin to hold the first request', () => origin.heldCount('h') === 1, 1000);
    const waiting = (await agent.snapshot()).queued();
    const seen = origin.requests.length;
    await releaseAll(ctx, [origin], requests, 'h');
    const after = (await agent.snapshot()).queued();
    ctx.observe(
      `while the first is held: the origin has ${seen} request(s) on ${origin.connections.length} connection(s), agent.requests lists ${waiting}; after all are answered: ${after}`,
    );
    assert.equal(seen, 1, 'requests the origin has while the first is held (maxSockets 1)');
    assert.equal(waiting, 2, 'requests agent.requests lists while two wait for the socket');
    assert.equal(after, 0, 'requests agent.requests lists once every request was answered');
  },
);

defineCase(
  {
    id: 'lifecycle/abort-before-socket-returns',
    title: 'a request destroyed before it got a socket is never sent, and the socket stays pooled',
    level: 'must',
    doc: DOCS.requestDestroy,
    expected:
      'keepAlive, maxSockets 1: /first held at the origin, /second queued behind it and destroyed; once /first is answered the origin never sees /second, no request stays queued, and /third goes on the connection of /first as its 2nd request',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true, maxSockets: 1 });
    const { requests } = await agent.issue([
      { origin, path: '/first', behaviour: { hold: 'h' } },
      { origin, path: '/second' },
    ]);
    const [first, second] = requests as [RequestHandle, RequestHandle];
    await ctx.waitFor('the origin to hold /first', () => origin.heldCount('h') === 1, 1000);
    await second.act('destroy');
    origin.release('h');
    await first.completed();
    await ctx.waitFor("the destroyed request's 'close'", () => second.closed, 1000);
    await ctx.settle();
    const snapshot = await agent.optionalSnapshot();
    const third = await agent.request({ origin, path: '/third' });
    await third.completed();
    const one = arrived(ctx, origin, '/first');
    const rec = arrived(ctx, origin, '/third');
    const queued = snapshot ? snapshot.queued() : null;
    ctx.observe(
      `/second ${requestAt(origin, '/second') ? 'reached the origin' : 'never reached the origin'} (${second.error ? `'error' ${second.error.code}` : "no 'error'"}); queued after it closed: ${queued ?? 'unknown'}; /third on #${rec.connection}/${rec.nth}; ${describeConnections(origin)}`,
    );
    assert.equal(requestAt(origin, '/second'), undefined, 'the destroyed request was never sent');
    assert.equal(second.sockets.length, 0, "the destroyed request emitted no 'socket'");
    assert.equal(rec.connection, one.connection, '/third reused the connection of /first');
    assert.equal(rec.nth, 2, '/third is the 2nd request on that connection');
    if (queued !== null) assert.equal(queued, 0, 'no request is left in agent.requests (secondary)');
  },
);

/** How long the origin holds the response of the request on the reused socket. */
const HOLD_MS = 300;
/** How soon after its last request closed a process with only pooled sockets must have exited. */
const EXIT_MS = 1000;

defineCase(
  {
    id: 'lifecycle/pooled-socket-unref',
    title:
      'a pooled socket does not keep the process alive; a reused one does while its response is in flight',
    level: 'must',
    doc: DOCS.pooledSocketsUnref,
    // a fresh process of the runtime is started (and the module loaded) for this case
    budgetMs: 15_000,
    expected: `a fresh subject process with one keepAlive agent, never destroyed: /first, then /second on the pooled socket with its response held ${HOLD_MS} ms; /second is answered on the same connection (the reused socket keeps the process alive), and the process exits by itself within ${EXIT_MS} ms of /second's close (the pooled socket does not hold it; the origin never closes the connection)`,
  },
  async (ctx) => {
    // plain http whatever --protocol says: the probe sends http: requests (unref is not about TLS)
    const origin = await ctx.origin({ tls: false });
    const probe = await ctx.exitProbe(
      [
        { origin, path: '/first' },
        { origin, path: '/second', behaviour: { delay: HOLD_MS } },
      ],
      { agentOptions: { keepAlive: true }, exitWithinMs: EXIT_MS, deadlineMs: 10_000 },
    );
    if (probe.unsupported) ctx.unsupported(probe.unsupported);
    if (probe.code !== null && probe.code !== 0)
      throw new Error(
        `the probe process exited with code ${probe.code}: ${probe.stderr.trim().split('\n').at(-1) ?? ''}`,
      );
    const at = (ev: string, n: number) => probe.events.find((e) => e.ev === ev && e.n === n);
    const end2 = at('end', 2);
    const close2 = at('close', 2);
    const rec1 = requestAt(origin, '/first');
    const rec2 = requestAt(origin, '/second');
    const exitAfter = probe.exitedAt !== null && close2 ? probe.exitedAt - close2.t : null;
    ctx.observe(
      `events: ${probe.events.map((e) => `${e.ev} ${e.n}`).join(', ')}; /second ${rec2 ? `on #${rec2.connection}/${rec2.nth}` : 'never arrived'}; the process ${probe.exitedAt === null ? `was still running ${EXIT_MS} ms after the last close (killed)` : exitAfter === null ? 'exited before /second closed' : `exited ${Math.round(exitAfter)} ms after /second closed`}`,
    );
    assert.ok(rec1, '/first reached the origin');
    assert.ok(end2, "the process lived until /second's response ended: the reused socket kept it alive");
    assert.equal(rec2?.connection, rec1.connection, '/second went on the pooled connection of /first');
    assert.equal(rec2?.nth, 2, '/second is the 2nd request on that connection');
    assert.ok(
      probe.exitedAt !== null,
      `the process was still running ${EXIT_MS} ms after its last request closed: the pooled socket kept it alive`,
    );
  },
);
