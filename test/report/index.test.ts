/** The reporter registry and the `--reporter <name>[:path]` parser. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseReporterFlag, REPORTER_NAMES, reporters } from '../../harness/parent/report/index.ts';
import { plain, renderTerminal } from '../../harness/parent/report/terminal.ts';
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
  assert.equal(reporters.terminal.render(report), renderTerminal(report, plain));
  assert.deepEqual(JSON.parse(reporters.json.render(report)), report);
  assert.match(reporters.json.render(report), /^\{\n {2}"schemaVersion": 1,/);
  assert.match(reporters.html.render(report), /^<!doctype html>/);
  assert.match(reporters.markdown.render(report), /^## agent-conformance: /);
  assert.match(reporters.junit.render(report), /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites /);
  for (const n of REPORTER_NAMES)
    assert.ok(reporters[n].render(report).endsWith('\n'), `${n} ends with a newline`);
});
