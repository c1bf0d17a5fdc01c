/**
 * The findings (docs/findings/findings.json, rendered into docs/findings.md and docs/findings.html)
 * cover the published matrix (docs/results.json): every failure of a built-in on a must/should case
 * has an entry, no entry names a failure that is gone, and the pages are current. When the matrix
 * changes (`npm run results`), add or trim entries in docs/findings/findings.json, then run
 * `node scripts/findings.ts` and commit docs/findings*.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadCatalog } from '../harness/parent/plan.ts';
import {
  checkFindings,
  FINDINGS_HTML,
  FINDINGS_MD,
  loadFindings,
  loadMatrix,
  matrixFailures,
  renderedFindings,
} from '../scripts/findings.ts';
import { MATRIX } from '../scripts/matrix.ts';
import { ROOT } from './helpers/cli.ts';

const findings = loadFindings();
const matrix = loadMatrix();

test('docs/results.json is the whole published matrix', () => {
  assert.equal(matrix.implementations.length, MATRIX.length, `the matrix is ${MATRIX.join(' ')}`);
  assert.ok(matrixFailures(matrix).length > 0, 'the matrix has failures to report');
});

test('every failure of a built-in on a must/should case has a finding', async () => {
  const { unreported } = checkFindings(findings, matrix, await loadCatalog());
  assert.deepEqual(
    unreported,
    [],
    `no finding for these (implementation case) failures of docs/results.json: add them to an entry of docs/findings/findings.json (or a new entry), then run node scripts/findings.ts:\n  ${unreported.join('\n  ')}`,
  );
});

test('every finding names failures that still fail', async () => {
  const { stale } = checkFindings(findings, matrix, await loadCatalog());
  assert.deepEqual(
    stale,
    [],
    `these entries of docs/findings/findings.json no longer fail in docs/results.json (now the status in brackets): remove them, or mark the finding fixed and move it out:\n  ${stale.join('\n  ')}`,
  );
});

test('every finding is well formed: known cases, one entry per failure, its repro and timeline exist', async () => {
  const { problems } = checkFindings(findings, matrix, await loadCatalog());
  assert.deepEqual(problems, []);
  for (const f of findings) {
    assert.ok(f.title && f.cause && f.wire && f.status.note, `${f.slug}: title, cause, wire, status`);
    // an issue, a pull request or the fixing commit on GitHub, or the security report a fix cites
    for (const u of f.upstream)
      assert.match(
        u.url,
        /^https:\/\/(github\.com\/[^/]+\/[^/]+\/((issues|pull)\/\d+|commit\/[0-9a-f]{7,40})|hackerone\.com\/reports\/\d+)$/,
        f.slug,
      );
    for (const code of Object.values(f.repro?.expect ?? {})) assert.ok(code === 0 || code === 1);
  }
});

test('docs/findings.md and docs/findings.html are rendered from the current data', async () => {
  const { md, html } = await renderedFindings();
  const stale = 'stale findings: run `node scripts/findings.ts` and commit docs/findings.*';
  assert.equal(readFileSync(FINDINGS_MD, 'utf8'), md, stale);
  assert.equal(readFileSync(FINDINGS_HTML, 'utf8'), html, stale);
});

test('the README gives the number of findings and links them', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const line = new RegExp(`\\b${findings.length} findings\\]\\(docs/findings\\.md\\)`);
  assert.ok(line.test(readme), `README.md: write "[${findings.length} findings](docs/findings.md)"`);
});
