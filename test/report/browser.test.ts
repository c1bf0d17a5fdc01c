/**
 * The HTML report and the compare page in a real headless Chromium (Debian's `chromium`, driven by
 * playwright-core, which never downloads a browser): no console or page error, the filters really
 * hide and show rows, hostile strings are text and inert. Screenshots go to test-artifacts/.
 *
 * Chromium missing: skipped with the reason locally, a failure when CI is set
 * (`scripts/install-chromium.sh` installs it).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { compareReports, renderCompareHtml } from '../../harness/parent/compare-matrix.ts';
import { renderHtml } from '../../harness/parent/report/html.ts';
import { renderJUnit } from '../../harness/parent/report/junit.ts';
import { ROOT } from '../helpers/cli.ts';
import { fixture } from './helpers.ts';

// The page's globals, typed just enough for the callbacks run in Chromium (the project has no lib.dom).
interface PageElement {
  id: string;
  tagName: string;
  closest(selector: string): PageElement | null;
  getBoundingClientRect(): { left: number; right: number; width: number; height: number };
  offsetParent: unknown;
  dataset: Record<string, string | undefined>;
  attributes: Iterable<{ name: string }>;
  textContent: string | null;
  getAttribute(name: string): string | null;
}
interface PageDocument {
  documentElement: { clientWidth: number; scrollWidth: number };
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement> & { length: number };
}
declare const document: PageDocument;
declare const DOMParser: new () => { parseFromString(text: string, type: string): PageDocument };

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ARTIFACTS = join(ROOT, 'test-artifacts');

/** Case ids of the compare page's rows that are displayed (not hidden by a filter). */
function visibleRows(page: Page): Promise<(string | undefined)[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('tr.case')].filter((e) => e.offsetParent !== null).map((e) => e.dataset.id),
  );
}
const missing = !existsSync(CHROMIUM);
const skip =
  missing && !process.env.CI
    ? `Chromium is not installed at ${CHROMIUM} (run scripts/install-chromium.sh; with CI set this fails instead)`
    : false;

interface Watched {
  page: Page;
  errors: string[];
  dialogs: string[];
  requests: string[];
}

describe('HTML reports in headless Chromium', { timeout: 120_000 }, () => {
  let dir = '';
  let context: BrowserContext | undefined;

  before(async () => {
    if (skip) return;
    if (missing) throw new Error(`Chromium is missing at ${CHROMIUM}: run scripts/install-chromium.sh`);
    dir = mkdtempSync(join(tmpdir(), 'acp-browser-'));
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1280, height: 900 },
    });
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  after(async () => {
    await context?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function open(name: string, html: string): Promise<Watched> {
    assert.ok(context);
    const file = join(dir, name);
    writeFileSync(file, html);
    const page = await context.newPage();
    const w: Watched = { page, errors: [], dialogs: [], requests: [] };
    page.on('console', (m) => {
      if (m.type() === 'error') w.errors.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => w.errors.push(`pageerror: ${e.message}`));
    page.on('dialog', (d) => {
      w.dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss();
    });
    page.on('request', (r) => w.requests.push(r.url()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    return w;
  }

  /** Nothing ran that the report did not write, and nothing was fetched. */
  async function assertClean(w: Watched): Promise<void> {
    await w.page.waitForTimeout(200);
    assert.deepEqual(w.errors, []);
    assert.deepEqual(w.dialogs, [], 'no alert fired');
    assert.deepEqual(w.requests, [w.page.url()], 'no request but the file itself');
    const injected = await w.page.evaluate(() => ({
      scripts: document.querySelectorAll('script').length,
      foreign: document.querySelectorAll('img, svg:not(.timeline), iframe, object, embed, i, b').length,
      handlers: [...document.querySelectorAll('*')].filter((e) =>
        [...e.attributes].some((a) => a.name.startsWith('on')),
      ).length,
      links: [...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href') ?? ''),
    }));
    assert.equal(injected.scripts, 1, 'only the report script');
    assert.equal(injected.foreign, 0, 'no injected element');
    assert.equal(injected.handlers, 0, 'no inline event handler');
    for (const href of injected.links) assert.match(href, /^https:\/\/nodejs\.org\/api\//);
  }

  const visibleCases = (page: Page) =>
    page.evaluate(() =>
      [...document.querySelectorAll('.case')].filter((e) => e.offsetParent !== null).map((e) => e.id),
    );

  test('the report: filters by status and area hide and show cases; hostile strings are inert text', {
    skip,
  }, async () => {
    const report = fixture('hostile');
    const w = await open('report.html', renderHtml(report));
    const { page } = w;
    const ids = report.results.map((r) => `case-${r.id}`);
    assert.deepEqual(await visibleCases(page), ids);
    assert.equal(await page.textContent('#shown'), '12');

    await page.check('#status-filter input[value="fail"]');
    await page.uncheck('#status-filter input[value="pass"]');
    const noPass = report.results.filter((r) => r.status !== 'pass').map((r) => `case-${r.id}`);
    assert.deepEqual(await visibleCases(page), noPass);
    assert.equal(await page.textContent('#shown'), String(noPass.length));

    await page.uncheck('#area-filter input[value="keepAlive"]');
    const noPassNoKeepAlive = report.results
      .filter((r) => r.status !== 'pass' && r.area !== 'keepAlive')
      .map((r) => `case-${r.id}`);
    assert.deepEqual(await visibleCases(page), noPassNoKeepAlive);
    assert.equal(
      await page.isVisible('section.area[data-area="keepAlive"]'),
      false,
      'an emptied area disappears',
    );
    assert.equal(
      await page.isVisible('section.area[data-area="lifecycle"]'),
      false,
      'lifecycle has only passes',
    );

    await page.click('#show-problems');
    assert.deepEqual(await visibleCases(page), [
      'case-timeout/free-destroyed',
      'case-timeout/per-request-wins',
      'case-maxSockets/queue-served',
    ]);
    await page.click('#show-all');
    await page.check('#area-filter input[value="keepAlive"]');
    assert.deepEqual(await visibleCases(page), ids);

    const header = page.locator('[id="case-keepAlive/connection-header-default"]');
    assert.equal(await header.locator('dd.observed').textContent(), 'Connection: <script>alert(1)</script>');
    assert.equal(
      await header.locator('dd.message').textContent(),
      'header mismatch | pipes | in the message',
    );
    const hint = page.locator('[id="case-keepAlive/hint-parse"]');
    assert.equal(await hint.locator('dd.observed').textContent(), 'closed after "quotes" &amp; ]]> 5000 ms');
    assert.equal(
      await page.locator('[id="case-timeout/free-destroyed"] dd.message').textContent(),
      'no close within 2000 ms; last event: <img src=x onerror=alert(2)>',
    );
    assert.equal(
      await header.locator('code.repro').textContent(),
      "npx agent-conformance './agents/<i>hostile</i>|agent.ts' --only keepAlive/connection-header-default",
    );

    // The transcript is collapsed until asked for.
    const trace = header.locator('details.trace');
    assert.equal(await trace.locator('table').isVisible(), false);
    await trace.locator('summary').click();
    assert.equal(await trace.locator('table').isVisible(), true);
    assert.match((await trace.locator('table').textContent()) ?? '', /"path":"\/<svg onload=alert\(3\)>"/);
    assert.equal(await trace.locator('tbody tr').count(), 4);

    await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
    await assertClean(w);
  });

  test("a failing case's wire timeline is drawn, visible and within the page width", { skip }, async () => {
    const report = fixture('timeline');
    const w = await open(
      'timeline.html',
      renderHtml(report, { limits: { 'maxSockets/limit-per-origin': { label: 'maxSockets', value: 2 } } }),
    );
    const { page } = w;
    const failing = page.locator('[id="case-maxSockets/limit-per-origin"] details.timeline svg.timeline');
    assert.equal(await failing.count(), 1);
    assert.equal(await failing.isVisible(), true, 'open for a failure');
    const geometry = await page.evaluate(() => {
      const svg = document.querySelector('[id="case-maxSockets/limit-per-origin"] svg.timeline');
      const article = svg?.closest('article');
      const box = svg?.getBoundingClientRect();
      const frame = article?.getBoundingClientRect();
      return {
        box,
        frame,
        page: document.documentElement.clientWidth,
        scroll: document.documentElement.scrollWidth,
        lanes: document.querySelectorAll('[id="case-maxSockets/limit-per-origin"] g.lane').length,
        limit: document.querySelector('[id="case-maxSockets/limit-per-origin"] g.limit text')?.textContent,
      };
    });
    assert.ok(geometry.box && geometry.frame);
    assert.ok(geometry.box.width > 600, `legible width (${geometry.box.width})`);
    assert.ok(geometry.box.height > 200);
    assert.ok(
      geometry.box.left >= geometry.frame.left && geometry.box.right <= geometry.frame.right,
      'inside its case',
    );
    assert.ok(geometry.box.right <= geometry.page, 'within the page width');
    assert.equal(geometry.scroll, geometry.page, 'no horizontal scroll');
    assert.equal(geometry.lanes, 6);
    assert.equal(geometry.limit, 'maxSockets 2');
    // A passing case's timeline (there under --trace) is folded until asked for.
    const passing = page.locator('[id="case-maxSockets/queue-beyond-limit"] details.timeline');
    assert.equal(await passing.locator('svg').isVisible(), false);
    await passing.locator('summary').click();
    assert.equal(await passing.locator('svg').isVisible(), true);
    await page
      .locator('[id="case-maxSockets/limit-per-origin"]')
      .screenshot({ path: join(ARTIFACTS, 'timeline.png') });
    // A narrow window: the picture scales down with its case instead of overflowing it (the
    // summary table's own overflow at this width is not the timeline's business).
    await page.setViewportSize({ width: 700, height: 900 });
    const narrow = await page.evaluate(() => {
      const svg = document.querySelector('svg.timeline');
      return {
        right: svg?.getBoundingClientRect().right ?? Number.POSITIVE_INFINITY,
        article: svg?.closest('article')?.getBoundingClientRect().right ?? 0,
        page: document.documentElement.clientWidth,
      };
    });
    assert.ok(narrow.right <= narrow.article && narrow.right <= narrow.page, JSON.stringify(narrow));
    await assertClean(w);
  });

  test('the compare page: "only different" hides the rows that agree', { skip }, async () => {
    const m = compareReports([fixture('hostile'), fixture('node22')]);
    const w = await open('compare.html', renderCompareHtml(m));
    const { page } = w;
    assert.deepEqual(
      await visibleRows(page),
      m.rows.map((r) => r.id),
    );
    await page.check('#only-different');
    assert.deepEqual(
      await visibleRows(page),
      m.rows.filter((r) => r.different).map((r) => r.id),
    );
    assert.equal(await page.textContent('#shown'), '9');
    await page.screenshot({ path: join(ARTIFACTS, 'compare.png'), fullPage: true });
    await page.uncheck('#only-different');
    assert.equal((await visibleRows(page)).length, m.rows.length);
    assert.equal(
      await page.locator('#implementations li').first().locator('code').textContent(),
      './agents/<i>hostile</i>|agent.ts@node 24.21.0',
    );
    await assertClean(w);
  });

  test('the compare page of `compare --only-different` opens filtered; unticking shows every row', {
    skip,
  }, async () => {
    const m = compareReports([fixture('node22'), fixture('hostile')]);
    const w = await open('compare-different.html', renderCompareHtml(m, { onlyDifferent: true }));
    const { page } = w;
    assert.equal(await page.isChecked('#only-different'), true);
    assert.deepEqual(
      await visibleRows(page),
      m.rows.filter((r) => r.different).map((r) => r.id),
    );
    assert.equal(await page.textContent('#shown'), '9');
    await page.uncheck('#only-different');
    assert.deepEqual(
      await visibleRows(page),
      m.rows.map((r) => r.id),
    );
    await assertClean(w);
  });

  test("the JUnit XML passes Chromium's strict XML parser", { skip }, async () => {
    const report = fixture('hostile');
    const c = report.results.find((r) => r.id === 'keepAlive/hint-parse');
    assert.ok(c);
    c.message = `${c.message} &nbsp; \u001b[31m`;
    const xml = renderJUnit(report);
    const w = await open('blank.html', '<!doctype html><title>x</title>');
    const parsed = await w.page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'application/xml');
      const error = doc.querySelector('parsererror');
      return {
        error: error?.textContent ?? null,
        cases: [...doc.querySelectorAll('testcase')].map((t) => t.getAttribute('name')),
        message: doc.querySelector('testcase[name="keepAlive/hint-parse"] failure')?.getAttribute('message'),
      };
    }, xml);
    assert.equal(parsed.error, null);
    assert.deepEqual(
      parsed.cases,
      report.results.map((r) => r.id),
    );
    assert.equal(parsed.message, `${c.message.replace('\u001b', '\uFFFD')}`);
  });
});
