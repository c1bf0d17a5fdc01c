/**
 * Every `fail:` line says what was observed, not only what was expected: failed assertions name the
 * value seen (`got X, expected Y`), a wait that ran out says it waited and nothing happened, and a
 * sample of real failures (agentkeepalive and undici on cases they fail by design) reads that way.
 */

import { AssertionError } from 'node:assert';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classify } from '../harness/suite/case-outcome.ts';
import { runCli } from './helpers/cli.ts';

function thrown(fn: () => void): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('did not throw');
}

test('a failed assertion says what was seen', () => {
  const message = (fn: () => void) => classify(thrown(fn)).message;
  assert.equal(
    message(() => assert.equal(true, false, 'agent.keepAlive')),
    'agent.keepAlive: got true, expected false',
  );
  assert.equal(
    message(() => assert.deepEqual([1, 1], [3, 3], 'connections')),
    'connections: got [ 1, 1 ], expected [ 3, 3 ]',
  );
  assert.equal(
    message(() => assert.notEqual(null, null, 'the connection closed')),
    'not so: the connection closed (got null)',
  );
  assert.equal(
    message(() => assert.equal(2, 1)),
    'got 2, expected 1',
  );
  // ok(): the message is the suite's own sentence, kept as written.
  assert.equal(
    message(() => assert.ok(false, '3 connections were open at once')),
    '3 connections were open at once',
  );
  assert.ok(thrown(() => assert.ok(false)) instanceof AssertionError);
});

const EXPECTATION_ONLY = /^expected |!==|\+ actual - expected/;

/**
 * Cases these subjects fail by design, with the `fail:` line each must print: literally, or a
 * pattern where only a measured duration or a configured bound may change. Every one must fail: a
 * case that stops failing breaks this test rather than dropping out of the sample.
 */
const SAMPLE: Record<string, Record<string, string | RegExp>> = {
  agentkeepalive: {
    'defaults/keepalive-false': 'not so: the next request went on a new connection (got 1)',
    'defaults/connection-close-header': "the Connection request header: got 'keep-alive', expected 'close'",
    'defaults/option-fields': 'agent.keepAlive: got true, expected false',
    'timeout/free-destroyed': /^waited \d+ ms for connection 1 to close: it did not happen$/,
  },
  undici: {
    'keepAlive/disabled-serves-queue': 'two connections for five requests: got 5, expected 2',
    'lifecycle/request-destroy-not-pooled': /^not so: the connection closed within \d+ ms \(got null\)$/,
    'keepAlive/hint-parse': '"max=5, timeout=1" was taken as a hint: the pooled connection was closed',
  },
};

test('a sample of real failures says what was observed', async () => {
  const runs = await Promise.all(
    Object.entries(SAMPLE).map(([subject, cases]) =>
      runCli([subject, ...Object.keys(cases).flatMap((id) => ['--only', id])]),
    ),
  );
  const results = new Map(runs.flatMap((r) => r.report?.results ?? []).map((x) => [x.id, x]));
  const stdout = runs.flatMap((r) => r.stdout.split('\n'));
  for (const [subject, cases] of Object.entries(SAMPLE))
    for (const [id, want] of Object.entries(cases)) {
      const got = results.get(id);
      assert.equal(got?.status, 'fail', `${subject} on ${id}: ${got?.status} (${got?.message})`);
      const message = got.message ?? '';
      if (typeof want === 'string') assert.equal(message, want, id);
      else assert.match(message, want, id);
      assert.doesNotMatch(message, EXPECTATION_ONLY, `${id}: ${message}`);
      const lines = stdout.filter((l) => l.trim() === `fail: ${message}`);
      assert.equal(lines.length, 1, `${id}: its fail: line is printed`);
    }
});
