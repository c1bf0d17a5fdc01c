/**
 * The servers area counts connections from samples of the kernel's table: a close/open overlap
 * shorter than the grace is one connection handing over to the next, a longer one is three open at once.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ConnectionSample, peakOf, sampledConnections } from '../harness/suite/real-server.ts';
import { CLOSE_GRACE_MS, overlapPeak } from '../suites/wire.ts';

/** Samples every 2 ms from 0 to `end`; `ports(t)` lists the ports connected at `t`. */
function samples(end: number, ports: (t: number) => number[]): ConnectionSample[] {
  const out: ConnectionSample[] = [];
  for (let t = 0; t <= end; t += 2) out.push({ t, clients: ports(t) });
  return out;
}

const ours = new Set([1001, 1002, 1003]);

test('a third connection that opens as another closes, within the grace, is not counted', () => {
  // 1001 and 1002 open throughout; 1002 closes at 100 while 1003 opens at 96: 4 ms of three
  const s = samples(300, (t) => [1001, ...(t < 100 ? [1002] : []), ...(t >= 96 ? [1003] : []), 9999]);
  assert.equal(peakOf(s, ours), 3);
  assert.equal(overlapPeak(sampledConnections(s, ours)), 2);
});

test('three connections open together for longer than the grace count as three', () => {
  const s = samples(400, (t) => [
    1001,
    ...(t < 100 + 2 * CLOSE_GRACE_MS ? [1002] : []),
    ...(t >= 96 ? [1003] : []),
  ]);
  assert.equal(overlapPeak(sampledConnections(s, ours)), 3);
});

test('a port that disappears and comes back is a second connection; still-open ones have no close', () => {
  const s = samples(100, (t) => (t < 20 || t >= 60 ? [1001] : []));
  assert.deepEqual(sampledConnections(s, ours), [
    { port: 1001, openedAt: 0, closedAt: 18 },
    { port: 1001, openedAt: 60, closedAt: null },
  ]);
});
