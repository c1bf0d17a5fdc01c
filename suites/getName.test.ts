/**
 * `getName`: the pool key. First the documented string itself (`host:port:localAddress` or
 * `host:port:localAddress:family`), then what the key is for: requests whose options give different
 * names never share a connection. The wire cases make the same sequence each time: A, B, A, B, one
 * at a time, each after the previous socket went back to the pool. If the two option sets have
 * separate pools, the origin sees two connections, each carrying its own pair (the second request on
 * each as its 2nd); an agent that mixes them hands B the connection A left in the pool. The pool keys
 * in the agent's `freeSockets` are compared with `getName()` of the same options as secondary evidence.
 */
import assert from 'node:assert/strict';
import {
  type AgentHandle,
  type CaseContext,
  defineCase,
  type Origin,
  type RequestOptions,
  type RequestRecord,
} from '../harness/suite/api.ts';
import { DOCS } from './docs.ts';
import { cannotBind, pooled, requestAt } from './wire.ts';

/** Calls getName for each input and lists the ones that differ from what is expected. */
async function mismatches(
  agent: AgentHandle,
  rows: [options: Record<string, unknown> | undefined, expected: string][],
): Promise<{ seen: string[]; wrong: string[] }> {
  const seen: string[] = [];
  const wrong: string[] = [];
  for (const [options, expected] of rows) {
    // `undefined` travels as such: getName() with no argument at all.
    const got = await agent.getName(options as Record<string, unknown>);
    const shown = options === undefined ? '()' : `(${JSON.stringify(options)})`;
    seen.push(`${shown} → ${JSON.stringify(got)}`);
    if (got !== expected)
      wrong.push(`getName${shown} returned ${JSON.stringify(got)}, expected '${expected}'`);
  }
  return { seen, wrong };
}

defineCase(
  {
    id: 'getName/format',
    title: 'getName() returns host:port:localAddress, with :family for family 4 or 6',
    level: 'must',
    doc: DOCS.getNameFormat,
    requires: ['getName'],
    expected:
      "{host:'a',port:80} → 'a:80:'; with localAddress '127.0.0.2' → 'a:80:127.0.0.2'; with family 4 → 'a:80::4'; {host:'a',port:80,family:6,localAddress:'::1'} → 'a:80:::1:6'",
  },
  async (ctx) => {
    const agent = await ctx.agent({});
    const { seen, wrong } = await mismatches(agent, [
      [{ host: 'a', port: 80 }, 'a:80:'],
      [{ host: 'a', port: 80, localAddress: '127.0.0.2' }, 'a:80:127.0.0.2'],
      [{ host: 'a', port: 80, family: 4 }, 'a:80::4'],
      [{ host: 'a', port: 80, family: 6, localAddress: '::1' }, 'a:80:::1:6'],
    ]);
    ctx.observe(seen.join('; '));
    assert.deepEqual(wrong, [], 'getName() results that do not follow the documented format');
  },
);

// `should`: the docs do not say what getName() returns for missing fields; Node fills in the host
// `localhost` (the default host of http.request()) and leaves port and localAddress empty.
defineCase(
  {
    id: 'getName/empty-options',
    title: "getName() and getName({}) return 'localhost::' (as in Node)",
    level: 'should',
    doc: DOCS.getNameFormat,
    requires: ['getName', 'getNameWithoutOptions'],
    expected: "getName({}) → 'localhost::'; getName() without an argument → 'localhost::'",
  },
  async (ctx) => {
    const agent = await ctx.agent({});
    const { seen, wrong } = await mismatches(agent, [
      [{}, 'localhost::'],
      [undefined, 'localhost::'],
    ]);
    ctx.observe(seen.join('; '));
    assert.deepEqual(wrong, [], 'getName() results for missing options');
  },
);

// `should`: a family other than 4 or 6 is outside the documented input ("Must be 4 or 6"); Node then
// leaves the family out of the name rather than throwing.
defineCase(
  {
    id: 'getName/family-other-ignored',
    title: 'a family other than 4 or 6 is left out of the name (as in Node)',
    level: 'should',
    doc: DOCS.getNameFamily,
    requires: ['getName'],
    expected: "{host:'a',port:80} with family 5, 0 or 'bogus' → 'a:80:' (no family suffix)",
  },
  async (ctx) => {
    const agent = await ctx.agent({});
    const { seen, wrong } = await mismatches(agent, [
      [{ host: 'a', port: 80, family: 5 }, 'a:80:'],
      [{ host: 'a', port: 80, family: 0 }, 'a:80:'],
      [{ host: 'a', port: 80, family: 'bogus' }, 'a:80:'],
    ]);
    ctx.observe(seen.join('; '));
    assert.deepEqual(wrong, [], 'getName() results for other families');
  },
);

interface Variant {
  label: string;
  /** Request options beyond the origin (host, localAddress, family). */
  request: Omit<RequestOptions, 'origin'>;
  origin: Origin;
  /** The same options as getName() sees them. */
  nameOptions: Record<string, unknown>;
}

/** The origin's record of the request sent with path `tag`, or undefined. */
function find(origin: Origin, tag: string): RequestRecord | undefined {
  return requestAt(origin, tag);
}

function describe(rec: RequestRecord | undefined): string {
  return rec ? `${rec.origin}#${rec.connection}/${rec.nth} from ${rec.remoteAddress}` : 'not received';
}

/**
 * A, B, A, B one at a time through a keepAlive agent, each after the previous socket was pooled.
 * Asserts that A and B never shared a connection and that each reused its own; returns the records.
 */
async function separatePools(ctx: CaseContext, a: Variant, b: Variant): Promise<void> {
  const agent = await ctx.agent({ keepAlive: true });
  const order: [Variant, string][] = [
    [a, '/a1'],
    [b, '/b1'],
    [a, '/a2'],
    [b, '/b2'],
  ];
  for (const [v, tag] of order) {
    const before = agent.frees.length;
    const r = await agent.request({ ...v.request, origin: v.origin, path: tag });
    await r.completed();
    await pooled(ctx, agent, before + 1, `the socket of ${tag} to be pooled`);
  }
  // secondary evidence, from a subject that has agent state and getName() (capabilities)
  const snap = ctx.capabilities.getName === false ? null : await agent.optionalSnapshot();
  const keys = snap ? Object.keys(snap.freeSockets).sort() : null;
  const names = snap
    ? [String(await agent.getName(a.nameOptions)), String(await agent.getName(b.nameOptions))]
    : null;
  const rec = (v: Variant, tag: string) => find(v.origin, tag) ?? find(v === a ? b.origin : a.origin, tag);
  const [a1, b1, a2, b2] = [rec(a, '/a1'), rec(b, '/b1'), rec(a, '/a2'), rec(b, '/b2')];
  ctx.observe(
    `${a.label} /a1 ${describe(a1)}, /a2 ${describe(a2)}; ${b.label} /b1 ${describe(b1)}, /b2 ${describe(b2)}; freeSockets keys ${JSON.stringify(keys)}; getName ${JSON.stringify(names)}`,
  );
  const same = (x?: RequestRecord, y?: RequestRecord) =>
    x !== undefined && y !== undefined && x.origin === y.origin && x.connection === y.connection;
  for (const [v, tag] of order) {
    assert.ok(find(v.origin, tag), `origin ${v.origin.label} received ${tag} (${v.label})`);
  }
  assert.ok(!same(a1, b1), `${b.label} (/b1) did not ride on the pooled connection of ${a.label} (/a1)`);
  assert.ok(!same(a2, b1) && !same(a1, b2), `${a.label} and ${b.label} never share a connection`);
  assert.ok(same(a1, a2) && a2?.nth === 2, `${a.label}: /a2 reused the connection of /a1 as its 2nd request`);
  assert.ok(same(b1, b2) && b2?.nth === 2, `${b.label}: /b2 reused the connection of /b1 as its 2nd request`);
  // Secondary evidence: the pools are keyed by getName() of the same options.
  if (keys && names)
    assert.deepEqual(keys, [...names].sort(), 'freeSockets keys are getName() of the two option sets');
}

defineCase(
  {
    id: 'getName/host-not-normalised',
    title: "'localhost' and '127.0.0.1' are different names with different connections",
    level: 'must',
    doc: DOCS.getNamePurpose,
    requires: ['requestConnectOptions'],
    expected:
      "keepAlive, requests alternating host '127.0.0.1' and host 'localhost' (both family 4, same port): two connections, each reused only by its own host; freeSockets keys are getName() of each",
  },
  async (ctx) => {
    const origin = await ctx.origin();
    await separatePools(
      ctx,
      {
        label: '127.0.0.1',
        origin,
        request: { family: 4 },
        nameOptions: { host: '127.0.0.1', port: origin.port, family: 4 },
      },
      {
        label: 'localhost',
        origin,
        request: { host: 'localhost', family: 4 },
        nameOptions: { host: 'localhost', port: origin.port, family: 4 },
      },
    );
  },
);

defineCase(
  {
    id: 'getName/local-address-keyed',
    title: 'a request with a localAddress does not share connections with one without',
    level: 'must',
    doc: DOCS.getNamePurpose,
    requires: ['requestConnectOptions'],
    expected:
      "keepAlive, requests alternating no localAddress and localAddress '127.0.0.2': two connections (the origin sees them from 127.0.0.1 and 127.0.0.2), each reused only by its own kind",
  },
  async (ctx) => {
    const origin = await ctx.origin();
    // the machine, not the subject: can a connection come from 127.0.0.2 here at all?
    const unbindable = await cannotBind('127.0.0.2', origin.port);
    if (unbindable) ctx.skip(`this host cannot bind 127.0.0.2 (${unbindable})`);
    await separatePools(
      ctx,
      {
        label: 'no localAddress',
        origin,
        request: {},
        nameOptions: { host: '127.0.0.1', port: origin.port },
      },
      {
        label: 'localAddress 127.0.0.2',
        origin,
        request: { localAddress: '127.0.0.2' },
        nameOptions: { host: '127.0.0.1', port: origin.port, localAddress: '127.0.0.2' },
      },
    );
    const from = (tag: string) => find(origin, tag)?.remoteAddress;
    assert.match(from('/b1') ?? '', /127\.0\.0\.2$/, '/b1 came from 127.0.0.2');
    assert.match(from('/a1') ?? '', /127\.0\.0\.1$/, '/a1 came from 127.0.0.1');
  },
);

defineCase(
  {
    id: 'getName/family-keyed',
    title: 'a request with family 4 does not share connections with one without a family',
    level: 'must',
    doc: DOCS.getNamePurpose,
    requires: ['requestConnectOptions'],
    expected:
      'keepAlive, requests to 127.0.0.1 alternating no family and family 4: two connections, each reused only by its own kind (names `host:port:` and `host:port::4`)',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    await separatePools(
      ctx,
      { label: 'no family', origin, request: {}, nameOptions: { host: '127.0.0.1', port: origin.port } },
      {
        label: 'family 4',
        origin,
        request: { family: 4 },
        nameOptions: { host: '127.0.0.1', port: origin.port, family: 4 },
      },
    );
  },
);

defineCase(
  {
    id: 'getName/port-keyed',
    title: 'the port is part of the name: a pooled socket to one port never serves another',
    level: 'must',
    doc: DOCS.getNamePurpose,
    expected:
      'keepAlive, requests alternating between two origins on 127.0.0.1 (different ports): each origin receives exactly its own two requests, the second on the connection of the first',
  },
  async (ctx) => {
    const a = await ctx.origin('A');
    const b = await ctx.origin('B');
    await separatePools(
      ctx,
      { label: `port ${a.port}`, origin: a, request: {}, nameOptions: { host: '127.0.0.1', port: a.port } },
      { label: `port ${b.port}`, origin: b, request: {}, nameOptions: { host: '127.0.0.1', port: b.port } },
    );
    assert.deepEqual(
      a.requests.map((q) => q.path),
      ['/a1', '/a2'],
      `origin A (port ${a.port}) received only its own requests`,
    );
  },
);
