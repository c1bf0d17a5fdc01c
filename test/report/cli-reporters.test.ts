/**
 * The reporters and expectation files through the real CLI: files where the docs say, every output
 * rendered from the report.json just written, `-` for stdout, and the exit codes of
 * `--expectations` / `--update-expectations` on real runs (one or a few cases each).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { formatExpectations, parseExpectations } from '../../harness/parent/expectation-file.ts';
import { renderHtml } from '../../harness/parent/report/html.ts';
import { renderJUnit } from '../../harness/parent/report/junit.ts';
import { renderMarkdown } from '../../harness/parent/report/markdown.ts';
import { ROOT, runCli, tempDir } from '../helpers/cli.ts';

const SHIPPED = join(ROOT, 'expectations/node.json');
const shipped = () => JSON.parse(readFileSync(SHIPPED, 'utf8')) as Record<string, unknown>;
const PASSING = 'maxTotalSockets/invalid-type';
const FAILING = 'maxTotalSockets/pooled-socket-counts';

function assertOneLineError(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${stderr}`);
  assert.match(lines[0] ?? '', /^agent-conformance: /);
  assert.match(lines[0] ?? '', pattern);
}

describe('--reporter', { concurrency: 1 }, () => {
  test('every reporter: default paths in --out, a path relative to the cwd, all from report.json', async () => {
    const cwd = tempDir('acp-cwd-');
    const r = await runCli(
      [
        'node',
        '--only',
        'keepAlive/reuse',
        '--only',
        FAILING,
        '--reporter',
        'terminal',
        '--reporter',
        'html',
        '--reporter',
        'markdown',
        '--reporter',
        'junit',
        '--reporter',
        'json:copies/report-copy.json',
      ],
      { cwd },
    );
    assert.equal(r.code, 1, r.stderr);
    assert.ok(r.report);
    const html = join(r.out, 'report.html');
    const md = join(r.out, 'report.md');
    const junit = join(r.out, 'junit.xml');
    const copy = join(cwd, 'copies/report-copy.json');
    for (const f of [html, md, junit, copy]) assert.ok(existsSync(f), `${f} written`);
    // The paths written are printed, with the terminal report.
    for (const line of [
      `report: ${join(r.out, 'report.json')}`,
      `html: ${html}`,
      `markdown: ${md}`,
      `junit: ${junit}`,
      `json: ${copy}`,
    ])
      assert.ok(r.stdout.includes(line), `prints ${line}`);
    assert.match(r.stdout, /✗ maxTotalSockets\/pooled-socket-counts/);

    // Rendered from the report as written, by the same renderers.
    assert.equal(readFileSync(html, 'utf8'), renderHtml(r.report));
    assert.equal(readFileSync(md, 'utf8'), renderMarkdown(r.report));
    assert.equal(readFileSync(junit, 'utf8'), renderJUnit(r.report));
    assert.deepEqual(JSON.parse(readFileSync(copy, 'utf8')), r.report);

    // JUnit: well-formed, one testcase per case, the failure marked.
    const xml = readFileSync(junit, 'utf8');
    assert.equal(XMLValidator.validate(xml), true);
    const doc = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      isArray: (name) => ['testsuite', 'testcase'].includes(name),
    }).parse(xml) as { testsuites: { testsuite: { testcase: { name: string; failure?: unknown }[] }[] } };
    const cases = doc.testsuites.testsuite.flatMap((s) => s.testcase);
    assert.deepEqual(cases.map((c) => c.name).sort(), r.report.results.map((x) => x.id).sort());
    assert.ok(cases.find((c) => c.name === FAILING)?.failure, 'the failing case has a <failure>');

    // Markdown: the counts, the failure's documentation sentence and its repro command.
    const text = readFileSync(md, 'utf8');
    assert.match(text, /2 cases/);
    assert.match(text, /Determines how many concurrent sockets the agent can have open/);
    assert.ok(text.includes(`npx agent-conformance node --only ${FAILING}`), 'repro');
  });

  test('markdown:- and json:- go to stdout alone; the paths written go to stderr', async () => {
    const md = await runCli(['node', '--only', 'keepAlive/reuse', '--reporter', 'markdown:-']);
    assert.equal(md.code, 0, md.stderr);
    assert.ok(md.report);
    assert.equal(md.stdout, renderMarkdown(md.report));
    assert.match(md.stderr, /^report: .*report\.json$/m);

    const json = await runCli([
      'node',
      '--only',
      'keepAlive/reuse',
      '--reporter',
      'json:-',
      '--reporter',
      'junit',
    ]);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), json.report);
    assert.ok(existsSync(join(json.out, 'junit.xml')));
    assert.match(json.stderr, /^junit: .*junit\.xml$/m);
  });

  const bad: [string[], RegExp][] = [
    [
      ['--reporter', 'xml'],
      /unknown reporter "xml" in --reporter; use one of terminal, json, html, markdown, junit, github/,
    ],
    [['--reporter', 'html:-'], /html cannot go to stdout/],
    [['--reporter', 'json:-', '--reporter', 'markdown:-'], /only one reporter can write to stdout/],
    [['--reporter', 'junit:'], /missing a path/],
  ];
  for (const [args, pattern] of bad) {
    test(`${args.join(' ')} → exit 2, one line, nothing run`, async () => {
      const r = await runCli(['node', '--only', 'keepAlive/reuse', ...args]);
      assert.equal(r.code, 2);
      assertOneLineError(r.stderr, pattern);
      assert.equal(r.report, null, 'nothing ran');
    });
  }
});

describe('--expectations', { concurrency: 1 }, () => {
  test('the shipped file (by its built-in name) covers what Node fails: exit 0', async () => {
    const r = await runCli(['node', '--only', 'maxTotalSockets', '--expectations', 'node']);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /expectations expectations\/node\.json \(built in\): 3 expected, 0 unexpected/);
    assert.equal(r.report?.summary.byStatus.fail, 3);
  });

  test('an entry removed: exit 1, the case named on its own line; a stale entry is a warning', async () => {
    const dir = tempDir();
    const file = join(dir, 'expectations.json');
    const e = shipped();
    delete e[FAILING];
    e['maxTotalSockets/renamed-long-ago'] = { status: 'fail', reason: 'old' };
    writeFileSync(file, JSON.stringify(e, null, 2));
    const r = await runCli(['node', '--only', 'maxTotalSockets', '--expectations', file]);
    assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /: 2 expected, 1 unexpected$/m);
    assert.match(r.stdout, /^unexpected fail: maxTotalSockets\/pooled-socket-counts$/m);
    assert.match(
      r.stderr,
      /^agent-conformance: warning: .*expectations\.json has an entry for maxTotalSockets\/renamed-long-ago, which is not a case of this suite/m,
    );
  });

  test('an entry for a case that passes: exit 1, "now passes: remove its entry"', async () => {
    const dir = tempDir();
    const file = join(dir, 'expectations.json');
    writeFileSync(
      file,
      JSON.stringify({ ...shipped(), [PASSING]: { status: 'fail', reason: 'was broken' } }),
    );
    const r = await runCli(['node', '--only', PASSING, '--only', FAILING, '--expectations', file]);
    assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
    assert.ok(
      r.stdout.split('\n').includes(`unexpected pass: ${PASSING}: now passes: remove its entry from ${file}`),
      r.stdout,
    );
    assert.doesNotMatch(r.stdout, /unexpected fail/);
    assert.doesNotMatch(r.stderr, /warning/, 'entries for unselected cases are not stale');
  });

  test('a missing or invalid file, or --update-expectations misused → exit 2, one line, nothing run', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.json'), '{"keepAlive/reuse": {"status": "pass", "reason": ""}}');
    const cases: [string[], RegExp][] = [
      [
        ['--expectations', join(dir, 'missing.json')],
        /missing\.json: cannot read the expectation file \(ENOENT\)/,
      ],
      [['--expectations', join(dir, 'bad.json')], /status must be one of fail, unsupported, skip/],
      [['--update-expectations'], /--update-expectations needs --expectations <file>/],
      [['--expectations', 'node', '--update-expectations'], /needs a file path, not the built-in name/],
    ];
    for (const [args, pattern] of cases) {
      const r = await runCli(['node', '--only', 'keepAlive/reuse', ...args]);
      assert.equal(r.code, 2, args.join(' '));
      assertOneLineError(r.stderr, pattern);
      assert.equal(r.report, null, 'nothing ran');
    }
  });

  test('--update-expectations: creates, rewrites only what changed, keeps unselected entries; twice is byte-identical', async () => {
    const dir = tempDir();
    const created = join(dir, 'new.json');
    const args = ['node', '--only', PASSING, '--only', FAILING];
    const first = await runCli([...args, '--expectations', created, '--update-expectations']);
    assert.equal(first.code, 0, `${first.stdout}\n${first.stderr}`);
    assert.match(first.stdout, /created/);
    assert.deepEqual(parseExpectations(readFileSync(created, 'utf8')), {
      [FAILING]: { status: 'fail', reason: '' },
    });

    const file = join(dir, 'expectations.json');
    const other = { status: 'fail', reason: 'kept as is', link: 'https://github.com/nodejs/node/pull/33617' };
    writeFileSync(
      file,
      JSON.stringify({
        [PASSING]: { status: 'fail', reason: 'was broken' },
        'maxTotalSockets/idle-not-starving': other,
        [FAILING]: shipped()[FAILING],
      }),
    );
    const a = await runCli([...args, '--expectations', file, '--update-expectations']);
    assert.equal(a.code, 0, `${a.stdout}\n${a.stderr}`);
    assert.match(a.stdout, new RegExp(`^ {2}- ${PASSING} \\(now passes\\)$`, 'm'));
    const once = readFileSync(file, 'utf8');
    assert.equal(
      once,
      formatExpectations({
        'maxTotalSockets/idle-not-starving': other,
        [FAILING]: shipped()[FAILING],
      } as never),
      'the passing entry went; the unselected one and the unchanged failing one kept their reason and link',
    );
    const b = await runCli([...args, '--expectations', file, '--update-expectations']);
    assert.equal(b.code, 0);
    assert.match(b.stdout, /up to date/);
    assert.equal(readFileSync(file, 'utf8'), once, 'byte-identical');
    // And the updated file now passes the check.
    const c = await runCli([...args, '--expectations', file]);
    assert.equal(c.code, 0, c.stdout);
  });
});
