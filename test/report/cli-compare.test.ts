/**
 * `agent-conformance compare` through the real CLI: over report files (the fixtures), over subjects
 * run on the spot, `--only-different`, and its usage errors. Plus how an argument is split into a
 * subject and a runtime.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseCompareArg } from '../../harness/parent/commands/compare.ts';
import {
  compareReports,
  renderCompareHtml,
  renderCompareMarkdown,
  renderCompareTerminal,
} from '../../harness/parent/compare-matrix.ts';
import type { Report } from '../../harness/parent/report/types.ts';
import { ROOT, runCli, tempDir } from '../helpers/cli.ts';
import { fixture } from './helpers.ts';

const NODE22 = join(ROOT, 'test/report/fixtures/node22.report.json');
const HOSTILE = join(ROOT, 'test/report/fixtures/hostile.report.json');

function lastLines(stdout: string, n: number): string[] {
  return stdout.trimEnd().split('\n').slice(-n);
}

test('parseCompareArg: reports, subjects, subject@runtime split at the first @ after the subject', () => {
  const dir = tempDir();
  mkdirSync(join(dir, '@scope'));
  writeFileSync(join(dir, '@scope/agent.ts'), '');
  writeFileSync(join(dir, 'my.ts'), '');
  writeFileSync(join(dir, 'odd@name.ts'), '');
  writeFileSync(join(dir, 'r.json'), '{}');
  const p = (arg: string) => parseCompareArg(arg, dir);
  assert.deepEqual(p('r.json'), { kind: 'report', arg: 'r.json', file: join(dir, 'r.json') });
  assert.deepEqual(p('node'), { kind: 'subject', arg: 'node', subjectSpec: 'node', runtime: 'node' });
  assert.deepEqual(p('node@bun'), { kind: 'subject', arg: 'node@bun', subjectSpec: 'node', runtime: 'bun' });
  assert.deepEqual(p('node@node@22'), {
    kind: 'subject',
    arg: 'node@node@22',
    subjectSpec: 'node',
    runtime: 'node@22',
  });
  assert.deepEqual(p('./my.ts@deno'), {
    kind: 'subject',
    arg: './my.ts@deno',
    subjectSpec: './my.ts',
    runtime: 'deno',
  });
  assert.deepEqual(p('./@scope/agent.ts@bun'), {
    kind: 'subject',
    arg: './@scope/agent.ts@bun',
    subjectSpec: './@scope/agent.ts',
    runtime: 'bun',
  });
  // A whole argument that is a file is a path, @ or not.
  assert.deepEqual(p('odd@name.ts'), {
    kind: 'subject',
    arg: 'odd@name.ts',
    subjectSpec: 'odd@name.ts',
    runtime: 'node',
  });
  assert.deepEqual(p('./missing.ts@bun'), {
    kind: 'subject',
    arg: './missing.ts@bun',
    subjectSpec: './missing.ts',
    runtime: 'bun',
  });
  assert.throws(() => p('node@'), { code: 'ERR_USAGE', message: /no runtime after "@"/ });
  assert.throws(() => p('gone.json'), { code: 'ERR_USAGE', message: /no such report: .*gone\.json/ });
});

describe('compare', { concurrency: 1 }, () => {
  test('two report files: the terminal matrix, and compare.json/html/md in --out', async () => {
    const r = await runCli(['compare', NODE22, HOSTILE]);
    assert.equal(r.code, 0, r.stderr);
    const m = compareReports([fixture('node22'), fixture('hostile')]);
    const files = ['compare.json', 'compare.html', 'compare.md'].map((f) => join(r.out, f));
    assert.equal(
      r.stdout,
      `${renderCompareTerminal(m)}${files.map((f, i) => `${['matrix', 'html', 'markdown'][i]}: ${f}`).join('\n')}\n`,
    );
    assert.match(r.stdout, /^agent-conformance compare — 2 implementations, 13 cases, 9 different$/m);
    assert.match(r.stdout, /^keepAlive\n {2}node@22 i>\|agent {2}passed\n {2}4\/4 {5}1\/4 {7}\(pass/m);
    assert.deepEqual(JSON.parse(readFileSync(files[0]!, 'utf8')), m);
    assert.equal(readFileSync(files[1]!, 'utf8'), renderCompareHtml(m));
    assert.equal(readFileSync(files[2]!, 'utf8'), renderCompareMarkdown(m));
  });

  test('--only-different, --only, and --reporter markdown:- ', async () => {
    const r = await runCli(['compare', NODE22, HOSTILE, '--only-different', '--only', 'keepAlive']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /2 implementations, 4 cases, 3 different/);
    assert.doesNotMatch(r.stdout, /keepAlive\/reuse\b/, 'the cases that agree are hidden');
    assert.match(r.stdout, /keepAlive\/hint-parse/);
    assert.doesNotMatch(r.stdout, /timeout\//, '--only keeps one area');
    assert.match(readFileSync(join(r.out, 'compare.html'), 'utf8'), /id="only-different" checked>/);

    const md = await runCli(['compare', NODE22, HOSTILE, '--only-different', '--reporter', 'markdown:-']);
    assert.equal(md.code, 0, md.stderr);
    const m = compareReports([fixture('node22'), fixture('hostile')]);
    assert.equal(md.stdout, renderCompareMarkdown(m, { onlyDifferent: true }));
    assert.deepEqual(lastLines(md.stderr, 1), [`matrix: ${join(md.out, 'compare.json')}`]);
  });

  test('subjects run on the spot, each to its usual reports/ directory; a report file alongside', async () => {
    const cwd = tempDir('acp-compare-cwd-');
    const r = await runCli(
      [
        'compare',
        'node',
        'agentkeepalive',
        NODE22,
        '--only',
        'maxSockets/limit-per-origin',
        '--only',
        'keepAlive/reuse',
      ],
      { cwd },
    );
    assert.equal(r.code, 0, r.stderr);
    const ran = (dir: string) =>
      JSON.parse(readFileSync(join(cwd, 'reports', dir, 'report.json'), 'utf8')) as Report;
    assert.deepEqual(
      ran('node').results.map((x) => [x.id, x.status]),
      [
        ['keepAlive/reuse', 'pass'],
        ['maxSockets/limit-per-origin', 'pass'],
      ],
    );
    assert.equal(ran('agentkeepalive').subject.name, 'agentkeepalive');
    assert.match(r.stdout, /3 implementations, 2 cases/);
    assert.match(r.stdout, /^ {2}node@22 {9}node@node 22\.22\.0/m);
    assert.match(r.stdout, /^ {2}node@24 agentkeepalive node@22 {2}passed$/m);
    assert.match(r.stdout, /^ {2}✓ {7}✓ {14}✓ {8}3\/3 {4}keepAlive\/reuse$/m);
    assert.match(
      r.stderr,
      /compare: node@node 24\.\d+\.\d+: 2 cases, 2 pass, 0 fail \(\d+\.\d s\) → .*reports\/node\/report\.json/,
    );
  });

  test('implementations run at once give the verdicts they give one by one', async () => {
    const cwd = tempDir('acp-compare-par-');
    const args = ['compare', 'node', 'agentkeepalive', 'node', '--only', 'keepAlive', '--reporter', 'json'];
    const serial = await runCli([...args, '--concurrency', '1'], { cwd });
    const parallel = await runCli([...args, '--concurrency', '3'], { cwd });
    assert.equal(serial.code, 0, serial.stderr);
    assert.equal(parallel.code, 0, parallel.stderr);
    const cells = (dir: string) =>
      (
        JSON.parse(readFileSync(join(dir, 'compare.json'), 'utf8')) as ReturnType<typeof compareReports>
      ).rows.map((row) => [row.id, ...row.cells]);
    assert.deepEqual(cells(parallel.out), cells(serial.out));
    // The same subject twice keeps two reports.
    assert.match(parallel.stderr, /→ .*reports\/node\/report\.json/);
    assert.match(parallel.stderr, /→ .*reports\/node-2\/report\.json/);
  });

  test('a subject that cannot load: the matrix is still written, with a warning; exit 2', async () => {
    const r = await runCli(
      ['compare', 'node', join(ROOT, 'test/agents/bad/no-factory.ts'), '--only', 'keepAlive/reuse'],
      {
        cwd: tempDir(),
      },
    );
    assert.equal(r.code, 2);
    assert.match(r.stdout, /FATAL: .*exports no createAgent/);
    assert.match(r.stderr, /^agent-conformance: .*no-factory\.ts could not be run: /m);
    assert.ok(readFileSync(join(r.out, 'compare.html'), 'utf8').includes('fatal'));
  });

  const bad: [string[], RegExp][] = [
    [['compare', NODE22], /compare needs at least 2 reports or subjects \(got .*node22\.report\.json\)/],
    [['compare'], /compare needs at least 2 reports or subjects \(got none\)/],
    [['compare', NODE22, 'nope.json'], /no such report: .*nope\.json/],
    [['compare', NODE22, 'nodejs@bun'], /unknown subject "nodejs"/],
    [['compare', NODE22, 'node@rhino'], /rhino/],
    [['compare', NODE22, HOSTILE, '--reporter', 'junit'], /compare has no junit reporter/],
    [['compare', NODE22, HOSTILE, '--only', 'nope/none'], /no case to compare/],
    [['compare', NODE22, join(ROOT, 'package.json')], /package\.json: not an agent-conformance report\.json/],
  ];
  for (const [args, pattern] of bad) {
    test(`${
      args
        .slice(1)
        .map((a) => a.replace(ROOT, ''))
        .join(' ') || '(nothing)'
    } → exit 2, one line`, async () => {
      const r = await runCli(args, { cwd: tempDir() });
      assert.equal(r.code, 2, r.stdout);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0] ?? '', /^agent-conformance: /);
      assert.match(lines[0] ?? '', pattern);
    });
  }
});
