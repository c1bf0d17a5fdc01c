/**
 * bench and stability call a broken run broken (scripts/judge-runs.ts), judged on made-up runs: no
 * report, exit 2, an incomplete report, a case in error or timeout in every run.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Report, Status } from '../harness/parent/report/types.ts';
import { failureLine, judgeRuns, type Run, runProblems } from '../scripts/judge-runs.ts';
import { fixture } from './report/helpers.ts';

/** The node22 fixture with these verdicts only (ids and statuses). */
function report(verdicts: Record<string, Status>, extra: Partial<Report> = {}): Report {
  const base = fixture('node22');
  const template = base.results[0] ?? assert.fail('the fixture has no case');
  const results = Object.entries(verdicts).map(([id, status]) => ({ ...template, id, status }));
  return { ...base, ...extra, results };
}

const ok = (verdicts: Record<string, Status>, code = 0): Run => ({ code, report: report(verdicts) });

test('sound runs with identical verdicts: nothing to report (exit 1 is a result, not a breakage)', () => {
  const runs = [ok({ 'a/x': 'pass', 'a/y': 'fail' }, 1), ok({ 'a/x': 'pass', 'a/y': 'fail' }, 1)];
  const j = judgeRuns(runs);
  assert.deepEqual(j, { broken: [], unstable: [], cases: 2 });
  assert.equal(failureLine('stability', j), null);
});

test('a run with no report, exit 2, an incomplete or fatal report is broken', () => {
  assert.deepEqual(runProblems({ code: 2, report: null }), ['wrote no report (exit 2)']);
  assert.deepEqual(runProblems({ code: null, report: null }), ['wrote no report (killed)']);
  assert.deepEqual(runProblems(ok({ 'a/x': 'pass' }, 2)), ['exit 2 (0 or 1 expected)']);
  assert.deepEqual(
    runProblems({
      code: 130,
      report: report({ 'a/x': 'pass' }, { incomplete: { signal: 'SIGINT', unfinished: ['a/y', 'a/z'] } }),
    }),
    ['exit 130 (0 or 1 expected)', 'incomplete report (SIGINT; 2 case(s) unfinished)'],
  );
  assert.deepEqual(runProblems({ code: 2, report: report({}, { fatal: { message: 'no subject' } }) }), [
    'exit 2 (0 or 1 expected)',
    'fatal: no subject',
    'a report without cases',
  ]);
  // what bench used to print as "cases 0" and exit 0 on
  const j = judgeRuns([{ code: 2, report: null }]);
  assert.deepEqual(j.broken, ['run 1 wrote no report (exit 2)']);
  assert.equal(failureLine('bench', j), 'bench: FAILED, 1 problem(s): run 1 wrote no report (exit 2)');
});

test('a case in error or timeout in every run is broken, not "identical"', () => {
  const runs = [
    ok({ 'a/x': 'error', 'a/y': 'timeout', 'a/z': 'skip' }, 1),
    ok({ 'a/x': 'error', 'a/y': 'timeout', 'a/z': 'skip' }, 1),
  ];
  const j = judgeRuns(runs);
  assert.deepEqual(j.broken, ['a/x is error in every run (2)', 'a/y is timeout in every run (2)']);
  assert.deepEqual(j.unstable, []);
  assert.equal(
    failureLine('stability', j),
    'stability: FAILED, 2 problem(s): a/x is error in every run (2); a/y is timeout in every run (2)',
  );
});

test('a differing verdict is unstable; a case missing from a run is broken', () => {
  const j = judgeRuns([
    ok({ 'a/x': 'pass', 'a/y': 'pass' }),
    ok({ 'a/x': 'fail', 'a/y': 'pass' }, 1),
    ok({ 'a/x': 'pass' }),
    { code: 2, report: null },
  ]);
  assert.deepEqual(j.unstable, ['a/x: pass×2 fail×1']);
  assert.deepEqual(j.broken, ['run 4 wrote no report (exit 2)', 'a/y is missing from 1 run(s)']);
  assert.equal(
    failureLine('stability', j),
    'stability: FAILED, 3 problem(s): run 4 wrote no report (exit 2); a/y is missing from 1 run(s); unstable a/x: pass×2 fail×1',
  );
});

test('no run at all is broken', () => {
  assert.deepEqual(judgeRuns([]).broken, ['no run']);
});
