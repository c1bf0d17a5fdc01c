/** `compare`: the case × implementation matrix and its terminal, Markdown and HTML renderings. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { marked } from 'marked';
import {
  compareReports,
  implementationNames,
  renderCompareHtml,
  renderCompareMarkdown,
  renderCompareTerminal,
} from '../../harness/parent/compare-matrix.ts';
import { fixture } from './helpers.ts';

const a = fixture('hostile');
const b = fixture('node22');
const m = compareReports([a, b]);

test('implementations are labelled subject@runtime version, made unique', () => {
  assert.deepEqual(
    m.implementations.map((i) => i.label),
    ['./agents/<i>hostile</i>|agent.ts@node 24.21.0', 'node@node 22.22.0'],
  );
  assert.deepEqual(m.implementations[1]?.byStatus, b.summary.byStatus);
  const twice = compareReports([b, b, b]);
  assert.deepEqual(
    twice.implementations.map((i) => i.label),
    ['node@node 22.22.0', 'node@node 22.22.0 #2', 'node@node 22.22.0 #3'],
  );
  assert.equal(twice.rows.filter((r) => r.different).length, 0, 'identical reports never differ');
  assert.throws(() => compareReports([]), { code: 'ERR_USAGE' });
});

test('columns are named short and unique: node@24, bun, undici, myAgent, undici@bun…', () => {
  const as = (name: string, module: string, runtime: string, version: string) => ({
    ...b,
    subject: { ...b.subject, name, module, runtime: { name: runtime, version } },
  });
  const node24 = as('node', 'builtin:node', 'node', '24.21.0');
  const node22 = as('node', 'builtin:node', 'node', '22.23.3');
  const bun = as('node', 'builtin:node', 'bun', '1.4.5');
  const deno = as('node', 'builtin:node', 'deno', '2.9.6');
  const undici = as('undici', 'builtin:undici', 'node', '24.21.0');
  const undiciBun = as('undici', 'builtin:undici', 'bun', '1.4.5');
  const mine = as('./src/myAgent.ts', '/x/src/myAgent.ts', 'node', '24.21.0');
  const other = as('../other/myAgent.ts', '/other/myAgent.ts', 'node', '24.21.0');
  assert.deepEqual(implementationNames([node24, node22, bun, deno, undici, undiciBun, mine]), [
    'node@24',
    'node@22',
    'bun',
    'deno',
    'undici',
    'undici@bun',
    'myAgent',
  ]);
  // Two columns that would share a name get a longer one: the runtime version, the path as given.
  assert.deepEqual(implementationNames([node24, as('node', 'builtin:node', 'node', '24.1.0')]), [
    'node@24.21.0',
    'node@24.1.0',
  ]);
  assert.deepEqual(implementationNames([mine, other]), [
    './src/myAgent.ts@node@24.21.0',
    '../other/myAgent.ts@node@24.21.0',
  ]);
  // The very same implementation twice (two report files): numbered.
  assert.deepEqual(implementationNames([node24, node24, bun]), ['node@24.21.0', 'node@24.21.0 #2', 'bun']);
  assert.deepEqual(
    m.implementations.map((i) => i.name),
    ['i>|agent', 'node@22'],
  );
});

test('one row per case of any report, grouped by area, with passed-by and different', () => {
  const ids = new Set([...a.results, ...b.results].map((r) => r.id));
  assert.equal(m.rows.length, ids.size);
  const row = (id: string) => m.rows.find((r) => r.id === id)!;
  assert.deepEqual(row('keepAlive/reuse'), {
    id: 'keepAlive/reuse',
    area: 'keepAlive',
    level: 'must',
    title: 'a pooled socket carries the next request',
    cells: ['pass', 'pass'],
    passedBy: 2,
    different: false,
  });
  assert.deepEqual(row('timeout/free-destroyed').cells, ['timeout', 'pass']);
  assert.equal(row('timeout/free-destroyed').passedBy, 1);
  assert.equal(row('timeout/free-destroyed').different, true);
  assert.deepEqual(row('lifecycle/free-event').cells, ['pass', null], 'missing from the second report');
  assert.equal(row('lifecycle/free-event').different, true);
  assert.deepEqual(row('lifecycle/destroy-idempotent').cells, [null, 'fail']);
  assert.equal(row('lifecycle/destroy-idempotent').passedBy, 0);
  // Rows stay together by area.
  const areaSeq = m.rows.map((r) => r.area).filter((x, i, all) => i === 0 || all[i - 1] !== x);
  assert.deepEqual(areaSeq, ['keepAlive', 'timeout', 'maxSockets', 'scheduling', 'lifecycle']);
  assert.equal(m.rows.filter((r) => r.different).length, 9);
});

test('per-area totals per implementation', () => {
  const area = (name: string) => m.areas.find((x) => x.area === name)!;
  assert.deepEqual(area('keepAlive'), { area: 'keepAlive', cases: 4, passed: [1, 4], present: [4, 4] });
  assert.deepEqual(area('lifecycle'), { area: 'lifecycle', cases: 3, passed: [2, 1], present: [2, 2] });
  assert.deepEqual(m.warnings, []);
  const old = { ...b, suite: { ...b.suite, version: '0.0.9' }, fatal: { message: 'boom' } };
  assert.deepEqual(compareReports([a, old]).warnings, [
    'the reports come from different suite versions: 0.1.0, 0.0.9',
    'node@node 22.22.0: fatal: boom',
  ]);
});

test('terminal: names as column heads, legend, totals, marks, only-different; control characters are neutralised', () => {
  const all = renderCompareTerminal(m);
  assert.match(
    all,
    /^ {2}i>\|agent {2}\.\/agents\/<i>hostile<\/i>\|agent\.ts@node 24\.21\.0 {2}\(suite 0\.1\.0\)$/m,
  );
  assert.match(
    all,
    /^keepAlive\n {2}i>\|agent node@22 {2}passed\n {2}1\/4 {6}4\/4 {6}\(pass per implementation\)$/m,
  );
  assert.match(all, /^ {2}✓ {8}✓ {8}2\/2 {4}keepAlive\/reuse$/m);
  assert.match(all, /^ {2}⧗ {8}✓ {8}1\/2 {4}timeout\/free-destroyed {2}\*$/m);
  assert.match(all, /^ {2}· {8}✗ {8}0\/2 {4}lifecycle\/destroy-idempotent \(should\) {2}\*$/m);
  assert.doesNotMatch(all, /\[1\]/, 'no index as a column head');
  const diff = renderCompareTerminal(m, { onlyDifferent: true });
  assert.doesNotMatch(diff, /keepAlive\/reuse/);
  assert.match(diff, /keepAlive\/hint-parse/);
  const evil = { ...a, subject: { ...a.subject, name: 'x\u001b[2J\u001b]0;pwned\u0007' } };
  const out = renderCompareTerminal(compareReports([evil]));
  assert.ok(!out.includes('\u001b') && !out.includes('\u0007'), 'no ESC or BEL reaches the terminal');
  assert.match(out, /x\?\[2J\?\]0;pwned\?@node/);
  assert.match(renderCompareTerminal(compareReports([b, b]), { onlyDifferent: true }), /no case differs/);
});

test('markdown: a table per area whose cells no label can break, only-different', async () => {
  const md = renderCompareMarkdown(m);
  const html = await marked.parse(md);
  assert.doesNotMatch(html, /<i>hostile/);
  assert.ok(html.includes('./agents/&lt;i&gt;hostile&lt;/i&gt;|agent.ts@node 24.21.0'));
  const tables = html.match(/<table>[\s\S]*?<\/table>/g) ?? [];
  assert.equal(tables.length, 5);
  for (const t of tables) {
    for (const tr of t.match(/<tr>[\s\S]*?<\/tr>/g)?.slice(1) ?? [])
      assert.equal((tr.match(/<td[\s>]/g) ?? []).length, 5, tr);
  }
  assert.match(md, /^\| case \| level \| i&gt;\\\|agent \| node@22 \| passed by \|$/m);
  assert.match(md, /^\| `timeout\/free-destroyed` \| must \| ⏱️ timeout \| ✅ pass \| 1\/2 \|$/m);
  assert.match(md, /^\| `lifecycle\/free-event` \| should \| ✅ pass \| — \| 1\/2 \|$/m);
  assert.match(md, /^\| \*\*total pass\*\* \| {2}\| \*\*1\/4\*\* \| \*\*4\/4\*\* \| {2}\|$/m);
  const diff = renderCompareMarkdown(m, { onlyDifferent: true });
  assert.doesNotMatch(diff, /keepAlive\/reuse/);
  assert.match(diff, /keepAlive\/hint-parse/);
});

test('html: self-contained, escaped, one row per case with data-different', () => {
  const html = renderCompareHtml(m);
  assert.match(html, /^<!doctype html>/);
  assert.doesNotMatch(html, /<i>hostile/);
  assert.ok(html.includes('<code>./agents/&lt;i&gt;hostile&lt;/i&gt;|agent.ts@node 24.21.0</code>'));
  const rows = [...html.matchAll(/<tr class="case[^"]*" data-different="(true|false)" data-id="([^"]+)">/g)];
  assert.deepEqual(
    rows.map((r) => [r[2], r[1]]),
    m.rows.map((r) => [r.id, String(r.different)]),
  );
  assert.match(html, /<th title="node@node 22\.22\.0">node@22<\/th>/);
  assert.doesNotMatch(html, /\[1\]/);
  assert.equal((html.match(/<script\b/g) ?? []).length, 1);
  assert.match(html, /<input type="checkbox" id="only-different">/);
});
