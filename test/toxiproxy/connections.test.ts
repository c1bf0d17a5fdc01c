/** Toxiproxy's connection semantics: enable/disable, delete, failed dials, no half-close, RST vs FIN. */
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import type { Latency, Timeout } from 'toxiproxy-node-client';
import type { ResetPeer } from 'toxiproxy-node-client/dist/Toxic.js';
import {
  connect,
  createProxy,
  echoServer,
  median,
  portOf,
  roundTrip,
  setup,
  tcpServer,
  tryConnect,
  within,
} from './helpers.ts';

const T = { timeout: 10_000 };

test('disable closes open connections and refuses new ones; enable accepts again', T, async (t) => {
  const env = await setup(t);
  const p = await createProxy(env, 'dis', await echoServer(t));
  const c = await connect(t, portOf(p.listen));
  await roundTrip(c);
  await p.update({ enabled: false, listen: p.listen, upstream: p.upstream });
  const { code } = await within(c.closed, 1000, 'open connection close on disable');
  assert.equal(code, undefined, 'closed with a FIN');
  assert.equal(await tryConnect(portOf(p.listen)), 'ECONNREFUSED');
  await p.update({ enabled: true, listen: p.listen, upstream: p.upstream });
  const again = await connect(t, portOf(p.listen));
  assert.ok((await roundTrip(again)) < 500);
});

test('toxics survive a disable', T, async (t) => {
  const env = await setup(t);
  const p = await createProxy(env, 'surv', await echoServer(t));
  await p.addToxic<Latency>({
    name: 'l',
    type: 'latency',
    stream: 'downstream',
    toxicity: 1,
    attributes: { latency: 150, jitter: 0 },
  });
  await p.update({ enabled: false, listen: p.listen, upstream: p.upstream });
  await p.update({ enabled: true, listen: p.listen, upstream: p.upstream });
  const c = await connect(t, portOf(p.listen));
  const rtt = await roundTrip(c);
  assert.ok(rtt >= 149 && rtt < 300, `round trip ${rtt.toFixed(1)} ms`);
});

test('delete closes open connections and the listener', T, async (t) => {
  const env = await setup(t);
  const p = await createProxy(env, 'del', await echoServer(t));
  const c = await connect(t, portOf(p.listen));
  await roundTrip(c);
  await p.remove();
  await within(c.closed, 1000, 'close on delete');
  assert.equal(await tryConnect(portOf(p.listen)), 'ECONNREFUSED');
});

test('upstream down: the proxy accepts, then closes the client (EOF, not ECONNREFUSED)', T, async (t) => {
  const env = await setup(t);
  // A port with nothing behind it: a fresh server, closed at once.
  const tmp = net.createServer();
  await new Promise<void>((r) => tmp.listen(0, '127.0.0.1', r));
  const freePort = (tmp.address() as net.AddressInfo).port;
  await new Promise<void>((r) => tmp.close(() => r()));
  const p = await createProxy(env, 'down', freePort);
  const c = await connect(t, portOf(p.listen));
  const { code } = await within(c.closed, 1000, 'close after a failed dial');
  assert.notEqual(code, 'ECONNREFUSED');
  assert.equal(c.bytes(), 0);
});

test('no half-close: a client that ends its side loses the response', T, async (t) => {
  const env = await setup(t);
  // The server answers 100 ms after it reads the request.
  const port = await tcpServer(
    t,
    (s) => {
      s.once('data', () => setTimeout(() => s.writable && s.end('answer'), 100));
    },
    true,
  );
  const direct = await connect(t, port);
  direct.socket.end('question');
  await direct.waitBytes(6, 1000); // control: without the proxy the answer arrives after the FIN
  const p = await createProxy(env, 'half', port);
  const c = await connect(t, portOf(p.listen));
  c.socket.end('question');
  await within(c.closed, 1000, 'close');
  assert.equal(c.bytes(), 0);
});

test(
  'reset_peer turns every close into an RST only for connections accepted while it exists',
  T,
  async (t) => {
    const env = await setup(t);
    const p = await createProxy(env, 'linger', await echoServer(t));
    const before = await connect(t, portOf(p.listen));
    await roundTrip(before);
    // toxicity 0: the toxic never runs, yet connections accepted now get SO_LINGER=0 (Toxiproxy #603).
    const rst = await p.addToxic<ResetPeer>({
      name: 'rst',
      type: 'reset_peer',
      stream: 'downstream',
      toxicity: 0,
      attributes: { timeout: 0 },
    });
    const during = await connect(t, portOf(p.listen));
    assert.ok((await roundTrip(during)) < 500, 'toxicity 0: data flows');
    await rst.remove();
    await p.update({ enabled: false, listen: p.listen, upstream: p.upstream });
    const [b, d] = await within(Promise.all([before.closed, during.closed]), 1000, 'close on disable');
    assert.equal(b.code, undefined, 'connection accepted before the toxic: FIN');
    assert.equal(d.code, 'ECONNRESET', 'connection accepted while reset_peer existed: RST');
  },
);

test('reset_peer added to an open connection closes it with a FIN after its first chunk', T, async (t) => {
  const env = await setup(t);
  const p = await createProxy(env, 'late', await echoServer(t));
  const c = await connect(t, portOf(p.listen));
  await roundTrip(c);
  await p.addToxic<ResetPeer>({
    name: 'rst',
    type: 'reset_peer',
    stream: 'downstream',
    toxicity: 1,
    attributes: { timeout: 0 },
  });
  c.socket.write('x');
  const { code } = await within(c.closed, 1000, 'close');
  assert.equal(code, undefined);
  assert.equal(c.bytes(), 1, 'the echoed byte after the toxic was swallowed');
});

test('removing a reset_peer waits for its sleep to end, as in Toxiproxy', T, async (t) => {
  const env = await setup(t);
  const p = await createProxy(env, 'sleep', await echoServer(t));
  const toxic = await p.addToxic<ResetPeer>({
    name: 'rst',
    type: 'reset_peer',
    stream: 'upstream',
    toxicity: 1,
    attributes: { timeout: 400 },
  });
  const c = await connect(t, portOf(p.listen));
  c.socket.write('x');
  await new Promise((r) => setTimeout(r, 50));
  const start = performance.now();
  await toxic.remove();
  const took = performance.now() - start;
  assert.ok(took >= 250 && took < 1000, `removal took ${took.toFixed(0)} ms; the sleep had ~350 ms left`);
  const { code } = await within(c.closed, 1000, 'close');
  assert.equal(code, 'ECONNRESET');
});

test('/reset closes connections behind a timeout toxic and leaves the others open', T, async (t) => {
  const env = await setup(t);
  const port = await echoServer(t);
  const a = await createProxy(env, 'a', port);
  const b = await createProxy(env, 'b', port);
  await a.addToxic<Timeout>({
    name: 'to',
    type: 'timeout',
    stream: 'upstream',
    toxicity: 1,
    attributes: { timeout: 0 },
  });
  await b.addToxic<Latency>({
    name: 'l',
    type: 'latency',
    stream: 'upstream',
    toxicity: 1,
    attributes: { latency: 100, jitter: 0 },
  });
  const ca = await connect(t, portOf(a.listen));
  const cb = await connect(t, portOf(b.listen));
  assert.ok((await roundTrip(cb)) >= 99);
  await env.client.reset();
  await within(ca.closed, 1000, 'close of the timeout connection');
  // Still behind the 100 ms latency it would be >= 100 ms; the median of three forgives one stall.
  const rtt = median([await roundTrip(cb), await roundTrip(cb), await roundTrip(cb)]);
  assert.ok(rtt < 90, `the other connection is open and toxic-free: ${rtt.toFixed(1)} ms`);
});

test('removing a latency toxic flushes the chunks it holds, in order, at once', T, async (t) => {
  const env = await setup(t);
  const p = await createProxy(env, 'flush', await echoServer(t));
  const toxic = await p.addToxic<Latency>({
    name: 'l',
    type: 'latency',
    stream: 'downstream',
    toxicity: 1,
    attributes: { latency: 5000, jitter: 0 },
  });
  const c = await connect(t, portOf(p.listen));
  for (const piece of ['a', 'b', 'c', 'd']) {
    c.socket.write(piece);
    await new Promise((r) => setTimeout(r, 10));
  }
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(c.bytes(), 0);
  const start = performance.now();
  await toxic.remove();
  await c.waitBytes(4, 1000);
  assert.ok(performance.now() - start < 500);
  assert.equal(c.text(), 'abcd');
});
