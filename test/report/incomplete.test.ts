/** An interrupted run's report: valid against the schema, and every reporter says it is incomplete. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { interruptedLine } from '../../harness/parent/build-report.ts';
import { exitCodeFor } from '../../harness/parent/exit-codes.ts';
import { reporters } from '../../harness/parent/report/index.ts';
import { renderTerminal } from '../../harness/parent/report/terminal.ts';
import { schemaErrors } from '../helpers/schema.ts';
import { fixture } from './helpers.ts';

const report = fixture('node22');
report.incomplete = { signal: 'SIGINT', unfinished: ['timeout/none-keeps-pooled', 'faults/idle-fin'] };
const TEXT =
  'INCOMPLETE: interrupted by SIGINT; 2 case(s) did not finish: timeout/none-keeps-pooled, faults/idle-fin';

test('an incomplete report is valid, and exits 130 (143 for SIGTERM)', () => {
  assert.equal(schemaErrors(report), null);
  assert.equal(exitCodeFor(report), 130);
  assert.equal(exitCodeFor({ ...report, incomplete: { signal: 'SIGTERM', unfinished: [] } }), 143);
  // the fixture's run, not interrupted: 11 pass and 1 fail of a `should` case, so exit 0
  assert.equal(exitCodeFor(fixture('node22')), 0);
  assert.equal(exitCodeFor({ ...report, incomplete: undefined }), 0);
  assert.equal(
    interruptedLine(report, 'r/report.json'),
    'interrupted by SIGINT: 12 of 14 cases finished, 2 did not; incomplete report written to r/report.json',
  );
});

test('every reporter says the run is incomplete and which cases did not finish', () => {
  assert.equal(renderTerminal(report).split('\n')[1], TEXT, 'terminal: second line');
  assert.ok(
    reporters.markdown
      .render(report)
      .includes('INCOMPLETE: interrupted by SIGINT; 2 case\\(s\\) did not finish'),
  );
  const html = reporters.html.render(report);
  assert.match(
    html,
    /<div class="banner warning" id="incomplete">INCOMPLETE: interrupted by SIGINT; 2 case\(s\)/,
  );
  assert.match(
    reporters.junit.render(report),
    /<property name="incomplete" value="INCOMPLETE: interrupted by SIGINT/,
  );
  assert.doesNotMatch(renderTerminal(fixture('node22')), /INCOMPLETE/);
});
