/** The fixtures are real reports: schema-valid, summaries that add up, every status, hostile strings. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { STATUSES, summarize } from '../../harness/parent/report/types.ts';
import { schemaErrors } from '../helpers/schema.ts';
import { fixture, HOSTILE } from './helpers.ts';

for (const name of ['hostile', 'node22', 'timeline'] as const) {
  test(`fixture ${name} validates against reports/report.schema.json and its summary adds up`, () => {
    const report = fixture(name);
    assert.equal(schemaErrors(report), null);
    assert.deepEqual(report.summary, summarize(report.results));
  });
}

test('the hostile fixture has several areas, every status, a trace and the hostile strings', () => {
  const report = fixture('hostile');
  assert.ok(new Set(report.results.map((r) => r.area)).size >= 4);
  for (const status of STATUSES) assert.ok(report.summary.byStatus[status] > 0, `a ${status} case`);
  assert.ok(report.results.some((r) => r.trace && r.trace.length > 0));
  const text = JSON.stringify(report);
  for (const s of HOSTILE) assert.ok(text.includes(JSON.stringify(s).slice(1, -1)), s);
});
