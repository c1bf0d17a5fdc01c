/**
 * Every `fail:` line says what was observed, not only what was expected: failed assertions name the
 * value seen (`got X, expected Y`), a wait that ran out says it waited and nothing happened, and a
 * sample of real failures (agentkeepalive and undici on cases they fail by design) reads that way.
 */

import { AssertionError } from 'node:assert';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classify } from '../harness/suite/verdict.ts';
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

test('a sample of real failures says what was observed', async () => {
  const runs = await Promise.all([
    runCli([
      'agentkeepalive',
      ...['defaults/keepalive-false', 'defaults/connection-close-header', 'timeout/free-destroyed'].flatMap(
        (id) => ['--only', id],
      ),
    ]),
    runCli([
      'undici',
      ...[
        'keepAlive/disabled-serves-queue',
        'scheduling/default-lifo',
        'lifecycle/request-destroy-not-pooled',
        'keepAlive/hint-parse',
      ].flatMap((id) => ['--only', id]),
    ]),
  ]);
  const fails = new Map<string, string>();
  for (const r of runs)
    for (const x of r.report?.results ?? []) if (x.status === 'fail') fails.set(x.id, x.message ?? '');
  assert.ok(fails.size >= 5, `the sample fails (${[...fails.keys()].join(', ')})`);
  for (const [id, message] of fails) {
    assert.doesNotMatch(message, EXPECTATION_ONLY, `${id}: ${message}`);
    const lines = runs.flatMap((r) => r.stdout.split('\n')).filter((l) => l.trim() === `fail: ${message}`);
    assert.equal(lines.length, 1, `${id}: its fail: line is printed`);
  }
  const expect: Record<string, RegExp> = {
    'defaults/keepalive-false': /^not so: the next request went on a new connection \(got \d+\)$/,
    'defaults/connection-close-header': /^the Connection request header: got 'keep-alive', expected 'close'$/,
    'timeout/free-destroyed': /^waited \d+ ms for connection 1 to close: it did not happen$/,
    'keepAlive/disabled-serves-queue': /: got \d+, expected 2$/,
    'scheduling/default-lifo': /: got \[ [\d, ]+ \], expected \[ [\d, ]+ \]$/,
    'lifecycle/request-destroy-not-pooled': /^not so: the connection closed within \d+ ms \(got null\)$/,
    'keepAlive/hint-parse': /was taken as a hint: the pooled connection was closed$/,
  };
  for (const [id, pattern] of Object.entries(expect))
    if (fails.has(id)) assert.match(fails.get(id)!, pattern, id);
});
