/**
 * The programmatic API (`agent-conformance`, harness/api/index.ts): run() is the check command
 * without printing, with the same validation, report.json and exit code; compare() builds the
 * matrix; listCases() is --list.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { compare, listCases, prepareRun, run, UsageError } from '../harness/api/index.ts';
import { tempDir } from './helpers/cli.ts';

const FAILING = 'maxTotalSockets/pooled-socket-counts';

test('run: one case, the report object, report.json written, the exit code', async () => {
  const out = join(tempDir('acp-api-'), 'r');
  const r = await run('node', { only: ['maxSockets/limit-per-origin'], out });
  assert.equal(r.report.results.length, 1);
  assert.equal(r.report.results[0]?.status, 'pass');
  assert.equal(r.exitCode, 0);
  assert.equal(r.file, join(out, 'report.json'));
  assert.ok(existsSync(r.file));
  assert.deepEqual(r.unexpected, []);
  assert.equal(r.expectations, null);
});

test('run with expectations: a known failure exits 0, and is not unexpected', async () => {
  const dir = tempDir('acp-api-');
  const plain = await run('node', { only: [FAILING], out: join(dir, 'a') });
  assert.equal(plain.exitCode, 1);
  assert.deepEqual(
    plain.unexpected.map((u) => [u.id, u.kind]),
    [[FAILING, 'unexpected-fail']],
  );
  const expected = await run('node', { only: [FAILING], out: join(dir, 'b'), expectations: 'node' });
  assert.equal(expected.exitCode, 0);
  assert.deepEqual(expected.unexpected, []);
  assert.match(expected.expectations?.lines[0] ?? '', /1 expected, 0 unexpected/);

  const { matrix, reports } = await compare([plain.report, expected.report]);
  assert.equal(reports.length, 2);
  assert.equal(matrix.implementations.length, 2);
});

test('bad options are UsageErrors before anything runs', async () => {
  for (const options of [
    { concurrency: 0 },
    { only: ['no-such-area'] },
    { protocol: 'ftp' as 'http' },
    { updateExpectations: true },
    { toxiproxyImage: 'x' },
  ])
    await assert.rejects(prepareRun('node', options), UsageError, JSON.stringify(options));
  await assert.rejects(prepareRun('./no-such-agent.ts'), UsageError);
  await assert.rejects(compare(['node']), UsageError);
});

test('listCases: every case with its area and level', async () => {
  const cases = await listCases();
  assert.ok(cases.length > 100);
  assert.ok(
    cases.every((c) => c.id.startsWith(`${c.area}/`) && ['must', 'should', 'info'].includes(c.level)),
  );
});
