/** The wire timeline renderer, as text: lanes, bars, marks, queue wait, limit, escaping, partial traces. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasTimeline, renderTimeline } from '../../harness/parent/report/timeline.ts';
import type { TraceEntry, WireEvent } from '../../harness/parent/report/types.ts';
import { TRACE_CAP } from '../../harness/shared/trace.ts';
import { fixture, result } from './helpers.ts';

type Detail = Record<string, unknown>;
/** A fixture's wire event at `t` (the tests build partial ones too: the model must cope). */
const server = (t: number, peer: string, kind: WireEvent['kind'], detail: Detail): TraceEntry =>
  ({ t, source: 'server', event: kind, detail: { kind, peer, ...detail } }) as TraceEntry;
const client = (t: number, event: string, detail: Detail): TraceEntry => ({
  t,
  source: 'client',
  event,
  detail: { ev: event, ...detail },
});
const issue = (t: number, req: string, path: string): TraceEntry => ({
  t,
  source: 'harness',
  event: 'issue',
  detail: { req, path, origin: 'A' },
});

/** One request served on a fresh connection of `label`, closed by `by` with `how`. */
function served(
  label: string,
  connection: number,
  port: number,
  req: string,
  path: string,
  at: number,
  close?: { by: string; how: string },
): TraceEntry[] {
  return [
    server(at, label, 'open', { connection, port }),
    client(at + 1, 'socket', { req, localPort: port, reusedSocket: false }),
    server(at + 2, label, 'request', { connection, nth: 1, path }),
    server(at + 50, label, 'response', { connection, nth: 1, path }),
    client(at + 52, 'response', { req, status: 200, reusedSocket: false }),
    client(at + 55, 'end', { req, bodyLength: 2 }),
    client(at + 56, 'close', { req }),
    ...(close ? [server(at + 60, label, 'close', { connection, port, ...close })] : []),
  ];
}

/** The `<g class="lane" …>` elements, by group and connection. */
function lanes(svg: string): string[] {
  return [...svg.matchAll(/<g class="lane" data-group="([^"]*)" data-connection="([^"]*)">/g)].map(
    (m) => `${m[1]}#${m[2]}`,
  );
}

/** The markup of one lane (up to the next lane or the axis). */
function lane(svg: string, group: string, connection: string): string {
  const start = svg.indexOf(`<g class="lane" data-group="${group}" data-connection="${connection}">`);
  assert.ok(start >= 0, `lane ${group}#${connection}`);
  const next = svg.indexOf('<g class="lane"', start + 1);
  return svg.slice(start, next < 0 ? undefined : next);
}

/** Every element is one the renderer writes: nothing else can have come from the trace. */
const ELEMENTS = new Set(['svg', 'title', 'g', 'rect', 'line', 'path', 'text', 'circle']);
function assertOnlySvg(svg: string): void {
  // Text and attribute values are escaped, so every `<` opens one of our tags and no `"` ends early.
  for (const tag of svg.matchAll(/<(\/?)([A-Za-z][\w:-]*)([^>]*)>/g)) {
    assert.ok(ELEMENTS.has(tag[2] ?? ''), `element ${tag[2]}`);
    for (const attr of (tag[3] ?? '').matchAll(/\s([\w:-]+)="[^"<>]*"/g)) {
      assert.doesNotMatch(attr[1] ?? '', /^on|href$/i, `attribute ${attr[1]}`);
    }
  }
  const forbidden = [...svg].filter((c) => c < ' ' && c !== '\t' && c !== '\n' && c !== '\r');
  assert.deepEqual(forbidden, [], 'no character XML forbids');
}

test('one lane per connection, grouped by origin label, in order of appearance', () => {
  const svg = renderTimeline([
    ...served('A', 1, 40001, 'c1.a1.r1', '/one', 10, { by: 'client', how: 'fin' }),
    ...served('B', 1, 40002, 'c1.a1.r2', '/two', 20),
    ...served('A', 2, 40003, 'c1.a1.r3', '/three', 30),
  ]);
  assert.deepEqual(lanes(svg), ['A#1', 'A#2', 'B#1']);
  assert.match(svg, /<text [^>]*font-weight="600">origin A<\/text>/);
  assert.match(svg, /<text [^>]*font-weight="600">origin B<\/text>/);
  assert.match(lane(svg, 'A', '1'), /#1 :40001<\/text>/);
  assertOnlySvg(svg);
});

test('a request bar on its connection: sent → first byte, first byte → end, the origin ticks', () => {
  const svg = renderTimeline(served('A', 1, 40001, 'c1.a1.r1', '/one', 100));
  const a1 = lane(svg, 'A', '1');
  const req = a1.match(/<g class="request" data-req="c1\.a1\.r1">[\s\S]*?<\/g>/)?.[0] ?? '';
  assert.ok(req, 'the request is drawn on A#1');
  const sent = req.match(/<rect class="sent" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/);
  const received = req.match(/<rect class="received" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/);
  assert.ok(sent && received);
  // sent starts at the socket (t 101), first byte at 152, end at 155: contiguous, in that order.
  assert.ok(Math.abs(Number(sent[1]) + Number(sent[2]) - Number(received[1])) < 0.2);
  assert.ok(Number(received[2]) > 0);
  assert.match(req, /class="origin-received"/);
  assert.match(req, /class="origin-responded"/);
  assert.match(
    req,
    /<title>c1\.a1\.r1 \/one · issue time not in the trace · socket 101 ms \(local port 40001\)/,
  );
  assert.match(
    req,
    /origin received 102 ms · origin responded 150 ms · first byte 152 ms \(200\) · end 155 ms/,
  );
  assert.match(req, />r1 \/one<\/text>/);
});

test('close marks: who (client, server) and how (FIN bar, RST cross) are distinct, with words', () => {
  const svg = renderTimeline([
    ...served('A', 1, 40001, 'r1', '/a', 0, { by: 'client', how: 'fin' }),
    ...served('A', 2, 40002, 'r2', '/b', 0, { by: 'client', how: 'reset' }),
    ...served('A', 3, 40003, 'r3', '/c', 0, { by: 'server', how: 'fin' }),
    ...served('A', 4, 40004, 'r4', '/d', 0, { by: 'server', how: 'reset' }),
    ...served('A', 5, 40005, 'r5', '/e', 0),
  ]);
  const mark = (c: string) => lane(svg, 'A', c).match(/<g class="close"[^>]*>[\s\S]*?<\/g>/)?.[0] ?? '';
  assert.match(mark('1'), /data-by="client" data-how="fin"><rect [^>]*fill="#8250df"/);
  assert.match(mark('2'), /data-by="client" data-how="reset"><path [^>]*stroke="#8250df"/);
  assert.match(mark('3'), /data-by="server" data-how="fin"><rect [^>]*fill="#bc4c00"/);
  assert.match(mark('4'), /data-by="server" data-how="reset"><path [^>]*stroke="#bc4c00"/);
  for (const [c, words] of [
    ['1', 'client FIN'],
    ['2', 'client RST'],
    ['3', 'server FIN'],
    ['4', 'server RST'],
  ] as const)
    assert.match(lane(svg, 'A', c), new RegExp(`<g class="close-label"><text [^>]*>${words}</text>`));
  // No close in the trace: no mark, a dashed end instead.
  assert.equal(mark('5'), '');
  assert.match(lane(svg, 'A', '5'), /class="still-open"/);
  assert.match(lane(svg, 'A', '5'), /no close in the trace/);
});

test('queue wait: from the harness issue entry to the socket; absent without issue entries', () => {
  const trace = [
    issue(0, 'r1', '/one'),
    issue(0, 'r2', '/two'),
    ...served('A', 1, 40001, 'r1', '/one', 10),
    client(80, 'socket', { req: 'r2', localPort: 40001, reusedSocket: true }),
    server(81, 'A', 'request', { connection: 1, nth: 2, path: '/two' }),
    server(90, 'A', 'response', { connection: 1, nth: 2, path: '/two' }),
    client(91, 'response', { req: 'r2', status: 200 }),
    client(92, 'end', { req: 'r2' }),
  ];
  const svg = renderTimeline(trace);
  const waits = [
    ...svg.matchAll(
      /<g class="request" data-req="(r\d)">[\s\S]*?<line class="queue" x1="([\d.]+)"[^>]*x2="([\d.]+)"/g,
    ),
  ];
  assert.deepEqual(
    waits.map((w) => w[1]),
    ['r1', 'r2'],
  );
  const [, , r1From, r1To] = waits[0]!;
  const [, , r2From, r2To] = waits[1]!;
  assert.equal(r1From, r2From, 'both issued at t 0');
  assert.ok(Number(r2To) - Number(r2From) > Number(r1To) - Number(r1From), 'r2 waited longer');
  assert.match(
    svg,
    /<title>r2 \/two · issued 0 ms · socket 80 ms \(local port 40001, reused\) · origin received 81 ms/,
  );
  assert.match(svg, /queued in the agent<\/text>/);

  const without = renderTimeline(trace.filter((e) => e.event !== 'issue'));
  assert.doesNotMatch(without, /class="queue"/);
  assert.match(without, /queued \(issue time not in this trace\)<\/text>/);
  // Without the issue path, the origin's records are matched in order: r2 is still the 2nd.
  assert.match(without, /<title>r2 \/two · issue time not in the trace · socket 80 ms/);
});

test('the limit line over the open-connection count, red where the count is over it', () => {
  const trace = [
    ...served('A', 1, 40001, 'r1', '/1', 0),
    ...served('A', 2, 40002, 'r2', '/2', 5),
    ...served('A', 3, 40003, 'r3', '/3', 10),
  ];
  const svg = renderTimeline(trace, { limit: { label: 'maxSockets', value: 2 } });
  assert.match(
    svg,
    /<g class="limit"><line [^>]*stroke-dasharray="6 4"\/><text [^>]*>maxSockets 2<\/text><\/g>/,
  );
  assert.match(
    svg,
    /<rect class="over-limit"[^>]*><title>origin A: 3 open at 10 ms, over maxSockets 2<\/title>/,
  );
  assert.match(svg, /maxSockets \(limit\)<\/text>/);
  const within = renderTimeline(trace, { limit: { label: 'maxSockets', value: 3 } });
  assert.match(within, /<g class="limit">/);
  assert.doesNotMatch(within, /over-limit/);
  const none = renderTimeline(trace);
  assert.doesNotMatch(none, /class="limit"|over-limit/);
  // maxTotalSockets compares all origins together.
  const two = renderTimeline(
    [...served('A', 1, 40001, 'r1', '/1', 0), ...served('B', 1, 40002, 'r2', '/2', 5)],
    {
      limit: { label: 'maxTotalSockets', value: 1 },
    },
  );
  assert.match(two, /<title>all: 2 open at 5 ms, over maxTotalSockets 1<\/title>/);
  assert.doesNotMatch(two, /origin A: \d open at/);
});

test('hostile strings stay inert text, and XML-safe', () => {
  const evil = '<script>alert(1)</script>';
  const svg = renderTimeline(
    [
      server(1, evil, 'open', { connection: '<img src=x onerror=alert(2)>', port: 40001 }),
      client(2, 'socket', { req: `"><svg onload=alert(3)>`, localPort: 40001 }),
      server(3, evil, 'request', {
        connection: '<img src=x onerror=alert(2)>',
        nth: 1,
        path: '/<b>x</b>\u001b[31m',
      }),
      client(4, '<b>bold-event</b>', { req: 'x' }),
      { t: 5, source: 'harness', event: 'toxic-added', detail: { toxic: ']]> & "q" \u0000' } },
    ],
    { title: '<i>title</i>', limit: { label: '<a href="x">cap</a>', value: 1 } },
  );
  assertOnlySvg(svg);
  assert.ok(svg.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.ok(svg.includes('&lt;b&gt;x&lt;/b&gt;\uFFFD[31m'));
  assert.ok(svg.includes('&quot;&gt;&lt;svg onload=alert(3)&gt;'));
  assert.ok(svg.includes('client &lt;b&gt;bold-event&lt;/b&gt;'));
  assert.ok(svg.includes('&lt;a href=&quot;x&quot;&gt;cap&lt;/a&gt; 1'));
  // The hostile fixture's trace, as the HTML report renders it.
  const hostile = renderTimeline(
    result(fixture('hostile'), 'keepAlive/connection-header-default').trace ?? [],
  );
  assertOnlySvg(hostile);
  assert.ok(hostile.includes('/&lt;svg onload=alert(3)&gt;'));
});

test('partial traces: cut at the cap, no closes, a proxy in between, no socket, garbage', () => {
  // Cut at the cap: said so, and what is there is drawn.
  const long: TraceEntry[] = [];
  for (let i = 0; long.length < TRACE_CAP; i++)
    long.push(...served('A', i + 1, 41000 + i, `r${i}`, `/${i}`, i * 10));
  const cut = renderTimeline(long.slice(0, TRACE_CAP));
  assert.match(cut, /the trace has 500 entries, the cap: later events are missing/);
  assert.ok(lanes(cut).length > 60);
  // The origin sees the proxy's port, not the client's: the client socket gets a lane of its own
  // and the origin's request is drawn from its side only.
  const proxied = renderTimeline([
    { t: 1, source: 'harness', event: 'proxy-created', detail: { listen: '127.0.0.1:1' } },
    server(900, 'A', 'open', { connection: 1, port: 50000 }),
    client(901, 'socket', { req: 'r1', localPort: 46000, reusedSocket: false }),
    server(902, 'A', 'request', { connection: 1, nth: 1, path: '/one' }),
    server(903, 'A', 'response', { connection: 1, nth: 1, path: '/one' }),
    client(904, 'response', { req: 'r1', status: 200 }),
    client(905, 'end', { req: 'r1' }),
    client(950, 'socket', { req: 'r2', localPort: 46000, reusedSocket: true }),
    client(955, 'error', { req: 'r2', code: 'ECONNRESET', message: 'socket hang up' }),
  ]);
  assert.deepEqual(lanes(proxied), ['A#1', '(client)#46000']);
  assert.match(proxied, /client sockets no origin saw \(a proxy in between\?\)/);
  assert.match(lane(proxied, 'A', '1'), /<g class="origin-only"><title>at the origin only/);
  assert.match(proxied, /<g class="error">/);
  assert.match(proxied, /r2 ✕ ECONNRESET<\/text>/);
  // The set-up before the first wire event does not stretch the axis.
  const ticks = [...proxied.matchAll(/<text x="[\d.]+" y="[\d.]+" text-anchor="middle">([\d.]+)<\/text>/g)];
  assert.deepEqual(
    ticks.map((m) => m[1]),
    ['900', '910', '920', '930', '940', '950', '960'],
  );
  // A request that never got a socket, and no close anywhere.
  const stuck = renderTimeline([
    issue(0, 'r1', '/one'),
    ...served('A', 1, 40001, 'r0', '/zero', 1),
    issue(2, 'r2', '/x'),
  ]);
  assert.match(stuck, /requests with no known connection/);
  assert.match(stuck, /<title>r2 \/x · issued 2 ms · no socket · not settled within the trace/);
  assert.match(stuck, /class="still-open"/);
  // Nothing, or garbage: a small picture that says so, never a throw.
  const garbage = [
    null,
    { t: Number.NaN, source: 'server', event: 'A:open' },
    { t: 1, source: 'server', event: 'A:open', detail: 'nope' },
    { t: 2, source: 'server', event: 'no-colon' },
    { t: 3, source: 'client', event: 'socket', detail: { req: { nested: true }, localPort: 'x' } },
  ] as unknown as TraceEntry[];
  assert.match(renderTimeline(garbage), /^<svg /);
  assert.match(renderTimeline([]), /no connection or request in this trace/);
});

test('the real traces of the timeline fixture', () => {
  const report = fixture('timeline');
  const failing = renderTimeline(result(report, 'maxSockets/limit-per-origin').trace ?? [], {
    limit: { label: 'maxSockets', value: 2 },
  });
  assert.equal(lanes(failing).length, 6, 'the seeded agent opened six connections');
  assert.equal((failing.match(/<g class="request"/g) ?? []).length, 6);
  assert.match(failing, /<title>origin A: 6 open at [\d.]+ ms, over maxSockets 2<\/title>/);
  assert.equal((failing.match(/data-by="client" data-how="fin"/g) ?? []).length, 6);
  const queued = renderTimeline(result(report, 'maxSockets/queue-beyond-limit').trace ?? []);
  assert.deepEqual(lanes(queued), ['A#1', 'A#2']);
  assert.equal((queued.match(/class="queue"/g) ?? []).length, 5);
  assert.match(lane(queued, 'A', '1'), /data-req="c1\.a1\.r3"/);
  assert.match(lane(queued, 'A', '2'), /data-req="c1\.a1\.r5"/);
  assert.match(queued, /observe 200 ms<\/text>/);
});

test('hasTimeline: only a trace with a server or client event', () => {
  assert.equal(hasTimeline(undefined), false);
  assert.equal(hasTimeline([{ t: 1, source: 'harness', event: 'end' }]), false);
  assert.equal(hasTimeline([server(1, 'A', 'open', { connection: 1, port: 1 })]), true);
});

test("a client port shared by two origins' connections: the request goes to its own origin's lane", () => {
  // the kernel gave port 47000 to a connection to A and, at the same time, to one to B
  const svg = renderTimeline([
    { t: 0, source: 'harness', event: 'issue', detail: { req: 'ra', path: '/a', origin: 'A' } },
    server(10, 'A', 'open', { connection: 1, port: 47000 }),
    server(12, 'B', 'open', { connection: 1, port: 47000 }),
    client(12.5, 'socket', { req: 'ra', localPort: 47000, reusedSocket: false }),
    server(13, 'A', 'request', { connection: 1, nth: 1, path: '/a' }),
    server(40, 'A', 'response', { connection: 1, nth: 1, path: '/a' }),
    client(41, 'response', { req: 'ra', status: 200 }),
    client(42, 'end', { req: 'ra' }),
  ]);
  assert.deepEqual(lanes(svg), ['A#1', 'B#1']);
  assert.match(lane(svg, 'A', '1'), /<g class="request" data-req="ra">/);
  assert.doesNotMatch(lane(svg, 'B', '1'), /data-req="ra"/);
});

test("a forward proxy's close is drawn as the fixture's own, and a version-1 entry is left out", () => {
  const svg = renderTimeline([
    server(1, 'P', 'open', { connection: 1, port: 41000 }),
    server(2, 'P', 'request', {
      connection: 1,
      nth: 1,
      path: 'http://127.0.0.1:1/',
      line: 'GET http://127.0.0.1:1/ HTTP/1.1',
    }),
    server(9, 'P', 'close', { connection: 1, port: 41000, by: 'proxy', how: 'fin' }),
    // schema version 1 wrote the label into the event name; such an entry names no peer
    {
      t: 5,
      source: 'server',
      event: 'A:open',
      detail: { connection: 1, port: 42000 },
    } as unknown as TraceEntry,
  ]);
  assert.deepEqual(lanes(svg), ['P#1']);
  assert.match(lane(svg, 'P', '1'), /data-by="proxy" data-how="fin"/);
  assert.match(lane(svg, 'P', '1'), /closed [\d.]+ ms by proxy FIN/);
});
