/**
 * `keepAlive`: when a socket is pooled, reused, handed to a queued request or closed; the
 * `Connection` header the agent makes requests send; the server's `Keep-Alive: timeout=N` hint and
 * `agentKeepAliveTimeoutBuffer`; the `keepSocketAlive` / `reuseSocket` extension points. Every verdict
 * rests on the origin's records: which connection carried which request (as its n-th), who closed a
 * connection and when, and the headers the origin received.
 */
import assert from 'node:assert/strict';
import {
  type CaseContext,
  type ConnectionRecord,
  defineCase,
  type Origin,
  type RequestHandle,
  type RequestRecord,
} from '../harness/suite/api.ts';
import { DOCS } from './docs.ts';
import {
  arrived,
  carrier,
  closed,
  connectionOf,
  describeConnections,
  handles,
  idleAfter,
  onNewConnection,
  pooled,
  RELEASE_CLOSE_MS,
  released,
  requestAt,
  timerWindow,
  within,
  withinTimer,
} from './wire.ts';

/** A Keep-Alive hint less the default 1000 ms buffer; with a 500 ms buffer it would be 500 ms longer. */
const HINT_2S_MS = 2000 - 1000;
const HINT_2S_BUFFER_500_MS = 2000 - 500;
/**
 * hint-buffer: `timeout=2` less a 1600 ms buffer leaves 400 ms. A buffer off by a few hundred ms
 * moves the close as much (a buffer 400 ms shorter → 800 ms; a fixed 500 → 1500 ms; the default
 * 1000 → 1000 ms), so the window ends before 800 ms.
 */
const BUFFER_MS = 1600;
const HINT_LESS_BUFFER_MS = 2000 - BUFFER_MS;
const BUFFER_OFF_MS = 400;

defineCase(
  {
    id: 'keepAlive/reuse',
    title: 'a pooled socket carries the next request',
    level: 'must',
    doc: DOCS.keepAliveOption,
    expected:
      'two sequential requests share one server connection (nth 1 then 2); reusedSocket is false then true',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true });
    const first = await (await agent.request({ origin })).completed();
    await ctx.waitFor('the socket to be pooled', () => agent.frees.length === 1, 1000);
    const second = await (await agent.request({ origin })).completed();
    ctx.observe(
      `server saw ${origin.connections.length} connection(s); reusedSocket ${first.socket?.reusedSocket} then ${second.socket?.reusedSocket}`,
    );
    assert.equal(origin.connections.length, 1, 'one connection for both requests');
    assert.equal(origin.requests[1]?.nth, 2, 'the second request is the 2nd on its connection');
    assert.equal(first.socket?.reusedSocket, false, 'req.reusedSocket is false on a new socket');
    assert.equal(second.socket?.reusedSocket, true, 'req.reusedSocket is true on the reused socket');
  },
);

defineCase(
  {
    id: 'keepAlive/disabled-destroys-idle',
    title: 'without keepAlive a socket is closed once nothing is queued',
    level: 'must',
    doc: DOCS.agentQueueDestroyedOrPooled,
    expected: `keepAlive false (maxSockets 10, so the origin is asked to keep the connection): the client closes each connection right after its response (within ${RELEASE_CLOSE_MS} ms); a request sent as soon as the socket is released opens a new connection`,
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: false, maxSockets: 10 });
    const first = await agent.request({ origin, path: '/one' });
    await released(ctx, agent, first, 0);
    const second = await (await agent.request({ origin, path: '/two' })).completed();
    const c1 = await closed(ctx, connectionOf(ctx, first), 1000);
    const c2 = await closed(ctx, connectionOf(ctx, second), 1000);
    ctx.observe(describeConnections(origin));
    const two = arrived(ctx, origin, '/two');
    assert.notEqual(two.connection, c1.id, 'the next request went on a new connection');
    assert.equal(two.nth, 1, 'the next request is the 1st on its connection');
    assert.equal(origin.connections.length, 2, 'one connection per request');
    for (const [conn, tag] of [
      [c1, '/one'],
      [c2, '/two'],
    ] as const) {
      const rec = arrived(ctx, origin, tag);
      assert.equal(conn.closedBy, 'client', `the client closed connection ${conn.id}`);
      within(idleAfter(conn, rec), 0, RELEASE_CLOSE_MS, `close of connection ${conn.id} after the response`);
    }
  },
);

defineCase(
  {
    id: 'keepAlive/disabled-serves-queue',
    title: 'without keepAlive a socket still serves the queued requests before it is closed',
    level: 'must',
    doc: DOCS.agentQueueDestroyedOrPooled,
    expected:
      'keepAlive false, maxSockets 2, 5 concurrent requests: exactly 2 connections carry all 5, then the client closes both',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: false, maxSockets: 2 });
    const { requests } = await agent.issue(
      Array.from({ length: 5 }, (_, i) => ({ origin, path: `/r${i + 1}`, behaviour: { delay: 40 } })),
    );
    for (const r of requests) await r.completed();
    for (const c of origin.connections) await closed(ctx, c, 1000);
    const maxNth = Math.max(...origin.requests.map((q) => q.nth));
    ctx.observe(`${describeConnections(origin)}; highest nth ${maxNth}`);
    assert.equal(origin.connections.length, 2, 'two connections for five requests');
    assert.equal(origin.requests.length, 5, 'the two connections carried all five requests');
    for (const c of origin.connections)
      assert.equal(c.closedBy, 'client', `the client closed connection ${c.id}`);
  },
);

// `should`, not `must`: the docs define reusedSocket only as "Whether the request is send through a
// reused socket", and reuseSocket() as called for sockets "persisted because of the keep-alive
// options". A socket handed straight to a queued request was never persisted; Node reports false
// there (no reuseSocket() call, _http_agent.js 'free' handler), and clients that retry on
// `reusedSocket && ECONNRESET` rely on that. The wire part (same connection, 2nd request) is firm.
defineCase(
  {
    id: 'keepAlive/handoff-not-reused-socket',
    title: 'a queued request handed the previous request’s socket reports reusedSocket false',
    level: 'should',
    doc: DOCS.reuseSocket,
    expected:
      'keepAlive false, maxSockets 1, 2 concurrent requests: the second is the 2nd on the same connection, and (as in Node, the socket was never pooled) req.reusedSocket is false',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: false, maxSockets: 1 }, { spy: ['reuseSocket'] });
    const { requests } = await agent.issue([
      { origin, path: '/one', behaviour: { delay: 40 } },
      { origin, path: '/two' },
    ]);
    const [, second] = handles(requests, 2);
    for (const r of requests) await r.completed();
    const rec = arrived(ctx, origin, '/two');
    ctx.observe(
      `second request on connection ${rec.connection} as #${rec.nth}; reusedSocket ${second.socket?.reusedSocket}; reuseSocket() called ${agent.calls.reuseSocket ?? 0} time(s)`,
    );
    assert.equal(
      rec.connection,
      arrived(ctx, origin, '/one').connection,
      'the queued request got the same connection',
    );
    assert.equal(rec.nth, 2, 'it is the 2nd request on that connection');
    assert.equal(second.socket?.reusedSocket, false, "req.reusedSocket at 'socket'");
    assert.equal(second.response?.reusedSocket, false, "req.reusedSocket at 'response'");
  },
);

defineCase(
  {
    id: 'keepAlive/connection-header-default',
    title: 'requests send Connection: keep-alive unless keepAlive is false and maxSockets Infinity',
    level: 'must',
    doc: DOCS.connectionHeader,
    expected:
      'keepAlive true → keep-alive; keepAlive false with maxSockets Infinity → close; keepAlive false with maxSockets 2 → keep-alive',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const kept = await ctx.agent({ keepAlive: true });
    const plain = await ctx.agent({ keepAlive: false });
    const limited = await ctx.agent({ keepAlive: false, maxSockets: 2 });
    const rs = [
      await kept.request({ origin, path: '/keepalive-true' }),
      await plain.request({ origin, path: '/keepalive-false' }),
      await limited.request({ origin, path: '/keepalive-false-max2' }),
    ];
    for (const r of rs) await r.completed();
    const header = (tag: string) => arrived(ctx, origin, tag).headers.connection;
    ctx.observe(
      `Connection: ${header('/keepalive-true')} / ${header('/keepalive-false')} / ${header('/keepalive-false-max2')}`,
    );
    assert.equal(header('/keepalive-true'), 'keep-alive', 'keepAlive true');
    assert.equal(header('/keepalive-false'), 'close', 'keepAlive false, maxSockets Infinity');
    assert.equal(header('/keepalive-false-max2'), 'keep-alive', 'keepAlive false, maxSockets 2');
  },
);

defineCase(
  {
    id: 'keepAlive/connection-header-explicit',
    title: 'an explicit Connection request header is sent as given',
    level: 'must',
    doc: DOCS.connectionHeader,
    expected:
      'keepAlive true with `Connection: close` sends close; keepAlive false (maxSockets Infinity) with `Connection: keep-alive` sends keep-alive',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const kept = await ctx.agent({ keepAlive: true });
    const plain = await ctx.agent({ keepAlive: false });
    const rs = [
      await kept.request({ origin, path: '/explicit-close', headers: { Connection: 'close' } }),
      await plain.request({ origin, path: '/explicit-keepalive', headers: { Connection: 'keep-alive' } }),
    ];
    for (const r of rs) await r.completed();
    const header = (tag: string) => arrived(ctx, origin, tag).headers.connection;
    ctx.observe(`Connection: ${header('/explicit-close')} / ${header('/explicit-keepalive')}`);
    assert.equal(header('/explicit-close'), 'close', 'keepAlive true, request header Connection: close');
    assert.equal(
      header('/explicit-keepalive'),
      'keep-alive',
      'keepAlive false, request header Connection: keep-alive',
    );
  },
);

/**
 * Two requests through a keepAlive agent with maxSockets 1: the second waits for the first's socket,
 * and must go on a new connection. Returns the first request, its record and its connection.
 */
async function queuedBehindClose(
  ctx: CaseContext,
  first: { headers?: Record<string, string>; close?: boolean; originIgnoresClose?: boolean },
): Promise<{ first: RequestHandle; one: RequestRecord; conn: ConnectionRecord }> {
  const origin = await ctx.origin(first.originIgnoresClose ? { ignoreRequestClose: true } : {});
  const agent = await ctx.agent({ keepAlive: true, maxSockets: 1 });
  const { requests } = await agent.issue([
    {
      origin,
      path: '/one',
      ...(first.headers ? { headers: first.headers } : {}),
      behaviour: { delay: 40, close: first.close },
    },
    { origin, path: '/two' },
  ]);
  const [firstRequest, second] = handles(requests, 2);
  for (const r of requests) await r.done(2000);
  const one = arrived(ctx, origin, '/one');
  const two = requestAt(origin, '/two');
  const conn = carrier(origin, one);
  ctx.observe(
    `${describeConnections(origin)}; queued request ${two ? `on connection ${two.connection} as #${two.nth}` : 'never reached the origin'}, ${second.error ? `failed: ${second.error.code} ${second.error.message}` : 'completed'}`,
  );
  assert.equal(conn.requests, 1, 'the first connection carried only one request');
  onNewConnection(second, two, one.connection, 'the queued request');
  assert.ok(second.ended, 'the queued request completed');
  return { first: firstRequest, one, conn };
}

defineCase(
  {
    id: 'keepAlive/response-close-not-reused',
    title: 'a connection whose response said Connection: close is not reused',
    level: 'must',
    doc: DOCS.serverMayRefuseReuse,
    expected:
      'keepAlive, maxSockets 1: the first response carries `Connection: close`; the queued second request goes on a new connection and completes',
  },
  async (ctx) => {
    await queuedBehindClose(ctx, { close: true });
  },
);

defineCase(
  {
    id: 'keepAlive/replacement-pooled-after-close',
    title: 'the connection that replaced one closed with requests queued is pooled once the queue drains',
    level: 'must',
    doc: DOCS.agentQueueDestroyedOrPooled,
    expected:
      'keepAlive, maxSockets 1: the first response carries `Connection: close` while two requests wait; both go on one new connection; once the queue drained, the next request reuses that connection as its 3rd request (2 connections in all, the second still open)',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true, maxSockets: 1 });
    const { requests } = await agent.issue([
      { origin, path: '/one', behaviour: { delay: 40, close: true } },
      { origin, path: '/two' },
      { origin, path: '/three' },
    ]);
    for (const r of requests) await r.done(2000);
    const [, second, third] = handles(requests, 3);
    const one = arrived(ctx, origin, '/one');
    const two = requestAt(origin, '/two');
    onNewConnection(second, two, one.connection, 'the first queued request');
    assert.equal(
      third.error,
      null,
      `the second queued request failed: ${third.error?.code} ${third.error?.message}`,
    );
    const replacement = carrier(origin, two);
    // Both queued requests released their socket (a hand-off, then the pool), or the client closed it.
    await ctx.mayFail(
      ctx.waitFor(
        'the replacement socket to be released after the queue drained',
        () => agent.frees.length >= 2 || replacement.closedAt !== null,
        1000,
      ),
    );
    const next = await agent.request({ origin, path: '/four' });
    await next.done(2000);
    const three = requestAt(origin, '/three');
    const four = requestAt(origin, '/four');
    ctx.observe(
      `${describeConnections(origin)}; /two on #${two.connection} as #${two.nth}, /three ${three ? `on #${three.connection} as #${three.nth}` : 'never arrived'}, /four ${four ? `on #${four.connection} as #${four.nth}` : 'never arrived'}${next.error ? ` (failed: ${next.error.code})` : ''}`,
    );
    assert.equal(
      three?.connection,
      replacement.id,
      'the second queued request went on the replacement connection',
    );
    assert.equal(next.error, null, `the next request failed: ${next.error?.code} ${next.error?.message}`);
    assert.ok(four, 'the next request reached the origin');
    assert.equal(
      origin.connections.length,
      2,
      `the next request opened connection #${four.connection}: the replacement connection (#${replacement.id}, ${replacement.closedBy ? `closed by ${replacement.closedBy}` : 'open'}) was not pooled`,
    );
    assert.equal(four.connection, replacement.id, 'the next request reused the replacement connection');
    assert.equal(four.nth, 3, 'it is the 3rd request on that connection');
  },
);

defineCase(
  {
    id: 'keepAlive/request-close-not-reused',
    title: 'a connection whose request said Connection: close is not reused',
    level: 'must',
    doc: DOCS.connectionHeader,
    expected:
      'keepAlive, maxSockets 1: the first request is sent with an explicit `Connection: close`; the queued second request goes on a new connection and completes',
  },
  async (ctx) => {
    await queuedBehindClose(ctx, { headers: { Connection: 'close' } });
  },
);

defineCase(
  {
    id: 'keepAlive/request-close-origin-keeps-open',
    title: 'a request that said Connection: close ends its connection, even when the origin keeps it open',
    level: 'must',
    doc: DOCS.requestCloseTearDown,
    expected:
      "keepAlive, maxSockets 1, an origin that ignores a request's `Connection: close` (answers `keep-alive`, keeps the connection open): the first request carries `Connection: close`; the queued second request goes on a new connection; the client closes the first connection after its response (250 ms)",
  },
  async (ctx) => {
    // The origin does not close for the agent: only the agent's own promise (the header it sent) can
    // keep it from reusing the connection. An agent that honours only the response's header fails.
    const { first, one, conn } = await queuedBehindClose(ctx, {
      headers: { Connection: 'close' },
      originIgnoresClose: true,
    });
    ctx.observe(`first request sent with Connection: ${one.headers.connection ?? '(none)'}`);
    assert.equal(one.headers.connection, 'close', 'the first request carried its explicit Connection: close');
    assert.ok(first.ended, 'the first request completed');
    const end = await closed(ctx, conn, RELEASE_CLOSE_MS);
    const after = idleAfter(end, one);
    ctx.observe(
      `the first connection was closed by the ${end.closedBy} ${after.toFixed(0)} ms after its response`,
    );
    assert.equal(end.closedBy, 'client', 'the client (not the origin) closed the first connection');
    assert.ok(after <= RELEASE_CLOSE_MS, `closed within ${RELEASE_CLOSE_MS} ms of the response`);
  },
);

defineCase(
  {
    id: 'keepAlive/unconsumed-body-holds-socket',
    title: 'a socket whose response body is not consumed is not reused',
    level: 'should',
    doc: DOCS.responseMustBeConsumed,
    expected:
      'keepAlive, maxSockets 1: while the first response body is unread the queued request is not sent (300 ms); once it is read the queued request goes on the same connection',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true, maxSockets: 1 });
    const { requests } = await agent.issue([
      { origin, path: '/one', manualConsume: true, behaviour: { size: 2048 } },
      { origin, path: '/two' },
    ]);
    const [first, second] = handles(requests, 2);
    await first.responded();
    await ctx.observeFor(300);
    const held = connectionOf(ctx, first);
    const during = `requests at the origin while the body was unread: ${origin.requests.length}; first connection ${held.closedBy ? `closed by ${held.closedBy}` : 'open'}; queued request ${second.sockets.length ? 'had a socket' : 'had no socket'}`;
    ctx.observe(during);
    assert.equal(origin.requests.length, 1, 'nothing else was sent while the first response body was unread');
    assert.equal(held.closedAt, null, 'the first connection stayed open');
    assert.equal(second.sockets.length, 0, 'the queued request was given no socket meanwhile');
    await first.act('resume');
    await first.completed();
    await second.completed();
    const rec = arrived(ctx, origin, '/two');
    ctx.observe(`then the queued request went on connection ${rec.connection} as #${rec.nth}`);
    assert.equal(
      rec.connection,
      arrived(ctx, origin, '/one').connection,
      'the queued request got the same connection',
    );
    assert.equal(rec.nth, 2, 'it is the 2nd request on that connection');
  },
);

defineCase(
  {
    id: 'keepAlive/no-response-handler-reused',
    title: 'a response nobody listens for is discarded, and its connection is reused',
    level: 'must',
    doc: DOCS.responseDiscarded,
    expected:
      "keepAlive, maxSockets 1: a request with no 'response' listener (2 KiB body) and a queued one; the discarded response frees the socket, so the queued request goes on the same connection as its 2nd request within 1 s",
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true, maxSockets: 1 });
    const { requests } = await agent.issue([
      { origin, path: '/one', discardResponse: true, behaviour: { size: 2048 } },
      { origin, path: '/two' },
    ]);
    const [first, second] = requests as [RequestHandle, RequestHandle];
    await first.responded();
    const done = await ctx.mayFail(ctx.waitFor('the queued request to complete', () => second.ended, 1000));
    const one = arrived(ctx, origin, '/one');
    const two = requestAt(origin, '/two');
    ctx.observe(
      `/one discarded (request ${first.closed ? 'closed' : 'not closed'}); /two ${two ? `on #${two.connection}/${two.nth}` : 'never sent'}; ${describeConnections(origin)}`,
    );
    if (!done.ok)
      ctx.fail(`the queued request was not served within 1 s of the discarded response (${done.message})`);
    assert.ok(two, 'the queued request reached the origin');
    assert.equal(
      two.connection,
      one.connection,
      'the queued request got the connection of the discarded response',
    );
    assert.equal(two.nth, 2, 'it is the 2nd request on that connection');
  },
);

defineCase(
  {
    id: 'keepAlive/unfinished-request-holds-socket',
    title: 'a socket whose request body is unfinished is not reused, even after its response',
    level: 'should',
    doc: DOCS.keepSocketAlive,
    expected:
      'keepAlive, maxSockets 1: the origin answers a POST before its body ends; the queued request is not sent until the POST ends (300 ms), then goes on the same connection',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true, maxSockets: 1 });
    const { requests } = await agent.issue([
      { origin, path: '/upload', method: 'POST', body: 'part one', manualEnd: true },
      { origin, path: '/two' },
    ]);
    const [first, second] = handles(requests, 2);
    await first.responded();
    await ctx.observeFor(300);
    const held = connectionOf(ctx, first);
    const during = `requests at the origin while the POST body was open: ${origin.requests.length}; first connection ${held.closedBy ? `closed by ${held.closedBy}` : 'open'}; queued request ${second.sockets.length ? 'had a socket' : 'had no socket'}`;
    ctx.observe(during);
    assert.equal(origin.requests.length, 1, 'nothing else was sent while the POST body was unfinished');
    assert.equal(held.closedAt, null, 'the first connection stayed open');
    assert.equal(second.sockets.length, 0, 'the queued request was given no socket meanwhile');
    await first.act('end');
    await first.done();
    await second.completed();
    const rec = arrived(ctx, origin, '/two');
    ctx.observe(`then the queued request went on connection ${rec.connection} as #${rec.nth}`);
    assert.equal(
      rec.connection,
      arrived(ctx, origin, '/upload').connection,
      'the queued request got the same connection',
    );
    assert.equal(rec.nth, 2, 'it is the 2nd request on that connection');
  },
);

/**
 * slow-body-holds-socket: the POST body goes on for 5 × 80 ms after the origin answered, so the
 * response has ended long before the request has.
 */
const SLOW_CHUNK = 'x'.repeat(64);
const SLOW_CHUNKS = 5;
const SLOW_INTERVAL_MS = 80;

defineCase(
  {
    id: 'keepAlive/slow-body-holds-socket',
    title: 'a queued request is not written on a connection whose request body is still being sent',
    level: 'should',
    doc: DOCS.keepSocketAlive,
    expected: `keepAlive, maxSockets 1: the origin answers a POST at once and its response ends while the subject still writes the body (${SLOW_CHUNKS} chunks, one every ${SLOW_INTERVAL_MS} ms); the queued GET reaches the origin either on that connection after the whole POST body (its 2nd request) or on a new connection once that one is closed, never inside the POST body`,
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true, maxSockets: 1 });
    const slowBody = { chunk: SLOW_CHUNK, chunks: SLOW_CHUNKS, intervalMs: SLOW_INTERVAL_MS };
    const { requests } = await agent.issue([
      { origin, path: '/upload', method: 'POST', body: 'head;', slowBody },
      { origin, path: '/two' },
    ]);
    const [first, second] = handles(requests, 2);
    const ended = await ctx.waitFor('the POST response to end', () => first.ended, 1000);
    for (const r of requests) await ctx.mayFail(r.done(3000));
    const upload = arrived(ctx, origin, '/upload');
    const two = requestAt(origin, '/two');
    const bodyBytes = 'head;'.length + SLOW_CHUNKS * SLOW_CHUNK.length;
    const postConn = carrier(origin, upload);
    ctx.observe(
      `POST response ended ${Math.round(ended.t - upload.at)} ms after the POST arrived; POST body received: ${upload.bodyLength ?? 'unfinished'} of ${bodyBytes} bytes; ${describeConnections(origin)}; GET ${two ? `on #${two.connection} as #${two.nth}` : 'never arrived'}${second.error ? ` (failed: ${second.error.code} ${second.error.message})` : second.settled ? '' : ' (never settled)'}`,
    );
    assert.ok(
      two,
      `the queued GET never reached the origin (the POST body on connection #${postConn.id} ${upload.bodyLength === undefined ? 'was never finished' : 'was finished'})`,
    );
    assert.equal(second.error, null, `the queued GET failed: ${second.error?.code} ${second.error?.message}`);
    assert.ok(second.ended, 'the queued GET completed');
    if (two.connection === upload.connection) {
      assert.equal(
        upload.bodyLength,
        bodyBytes,
        'the whole POST body arrived before the GET on its connection',
      );
      assert.equal(two.nth, 2, 'the GET is the 2nd request on the POST’s connection');
    } else {
      assert.equal(two.nth, 1, 'the GET is the 1st request on its new connection');
      assert.notEqual(
        postConn.closedAt,
        null,
        'the POST’s connection was closed, not left open beside the new one',
      );
    }
  },
);

defineCase(
  {
    id: 'keepAlive/reuse-socket-called',
    title: 'reuseSocket() is called once each time a pooled socket is reused',
    level: 'must',
    doc: DOCS.reuseSocket,
    requires: ['agentHooks'],
    expected:
      'three sequential requests on one pooled connection (nth 1, 2, 3): reuseSocket() is called exactly twice',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true }, { spy: ['reuseSocket'] });
    for (let i = 1; i <= 3; i++) {
      await (await agent.request({ origin, path: `/r${i}` })).completed();
      await pooled(ctx, agent, i, 'the socket to be pooled');
    }
    const nths = [1, 2, 3].map((i) => arrived(ctx, origin, `/r${i}`).nth);
    ctx.observe(
      `${describeConnections(origin)}; nth ${nths.join(',')}; reuseSocket() called ${agent.calls.reuseSocket ?? 0} time(s)`,
    );
    assert.equal(origin.connections.length, 1, 'one connection for the three requests');
    assert.deepEqual(nths, [1, 2, 3], 'the requests are the 1st, 2nd and 3rd on it');
    assert.equal(agent.calls.reuseSocket ?? 0, 2, 'reuseSocket() calls');
  },
);

defineCase(
  {
    id: 'keepAlive/keep-socket-alive-false',
    title: 'a keepSocketAlive() that returns false means the socket is destroyed, not pooled',
    level: 'must',
    doc: DOCS.keepSocketAliveFalsy,
    requires: ['agentHooks'],
    expected: `keepAlive with keepSocketAlive() returning false: the client closes the connection right after the response (within ${RELEASE_CLOSE_MS} ms); a request sent as soon as the socket is released opens a new connection`,
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true }, { keepSocketAliveFalse: true });
    const first = await agent.request({ origin, path: '/one' });
    await released(ctx, agent, first, 0);
    await (await agent.request({ origin, path: '/two' })).completed();
    const c1 = await closed(ctx, connectionOf(ctx, first), 1000);
    const rec = arrived(ctx, origin, '/two');
    const after = idleAfter(c1, arrived(ctx, origin, '/one'));
    ctx.observe(
      `${describeConnections(origin)}; first closed ${Math.round(after)} ms after its response; /two on #${rec.connection} as #${rec.nth}; keepSocketAlive() called ${agent.calls.keepSocketAlive ?? 0} time(s)`,
    );
    assert.notEqual(rec.connection, c1.id, 'the next request went on a new connection');
    assert.equal(rec.nth, 1, 'the next request is the 1st on its connection');
    assert.equal(c1.closedBy, 'client', 'the client closed the first connection');
    within(after, 0, RELEASE_CLOSE_MS, 'close after the response');
    assert.ok((agent.calls.keepSocketAlive ?? 0) >= 1, 'keepSocketAlive() was consulted');
  },
);

// ---- the server's Keep-Alive hint ----------------------------------------------------------------

defineCase(
  {
    id: 'keepAlive/hint-lowers-free-timeout',
    title: "`Keep-Alive: timeout=N` minus the buffer shortens a pooled socket's life",
    level: 'must',
    doc: DOCS.keepAliveTimeoutBufferOption,
    requires: ['keepAliveHint'],
    expected: `agent timeout 5000, response \`Keep-Alive: timeout=2\`, default buffer 1000: the client closes the pooled connection ${HINT_2S_MS} ms after the response (within [${timerWindow(HINT_2S_MS, HINT_2S_BUFFER_500_MS).join(', ')}] ms; a 500 ms buffer would give ${HINT_2S_BUFFER_500_MS})`,
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true, timeout: 5000 });
    const r = await (await agent.request({ origin, path: '/hint', behaviour: { ka: 2 } })).completed();
    const conn = await closed(ctx, connectionOf(ctx, r), 2500);
    const idle = idleAfter(conn, arrived(ctx, origin, '/hint'));
    ctx.observe(`pooled connection closed by ${conn.closedBy} ${Math.round(idle)} ms after the response`);
    assert.equal(conn.closedBy, 'client', 'the client closed the idle connection');
    // 2000 − 1000 from the release; the window ends before 2000 − 500
    withinTimer(idle, HINT_2S_MS, 'idle time before the close', HINT_2S_BUFFER_500_MS);
  },
);

/**
 * How long a hint case with no agent timeout waits for the close: past the window's upper end, so a
 * late close is measured (and fails on the bound), not taken for a socket that never expires.
 */
const HINT_WAIT_SLACK_MS = 300;

/**
 * A Keep-Alive hint applied to a pooled socket whose agent has no timeout of its own: the client must
 * close it `nominal` ms after the response (between the right value and `wrong`), not keep it for ever.
 */
async function hintWithoutAgentTimeout(
  ctx: CaseContext,
  agentOptions: Record<string, unknown>,
  nominal: number,
  wrong: number,
): Promise<void> {
  const origin = await ctx.origin();
  const agent = await ctx.agent({ keepAlive: true, ...agentOptions });
  const r = await (await agent.request({ origin, path: '/hint', behaviour: { ka: 2 } })).completed();
  const conn = connectionOf(ctx, r);
  const [, hi] = timerWindow(nominal, wrong);
  await ctx.mayFail(closed(ctx, conn, hi + HINT_WAIT_SLACK_MS));
  const respondedAt = arrived(ctx, origin, '/hint').respondedAt ?? 0;
  if (conn.closedAt === null) {
    const open = Math.round(ctx.now() - respondedAt);
    ctx.observe(`pooled connection still open ${open} ms after the response`);
    ctx.fail(`the pooled connection was still open ${open} ms after the response: the hint was not applied`);
  }
  const idle = conn.closedAt - respondedAt;
  ctx.observe(`pooled connection closed by ${conn.closedBy} ${Math.round(idle)} ms after the response`);
  assert.equal(conn.closedBy, 'client', 'the client closed the idle connection');
  withinTimer(idle, nominal, 'idle time before the close', wrong);
}

defineCase(
  {
    id: 'keepAlive/hint-without-agent-timeout',
    title: 'the Keep-Alive hint expires a pooled socket when the agent has no timeout of its own',
    level: 'must',
    doc: DOCS.keepAliveTimeoutBufferOption,
    requires: ['keepAliveHint'],
    expected: `\`new Agent({ keepAlive: true })\` (no timeout), response \`Keep-Alive: timeout=2\`, default buffer 1000: the client closes the pooled connection ${HINT_2S_MS} ms after the response (within [${timerWindow(HINT_2S_MS, HINT_2S_BUFFER_500_MS).join(', ')}] ms; a 500 ms buffer would give ${HINT_2S_BUFFER_500_MS}, an ignored hint never)`,
  },
  async (ctx) => {
    await hintWithoutAgentTimeout(ctx, {}, HINT_2S_MS, HINT_2S_BUFFER_500_MS);
  },
);

defineCase(
  {
    id: 'keepAlive/hint-with-timeout-zero',
    title: 'the Keep-Alive hint expires a pooled socket when the agent timeout is 0',
    level: 'must',
    doc: DOCS.keepAliveTimeoutBufferOption,
    requires: ['agentKeepAliveTimeoutBuffer', 'keepAliveHint'],
    expected: `agent timeout 0, buffer ${BUFFER_MS}, response \`Keep-Alive: timeout=2\`: the client closes the pooled connection ${HINT_LESS_BUFFER_MS} ms after the response (within [${timerWindow(HINT_LESS_BUFFER_MS, HINT_LESS_BUFFER_MS + BUFFER_OFF_MS).join(', ')}] ms; a buffer ${BUFFER_OFF_MS} ms shorter is out, an ignored hint never closes it)`,
  },
  async (ctx) => {
    await hintWithoutAgentTimeout(
      ctx,
      { timeout: 0, agentKeepAliveTimeoutBuffer: BUFFER_MS },
      HINT_LESS_BUFFER_MS,
      HINT_LESS_BUFFER_MS + BUFFER_OFF_MS,
    );
  },
);

defineCase(
  {
    id: 'keepAlive/hint-agent-timeout-smaller',
    title: "a longer Keep-Alive hint does not extend the agent's shorter timeout",
    level: 'should',
    doc: DOCS.freeSocketsTimeout,
    expected: `agent timeout 400, response \`Keep-Alive: timeout=2\` (2000 − 1000 = 1000 ms): the client closes the pooled connection 400 ms after the response (within [${timerWindow(400).join(', ')}]: twice the timeout, or the hint's 1000 ms, is out)`,
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true, timeout: 400 });
    const r = await (await agent.request({ origin, path: '/hint', behaviour: { ka: 2 } })).completed();
    const conn = await closed(ctx, connectionOf(ctx, r), 1500);
    const idle = idleAfter(conn, arrived(ctx, origin, '/hint'));
    ctx.observe(`pooled connection closed by ${conn.closedBy} ${Math.round(idle)} ms after the response`);
    assert.equal(conn.closedBy, 'client', 'the client closed the idle connection');
    withinTimer(idle, 400, 'idle time before the close');
  },
);

defineCase(
  {
    id: 'keepAlive/hint-too-short',
    title: 'a Keep-Alive hint no longer than the buffer means the socket is not pooled',
    level: 'must',
    doc: DOCS.keepAliveTimeoutBufferOption,
    requires: ['keepAliveHint'],
    expected: `keepAlive, response \`Keep-Alive: timeout=1\`, default buffer 1000 (1000 − 1000 = 0): the client closes the connection right after the response (within ${RELEASE_CLOSE_MS} ms); a request sent as soon as the socket is released opens a new connection`,
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true });
    const first = await agent.request({ origin, path: '/hint', behaviour: { ka: 1 } });
    await released(ctx, agent, first, 0);
    await (await agent.request({ origin, path: '/next' })).completed();
    const c1 = await closed(ctx, connectionOf(ctx, first), 1000);
    const after = idleAfter(c1, arrived(ctx, origin, '/hint'));
    const rec = arrived(ctx, origin, '/next');
    ctx.observe(
      `${describeConnections(origin)}; first closed ${Math.round(after)} ms after its response; /next on #${rec.connection} as #${rec.nth}`,
    );
    assert.notEqual(rec.connection, c1.id, 'the next request went on a new connection');
    assert.equal(rec.nth, 1, 'the next request is the 1st on its connection');
    assert.equal(c1.closedBy, 'client', 'the client closed the connection');
    within(after, 0, RELEASE_CLOSE_MS, 'close after the response');
  },
);

defineCase(
  {
    id: 'keepAlive/hint-buffer',
    title: '`agentKeepAliveTimeoutBuffer` is what is subtracted from the hint',
    level: 'must',
    doc: DOCS.keepAliveTimeoutBufferOption,
    requires: ['agentKeepAliveTimeoutBuffer', 'keepAliveHint'],
    expected: `agent timeout 5000, buffer ${BUFFER_MS}, response \`Keep-Alive: timeout=2\`: the socket is pooled and the client closes it ${HINT_LESS_BUFFER_MS} ms after the response (within [${timerWindow(HINT_LESS_BUFFER_MS, HINT_LESS_BUFFER_MS + BUFFER_OFF_MS).join(', ')}]: a buffer ${BUFFER_OFF_MS} ms shorter, the default 1000 or a fixed 500 is out)`,
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true, timeout: 5000, agentKeepAliveTimeoutBuffer: BUFFER_MS });
    const r = await (await agent.request({ origin, path: '/hint', behaviour: { ka: 2 } })).completed();
    const conn = await closed(ctx, connectionOf(ctx, r), 2500);
    const idle = idleAfter(conn, arrived(ctx, origin, '/hint'));
    ctx.observe(`connection closed by ${conn.closedBy} ${Math.round(idle)} ms after the response`);
    assert.equal(conn.closedBy, 'client', 'the client closed the idle connection');
    withinTimer(idle, HINT_LESS_BUFFER_MS, 'idle time before the close', HINT_LESS_BUFFER_MS + BUFFER_OFF_MS);
  },
);

defineCase(
  {
    id: 'keepAlive/hint-parse',
    title: 'only a Keep-Alive header that starts with `timeout=N` is taken as a hint (as Node parses it)',
    level: 'should',
    doc: DOCS.keepAliveTimeoutBufferOption,
    requires: ['keepAliveHint'],
    expected: `agent timeout 5000, three origins answer \`timeout=1, max=5\`, \`max=5, timeout=1\` and \`Timeout=1\`: the first connection is closed right after its response (within ${RELEASE_CLOSE_MS} ms); the other two stay pooled (300 ms) and carry the next request`,
  },
  async (ctx) => {
    const variants = ['timeout=1, max=5', 'max=5, timeout=1', 'Timeout=1'];
    const origins = [await ctx.origin('A'), await ctx.origin('B'), await ctx.origin('C')];
    const agent = await ctx.agent({ keepAlive: true, timeout: 5000 });
    const { requests } = await agent.issue(
      origins.map((origin, i) => ({ origin, path: '/hint', behaviour: { kaRaw: variants[i] } })),
    );
    for (const r of requests) await r.completed();
    const conns = requests.map((r) => connectionOf(ctx, r));
    const [honoured, ...ignored] = conns as [ConnectionRecord, ...ConnectionRecord[]];
    await closed(ctx, honoured, 1000);
    const after = idleAfter(honoured, arrived(ctx, origins[0] as Origin, '/hint'));
    await ctx.observeFor(300);
    const stillOpen = ignored.map((c) => c.closedAt === null);
    const next = await agent.issue(
      ignored.map((_, i) => ({ origin: origins[i + 1] as Origin, path: '/next' })),
    );
    for (const r of next.requests) await r.completed();
    const nths = origins.slice(1).map((o) => arrived(ctx, o, '/next').nth);
    ctx.observe(
      `"${variants[0]}": closed by ${honoured.closedBy} ${Math.round(after)} ms after the response; ` +
        variants
          .slice(1)
          .map((v, i) => `"${v}": ${stillOpen[i] ? 'still pooled' : 'closed'}, next request #${nths[i]}`)
          .join('; '),
    );
    assert.equal(
      honoured.closedBy,
      'client',
      `"${variants[0]}" is a hint of 1 s: the client closes the connection`,
    );
    within(after, 0, RELEASE_CLOSE_MS, `close after the "${variants[0]}" response`);
    variants.slice(1).forEach((v, i) => {
      assert.ok(stillOpen[i], `"${v}" was taken as a hint: the pooled connection was closed`);
      assert.equal(nths[i], 2, `"${v}": the next request reuses the pooled connection`);
    });
  },
);

defineCase(
  {
    id: 'keepAlive/socket-path-reuse',
    title: 'requests to a Unix domain socket (socketPath) share a pooled connection',
    level: 'must',
    doc: DOCS.requestSocketPathOption,
    requires: ['requestConnectOptions'],
    expected:
      'keepAlive, two requests one after the other with socketPath to an origin on a Unix socket: the origin sees one connection carrying both; the second has reusedSocket true',
  },
  async (ctx) => {
    if (ctx.protocol === 'https')
      ctx.skip('a Unix-socket origin speaks plain HTTP only; this is about http.Agent over socketPath');
    const origin = await ctx.origin({ socketPath: true });
    const socketPath = origin.socketPath ?? ctx.fail('the Unix-socket origin has no socketPath');
    const agent = await ctx.agent({ keepAlive: true });
    const first = await (await agent.request({ origin, socketPath, path: '/one' })).completed();
    await ctx.waitFor('the socket to be pooled', () => agent.frees.length >= 1, 1000);
    const second = await (await agent.request({ origin, socketPath, path: '/two' })).completed();
    ctx.observe(
      `the origin saw ${origin.connections.length} connection(s) for ${origin.requests.length} request(s); reusedSocket ${first.socket?.reusedSocket}, ${second.socket?.reusedSocket}`,
    );
    assert.equal(origin.requests.length, 2, 'requests the origin received');
    assert.equal(origin.connections.length, 1, 'connections the origin saw');
    assert.equal(second.socket?.reusedSocket, true, 'req.reusedSocket of the second request');
  },
);
