/**
 * `keepAlive` on the wire, below HTTP: TCP keep-alive of the client's sockets as the kernel has it
 * (suites/kernel-tcp.ts reads /proc/net/tcp for the local port the host reports), not as the agent
 * says. Linux only; elsewhere these cases are `skip`. Part of the `keepAlive` area.
 *
 * The kernel keeps the keep-alive idle time in whole seconds (Node passes keepAliveMsecs / 1000), so
 * the delays here are whole seconds, and a pooled socket's timer reads at most that delay since the
 * last segment it received.
 */
import assert from 'node:assert/strict';
import type { AgentHandle, CaseContext, Origin, RequestHandle } from '../harness/suite/api.ts';
import { defineCase } from '../harness/suite/api.ts';
import { DOCS } from './docs.ts';
import { describeTimer, keepAliveArmed, kernelUnreadable, type TcpTimer, tcpTimer } from './kernel-tcp.ts';
import { connectionOf, pooled } from './wire.ts';

const DELAY_MS = 3000;
/**
 * The timer is read right after the socket is pooled, so it shows the delay less the time since the
 * last segment. The kernel counts whole seconds, so the nearest wrong delay is a second shorter
 * (2000 ms; twice, 6000 ms, is above the upper bound): the lower bound sits halfway, which still
 * gives a loaded machine 500 ms between the response and the read.
 */
const LATE_MS = 500;
/** The kernel's ticks are 10 ms; the idle time starts at the last segment, before the read. */
const TICK_SLACK_MS = 50;

function needKernel(ctx: CaseContext): void {
  const why = kernelUnreadable();
  if (why) ctx.skip(why);
}

function timerOf(ctx: CaseContext, r: RequestHandle, origin: Origin): TcpTimer | null {
  const port = r.socket?.localPort ?? ctx.fail(`no local port for ${r.id}`);
  return tcpTimer(port, origin.port);
}

/** One request, completed and pooled: the kernel's view of its socket then. */
async function pooledTimer(
  ctx: CaseContext,
  agent: AgentHandle,
  origin: Origin,
): Promise<{ r: RequestHandle; timer: TcpTimer | null }> {
  const r = await (await agent.request({ origin })).completed();
  await pooled(ctx, agent, 1, 'the socket to be pooled');
  // The agent's 'free' handler runs keepSocketAlive before the host's listener reports 'free'.
  return { r, timer: timerOf(ctx, r, origin) };
}

/** One held request: the kernel's view of its socket while the request is in flight. */
async function activeTimer(
  ctx: CaseContext,
  agent: AgentHandle,
  origin: Origin,
): Promise<{ r: RequestHandle; timer: TcpTimer | null }> {
  const r = await agent.request({ origin, behaviour: { hold: 'h' } });
  await ctx.waitFor('the origin to hold the request', () => origin.heldCount('h') >= 1, 1500);
  await r.assigned();
  const timer = timerOf(ctx, r, origin);
  origin.release('h');
  await r.completed();
  return { r, timer };
}

defineCase(
  {
    id: 'keepAlive/tcp-keepalive-pooled',
    title: 'a pooled socket has TCP keep-alive enabled (read from the kernel)',
    level: 'must',
    doc: DOCS.pooledTcpKeepAlive,
    expected:
      "keepAlive, no other option: once the response is done and the socket pooled, the kernel shows the client socket's keep-alive timer pending (/proc/net/tcp timer 2)",
  },
  async (ctx) => {
    needKernel(ctx);
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true });
    const { timer } = await pooledTimer(ctx, agent, origin);
    ctx.observe(`pooled socket: ${describeTimer(timer)}`);
    assert.ok(timer, 'the client socket is in /proc/net/tcp');
    assert.ok(keepAliveArmed(timer), `TCP keep-alive on the pooled socket: ${describeTimer(timer)}`);
  },
);

defineCase(
  {
    id: 'keepAlive/tcp-keepalive-delay',
    title: 'the TCP keep-alive initial delay of a pooled socket is keepAliveMsecs',
    level: 'must',
    doc: DOCS.keepAliveMsecsOption,
    expected: `keepAlive, keepAliveMsecs ${DELAY_MS}: right after the socket is pooled, its keep-alive timer fires in ${DELAY_MS - LATE_MS}–${DELAY_MS} ms (the delay less the time since the response)`,
  },
  async (ctx) => {
    needKernel(ctx);
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true, keepAliveMsecs: DELAY_MS });
    const { timer } = await pooledTimer(ctx, agent, origin);
    ctx.observe(`pooled socket: ${describeTimer(timer)}`);
    assert.ok(keepAliveArmed(timer), `TCP keep-alive on the pooled socket: ${describeTimer(timer)}`);
    assert.ok(
      timer.expiresMs >= DELAY_MS - LATE_MS && timer.expiresMs <= DELAY_MS + TICK_SLACK_MS,
      `keep-alive timer fires in ${timer.expiresMs} ms, expected within [${DELAY_MS - LATE_MS}, ${DELAY_MS}]`,
    );
  },
);

// `should`: the docs promise keep-alive for pooled connections; Node also asks for it when it
// creates the socket (createConnection's keepAlive option), so an active socket has it too.
defineCase(
  {
    id: 'keepAlive/tcp-keepalive-active',
    title: 'with keepAlive, a socket has TCP keep-alive from its creation, while its request is in flight',
    level: 'should',
    doc: DOCS.pooledTcpKeepAlive,
    expected: `keepAlive, keepAliveMsecs ${DELAY_MS}, a request the origin holds: the kernel shows the socket's keep-alive timer pending, firing in ${DELAY_MS - LATE_MS}–${DELAY_MS} ms`,
  },
  async (ctx) => {
    needKernel(ctx);
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true, keepAliveMsecs: DELAY_MS });
    const { timer } = await activeTimer(ctx, agent, origin);
    ctx.observe(`active socket: ${describeTimer(timer)}`);
    assert.ok(keepAliveArmed(timer), `TCP keep-alive on the active socket: ${describeTimer(timer)}`);
    assert.ok(
      timer.expiresMs >= DELAY_MS - LATE_MS && timer.expiresMs <= DELAY_MS + TICK_SLACK_MS,
      `keep-alive timer fires in ${timer.expiresMs} ms, expected within [${DELAY_MS - LATE_MS}, ${DELAY_MS}]`,
    );
  },
);

defineCase(
  {
    id: 'keepAlive/tcp-keepalive-off',
    title: 'without keepAlive, sockets have no TCP keep-alive (keepAliveMsecs is ignored)',
    level: 'must',
    doc: DOCS.keepAliveMsecsOption,
    expected: `keepAliveMsecs ${DELAY_MS}, maxSockets 4, no keepAlive, a request the origin holds: the kernel shows no keep-alive timer on the client socket`,
  },
  async (ctx) => {
    needKernel(ctx);
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAliveMsecs: DELAY_MS, maxSockets: 4 });
    const { timer } = await activeTimer(ctx, agent, origin);
    ctx.observe(`active socket: ${describeTimer(timer)}`);
    assert.ok(timer, 'the client socket is in /proc/net/tcp');
    assert.ok(!keepAliveArmed(timer), `no TCP keep-alive: ${describeTimer(timer)}`);
  },
);

defineCase(
  {
    id: 'keepAlive/keep-socket-alive-default',
    title: "keepSocketAlive's default turns TCP keep-alive on with keepAliveMsecs when it pools a socket",
    level: 'must',
    doc: DOCS.keepSocketAliveDefault,
    requires: ['agentHooks'],
    expected: `keepAlive, keepAliveMsecs ${DELAY_MS}, a createConnection that drops the keepAlive options (so only pooling can turn keep-alive on): after pooling, the socket's keep-alive timer is pending, firing in ${DELAY_MS - LATE_MS}–${DELAY_MS} ms`,
  },
  async (ctx) => {
    needKernel(ctx);
    const origin = await ctx.origin();
    const agent = await ctx.agent(
      { keepAlive: true, keepAliveMsecs: DELAY_MS },
      { createConnection: { form: 'return', withoutKeepAlive: true } },
    );
    const { r, timer: active } = await activeTimer(ctx, agent, origin);
    await ctx.waitFor('the socket to be pooled', () => agent.frees.length >= 1, 1000);
    const pooled = timerOf(ctx, r, origin);
    ctx.observe(`while active: ${describeTimer(active)}; after pooling: ${describeTimer(pooled)}`);
    assert.ok(keepAliveArmed(pooled), `TCP keep-alive on the pooled socket: ${describeTimer(pooled)}`);
    assert.ok(
      pooled.expiresMs >= DELAY_MS - LATE_MS && pooled.expiresMs <= DELAY_MS + TICK_SLACK_MS,
      `keep-alive timer fires in ${pooled.expiresMs} ms, expected within [${DELAY_MS - LATE_MS}, ${DELAY_MS}]`,
    );
  },
);

/** keepAliveMsecs when the option is not given. */
const DEFAULT_DELAY_MS = 1000;
/**
 * The kernel arms the keep-alive timer when TCP keep-alive is turned on (at the connect, or when
 * the socket is pooled) and counts from the last segment received: the timer read then is the
 * delay less at most the time since the connection opened. Read within this long of the open, a
 * delay of 2000 ms (the nearest wrong one: the kernel counts whole seconds, and none shorter than
 * 1000 exists) reads above 1050.
 */
const PROMPT_MS = 900;

defineCase(
  {
    id: 'keepAlive/tcp-keepalive-default-delay',
    title: 'without keepAliveMsecs, the TCP keep-alive initial delay of a pooled socket is 1000 ms',
    level: 'must',
    doc: DOCS.keepAliveMsecsOption,
    expected: `keepAlive, no keepAliveMsecs: read from the kernel within ${PROMPT_MS} ms of the connection's open, the pooled socket's keep-alive timer fires in at most ${DEFAULT_DELAY_MS} ms (+${TICK_SLACK_MS}), and no sooner than ${DEFAULT_DELAY_MS} ms less the time since the open`,
  },
  async (ctx) => {
    needKernel(ctx);
    const origin = await ctx.origin();
    const tries: string[] = [];
    // a loaded machine may read late: a fresh agent (a new connection) is read again
    for (let i = 1; i <= 3; i++) {
      const agent = await ctx.agent({ keepAlive: true });
      const r = await (await agent.request({ origin, path: `/t${i}` })).completed();
      await ctx.waitFor(`socket ${i} to be pooled`, () => agent.frees.length >= 1, 1000);
      const timer = timerOf(ctx, r, origin);
      const idle = ctx.now() - connectionOf(ctx, r).openedAt;
      tries.push(`read ${Math.round(idle)} ms after the connection opened: ${describeTimer(timer)}`);
      await agent.destroy();
      if (idle > PROMPT_MS) continue;
      ctx.observe(tries.join('; '));
      assert.ok(keepAliveArmed(timer), `TCP keep-alive on the pooled socket: ${describeTimer(timer)}`);
      const lo = DEFAULT_DELAY_MS - idle - TICK_SLACK_MS;
      assert.ok(
        timer.expiresMs >= lo && timer.expiresMs <= DEFAULT_DELAY_MS + TICK_SLACK_MS,
        `keep-alive timer fires in ${timer.expiresMs} ms, expected within [${Math.round(lo)}, ${DEFAULT_DELAY_MS}]`,
      );
      return;
    }
    ctx.observe(tries.join('; '));
    ctx.fail(
      `the kernel was never read within ${PROMPT_MS} ms of the connection's open (3 tries; a loaded machine: rerun)`,
    );
  },
);
