/**
 * Each toxic's effect, measured on real loopback connections through the
 * embedded server, driven only through toxiproxy-node-client.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import type { Bandwidth, Latency, Slicer, Slowclose, Timeout } from 'toxiproxy-node-client';
import type { LimitData, ResetPeer } from 'toxiproxy-node-client/dist/Toxic.js';
import {
  connect,
  createProxy,
  echoServer,
  median,
  portOf,
  roundTrip,
  sendOnConnect,
  setup,
  tcpServer,
  within,
} from './helpers.ts';

const T = { timeout: 10_000 };

// Upper bounds in this file sit between the right value and the nearest wrong one (a toxic applied
// twice, or not at all), with room for a loaded CI machine; lower bounds are exact, timers never
// fire early. Where one stalled round trip could decide, the median of three does.
test('latency: a downstream latency adds its delay to each round trip (-1/+100 ms)', T, async (t) => {
  const env = await setup(t);
  const proxy = await createProxy(env, 'lat', await echoServer(t));
  await proxy.addToxic<Latency>({
    name: 'lat',
    type: 'latency',
    stream: 'downstream',
    toxicity: 1,
    attributes: { latency: 150, jitter: 0 },
  });
  const c = await connect(t, portOf(proxy.listen));
  const rtts = [await roundTrip(c), await roundTrip(c), await roundTrip(c)];
  for (const rtt of rtts) assert.ok(rtt >= 149, `round trip ${rtt.toFixed(1)} ms < 150 ms latency`);
  // Applied twice per round trip it would be 300 ms.
  const mid = median(rtts);
  assert.ok(mid <= 250, `median round trip ${mid.toFixed(1)} ms > 150 + 100 ms`);
});

test('latency: on both streams it adds up (one toxic per direction)', T, async (t) => {
  const env = await setup(t);
  const proxy = await createProxy(env, 'lat2', await echoServer(t));
  for (const stream of ['upstream', 'downstream'] as const) {
    await proxy.addToxic<Latency>({
      name: `lat_${stream}`,
      type: 'latency',
      stream,
      toxicity: 1,
      attributes: { latency: 100, jitter: 0 },
    });
  }
  const c = await connect(t, portOf(proxy.listen));
  const rtts = [await roundTrip(c), await roundTrip(c), await roundTrip(c)];
  // One direction applied twice would give 300 ms.
  const rtt = median(rtts);
  assert.ok(Math.min(...rtts) >= 199, `round trip ${Math.min(...rtts).toFixed(1)} ms < 200 ms`);
  assert.ok(rtt <= 280, `median round trip ${rtt.toFixed(1)} ms, want 200 (+80) ms`);
});

test('latency: jitter spreads delays uniformly within latency ± jitter', T, async (t) => {
  const env = await setup(t);
  const proxy = await createProxy(env, 'jit', await echoServer(t));
  await proxy.addToxic<Latency>({
    name: 'jit',
    type: 'latency',
    stream: 'downstream',
    toxicity: 1,
    attributes: { latency: 100, jitter: 60 },
  });
  const c = await connect(t, portOf(proxy.listen));
  const rtts: number[] = [];
  for (let i = 0; i < 10; i++) rtts.push(await roundTrip(c));
  for (const rtt of rtts) assert.ok(rtt >= 39, `round trip ${rtt.toFixed(1)} ms below 100 - 60`);
  // One stalled round trip is forgiven; the ninth of ten must be within 100 + 60 (+40).
  const ninth = [...rtts].sort((a, b) => a - b)[8] ?? 0;
  assert.ok(ninth <= 200, `round trips ${rtts.map((r) => r.toFixed(0)).join(',')}: above 160 (+40)`);
  // 10 uniform draws from [40, 160) all within a 20 ms band: probability < 1e-7.
  assert.ok(
    Math.max(...rtts) - Math.min(...rtts) > 20,
    `no spread: ${rtts.map((r) => r.toFixed(0)).join(',')}`,
  );
});

// Bandwidth: too fast means the toxic is not applied (exact bound, +15 %); too slow is what a loaded
// machine does, so that side gets -30 %.
test('bandwidth: 300 kB at 500 KB/s takes 600 ms (rate -30/+15 %)', T, async (t) => {
  const env = await setup(t);
  const size = 300_000;
  const proxy = await createProxy(env, 'bw', await sendOnConnect(t, Buffer.alloc(size, 7)));
  await proxy.addToxic<Bandwidth>({
    name: 'bw',
    type: 'bandwidth',
    stream: 'downstream',
    toxicity: 1,
    attributes: { rate: 500 },
  });
  const c = await connect(t, portOf(proxy.listen));
  const last = await c.waitBytes(size, 3000);
  const rate = size / (last - c.connectedAt); // bytes per ms = KB/s with KB = 1000 B
  assert.ok(rate >= 350 && rate <= 575, `measured ${rate.toFixed(0)} KB/s for a 500 KB/s toxic`);
  assert.equal(c.bytes(), size);
});

test('bandwidth: a slow rate slices big chunks and still meets the rate (-30/+15 %)', T, async (t) => {
  const env = await setup(t);
  const size = 60_000;
  const proxy = await createProxy(env, 'bw2', await sendOnConnect(t, Buffer.alloc(size, 7)));
  await proxy.addToxic<Bandwidth>({
    name: 'bw2',
    type: 'bandwidth',
    stream: 'downstream',
    toxicity: 1,
    attributes: { rate: 100 },
  });
  const c = await connect(t, portOf(proxy.listen));
  const last = await c.waitBytes(size, 3000);
  const rate = size / (last - c.connectedAt);
  assert.ok(rate >= 70 && rate <= 115, `measured ${rate.toFixed(1)} KB/s for a 100 KB/s toxic`);
  assert.ok(c.chunks.length >= 5, `expected 10 kB slices, got ${c.chunks.length} reads`);
});

test('reset_peer: the HTTP client gets ECONNRESET when the response arrives', T, async (t) => {
  const env = await setup(t);
  const server = http.createServer((_req, res) => res.end('hello'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(
    () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  );
  const proxy = await createProxy(env, 'rst', (server.address() as { port: number }).port);
  await proxy.addToxic<ResetPeer>({
    name: 'rst',
    type: 'reset_peer',
    stream: 'downstream',
    toxicity: 1,
    attributes: { timeout: 0 },
  });
  const err = await within(
    new Promise<NodeJS.ErrnoException | null>((resolve) => {
      const req = http.get(
        { host: '127.0.0.1', port: portOf(proxy.listen), path: '/', agent: false },
        (res) => {
          res.resume();
          res.on('end', () => resolve(null));
        },
      );
      req.on('error', resolve);
    }),
    2000,
    'reset_peer',
  );
  assert.ok(err !== null, 'the request succeeded');
  assert.equal(err.code, 'ECONNRESET');
  assert.equal(err.message, 'read ECONNRESET');
});

test('reset_peer: with a timeout the RST comes that much later, and no data passes', T, async (t) => {
  const env = await setup(t);
  const proxy = await createProxy(env, 'rst2', await sendOnConnect(t, Buffer.from('data')));
  await proxy.addToxic<ResetPeer>({
    name: 'rst2',
    type: 'reset_peer',
    stream: 'downstream',
    toxicity: 1,
    attributes: { timeout: 300 },
  });
  const c = await connect(t, portOf(proxy.listen));
  const { at, code } = await within(c.closed, 2000, 'reset_peer close');
  assert.equal(code, 'ECONNRESET');
  assert.equal(c.bytes(), 0);
  const after = at - c.connectedAt;
  assert.ok(after >= 295 && after <= 500, `reset after ${after.toFixed(0)} ms, want 300 (+200) ms`);
});

test('timeout: data is dropped, then the connection closes (FIN) after the timeout', T, async (t) => {
  const env = await setup(t);
  const proxy = await createProxy(env, 'to', await sendOnConnect(t, Buffer.from('hello')));
  await proxy.addToxic<Timeout>({
    name: 'to',
    type: 'timeout',
    stream: 'downstream',
    toxicity: 1,
    attributes: { timeout: 300 },
  });
  const c = await connect(t, portOf(proxy.listen));
  const { at, code } = await within(c.closed, 2000, 'timeout close');
  assert.equal(c.bytes(), 0, 'data passed a timeout toxic');
  assert.equal(code, undefined, 'closed with an error, not a FIN');
  const after = at - c.connectedAt;
  assert.ok(after >= 295 && after <= 550, `closed after ${after.toFixed(0)} ms, want 300 (+250) ms`);
});

test(
  'timeout 0: data is dropped and the connection stays open; removing the toxic closes it',
  T,
  async (t) => {
    const env = await setup(t);
    const proxy = await createProxy(env, 'to0', await echoServer(t));
    const toxic = await proxy.addToxic<Timeout>({
      name: 'to0',
      type: 'timeout',
      stream: 'downstream',
      toxicity: 1,
      attributes: { timeout: 0 },
    });
    const c = await connect(t, portOf(proxy.listen));
    c.socket.write('ping');
    const early = await Promise.race([
      c.closed.then(() => 'closed'),
      new Promise((r) => setTimeout(() => r('open'), 600)),
    ]);
    assert.equal(early, 'open');
    assert.equal(c.bytes(), 0, 'data passed a timeout toxic');
    await toxic.remove();
    await within(c.closed, 1000, 'close after removing the timeout toxic');
    assert.equal(c.bytes(), 0);
  },
);

test('limit_data: exactly N bytes pass, then the connection closes', T, async (t) => {
  const env = await setup(t);
  const payload = Buffer.alloc(50_000);
  for (let i = 0; i < payload.length; i++) payload[i] = i % 251;
  const proxy = await createProxy(env, 'lim', await sendOnConnect(t, payload));
  await proxy.addToxic<LimitData>({
    name: 'lim',
    type: 'limit_data',
    stream: 'downstream',
    toxicity: 1,
    attributes: { bytes: 40_001 },
  });
  const c = await connect(t, portOf(proxy.listen));
  await within(c.closed, 2000, 'limit_data close');
  assert.equal(c.bytes(), 40_001);
  assert.deepEqual(Buffer.concat(c.chunks.map((x) => x.data)), payload.subarray(0, 40_001));
});

test('limit_data upstream: the server gets exactly N bytes of the request', T, async (t) => {
  const env = await setup(t);
  let received = 0;
  let onServerClose = (): void => {};
  const serverClosed = new Promise<void>((r) => {
    onServerClose = r;
  });
  const port = await tcpServer(t, (s) => {
    s.on('data', (d: Buffer) => {
      received += d.length;
    });
    s.on('close', () => onServerClose());
  });
  const proxy = await createProxy(env, 'limup', port);
  await proxy.addToxic<LimitData>({
    name: 'limup',
    type: 'limit_data',
    stream: 'upstream',
    toxicity: 1,
    attributes: { bytes: 10 },
  });
  const c = await connect(t, portOf(proxy.listen));
  c.socket.write('0123456789abcdef');
  await within(serverClosed, 2000, 'server side close');
  await within(c.closed, 2000, 'client side close');
  assert.equal(received, 10);
});

test('slicer: every byte arrives, in several pieces', T, async (t) => {
  const env = await setup(t);
  const payload = Buffer.from('abcdefghijklmnopqrstuvwxyz'.repeat(200));
  const proxy = await createProxy(env, 'sl', await sendOnConnect(t, payload));
  await proxy.addToxic<Slicer>({
    name: 'sl',
    type: 'slicer',
    stream: 'downstream',
    toxicity: 1,
    attributes: { average_size: 200, size_variation: 50, delay: 2000 },
  });
  const c = await connect(t, portOf(proxy.listen));
  await c.waitBytes(payload.length, 3000);
  assert.equal(c.text(), payload.toString());
  // ~26 pieces 2 ms apart; reads may merge some of them, but not most.
  assert.ok(c.chunks.length >= 5, `only ${c.chunks.length} reads`);
  const spread = c.chunks[c.chunks.length - 1]!.at - c.chunks[0]!.at;
  assert.ok(spread >= 20, `pieces arrived within ${spread.toFixed(1)} ms; 2 ms delay between ~26 pieces`);
});

test('slow_close: data passes at once, the close is delayed', T, async (t) => {
  const env = await setup(t);
  const proxy = await createProxy(env, 'sc', await sendOnConnect(t, Buffer.from('bye'), true));
  await proxy.addToxic<Slowclose>({
    name: 'sc',
    type: 'slow_close',
    stream: 'downstream',
    toxicity: 1,
    attributes: { delay: 400 },
  });
  const c = await connect(t, portOf(proxy.listen));
  const dataAt = await c.waitBytes(3, 1000);
  const { at } = await within(c.closed, 2000, 'slow_close');
  assert.equal(c.text(), 'bye');
  // Data held back by the toxic would take its 400 ms delay.
  assert.ok(dataAt - c.connectedAt < 250, `data took ${(dataAt - c.connectedAt).toFixed(0)} ms`);
  const delay = at - dataAt;
  assert.ok(
    delay >= 380 && delay <= 650,
    `close came ${delay.toFixed(0)} ms after the data, want 400 (-20/+250)`,
  );
});

test('without toxics the same upstream close is immediate (control for slow_close)', T, async (t) => {
  const env = await setup(t);
  const proxy = await createProxy(env, 'nosc', await sendOnConnect(t, Buffer.from('bye'), true));
  const c = await connect(t, portOf(proxy.listen));
  const dataAt = await c.waitBytes(3, 1000);
  const { at } = await within(c.closed, 1000, 'close');
  // slow_close would make it 400 ms.
  assert.ok(at - dataAt < 250, `close came ${(at - dataAt).toFixed(0)} ms after the data`);
});

test('toxicity 0 never applies the toxic', T, async (t) => {
  const env = await setup(t);
  const proxy = await createProxy(env, 'tox0', await echoServer(t));
  await proxy.addToxic<Latency>({
    name: 'never',
    type: 'latency',
    stream: 'downstream',
    toxicity: 0,
    attributes: { latency: 1000, jitter: 0 },
  });
  const rtts: number[] = [];
  for (let i = 0; i < 8; i++) {
    const c = await connect(t, portOf(proxy.listen));
    rtts.push(await roundTrip(c));
    c.socket.destroy();
  }
  assert.ok(Math.max(...rtts) < 300, `a connection was delayed: ${rtts.map((r) => r.toFixed(0)).join(',')}`);
});

test('toxicity 1 always applies it (control for toxicity 0)', T, async (t) => {
  const env = await setup(t);
  const proxy = await createProxy(env, 'tox1', await echoServer(t));
  await proxy.addToxic<Latency>({
    name: 'always',
    type: 'latency',
    stream: 'downstream',
    toxicity: 1,
    attributes: { latency: 100, jitter: 0 },
  });
  const rtts: number[] = [];
  for (let i = 0; i < 4; i++) {
    const c = await connect(t, portOf(proxy.listen));
    rtts.push(await roundTrip(c));
    c.socket.destroy();
  }
  assert.ok(
    Math.min(...rtts) >= 99,
    `a connection was not delayed: ${rtts.map((r) => r.toFixed(0)).join(',')}`,
  );
});

test('adding and removing a toxic changes an open connection', T, async (t) => {
  const env = await setup(t);
  const proxy = await createProxy(env, 'live', await echoServer(t));
  const c = await connect(t, portOf(proxy.listen));
  const before = median([await roundTrip(c), await roundTrip(c), await roundTrip(c)]);
  const toxic = await proxy.addToxic<Latency>({
    name: 'live',
    type: 'latency',
    stream: 'upstream',
    toxicity: 1,
    attributes: { latency: 200, jitter: 0 },
  });
  const during = median([await roundTrip(c), await roundTrip(c), await roundTrip(c)]);
  await toxic.remove();
  const after = median([await roundTrip(c), await roundTrip(c), await roundTrip(c)]);
  assert.ok(before < 100, `before: ${before.toFixed(1)} ms`);
  assert.ok(during >= 199 && during <= 300, `with the toxic: ${during.toFixed(1)} ms, want 200 (+100)`);
  assert.ok(after < 150, `after removal: ${after.toFixed(1)} ms`);
});

test('updating a toxic applies the new values to an open connection', T, async (t) => {
  const env = await setup(t);
  const proxy = await createProxy(env, 'upd', await echoServer(t));
  const toxic = await proxy.addToxic<Latency>({
    name: 'upd',
    type: 'latency',
    stream: 'downstream',
    toxicity: 1,
    attributes: { latency: 50, jitter: 0 },
  });
  const c = await connect(t, portOf(proxy.listen));
  const first = await roundTrip(c);
  await toxic.update({ ...toxic.toJson(), attributes: { latency: 250, jitter: 0 } });
  const second = await roundTrip(c);
  assert.ok(first >= 49 && first < 200, `first: ${first.toFixed(1)} ms`);
  assert.ok(second >= 249 && second < 450, `after the update: ${second.toFixed(1)} ms`);
});
