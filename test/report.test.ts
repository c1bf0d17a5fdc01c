/** A real run produces a report that validates against reports/report.schema.json. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from './helpers/cli.ts';
import { schemaErrors } from './helpers/schema.ts';

test('a run against node writes a schema-valid report with a summary that adds up', async () => {
  // keepAlive holds one of Node's expected failures (request-close-origin-keeps-open)
  const r = await runCli(['node', '--only', 'keepAlive', '--trace', '--expectations', 'node']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.ok(r.report);
  assert.equal(schemaErrors(r.report), null);
  const { summary, results } = r.report;
  assert.equal(summary.total, results.length);
  assert.equal(
    Object.values(summary.byStatus).reduce((a, b) => a + b, 0),
    results.length,
  );
  assert.equal(r.report.subject.module, 'builtin:node');
  assert.equal(r.report.subject.runtime.name, 'node');
  for (const c of results) {
    assert.ok(c.trace && c.trace.length > 0, `${c.id} has a transcript with --trace`);
    assert.match(c.repro, new RegExp(`--only ${c.id}$`));
  }
  assert.match(r.stdout, /^keepAlive\s+\d+\/\d+$/m);
  assert.match(r.stdout, /report: .*report\.json/);
});

test('the schema rejects what is not a report', () => {
  assert.notEqual(schemaErrors({}), null);
  const bad = {
    schemaVersion: 2,
    suite: { name: 'x', version: '1' },
    subject: { name: 'n', module: 'm', runtime: { name: 'node', version: '1' }, capabilities: {} },
    startedAt: 'yesterday',
    durationMs: 1,
    fatal: null,
    selection: { only: [] },
    summary: { total: 0, byStatus: {}, byLevel: {} },
    results: [],
  };
  const errors = schemaErrors(bad) ?? '';
  assert.match(errors, /startedAt/);
  assert.match(errors, /byStatus/);
});
