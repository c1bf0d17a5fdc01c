/**
 * `--reporter github`: GitHub Actions workflow commands, one `::error` per unexpected result grouped
 * by area, the Markdown report appended to $GITHUB_STEP_SUMMARY, nothing else; unit tests on the
 * fixture reports, then the real CLI with and without an expectation file.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { compareToExpectations } from '../../harness/parent/expectation-file.ts';
import {
  emitGithub,
  escapeData,
  escapeProperty,
  renderGithub,
  unexpectedResults,
} from '../../harness/parent/report/github.ts';
import { renderMarkdown } from '../../harness/parent/report/markdown.ts';
import { runCli, tempDir } from '../helpers/cli.ts';
import { fixture, result } from './helpers.ts';

/** The workflow commands of a text, parsed back: [command, properties, message]. */
function commands(text: string): { cmd: string; props: string; msg: string }[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('::'))
    .map((l) => {
      const m = /^::([a-z]+)(?: ([^:]*))?::(.*)$/.exec(l);
      assert.ok(m, `a workflow command: ${l}`);
      return { cmd: m[1]!, props: m[2] ?? '', msg: m[3] ?? '' };
    });
}

const unescapeCommand = (s: string) =>
  s
    .replace(/%3A/g, ':')
    .replace(/%2C/g, ',')
    .replace(/%0A/g, '\n')
    .replace(/%0D/g, '\r')
    .replace(/%25/g, '%');

describe('the github reporter', () => {
  test('escapes data and properties as the Actions toolkit does', () => {
    assert.equal(escapeData('50% done\r\nnext'), '50%25 done%0D%0Anext');
    assert.equal(escapeProperty('a:b,c%\n'), 'a%3Ab%2Cc%25%0A');
  });

  test('without expectations: one ::error per failed must case, error and timeout, grouped by area', () => {
    const report = fixture('hostile');
    const text = renderGithub(report, unexpectedResults(report));
    const cmds = commands(text);
    // every line is a workflow command: nothing extra
    assert.equal(text.trimEnd().split('\n').length, cmds.length);
    const errors = cmds.filter((c) => c.cmd === 'error');
    assert.deepEqual(errors.map((c) => unescapeCommand(c.props.replace(/^title=/, ''))).sort(), [
      'keepAlive/connection-header-default',
      'maxSockets/queue-served',
      'timeout/free-destroyed',
      'timeout/per-request-wins',
    ]);
    // the should-level failure (keepAlive/hint-parse) does not fail the run: not annotated
    assert.ok(!text.includes('hint-parse'));
    const fail = result(report, 'maxSockets/queue-served');
    const annotated = errors.find((c) => c.props === `title=${escapeProperty(fail.id)}`);
    assert.equal(unescapeCommand(annotated?.msg ?? ''), `fail: ${fail.message}`);
    // groups: one per area, each closed, the errors inside
    const groups = cmds.filter((c) => c.cmd === 'group').map((c) => c.msg);
    assert.deepEqual(groups, ['keepAlive', 'timeout', 'maxSockets']);
    assert.equal(cmds.filter((c) => c.cmd === 'endgroup').length, 3);
    let open = false;
    for (const c of cmds) {
      if (c.cmd === 'group') open = true;
      if (c.cmd === 'endgroup') open = false;
      if (c.cmd === 'error') assert.ok(open, 'each ::error sits inside a ::group::');
    }
  });

  test('a hostile message stays on its one line', () => {
    const report = fixture('hostile');
    const r = result(report, 'maxSockets/queue-served');
    r.message = 'line one\nline two :: with ::error title=x::injected';
    const text = renderGithub(report, [
      { id: r.id, expected: 'pass', actual: 'fail', kind: 'unexpected-fail' },
    ]);
    const lines = text.trimEnd().split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[1] ?? '', /^::error title=maxSockets\/queue-served::fail: line one%0Aline two/);
  });

  test('with expectations: only what the file did not expect, an unexpected pass included', () => {
    const report = fixture('node22');
    const { unexpected } = compareToExpectations(report, {
      'lifecycle/destroy-idempotent': { status: 'fail', reason: 'known' },
      'keepAlive/reuse': { status: 'fail', reason: 'was broken' },
    });
    const errors = commands(renderGithub(report, unexpected)).filter((c) => c.cmd === 'error');
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.props, 'title=keepAlive/reuse');
    assert.match(errors[0]?.msg ?? '', /^unexpected pass/);
    // nothing unexpected: nothing at all
    assert.equal(renderGithub(report, []), '');
  });

  test('a fatal run is one ::error', () => {
    const report = fixture('hostile');
    report.fatal = { message: 'the subject could not be loaded: boom' };
    const cmds = commands(renderGithub(report, unexpectedResults(report)));
    assert.deepEqual(
      cmds.map((c) => c.cmd),
      ['error'],
    );
    assert.equal(cmds[0]?.msg, 'the subject could not be loaded: boom');
  });

  test('appends the Markdown report to $GITHUB_STEP_SUMMARY, when set', () => {
    const report = fixture('hostile');
    const summary = join(tempDir('acp-gh-'), 'summary.md');
    writeFileSync(summary, 'earlier step\n');
    let out = '';
    const sink = {
      write: (s: string) => {
        out += s;
        return true;
      },
    } as unknown as NodeJS.WritableStream;
    emitGithub(report, unexpectedResults(report), { out: sink, env: { GITHUB_STEP_SUMMARY: summary } });
    assert.equal(readFileSync(summary, 'utf8'), `earlier step\n${renderMarkdown(report)}\n`);
    assert.ok(out.startsWith('::group::'));
    // unset: no file written, the annotations only
    out = '';
    emitGithub(report, unexpectedResults(report), { out: sink, env: {} });
    assert.ok(out.startsWith('::group::'));
  });
});

describe('--reporter github through the CLI', { concurrency: 1 }, () => {
  test('annotates an unexpected failure, appends the summary, and keeps the terminal output', async () => {
    const dir = tempDir('acp-gh-cli-');
    const summary = join(dir, 'summary.md');
    const r = await runCli(
      [
        'node',
        '--only',
        'maxTotalSockets/pooled-socket-counts',
        '--only',
        'maxTotalSockets/invalid-type',
        '--reporter',
        'terminal',
        '--reporter',
        'github',
      ],
      { out: join(dir, 'out'), env: { GITHUB_STEP_SUMMARY: summary } },
    );
    assert.equal(r.code, 1, r.stderr);
    const errors = commands(r.stdout).filter((c) => c.cmd === 'error');
    assert.deepEqual(
      errors.map((c) => c.props),
      ['title=maxTotalSockets/pooled-socket-counts'],
    );
    assert.match(errors[0]?.msg ?? '', /^fail: /);
    assert.match(r.stdout, /^::group::maxTotalSockets$/m);
    assert.match(r.stdout, /2 cases: 1 pass/);
    assert.match(readFileSync(summary, 'utf8'), /^## agent-conformance: node /);
  });

  test('with the shipped expectations the known failure is not annotated', async () => {
    const dir = tempDir('acp-gh-cli-');
    const r = await runCli(
      [
        'node',
        '--only',
        'maxTotalSockets/pooled-socket-counts',
        '--reporter',
        'github',
        '--expectations',
        'node',
      ],
      { out: join(dir, 'out'), env: { GITHUB_STEP_SUMMARY: '' } },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(commands(r.stdout), []);
  });

  test('takes no path', async () => {
    const r = await runCli(['node', '--reporter', 'github:x.txt']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--reporter github writes workflow commands to stdout: give no path/);
  });
});
