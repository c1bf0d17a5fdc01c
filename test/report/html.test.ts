/** The HTML reporter, as text: self-contained, everything from the subject escaped (see browser.test.ts for the DOM). */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { renderHtml, safeHref } from '../../harness/parent/report/html.ts';
import { fixture } from './helpers.ts';

const report = fixture('hostile');
const html = renderHtml(report);

test('one self-contained file: no external resource, one inline script allowed by the CSP hash', () => {
  assert.match(html, /^<!doctype html>/);
  const tags = html.match(/<[a-z][^>]*>/gi) ?? [];
  for (const tag of tags) assert.doesNotMatch(tag, /\ssrc=|^<link\b|^<iframe|^<object|^<embed/i, tag);
  const css = html.match(/<style>([\s\S]*?)<\/style>/)?.[1] ?? '';
  assert.doesNotMatch(css, /@import|url\(/);
  const scripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)];
  assert.equal(scripts.length, 1, 'exactly one script element');
  const code = scripts[0]?.[1] ?? '';
  assert.doesNotMatch(code, /innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  const hash = createHash('sha256').update(code).digest('base64');
  const csp = (html.match(/http-equiv="Content-Security-Policy" content="([^"]*)"/)?.[1] ?? '').replace(
    /&#39;/g,
    "'",
  );
  assert.ok(csp.includes(`script-src 'sha256-${hash}'`), csp);
  assert.ok(csp.includes("default-src 'none'"));
  // Every link is a documentation link.
  for (const m of html.matchAll(/href="([^"]*)"/g)) assert.match(m[1] ?? '', /^https:\/\/nodejs\.org\/api\//);
});

test('every case is an article with its status, area, level, doc, repro and fields', () => {
  const articles = [
    ...html.matchAll(
      /<article class="case [^"]*" id="case-([^"]+)" data-status="(\w+)" data-area="(\w+)" data-level="(\w+)">([\s\S]*?)<\/article>/g,
    ),
  ];
  assert.deepEqual(
    articles.map((a) => a[1]),
    report.results.map((r) => r.id),
  );
  for (const [i, a] of articles.entries()) {
    const r = report.results[i]!;
    assert.deepEqual([a[2], a[3], a[4]], [r.status, r.area, r.level]);
    const inner = a[5] ?? '';
    assert.ok(inner.includes(`<a href="${r.doc.url}" rel="noreferrer">`), `${r.id} links its doc`);
    assert.ok(inner.includes('<code class="repro">'), `${r.id} has its repro`);
    assert.equal(
      inner.includes('<details class="trace">'),
      (r.trace?.length ?? 0) > 0,
      `${r.id} trace iff present`,
    );
    assert.equal(inner.includes('<dd class="message">'), r.message !== null);
  }
});

test('hostile strings appear only escaped', () => {
  assert.doesNotMatch(html, /<script>alert|<img |<svg onload|<i>hostile|<b>bold|<a href="x"/);
  assert.ok(html.includes('Connection: &lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.ok(html.includes('last event: &lt;img src=x onerror=alert(2)&gt;'));
  assert.ok(html.includes('closed after &quot;quotes&quot; &amp;amp; ]]&gt; 5000 ms'));
  assert.ok(html.includes('&lt;svg onload=alert(3)&gt;'), 'trace details are escaped');
  assert.ok(html.includes('<td>&lt;b&gt;bold-event&lt;/b&gt;</td>'), 'trace events are escaped');
  assert.ok(
    html.includes(
      '<title>agent-conformance: ./agents/&lt;i&gt;hostile&lt;/i&gt;|agent.ts on node 24.21.0</title>',
    ),
  );
});

test('a wire timeline for every case with wire events in its trace: open unless it passed', () => {
  const timelines = [
    ...html.matchAll(/<details class="timeline"( open)?><summary>wire timeline<\/summary>\n(<svg [^>]*>)/g),
  ];
  // keepAlive/reuse passed (its trace is there as with --trace): folded; the failure's is open.
  assert.deepEqual(
    timelines.map((t) => [t[1] === ' open', /aria-label="wire timeline of ([^"]*)"/.exec(t[2] ?? '')?.[1]]),
    [
      [false, 'keepAlive/reuse'],
      [true, 'keepAlive/connection-header-default'],
    ],
  );
  // Only `<svg class="timeline"`: the hostile path is text in it.
  assert.equal((html.match(/<svg /g) ?? []).length, 2);
  assert.ok(html.includes('/&lt;svg onload=alert(3)&gt;</text>'));
  const out = renderHtml(fixture('timeline'), {
    limits: { 'maxSockets/limit-per-origin': { label: 'maxSockets', value: 2 } },
  });
  const failing = out.match(/id="case-maxSockets\/limit-per-origin"[\s\S]*?<\/article>/)?.[0] ?? '';
  assert.match(failing, /<details class="timeline" open>/);
  assert.match(failing, /<g class="limit">[\s\S]*?maxSockets 2<\/text>/);
  const passing = out.match(/id="case-maxSockets\/queue-beyond-limit"[\s\S]*?<\/article>/)?.[0] ?? '';
  assert.match(passing, /<details class="timeline">/);
  assert.doesNotMatch(passing, /<g class="limit">/, 'no cap given for it');
});

test('the summary tables count by level and by area', () => {
  const byLevel = html.match(/<table id="by-level">[\s\S]*?<\/table>/)?.[0] ?? '';
  assert.match(
    byLevel,
    /<th scope="row">must<\/th><td class="n">4<\/td><td class="n">2<\/td><td class="n"><\/td><td class="n"><\/td><td class="n">1<\/td><td class="n">1<\/td><td class="n">8<\/td>/,
  );
  const byArea = html.match(/<table id="by-area">[\s\S]*?<\/table>/)?.[0] ?? '';
  assert.match(
    byArea,
    /<th scope="row">keepAlive<\/th><td class="n">1<\/td><td class="n">2<\/td><td class="n">1<\/td>(<td class="n"><\/td>){3}<td class="n">4<\/td>/,
  );
  assert.equal((byArea.match(/<th scope="row">/g) ?? []).length, 5);
});

test('a fatal report shows the banner, escaped', () => {
  const out = renderHtml({ ...fixture('hostile'), fatal: { message: '<b>boom</b>' }, results: [] });
  assert.ok(
    out.includes('<div class="banner" id="fatal"><strong>fatal:</strong> &lt;b&gt;boom&lt;/b&gt;</div>'),
  );
});

test('safeHref accepts http(s) only', () => {
  assert.equal(safeHref('javascript:alert(1)'), null);
  assert.equal(safeHref('data:text/html,x'), null);
  assert.equal(safeHref('nope'), null);
  assert.equal(safeHref('https://nodejs.org/api/http.html#x'), 'https://nodejs.org/api/http.html#x');
});
