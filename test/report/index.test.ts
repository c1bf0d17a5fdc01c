/** The reporter registry and the `--reporter <name>[:path]` parser. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { loadCatalog } from '../../harness/parent/plan.ts';
import { parseReporterFlag, REPORTER_NAMES, reporters } from '../../harness/parent/report/index.ts';
import { type CaseResult, type Report, summarize } from '../../harness/parent/report/types.ts';
import { fixture } from './helpers.ts';

test('parseReporterFlag: a name, a name and a path', () => {
  assert.deepEqual(parseReporterFlag('html'), { name: 'html', path: null });
  assert.deepEqual(parseReporterFlag('junit:out/junit.xml'), { name: 'junit', path: 'out/junit.xml' });
  assert.deepEqual(parseReporterFlag('markdown:C:\\r\\summary.md'), {
    name: 'markdown',
    path: 'C:\\r\\summary.md',
  });
  assert.deepEqual(parseReporterFlag('json:-'), { name: 'json', path: '-' });
});

test('parseReporterFlag: an unknown name is a one-line ERR_USAGE naming the choices', () => {
  for (const bad of ['xml', 'HTML', '', 'tap:out.tap', 'a\nb']) {
    assert.throws(
      () => parseReporterFlag(bad),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, 'ERR_USAGE');
        assert.doesNotMatch(e.message, /\n/);
        assert.match(
          e.message,
          /unknown reporter .* use one of terminal, json, html, markdown, junit, github/,
        );
        return true;
      },
      bad,
    );
  }
  assert.throws(() => parseReporterFlag('html:'), { code: 'ERR_USAGE', message: /missing a path/ });
});

test('the registry: every name renders the report, with distinct default files', () => {
  const report = fixture('hostile');
  assert.deepEqual(Object.keys(reporters).sort(), [...REPORTER_NAMES].sort());
  const files = REPORTER_NAMES.map((n) => reporters[n].defaultFile);
  assert.equal(new Set(files).size, files.length);
  // the registry's terminal reporter is the plain rendering (no colour codes in a file)
  assert.ok(!reporters.terminal.render(report).includes('\u001b['), 'no escape sequences');
  assert.match(reporters.terminal.render(report), /^agent-conformance \S+ — subject /);
  assert.deepEqual(JSON.parse(reporters.json.render(report)), report);
  assert.match(reporters.json.render(report), /^\{\n {2}"schemaVersion": 2,/);
  assert.match(reporters.html.render(report), /^<!doctype html>/);
  assert.match(reporters.markdown.render(report), /^## agent-conformance: /);
  assert.match(reporters.junit.render(report), /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites /);
  for (const n of REPORTER_NAMES)
    assert.ok(reporters[n].render(report).endsWith('\n'), `${n} ends with a newline`);
});

/**
 * The README's "Reading a failure" block is what the terminal reporter prints: rendered from the
 * live case (title, expected, doc, repro) with the run's own words (`fail`, `observed`: they vary
 * from run to run) fixed here.
 */
test("the README's failure block is the terminal reporter's output, literally", async () => {
  const id = 'maxTotalSockets/limit-across-origins';
  const spec = (await loadCatalog()).find((c) => c.id === id) ?? assert.fail(`no case ${id}`);
  const base = fixture('node22');
  const result: CaseResult = {
    id,
    area: spec.area,
    level: spec.level,
    status: 'fail',
    title: spec.title,
    doc: spec.doc,
    requires: [...(spec.requires ?? [])],
    expected: spec.expected,
    observed:
      'peak 3 connections open at once across A and B (raw 3); A 2, B 1 connection(s); snapshot in the issuing tick: sockets 2, queued A 1 B 3',
    message:
      '3 connections were open at once across origins (maxTotalSockets 2; overlaps under 50 ms ignored)',
    durationMs: 812,
    repro: `npx agent-conformance node --only ${id}`,
  };
  const report: Report = { ...base, results: [result], summary: summarize([result]) };
  const lines = reporters.terminal.render(report).split('\n');
  const from = lines.indexOf('maxTotalSockets  0/1');
  assert.ok(from > 0, 'the area line');
  const to = lines.findIndex((l, i) => i > from && l.trimStart().startsWith('repro:'));
  const rendered = lines.slice(from, to + 1).join('\n');
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const block = /## Reading a failure\n\n```\n([\s\S]*?)\n```/.exec(readme)?.[1];
  assert.equal(block, rendered);
  // and the block's first lines, literally, so that a renderer and a README wrong alike still fail
  assert.deepEqual(rendered.split('\n').slice(0, 3), [
    'maxTotalSockets  0/1',
    '  ✗ maxTotalSockets/limit-across-origins  never more than maxTotalSockets connections across origins, also while pooling',
    '      fail: 3 connections were open at once across origins (maxTotalSockets 2; overlaps under 50 ms ignored)',
  ]);
});
