/**
 * A case during which the subject process was lost gets no verdict from its body. Each run here puts a broken subject under
 * a case that lets a step fail (`ctx.mayFail`; before, a `catch` that swallowed everything): the
 * subject is broken by the clean-up of the case before (`createConnection/options-host-port`, run
 * first with `--concurrency 1`), and its process goes down in the middle of the next case's wait.
 * Each of these cases used to come out `fail`, blaming the subject for what a dead process could not
 * do. Last, the subject of issue 16 (exit 5 ms after any destroy()) under two areas at the default
 * concurrency, where the runner also runs cases again alone: no case is blamed.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runCli, statuses } from './helpers/cli.ts';

const CRASHES = 'test/agents/bad/crashes-after-destroy.ts';
const FIRST = 'createConnection/options-host-port';

async function underBrokenSubject(victim: string, env: Record<string, string> = {}) {
  const r = await runCli([CRASHES, '--concurrency', '1', '--only', FIRST, '--only', victim], { env });
  assert.ok(r.report, r.stderr);
  const verdict = r.report.results.find((x) => x.id === victim);
  assert.equal(statuses(r.report)[FIRST], 'pass', 'the case that breaks the subject passes itself');
  return { code: r.code, verdict };
}

describe('a subject lost in the middle of a case', { concurrency: 2 }, () => {
  const exits: [victim: string, env: Record<string, string>, why: string][] = [
    ['createConnection/error-queue-settles', {}, 'its wait for every request to settle swallowed the loss'],
    ['faults/upstream-down-queue', {}, 'it reported the loss as "stranded after 1000 ms"'],
    [
      'lifecycle/destroy-closes-active',
      { ACP_TEST_CRASH_AT: 'destroy' },
      'it let its waits after destroy() run out and failed on the request error',
    ],
  ];
  for (const [victim, env, why] of exits) {
    test(`${victim}: exit → error (before: fail, ${why})`, async () => {
      const { code, verdict } = await underBrokenSubject(victim, env);
      assert.equal(verdict?.status, 'error', verdict?.message ?? '');
      assert.match(verdict?.message ?? '', /exited with code 5/);
      assert.equal(code, 2, 'a lost subject makes the run incomplete');
    });
  }

  test('a wait that runs out because the subject stopped answering → timeout, not fail', async () => {
    const { code, verdict } = await underBrokenSubject('createConnection/error-queue-continues', {
      ACP_TEST_CRASH_HOW: 'hang',
    });
    assert.equal(verdict?.status, 'timeout', verdict?.message ?? '');
    assert.match(verdict?.message ?? '', /the subject was lost during the case .*did not answer/);
    assert.match(verdict?.message ?? '', /its verdict \(fail: .*\) does not count/);
    assert.equal(code, 2);
  });

  test('a process that exits 5 ms after any destroy(), cases side by side: none is fail', async () => {
    // The agent is Node's own otherwise, which passes both areas: a `fail` here could only blame the
    // subject for its crash (before: faults/upstream-down-queue "stranded after 1000 ms").
    const r = await runCli([
      'test/agents/bad/exits-after-destroy.ts',
      '--only',
      'faults',
      '--only',
      'lifecycle',
    ]);
    assert.ok(r.report, r.stderr);
    const failed = r.report.results.filter((x) => x.status === 'fail').map((x) => `${x.id}: ${x.message}`);
    assert.deepEqual(failed, []);
    assert.ok(
      r.report.results.some((x) => x.status === 'error' && /exited with code 7/.test(x.message ?? '')),
      'cases lost the subject',
    );
    assert.equal(r.code, 2);
  });
});
