/**
 * `--shard i/n` and `agent-conformance merge`: n shards run as separate CLI processes, merged, give
 * the verdicts of one run; a shard given twice or missing is one line and exit 2; compare matrices
 * of shards merge into the matrix of the whole.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { mergeFiles } from '../harness/parent/commands/merge.ts';
import { compareReports } from '../harness/parent/compare-matrix.ts';
import { UsageError } from '../harness/parent/errors.ts';
import type { Report } from '../harness/parent/report/types.ts';
import { inShard, parseShard } from '../harness/parent/shard.ts';
import { runCli, statuses, tempDir } from './helpers/cli.ts';

const AREA = 'getName';

describe('--shard and merge', { timeout: 180_000 }, () => {
  test('shards deal the cases round-robin; a bad shard is a usage error', () => {
    assert.deepEqual(inShard(['a', 'b', 'c', 'd', 'e'], { index: 2, total: 2 }), ['b', 'd']);
    assert.deepEqual(parseShard('3/4'), { index: 3, total: 4 });
    for (const bad of ['0/2', '3/2', '1', 'a/b', '1/0']) assert.throws(() => parseShard(bad), UsageError);
  });

  test('three shards in three processes, merged, give the verdicts of one run', async () => {
    const whole = await runCli(['node', '--only', AREA, '--reporter', 'json']);
    assert.ok(whole.report, whole.stderr);
    const shards = await Promise.all(
      [1, 2, 3].map((i) => runCli(['node', '--only', AREA, '--shard', `${i}/3`, '--reporter', 'json'])),
    );
    const ids = shards.map((s) => Object.keys(statuses(s.report)));
    for (const [i, s] of shards.entries()) {
      assert.ok(s.report, s.stderr);
      assert.deepEqual(s.report.selection.shard, { index: i + 1, total: 3 });
      assert.ok(ids[i]!.length > 0);
    }
    assert.equal(new Set(ids.flat()).size, ids.flat().length, 'no case in two shards');

    const out = tempDir();
    const merged = await runCli(['merge', ...shards.map((s) => join(s.out, 'report.json'))], { out });
    assert.equal(merged.code, 0, merged.stderr);
    assert.ok(merged.report);
    assert.deepEqual(statuses(merged.report), statuses(whole.report));
    assert.deepEqual(
      merged.report.results.map((r) => r.id),
      whole.report.results.map((r) => r.id),
      'catalog order',
    );
    assert.equal(merged.report.selection.shard, undefined);
    assert.deepEqual(merged.report.summary, whole.report.summary);

    // shard 1 twice and shard 3 missing: one line each, exit 2
    const files = shards.map((s) => join(s.out, 'report.json'));
    const twice = await runCli(['merge', files[0]!, files[0]!, files[1]!], { out: tempDir() });
    assert.equal(twice.code, 2);
    assert.equal(twice.stderr.trim().split('\n').length, 1);
    assert.match(twice.stderr, /shard 1\/3 is given twice/);
    const missing = await runCli(['merge', files[0]!, files[1]!], { out: tempDir() });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^agent-conformance: merge: shard 3\/3 missing\n$/);
    const unsharded = await runCli(['merge', join(whole.out, 'report.json')], { out: tempDir() });
    assert.equal(unsharded.code, 2);
    assert.match(unsharded.stderr, /not a shard/);
    const bad = await runCli(['node', '--only', AREA, '--shard', '4/3'], { out: tempDir() });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^agent-conformance: --shard takes i\/n/);

    // matrices: the shards' compare.json of two columns merge into the whole's matrix
    const dir = tempDir();
    const shardReports = shards.map((s) => s.report as Report);
    const matrixFiles = shardReports.map((r, i) => {
      const m = compareReports([
        r,
        { ...r, subject: { ...r.subject, name: './other.ts', module: '/x/other.ts' } },
      ]);
      m.shard = { index: i + 1, total: 3 };
      const file = join(dir, `compare-${i + 1}.json`);
      writeFileSync(file, JSON.stringify(m));
      return file;
    });
    const { file } = await mergeFiles(matrixFiles, join(dir, 'merged'));
    const w = whole.report;
    const expected = compareReports([
      w,
      { ...w, subject: { ...w.subject, name: './other.ts', module: '/x/other.ts' } },
    ]);
    const got = JSON.parse((await import('node:fs')).readFileSync(file, 'utf8'));
    assert.deepEqual(
      got.rows.map((r: { id: string; cells: unknown[] }) => [r.id, r.cells]),
      expected.rows.map((r) => [r.id, r.cells]),
    );
    assert.deepEqual(got.areas, expected.areas);
    assert.deepEqual(
      got.implementations.map((i: { byStatus: unknown }) => i.byStatus),
      expected.implementations.map((i) => i.byStatus),
    );
    await assert.rejects(mergeFiles(matrixFiles.slice(1), join(dir, 'm2')), /shard 1\/3 missing/);
  });
});
