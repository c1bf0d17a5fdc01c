/**
 * The codes the harness reserves (ERR_SUBJECT_UNSUPPORTED → `unsupported`, the host's bookkeeping
 * codes → `error`) count only on errors the host raised itself: the same code on an error thrown by
 * subject code is the subject's error, a `fail` like any other.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runCli } from './helpers/cli.ts';

describe('reserved codes count only on errors the host raised', { concurrency: 2 }, () => {
  const THROWS = 'test/agents/bad/throws-reserved-codes.ts';
  test('getName() throwing code ERR_SUBJECT_UNSUPPORTED is the subject failing, not unsupported', async () => {
    const r = await runCli([THROWS, '--only', 'getName/format']);
    const verdict = r.report?.results.find((x) => x.id === 'getName/format');
    assert.equal(verdict?.status, 'fail', verdict?.message ?? r.stderr);
    assert.match(verdict?.message ?? '', /the subject threw: getName: .*ERR_SUBJECT_UNSUPPORTED/);
    assert.equal(r.code, 1);
  });

  test('destroy() throwing code ERR_UNKNOWN_AGENT is the subject failing, not a harness error', async () => {
    const r = await runCli([THROWS, '--only', 'lifecycle/destroy-closes-free']);
    const verdict = r.report?.results.find((x) => x.id === 'lifecycle/destroy-closes-free');
    assert.equal(verdict?.status, 'fail', verdict?.message ?? r.stderr);
    assert.match(verdict?.message ?? '', /the subject threw: destroy: .*ERR_UNKNOWN_AGENT/);
    assert.equal(r.code, 1);
  });
});
