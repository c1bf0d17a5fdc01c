/**
 * Every case that Node fails on purpose (expectations/node.json) can pass: some subject passes it.
 * While no real subject passes a case, a case hollowed into "always fail" would go unnoticed, since
 * node-verdicts.test.ts only pins Node's fail. Each entry names the subject that proves the case.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadExpectations } from '../harness/parent/expectation-file.ts';
import { ROOT, statuses } from './helpers/cli.ts';
import { runOn, testHereAndInLane } from './helpers/lane.ts';

/** Case id → a subject that passes it. */
const PASSED_BY: Record<string, string> = {
  'maxTotalSockets/limit-across-origins': 'test/agents/fixed/node-fixed.ts',
  'maxTotalSockets/pooled-socket-counts': 'test/agents/fixed/node-fixed.ts',
  'maxTotalSockets/idle-not-starving': 'test/agents/fixed/node-fixed.ts',
  'createConnection/max-sockets-pending': 'test/agents/fixed/node-fixed.ts',
  'createConnection/max-total-sockets-pending': 'test/agents/fixed/node-fixed.ts',
  'keepAlive/hint-without-agent-timeout': 'test/agents/fixed/node-fixed.ts',
  'keepAlive/hint-with-timeout-zero': 'test/agents/fixed/node-fixed.ts',
  'faults/stray-bytes-before-request': 'test/agents/fixed/node-fixed.ts',
  // An implementation of its own (node-fixed passes it too).
  'keepAlive/request-close-origin-keeps-open': 'undici',
  // Failed only by old Node releases (19.0 to 22.8 without the hint margin; 18.5.0 without TCP
  // keep-alive): the pinned Node passes them.
  'keepAlive/hint-lowers-free-timeout': 'node',
  'keepAlive/hint-too-short': 'node',
  'keepAlive/hint-parse': 'node',
  'https/keep-alive-hint': 'node',
  'createConnection/options-keepalive': 'node',
  'keepAlive/tcp-keepalive-delay': 'node',
  'keepAlive/tcp-keepalive-active': 'node',
  // Failed by Node 16.0.0 (16.20.2 passes).
  'maxTotalSockets/unblock-on-close': 'node',
  'maxTotalSockets/total-socket-count': 'node',
  // Failed by Node before 22 (16.20.2 to 20.20.2).
  'createConnection/options-request-timeout': 'node',
  'faults/stray-bytes': 'node',
  // Failed by releases without the July 2026 security fixes (CVE-2026-56850, CVE-2026-58040):
  // before 22.23.2, 24.18.1, 26.5.1; the pinned Node has them.
  'https/key-separates-pfx-array': 'node',
  'https/own-check-identity-pooled': 'node',
  'https/own-check-identity-session': 'node',
  // Failed by Node 22.23.5 and 24.22.3 (a longer https name); the pinned Node passes it.
  'https/name-format': 'node',
  // Failed by Node 25.x and 26.0 to 26.3.1; the pinned Node passes it.
  'proxy/tunnel-closed-by-proxy': 'node',
  // Failed by Node 22.21.0 to 22.23.5, 25.x and 26.0.0; the pinned Node passes it.
  'proxy/no-proxy-domain-suffix': 'node',
  // Failed by Node 18.0 to 18.5 (the kernel's 2 h delay); the pinned Node passes it.
  'keepAlive/tcp-keepalive-default-delay': 'node',
  // Real nginx and HAProxy in Docker: run in the container lane (test/helpers/lane.ts).
  'servers/nginx-haproxy-max-total-sockets': 'test/agents/fixed/node-fixed.ts',
};

const expected = loadExpectations(join(ROOT, 'expectations/node.json'));
const failures = Object.keys(expected).filter((id) => expected[id]?.status === 'fail');

test('every case node fails on purpose names a subject that passes it', () => {
  assert.deepEqual(
    failures.filter((id) => !PASSED_BY[id]),
    [],
    'cases in expectations/node.json without a PASSED_BY entry',
  );
  assert.deepEqual(
    Object.keys(PASSED_BY).filter((id) => !failures.includes(id)),
    [],
    'PASSED_BY entries that expectations/node.json no longer lists as fail',
  );
});

const bySubject = new Map<string, string[]>();
for (const id of failures) {
  const subject = PASSED_BY[id];
  if (subject) bySubject.set(subject, [...(bySubject.get(subject) ?? []), id]);
}

async function assertPasses(subject: string, ids: string[]): Promise<void> {
  const r = await runOn(subject, ids);
  assert.ok(r.report, r.stderr);
  const got = statuses(r.report);
  assert.deepEqual(
    ids.filter((id) => got[id] !== 'pass').map((id) => `${id}: ${got[id] ?? 'missing'}`),
    [],
    r.stdout.slice(-3000),
  );
}

// the servers cases need Docker: scripts/ci-containers.sh runs them in CI
for (const [subject, all] of bySubject)
  testHereAndInLane(
    all,
    (some) => `${subject} passes ${some.join(', ')}`,
    (some) => assertPasses(subject, some),
  );
