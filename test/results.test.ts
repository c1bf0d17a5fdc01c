/**
 * The published results (docs/results.md, docs/results.html, written by `npm run results`) are
 * current: they name every case the suites define, the suite version, and every implementation of
 * the matrix. Checked from the committed files, without running the matrix again: when this fails,
 * run `nice -n 10 npm run results` and commit docs/results.*. docs/results.json (the matrix the
 * findings are checked against) is the very matrix results.md and results.html were rendered from.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SUITE } from '../harness/parent/build-report.ts';
import type { Matrix } from '../harness/parent/compare-matrix.ts';
import { loadCatalog } from '../harness/parent/plan.ts';
import { MATRIX } from '../scripts/matrix.ts';
import {
  RESULTS_HTML,
  RESULTS_JSON,
  RESULTS_MD,
  renderResultsHtml,
  renderResultsMarkdown,
  sentenceUrl,
} from '../scripts/results.ts';

const md = readFileSync(RESULTS_MD, 'utf8');
const html = readFileSync(RESULTS_HTML, 'utf8');
const STALE = 'stale results: run `nice -n 10 npm run results` and commit docs/results.*';

test('the published results name every current case', async () => {
  const cases = await loadCatalog();
  const missingMd = cases.filter((c) => !md.includes(`\`${c.id}\``)).map((c) => c.id);
  const missingHtml = cases.filter((c) => !html.includes(`data-id="${c.id}"`)).map((c) => c.id);
  assert.deepEqual(missingMd, [], `${STALE} (results.md lacks them)`);
  assert.deepEqual(missingHtml, [], `${STALE} (results.html lacks them)`);
  const ids = new Set(cases.map((c) => c.id));
  const gone = [...md.matchAll(/`([A-Za-z]+\/[a-z0-9-]+)`/g)].map((m) => m[1]!).filter((id) => !ids.has(id));
  assert.deepEqual([...new Set(gone)], [], `${STALE} (results.md names cases that no longer exist)`);
});

test('the published results come from the current suite version and the whole matrix', () => {
  assert.ok(
    md.includes(`Suite ${SUITE.name}\n${SUITE.version},`) ||
      md.includes(`Suite ${SUITE.name} ${SUITE.version}`),
    STALE,
  );
  assert.ok(html.includes(`suite ${SUITE.name} ${SUITE.version}`), STALE);
  const rows = md.match(/^\| \*\*[^*]+\*\* \|/gm) ?? [];
  assert.equal(rows.length, MATRIX.length, `${STALE} (the matrix is ${MATRIX.join(' ')})`);
});

test('a differing case links to the sentence of the documentation it checks', async () => {
  const cases = await loadCatalog();
  const linked = cases.filter((c) => md.includes(`](${sentenceUrl(c)})`));
  assert.ok(linked.length > 0, 'some case links to its sentence');
  for (const c of linked)
    assert.match(
      sentenceUrl(c),
      /^https:\/\/(nodejs\.org\/api\/[^#]+|www\.rfc-editor\.org\/rfc\/rfc9112)#[^:]*:~:text=/,
    );
});

test('docs/results.json is the matrix results.md and results.html were rendered from', async () => {
  const matrix = JSON.parse(readFileSync(RESULTS_JSON, 'utf8')) as Matrix;
  assert.equal(renderResultsMarkdown(matrix, await loadCatalog()), md, `${STALE} (results.md)`);
  assert.equal(renderResultsHtml(matrix), html, `${STALE} (results.html)`);
});
