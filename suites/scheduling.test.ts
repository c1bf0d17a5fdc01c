/**
 * `scheduling`: which pooled socket the next request gets. Three sockets are released in a known
 * order (their responses are 60 ms apart, in an order other than the one they were created in); then requests are made one at a time, each after the
 * previous socket is back in the pool, and the origin says which connection (by its accept id)
 * carried each of them. Also: the option's validation, and that a pooled socket that was destroyed
 * is never handed out.
 */
import assert from 'node:assert/strict';
import { type AgentHandle, type CaseContext, defineCase, type Origin } from '../harness/suite/api.ts';
import { DOCS } from './docs.ts';
import { arrived, pooled } from './wire.ts';

/**
 * Response delays of the three warm-up requests, made in this order: their sockets are released in
 * another order (2nd, 3rd, 1st), so "most recently used" is not "newest created" and a pool that
 * picks by creation order shows.
 */
const WARM_DELAYS = [140, 20, 80];

/**
 * Pools 3 sockets released in a known order and returns their origin connection ids in release
 * order (read from the origin: the order in which it answered the three requests).
 */
async function poolThree(ctx: CaseContext, agent: AgentHandle, origin: Origin): Promise<number[]> {
  const { requests } = await agent.issue(
    WARM_DELAYS.map((delay, i) => ({ origin, path: `/warm${i + 1}`, behaviour: { delay } })),
  );
  for (const r of requests) await r.completed();
  await pooled(ctx, agent, 3, '3 sockets to be pooled');
  assert.equal(origin.connections.length, 3, 'three overlapping requests open three connections');
  const answered = [...origin.requests].sort((x, y) => (x.respondedAt ?? 0) - (y.respondedAt ?? 0));
  return answered.map((q) => q.connection);
}

/** Makes `n` requests one after another, each after the previous socket went back to the pool. */
async function sequential(
  ctx: CaseContext,
  agent: AgentHandle,
  origin: Origin,
  n: number,
): Promise<number[]> {
  const picks: number[] = [];
  for (let i = 1; i <= n; i++) {
    const before = agent.frees.length;
    await (await agent.request({ origin, path: `/next${i}` })).completed();
    await pooled(ctx, agent, before + 1, `the socket of /next${i} to be pooled again`);
    picks.push(arrived(ctx, origin, `/next${i}`).connection);
  }
  return picks;
}

function label(ids: number[]): string {
  return ids.map((id) => `#${id}`).join(',');
}

defineCase(
  {
    id: 'scheduling/lifo',
    title: "'lifo' hands out the most recently used socket",
    level: 'must',
    doc: DOCS.schedulingOption,
    requires: ['scheduling'],
    expected:
      "keepAlive, scheduling 'lifo', 3 sockets released in the order c1, c2, c3: the next 3 sequential requests all ride on c3",
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true, scheduling: 'lifo' });
    const released = await poolThree(ctx, agent, origin);
    const picks = await sequential(ctx, agent, origin, 3);
    const c3 = released[2] ?? 0;
    ctx.observe(`released ${label(released)}; picked ${label(picks)}`);
    assert.deepEqual(picks, [c3, c3, c3], 'connections that carried the next three requests');
    assert.equal(origin.connections.length, 3, 'no new connection');
  },
);

defineCase(
  {
    id: 'scheduling/fifo',
    title: "'fifo' hands out the least recently used socket",
    level: 'must',
    doc: DOCS.schedulingOption,
    requires: ['scheduling'],
    expected:
      "keepAlive, scheduling 'fifo', 3 sockets released in the order c1, c2, c3: the next 4 sequential requests ride on c1, c2, c3, c1",
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true, scheduling: 'fifo' });
    const released = await poolThree(ctx, agent, origin);
    const picks = await sequential(ctx, agent, origin, 4);
    const [c1 = 0, c2 = 0, c3 = 0] = released;
    ctx.observe(`released ${label(released)}; picked ${label(picks)}`);
    assert.deepEqual(picks, [c1, c2, c3, c1], 'connections that carried the next four requests');
    assert.equal(origin.connections.length, 3, 'no new connection');
  },
);

defineCase(
  {
    id: 'scheduling/default-lifo',
    title: "without a scheduling option the agent behaves as 'lifo'",
    level: 'must',
    doc: DOCS.schedulingDefault,
    expected:
      'keepAlive, no scheduling option, 3 sockets released in the order c1, c2, c3: the next 3 sequential requests all ride on c3',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true });
    const released = await poolThree(ctx, agent, origin);
    const picks = await sequential(ctx, agent, origin, 3);
    const c3 = released[2] ?? 0;
    const snap = await agent.optionalSnapshot();
    ctx.observe(
      `released ${label(released)}; picked ${label(picks)}; agent.scheduling ${String(snap?.fields.scheduling)}`,
    );
    assert.deepEqual(picks, [c3, c3, c3], 'connections that carried the next three requests');
    assert.equal(origin.connections.length, 3, 'no new connection');
  },
);

// `should`: the docs list the two values; that anything else throws, and with which code, is Node's
// validateOneOf (lib/_http_agent.js), not documented.
defineCase(
  {
    id: 'scheduling/invalid-rejected',
    title: 'a scheduling value other than fifo or lifo is rejected (as in Node)',
    level: 'should',
    doc: DOCS.schedulingOption,
    requires: ['scheduling'],
    expected:
      "scheduling 'x' and 'FIFO' make the constructor throw with code ERR_INVALID_ARG_VALUE; 'fifo' is accepted and an agent made with it serves a request",
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const seen: string[] = [];
    for (const value of ['x', 'FIFO']) {
      const made = await ctx.tryAgent({ scheduling: value });
      seen.push(made.ok ? `'${value}' accepted` : `'${value}' → ${made.error.name} ${made.error.code}`);
    }
    const fifo = await ctx.tryAgent({ keepAlive: true, scheduling: 'fifo' });
    seen.push(fifo.ok ? "'fifo' accepted" : `'fifo' → ${fifo.error.name} ${fifo.error.code}`);
    ctx.observe(seen.join('; '));
    assert.match(seen[0] ?? '', /→ \w*Error ERR_INVALID_ARG_VALUE$/, "scheduling 'x'");
    assert.match(seen[1] ?? '', /→ \w*Error ERR_INVALID_ARG_VALUE$/, "scheduling 'FIFO'");
    if (!fifo.ok) return ctx.fail(`scheduling 'fifo' was rejected: ${fifo.error.message}`);
    await (await fifo.agent.request({ origin, path: '/fifo' })).completed();
    assert.equal(origin.requests.length, 1, "the 'fifo' agent served a request");
  },
);

defineCase(
  {
    id: 'scheduling/skip-destroyed',
    title: 'a pooled socket that was destroyed is never handed out',
    level: 'must',
    doc: DOCS.closedConnectionRemoved,
    requires: ['scheduling'],
    expected:
      "the pooled socket is destroyed and the next request made in the same tick (before its 'close' can be seen): with one pooled socket (default 'lifo') it goes out on a new connection; with 'fifo' and two pooled sockets, the first one destroyed, it rides on the second; no request fails",
  },
  async (ctx) => {
    // one pooled socket, destroyed in the same tick as the next request
    const one = await ctx.origin('A');
    const lifo = await ctx.agent({ keepAlive: true });
    const first = await (await lifo.request({ origin: one, path: '/first' })).completed();
    await ctx.waitFor('the socket to be released', () => lifo.frees.length === 1, 1000);
    const [afterOne] = (
      await lifo.issue([{ origin: one, path: '/next' }], { first: [[first, 'destroySocket']] })
    ).requests;
    await afterOne?.done();
    const c1 = one.connections[0];
    // two pooled sockets, fifo, the first released one destroyed in the same tick as the next request
    const two = await ctx.origin('B');
    const fifo = await ctx.agent({ keepAlive: true, scheduling: 'fifo' });
    const { requests } = await fifo.issue([
      { origin: two, path: '/w1', behaviour: { delay: 20 } },
      { origin: two, path: '/w2', behaviour: { delay: 80 } },
    ]);
    for (const r of requests) await r.completed();
    await ctx.waitFor('both sockets to be released', () => fifo.frees.length === 2, 1000);
    const [w1] = requests;
    if (!w1) return ctx.fail('no warm-up request');
    const [afterTwo] = (
      await fifo.issue([{ origin: two, path: '/next' }], { first: [[w1, 'destroySocket']] })
    ).requests;
    await afterTwo?.done();
    const outcome = (r: typeof afterOne) =>
      r?.error ? `failed: ${r.error.code} ${r.error.message}` : `reusedSocket ${r?.socket?.reusedSocket}`;
    ctx.observe(
      `A: connection 1 closed by ${c1?.closedBy ?? 'nobody'}, /next ${outcome(afterOne)}; B: /w1's socket destroyed, /next ${outcome(afterTwo)}`,
    );
    assert.equal(afterOne?.error, null, `A: the next request failed: ${afterOne?.error?.code}`);
    assert.equal(afterTwo?.error, null, `B: the next request failed: ${afterTwo?.error?.code}`);
    const destroyed = arrived(ctx, two, '/w1').connection;
    const survivor = arrived(ctx, two, '/w2').connection;
    const nextOnOne = arrived(ctx, one, '/next').connection;
    const nextOnTwo = arrived(ctx, two, '/next').connection;
    ctx.observe(`A: /next on #${nextOnOne}; B: #${destroyed} destroyed, /next on #${nextOnTwo}`);
    assert.equal(c1?.closedBy, 'client', 'the destroyed socket’s connection was closed by the client');
    assert.equal(
      nextOnOne,
      2,
      'with its only pooled socket destroyed, the next request opens a new connection',
    );
    assert.notEqual(nextOnTwo, destroyed, 'the destroyed socket was not handed out');
    assert.equal(nextOnTwo, survivor, 'the next request rides on the surviving pooled socket');
  },
);
