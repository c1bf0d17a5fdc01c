/**
 * Bad input never gets a stack dump: one line on stderr, exit code 2, and a report of whatever was
 * measured. Usage is checked here too.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { ROOT, runCli, statuses, tempDir } from './helpers/cli.ts';
import { schemaErrors } from './helpers/schema.ts';

const QUICK = ['--only', 'keepAlive/reuse'];

function assertOneLineError(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${stderr}`);
  assert.match(lines[0] ?? '', /^agent-conformance: /);
  assert.match(lines[0] ?? '', pattern);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
}

describe('usage', { concurrency: 2 }, () => {
  test('--help prints usage and exits 0', async () => {
    const r = await runCli(['--help'], { out: false });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /usage: agent-conformance <subject>/);
    assert.match(r.stdout, /exit codes/);
    for (const option of ['--reporter', '--expectations', '--update-expectations', '--only-different'])
      assert.ok(r.stdout.includes(option), `usage names ${option}`);
    assert.match(r.stdout, /agent-conformance compare <report\.json \| subject\[@runtime\]>/);
  });

  test('compare --help prints its own usage and exits 0', async () => {
    const r = await runCli(['compare', '--help'], { out: false });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^usage: agent-conformance compare /);
    assert.match(r.stdout, /node@bun/);
  });

  test('--list prints every case id with its level', async () => {
    const r = await runCli(['--list'], { out: false });
    assert.equal(r.code, 0);
    const ids = r.stdout.split('\n').filter((l) => /^[A-Za-z]+\/[a-z0-9-]+\s/.test(l));
    assert.ok(ids.length >= 45, `at least 45 cases, listed ${ids.length}`);
    assert.match(r.stdout, /^keepAlive\/reuse\s+must\s/m);
  });

  test('no subject → exit 2', async () => {
    const r = await runCli([], { out: false });
    assert.equal(r.code, 2);
    assertOneLineError(r.stderr, /no subject given/);
  });

  test('unknown option → exit 2', async () => {
    const r = await runCli(['node', '--frobnicate'], { out: false });
    assert.equal(r.code, 2);
    assertOneLineError(r.stderr, /frobnicate/);
  });

  test('an --only that matches nothing → exit 2', async () => {
    const r = await runCli(['node', '--only', 'nope/none'], { out: false });
    assert.equal(r.code, 2);
    assertOneLineError(r.stderr, /no case matches "nope\/none"/);
  });

  test('unknown runtime → exit 2', async () => {
    const r = await runCli(['node', '--runtime', 'rhino', ...QUICK], { out: false });
    assert.equal(r.code, 2);
    assertOneLineError(r.stderr, /rhino/);
  });
});

describe('default output folder', () => {
  test('a path subject writes to a visible folder named by its file: ../x/a.ts → reports/a/', async () => {
    const cwd = tempDir('acp-out-');
    const subject = relative(cwd, join(ROOT, 'test/agents/correct/reference-subclass.ts'));
    assert.match(subject, /^\.\.\//);
    const r = await runCli([subject, ...QUICK], { out: false, cwd });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(join(cwd, 'reports')), ['reference-subclass']);
    assert.ok(existsSync(join(cwd, 'reports/reference-subclass/report.json')));
    assert.match(r.stdout, /^report: .*\/reports\/reference-subclass\/report\.json$/m);
  });
});

describe('bad subjects', { concurrency: 2 }, () => {
  test('a missing file → exit 2, one line', async () => {
    const r = await runCli(['./does-not-exist.ts', ...QUICK], { out: false });
    assert.equal(r.code, 2);
    assertOneLineError(r.stderr, /no such file: .*does-not-exist\.ts/);
  });

  test('an unknown built-in name → exit 2, one line', async () => {
    const r = await runCli(['nodejs', ...QUICK], { out: false });
    assert.equal(r.code, 2);
    assertOneLineError(r.stderr, /unknown subject "nodejs"/);
  });

  const broken: [string, RegExp][] = [
    [
      'test/agents/bad/no-factory.ts',
      /exports no createAgent\(options\) function.*exports: notAFactory, version/,
    ],
    ['test/agents/bad/factory-throws.ts', /createAgent\(\{\}\) threw Error: cannot build an agent today/],
    ['test/agents/bad/not-an-agent.ts', /returned an object \(Object\), not an http\.Agent/],
    [
      'test/agents/bad/import-error.ts',
      /cannot import .*import-error\.ts: Error: this module is broken at import time/,
    ],
  ];
  for (const [file, pattern] of broken) {
    test(`${file} → exit 2, one line, a report that says why`, async () => {
      const r = await runCli([file, ...QUICK]);
      assert.equal(r.code, 2);
      assertOneLineError(r.stderr, pattern);
      assert.ok(r.report, 'a report is written');
      assert.equal(schemaErrors(r.report), null);
      assert.match(r.report.fatal?.message ?? '', pattern);
      assert.deepEqual(statuses(r.report), { 'keepAlive/reuse': 'error' });
    });
  }

  test('a subject that exits mid-run → the case is an error, exit 2, report kept', async () => {
    const r = await runCli([
      'test/agents/bad/exits-mid-run.ts',
      '--only',
      'keepAlive/reuse',
      '--only',
      'defaults',
    ]);
    assert.equal(r.code, 2);
    assert.ok(r.report);
    assert.equal(schemaErrors(r.report), null);
    const reuse = r.report.results.find((x) => x.id === 'keepAlive/reuse');
    assert.equal(reuse?.status, 'error');
    assert.match(reuse?.message ?? '', /exited with code 3/);
    // What was measured before and after the crash is still there.
    assert.ok(r.report.results.length > 1);
    assert.ok(
      r.report.results.some((x) => x.status === 'pass'),
      'cases not hit by the crash still pass',
    );
  });

  test('a subject that hangs → timeout, exit 2, report kept', async () => {
    const r = await runCli(['test/agents/bad/hangs.ts', ...QUICK]);
    assert.equal(r.code, 2);
    assert.ok(r.report);
    assert.equal(schemaErrors(r.report), null);
    const reuse = r.report.results.find((x) => x.id === 'keepAlive/reuse');
    assert.equal(reuse?.status, 'timeout');
    assert.match(reuse?.message ?? '', /did not answer/);
    assert.match(r.stdout, /⧗ keepAlive\/reuse/);
  });
});
