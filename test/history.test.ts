/**
 * The history table (scripts/history.ts) on a fake matrix and a fake runner: the columns, the spans
 * it bisects, one check run per version shared by the cases of a span, and the page in headless
 * Chromium (as test/report/browser.test.ts: skipped with the reason when Chromium is missing, a
 * failure with CI set): the area filter and "only changes" hide rows, the case title is on hover.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium } from 'playwright-core';
import type { Trial } from '../harness/parent/bisect.ts';
import type { Matrix, MatrixImplementation } from '../harness/parent/compare-matrix.ts';
import { emptyCounts, type Status } from '../harness/parent/report/types.ts';
import {
  type HistoryTable,
  lineChanges,
  matrixArgs,
  nodeColumns,
  renderHistoryHtml,
  renderHistoryMarkdown,
  spans,
  tableMatrix,
} from '../scripts/history.ts';

interface PageElement {
  offsetParent: unknown;
  dataset: Record<string, string | undefined>;
}
declare const document: { querySelectorAll(selector: string): Iterable<PageElement> };

const VERSIONS = ['20.5.0', '20.6.0', '20.7.0', '20.8.0', '22.0.0', '22.1.0', '22.2.0', '22.3.0'];

function impl(version: string, runtime = 'node'): MatrixImplementation {
  return {
    label: `node@${runtime} ${version}`,
    name: `node@${version}`,
    subject: 'node',
    runtime: { name: runtime, version },
    suiteVersion: '0.1.0',
    startedAt: '2026-12-06T00:00:00.000Z',
    fatal: null,
    byStatus: emptyCounts(),
  };
}

/** Columns: 20.8.0, 22.3.0, bun, then the oldest of lines 20.6.0 and 22.0.0. */
function fakeMatrix(): Matrix {
  const row = (id: string, area: string, cells: Status[]) => ({
    id,
    area,
    level: 'must' as const,
    title: `title of ${id}`,
    cells,
    passedBy: cells.filter((c) => c === 'pass').length,
    different: new Set(cells).size > 1,
  });
  return {
    implementations: [impl('20.8.0'), impl('22.3.0'), impl('1.4.5', 'bun'), impl('20.6.0'), impl('22.0.0')],
    rows: [
      // changes inside 22: unsupported at 22.0.0, pass at 22.3.0 (from 22.2.0 in the fake runner)
      row('defaults/default-port', 'defaults', ['unsupported', 'pass', 'pass', 'unsupported', 'unsupported']),
      // changes between 20 and 22: fail on 20.x, pass on 22.x (from 22.0.0)
      row('faults/stray-bytes', 'faults', ['fail', 'pass', 'pass', 'fail', 'pass']),
      row('getName/basic', 'getName', ['pass', 'pass', 'pass', 'pass', 'pass']),
    ],
    areas: [],
    warnings: [],
  };
}

// 20.5.0 stands for a release the host cannot run: the line's changes start at 20.6.0
const COLUMNS = nodeColumns(VERSIONS, [20, 22], { 20: '20.6.0' });

describe('history', () => {
  test('columns are the newest release of each line; the oldest runnable one is kept for changes', () => {
    assert.deepEqual(
      COLUMNS.map((c) => [c.name, c.release, c.oldest]),
      [
        ['20', 'node 20.8.0', '20.6.0'],
        ['22', 'node 22.3.0', '22.0.0'],
        ['bun', 'bun', null],
        ['deno', 'deno', null],
      ],
    );
    assert.deepEqual(matrixArgs(COLUMNS).slice(-2), ['node@node@20.6.0', 'node@node@22.0.0']);
    assert.deepEqual(spans(COLUMNS), [
      { column: '20', span: 'in-line', from: '20.6.0', to: '20.8.0' },
      { column: '22', span: 'in-line', from: '22.0.0', to: '22.3.0' },
      { column: '22', span: 'since-previous', from: '20.8.0', to: '22.3.0' },
    ]);
  });

  test('each changed verdict is bisected, one check run per version shared by the cases', async () => {
    const calls: { version: string; only: string[] }[] = [];
    const truth: Record<string, (v: string) => Status> = {
      'defaults/default-port': (v) => (v >= '22.2.0' ? 'pass' : 'unsupported'),
      'faults/stray-bytes': (v) => (v >= '22.0.0' ? 'pass' : 'fail'),
    };
    const runnerFor =
      (only: string[]) =>
      async (version: string): Promise<Trial> => {
        calls.push({ version, only });
        return {
          version,
          cases: only.map((id) => ({
            id,
            status: truth[id]!(version),
            line: null,
            repro: `repro ${version}`,
          })),
        };
      };
    const changes = await lineChanges(fakeMatrix(), COLUMNS, runnerFor, VERSIONS);
    assert.deepEqual(
      changes.map((c) => [c.id, c.column, c.span, c.result.kind, c.result.last, c.result.first]),
      [
        ['defaults/default-port', '22', 'in-line', 'changed', '22.1.0', '22.2.0'],
        ['faults/stray-bytes', '22', 'since-previous', 'changed', '20.8.0', '22.0.0'],
      ],
    );
    // 22.0.0…22.3.0 for one case: both ends, 22.1.0, 22.2.0, then the boundary twice more = 6 runs
    assert.equal(calls.filter((c) => c.only.includes('defaults/default-port')).length, 6);

    const { matrix, columns } = tableMatrix(fakeMatrix(), COLUMNS);
    assert.deepEqual(
      columns.map((c) => c.name),
      ['20', '22', 'bun'],
      'a column that did not run (deno) is left out',
    );
    matrix.areas = ['defaults', 'faults', 'getName'].map((area) => ({
      area,
      cases: 1,
      passed: [],
      present: [],
    }));
    const tables: HistoryTable[] = [{ title: 'Node lines, Bun and Deno', columns, matrix, changes }];
    const meta = { seconds: 90, date: '2026-12-06', notes: [] };
    const md = renderHistoryMarkdown(tables, meta);
    assert.match(md, /\| `defaults\/default-port` \| ⚪ \| ✅ ← 22\.2\.0 \| ✅ \|/);
    assert.match(
      md,
      /`faults\/stray-bytes`, Node 22: fail → pass in 22\.0\.0 \\\(20\.8\.0 was still fail; since 20\.8\.0\\\)/,
    );
    assert.match(md, /in 1\.5 min \(measured/);
    html = renderHistoryHtml(tables, meta);
  });

  let html = '';
  const CHROMIUM = '/usr/bin/chromium';
  const missing = !existsSync(CHROMIUM);
  const skip = missing && !process.env.CI ? `Chromium is not installed at ${CHROMIUM}` : false;
  let dir = '';
  let context: BrowserContext | undefined;
  before(async () => {
    if (skip) return;
    dir = mkdtempSync(join(tmpdir(), 'acp-history-'));
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
      ],
    });
  });
  after(async () => {
    await context?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the page in Chromium: filters by area and "only changes", the title on hover, offline', {
    skip,
  }, async () => {
    assert.ok(context && html);
    const file = join(dir, 'history.html');
    writeFileSync(file, html);
    const page = await context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const visible = () =>
      page.evaluate(() =>
        [...document.querySelectorAll('tr.case')]
          .filter((e) => e.offsetParent !== null)
          .map((e) => e.dataset.id),
      );
    assert.deepEqual(await visible(), ['defaults/default-port', 'faults/stray-bytes', 'getName/basic']);
    await page.check('#only-changes');
    assert.deepEqual(await visible(), ['defaults/default-port', 'faults/stray-bytes']);
    await page.selectOption('#area', 'faults');
    assert.deepEqual(await visible(), ['faults/stray-bytes']);
    assert.equal(await page.isVisible('tr.area[data-area="defaults"]'), false, 'an emptied area hides');
    await page.uncheck('#only-changes');
    await page.selectOption('#area', '');
    assert.equal((await visible()).length, 3);
    const tip = await page.getAttribute(
      'tr[data-id="defaults/default-port"] td.v:nth-child(3) span',
      'title',
    );
    assert.match(
      tip ?? '',
      /^defaults\/default-port: title of defaults\/default-port — node 22\.3\.0: pass \(unsupported → pass in 22\.2\.0/,
    );
    assert.deepEqual(errors, []);
    assert.deepEqual(requests, [page.url()], 'nothing fetched: it works offline');
  });
});
