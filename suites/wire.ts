/**
 * Reading the origins' wire records from a case: the lookups, waits and summaries every area needs.
 * Not a suite file (the plan loads `*.test.ts` only).
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import {
  type AgentHandle,
  type CaseContext,
  type ConnectionRecord,
  type Origin,
  type ProxyUpstreamRecord,
  plainAddress,
  type RequestHandle,
  type RequestRecord,
} from '../harness/suite/api.ts';

/**
 * A connection the server is still closing when the client's next one arrives is not an overlap:
 * the origin's `'close'` can trail the new `'connection'` by an event-loop turn. Intervals that
 * overlap by less than this many ms are not counted as simultaneous. Every overshoot the cases look
 * for lasts at least 150 ms.
 */
export const CLOSE_GRACE_MS = 50;

/**
 * Most connections open at the same time, each connection's end moved `grace` ms earlier: any
 * record with open and close times (the origin's, the forward proxy's client connections).
 */
export function overlapPeak(
  connections: readonly Pick<ConnectionRecord, 'openedAt' | 'closedAt'>[],
  grace = CLOSE_GRACE_MS,
): number {
  const edges: [number, number][] = [];
  for (const c of connections) {
    edges.push([c.openedAt, 1]);
    if (c.closedAt !== null) edges.push([Math.max(c.openedAt, c.closedAt - grace), -1]);
  }
  // at the same instant an open counts before a close (a connection is open at its own opening)
  edges.sort((x, y) => x[0] - y[0] || y[1] - x[1]);
  let open = 0;
  let peak = 0;
  for (const [, d] of edges) {
    open += d;
    peak = Math.max(peak, open);
  }
  return peak;
}

/** The origin's record of the request sent with path `tag` (its query string aside), if it arrived. */
export function requestAt(origin: Origin, tag: string): RequestRecord | undefined {
  return origin.requests.find((q) => q.path === tag || q.path.startsWith(`${tag}?`));
}

/** The origin's record of the request sent with path `tag` (fails the case if it never arrived). */
export function arrived(ctx: CaseContext, origin: Origin, tag: string): RequestRecord {
  return requestAt(origin, tag) ?? ctx.fail(`the origin never received ${tag}`);
}

/**
 * The origin's record of the connection a forward proxy's upstream socket made, if it reached this
 * origin: the one whose two ends are the upstream's two ends (the proxy's end is the origin's client,
 * the upstream's peer is the origin's own end), open when the upstream connected. Never by the port
 * alone: the kernel hands the same local port to the proxy's upstream to one origin and to an agent's
 * direct connection to another.
 */
export function upstreamConnection(origin: Origin, up: ProxyUpstreamRecord): ConnectionRecord | undefined {
  const conn = origin.connectionFrom(
    { address: up.localAddress, port: up.localPort },
    up.connectedAt ?? up.openedAt,
  );
  if (!conn || conn.localPort !== up.remotePort) return undefined;
  return up.remoteAddress !== null && plainAddress(conn.localAddress) !== plainAddress(up.remoteAddress)
    ? undefined
    : conn;
}

/** The origin's record of the connection that carried `r` (fails the case if there is none). */
export function connectionOf(ctx: CaseContext, r: RequestHandle): ConnectionRecord {
  return (
    r.connection ?? ctx.fail(`the origin has no connection for ${r.id} (client port ${r.socket?.localPort})`)
  );
}

/**
 * The origin's record of the connection that carried the request `rec` (the n-th request's
 * connection: `carrier(origin, origin.requests[n - 1])`). A request record always names a connection
 * the origin recorded, so a missing one is a harness error, not the subject's.
 */
export function carrier(origin: Origin, rec: RequestRecord | undefined): ConnectionRecord {
  const conn = rec && origin.connections.find((c) => c.id === rec.connection);
  if (!conn)
    throw new Error(`origin ${origin.label} has no connection record for request ${rec?.path ?? '(none)'}`);
  return conn;
}

/**
 * How long `conn` stayed open after the origin finished its response to `rec`: its close time less
 * that response's time, each read as 0 when absent (a connection still open gives a negative or
 * small value, which every bound the cases use rejects).
 */
export function idleAfter(
  conn: Pick<ConnectionRecord, 'closedAt'>,
  rec: Pick<RequestRecord, 'respondedAt'> | undefined,
): number {
  return (conn.closedAt ?? 0) - (rec?.respondedAt ?? 0);
}

/**
 * Waits until `agent` has freed `n` sockets in all (its `'free'` events count `n` or more): after
 * the n-th response, that socket is back in the pool. `what` names the wait in a failure message.
 */
export function pooled(
  ctx: CaseContext,
  agent: AgentHandle,
  n: number,
  what = `the socket back in the pool after response ${n} (the agent's 'free')`,
  ms = 1000,
): Promise<unknown> {
  return ctx.waitFor(what, () => agent.frees.length >= n, ms);
}

/** The first `n` of `requests` as a tuple (and the rest), for destructuring without a cast. */
export function handles<N extends number>(
  requests: readonly RequestHandle[],
  n: N,
): [...Tuple<RequestHandle, N>, ...RequestHandle[]] {
  if (requests.length < n)
    throw new Error(`expected at least ${n} requests, the case issued ${requests.length}`);
  return requests as unknown as [...Tuple<RequestHandle, N>, ...RequestHandle[]];
}

type Tuple<T, N extends number, R extends T[] = []> = R['length'] extends N ? R : Tuple<T, N, [...R, T]>;

/** A value for a message: a string quoted (`'x'`), anything else as `String` writes it. */
export function show(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}

/** Waits until the client (or the server) closes `conn`, and returns the record. */
export function closed(ctx: CaseContext, conn: ConnectionRecord, ms: number): Promise<ConnectionRecord> {
  return ctx.waitFor(`connection ${conn.id} to close`, () => conn.closedAt !== null && conn, ms);
}

/**
 * How long after its response a socket the agent does not keep may take to be closed by the client.
 * Node destroys it in the same tick as the release; the bound only absorbs a loaded machine, and
 * stays below the nearest wrong value: a buffer of 500 ms, or a sweep a few hundred ms later.
 */
export const RELEASE_CLOSE_MS = 250;

/**
 * How early a timer may be seen to fire. Timers never fire early, but both ends of a measured
 * interval are stamped in the suite process when the news arrives (an origin's accept, a host's
 * event), so the start can be stamped a little late: a few ms, more on a busy machine.
 */
export const TIMER_EARLY_MS = 25;

/**
 * How late a timer may be seen to fire beyond the midpoint to the nearest wrong value: a loaded
 * machine (two cores shared by several test runs have shown 250 ms and more).
 */
export const TIMER_LATE_MS = 150;

/**
 * The window `[lo, hi]` in which a timer of `nominal` ms is seen to fire, placed between the right
 * value and the nearest wrong one (`wrong`: twice the value unless the case names a nearer one, such
 * as a hint less a 500 ms buffer): `lo` is the value less TIMER_EARLY_MS, `hi` the midpoint plus
 * TIMER_LATE_MS (for ×2 that is 1.5 × nominal + 150 ms). A window that would take in the wrong value
 * (it is seen no earlier than `wrong − TIMER_EARLY_MS`) is a mistake in the case, and throws: pick a
 * longer nominal value.
 */
export function timerWindow(nominal: number, wrong = 2 * nominal): [number, number] {
  const lo = Math.max(0, nominal - TIMER_EARLY_MS);
  const hi = (nominal + wrong) / 2 + TIMER_LATE_MS;
  if (hi >= wrong - TIMER_EARLY_MS)
    throw new Error(`a ${nominal} ms timer cannot be told from ${wrong} ms with these tolerances`);
  return [lo, hi];
}

/** Asserts that a timer of `nominal` ms was seen to fire after `value` ms (see timerWindow). */
export function withinTimer(value: number, nominal: number, what: string, wrong = 2 * nominal): void {
  const [lo, hi] = timerWindow(nominal, wrong);
  within(value, lo, hi, what);
}

/**
 * Waits until `r` completed and its socket was released: the agent's `'free'` (its `frees` count
 * passes `before`) or its connection closing, whichever comes first. For a subject without events
 * the response's end is the release. The next request goes out right then, not after the close was
 * seen: an agent that pools a socket it should destroy, and sweeps it later, hands it out.
 */
export async function released(
  ctx: CaseContext,
  agent: AgentHandle,
  r: RequestHandle,
  before: number,
): Promise<void> {
  await r.completed();
  if (ctx.capabilities.events === false) return;
  await ctx.waitFor(
    `${r.id}'s socket to be released`,
    () => agent.frees.length > before || (r.connection?.closedAt ?? null) !== null,
    1000,
  );
}

/** Asserts `lo ≤ value ≤ hi` (a duration in ms), naming `what` when it is not. */
export function within(value: number, lo: number, hi: number, what: string): void {
  assert.ok(
    value >= lo && value <= hi,
    `${what} was ${Math.round(value)} ms, expected within [${lo}, ${hi}]`,
  );
}

/** How each connection of `origin` was used, for `observed`: `origin#1 2 req, closed by client`. */
export function describeConnections(origin: Origin): string {
  return origin.connections
    .map(
      (c) => `${origin.label}#${c.id} ${c.requests} req, ${c.closedBy ? `closed by ${c.closedBy}` : 'open'}`,
    )
    .join('; ');
}

/** The pool name Node's agent gives requests to `origin` (host 127.0.0.1, no localAddress). */
export function nameOf(origin: Origin): string {
  return `127.0.0.1:${origin.port}:`;
}

/**
 * Asserts that `r` (the next or the queued request, as `who` says) did not fail and reached the
 * origin (`arrival`) on a connection other than `previous`, as that connection's 1st request.
 */
export function onNewConnection(
  r: RequestHandle,
  arrival: RequestRecord | undefined,
  previous: number,
  who: string,
): asserts arrival {
  assert.equal(r.error, null, `${who} failed: ${r.error?.code} ${r.error?.message}`);
  assert.ok(arrival, `${who} reached the origin`);
  assert.notEqual(arrival.connection, previous, `${who} went on a new connection`);
  assert.equal(arrival.nth, 1, 'it is the 1st request on its connection');
}

/** Releases every held request (queued ones reach the origin later) until all of them settle. */
export async function releaseAll(
  ctx: CaseContext,
  origins: Origin[],
  requests: RequestHandle[],
  token: string,
): Promise<void> {
  await ctx.waitFor(
    'every request to settle',
    () => {
      for (const o of origins) o.release(token);
      return requests.every((r) => r.settled);
    },
    3000,
  );
}

/**
 * Why this machine cannot open a connection from `localAddress` to 127.0.0.1:`port` (the error code),
 * or null when it can. Tried from the suite process: the environment's answer, not the subject's.
 */
export function cannotBind(localAddress: string, port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress });
    socket.once('connect', () => {
      socket.destroy();
      resolve(null);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}
