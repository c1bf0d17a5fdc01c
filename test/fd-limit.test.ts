/**
 * `skip` is for the environment and decided before the case acts: defaults/max-free-sockets-256
 * needs 257 connections at once, so under a limit on open files too small for them it is skipped
 * without a request sent; under a limit that fits them, an agent whose leaked descriptors exhaust
 * it (EMFILE on its own requests) fails the case. Before, any EMFILE made the case `skip`.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runCli, statuses } from './helpers/cli.ts';

const CASE = 'defaults/max-free-sockets-256';

describe('the open-file limit', { concurrency: 2, skip: process.platform === 'win32' }, () => {
  test('too small for the case → skip, decided before any request', async () => {
    const r = await runCli(['node', '--only', CASE, '--trace'], { openFiles: 200 });
    const verdict = r.report?.results.find((x) => x.id === CASE);
    assert.equal(verdict?.status, 'skip', verdict?.message ?? r.stderr);
    assert.match(verdict?.message ?? '', /needs 257 connections at once .*the open-file limit is 200/);
    const issued = (verdict?.trace ?? []).filter((e) => e.event === 'issue');
    assert.deepEqual(issued, [], 'no request was sent');
  });

  test('large enough, and the agent leaks descriptors → EMFILE fails the case', async () => {
    const r = await runCli(['test/agents/bad/leaks-descriptors.ts', '--only', CASE], { openFiles: 450 });
    const verdict = r.report?.results.find((x) => x.id === CASE);
    assert.equal(verdict?.status, 'fail', verdict?.message ?? r.stderr);
    assert.match(verdict?.message ?? '', /EMFILE/);
    assert.equal(r.code, 1);
  });

  test('large enough, and a correct agent → the case runs and passes', async () => {
    const r = await runCli(['node', '--only', CASE], { openFiles: 450 });
    assert.deepEqual(statuses(r.report), { [CASE]: 'pass' }, r.stderr);
  });
});
