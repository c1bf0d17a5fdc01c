/** `agent-conformance timeline <report.json> <case-id> [--out file.svg]` through the real CLI. */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { timelineFileName } from '../../harness/parent/commands/timeline.ts';
import { renderTimeline } from '../../harness/parent/report/timeline.ts';
import { ROOT, runCli, tempDir } from '../helpers/cli.ts';
import { fixture, result } from './helpers.ts';

const TIMELINE = join(ROOT, 'test/report/fixtures/timeline.report.json');
const HOSTILE = join(ROOT, 'test/report/fixtures/hostile.report.json');
const ID = 'maxSockets/limit-per-origin';

test('writes <case id>.svg beside the report, or --out, or stdout with -', async () => {
  const dir = tempDir();
  const report = join(dir, 'report.json');
  copyFileSync(TIMELINE, report);
  const svg = `${renderTimeline(result(fixture('timeline'), ID).trace ?? [], { title: `${ID} (fail)`, background: '#ffffff' })}\n`;

  const byDefault = await runCli(['timeline', report, ID], { out: false });
  assert.equal(byDefault.code, 0, byDefault.stderr);
  const file = join(dir, 'maxSockets_limit-per-origin.svg');
  assert.equal(byDefault.stdout, `timeline: ${file}\n`);
  assert.equal(readFileSync(file, 'utf8'), svg);
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" class="timeline"/);

  const out = join(dir, 'nested/t.svg');
  const withOut = await runCli(['timeline', report, ID, '--out', out], { out: false });
  assert.equal(withOut.code, 0, withOut.stderr);
  assert.equal(readFileSync(out, 'utf8'), svg);

  const piped = await runCli(['timeline', report, ID, '--out', '-'], { out: false });
  assert.equal(piped.code, 0, piped.stderr);
  assert.equal(piped.stdout, svg);
  assert.equal(piped.stderr, '');
});

test('bad input is one line on stderr and exit 2, nothing written', async () => {
  const dir = tempDir();
  const notReport = join(dir, 'other.json');
  writeFileSync(notReport, '{"hello": 1}');
  const garbled = join(dir, 'garbled.json');
  writeFileSync(garbled, '{nope');
  const cases: [string[], RegExp][] = [
    [['timeline'], /^agent-conformance: timeline: needs <report\.json> <case-id> \(got nothing\)\n$/],
    [['timeline', TIMELINE], /needs <report\.json> <case-id> \(got .*timeline\.report\.json\)\n$/],
    [
      ['timeline', join(dir, 'missing.json'), ID],
      /^agent-conformance: timeline: cannot read .*missing\.json \(ENOENT\)\n$/,
    ],
    [['timeline', garbled, ID], /timeline: .*garbled\.json is not JSON\n$/],
    [['timeline', notReport, ID], /timeline: .*other\.json is not an agent-conformance report\.json\n$/],
    [['timeline', TIMELINE, 'no/such-case'], /timeline: no case no\/such-case in /],
    [
      ['timeline', HOSTILE, 'timeout/free-destroyed'],
      /timeline: case timeout\/free-destroyed has no wire trace in .*\.json\n$/,
    ],
    [
      ['timeline', HOSTILE, 'maxSockets/limit-per-origin'],
      /has no wire trace .*\(a passing case keeps one only under --trace\)\n$/,
    ],
    [['timeline', TIMELINE, ID, '--bogus'], /^agent-conformance: timeline: Unknown option '--bogus'/],
  ];
  for (const [args, message] of cases) {
    const run = await runCli(args, { out: false, cwd: dir });
    assert.equal(run.code, 2, args.join(' '));
    assert.match(run.stderr, message);
    assert.equal(run.stderr.trimEnd().split('\n').length, 1, `one line: ${run.stderr}`);
    assert.equal(run.stdout, '');
  }
  assert.equal(existsSync(join(dir, 'no_such-case.svg')), false);
});

test('--help, and the main usage names the command', async () => {
  const help = await runCli(['timeline', '--help'], { out: false });
  assert.equal(help.code, 0);
  assert.match(
    help.stdout,
    /^usage: agent-conformance timeline <report\.json> <case-id> \[--out file\.svg\]/,
  );
  const main = await runCli(['--help'], { out: false });
  assert.match(main.stdout, /agent-conformance timeline <report\.json> <case-id> \[--out file\.svg\]/);
});

test('file names from case ids keep to a safe alphabet', () => {
  assert.equal(timelineFileName('maxSockets/limit-per-origin'), 'maxSockets_limit-per-origin.svg');
  assert.equal(timelineFileName('../../etc/passwd'), '__.._etc_passwd.svg');
  assert.equal(timelineFileName('<i>x</i>'), '_i_x__i_.svg');
});
