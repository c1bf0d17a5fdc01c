/** The Markdown reporter, read back through a real GFM renderer (marked) as GitHub would. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { marked } from 'marked';
import { mdCode, mdText, mdUrl, renderMarkdown } from '../../harness/parent/report/markdown.ts';
import { fixture, result } from './helpers.ts';

const report = fixture('hostile');
const md = renderMarkdown(report);
const html = await marked.parse(md, { gfm: true });

/** The text of the rendered HTML, tags dropped and the entities marked leaves decoded. */
function textOf(fragment: string): string {
  return fragment
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

test('the title names the subject, the runtime and the suite version', () => {
  const title = md.split('\n')[0] ?? '';
  assert.match(title, /^## agent-conformance: /);
  assert.match(title, /on node 24\.21\.0 \(agent-conformance 0\.1\.0\)$/);
  const h2 = html.match(/<h2>(.*?)<\/h2>/)?.[1] ?? '';
  assert.equal(
    textOf(h2),
    'agent-conformance: ./agents/<i>hostile</i>|agent.ts on node 24.21.0 (agent-conformance 0.1.0)',
  );
});

test('the counts: by status, must pass/fail, and a table by level', () => {
  assert.match(
    md,
    /\*\*12 cases\*\*: ✅ 5 pass · ❌ 3 fail · ⚪ 1 unsupported · ⏭️ 1 skip · ⚠️ 1 error · ⏱️ 1 timeout/,
  );
  assert.match(md, /\*\*must: 4 pass, 2 fail\*\*/);
  assert.match(md, /^\| must \| 4 \| 2 \| 0 \| 0 \| 1 \| 1 \|$/m);
  assert.match(md, /^\| should \| 1 \| 1 \| 1 \| 0 \| 0 \| 0 \|$/m);
  assert.match(md, /^\| info \| 0 \| 0 \| 0 \| 1 \| 0 \| 0 \|$/m);
});

test('one table per area, one row per case, and no hostile string adds or removes a cell', () => {
  const tables = html.match(/<table>[\s\S]*?<\/table>/g) ?? [];
  const areas = [...new Set(report.results.map((r) => r.area))];
  assert.equal(tables.length, 1 + areas.length, 'the level table and one per area');
  for (const table of tables) {
    const headers = (table.match(/<th[\s>]/g) ?? []).length;
    for (const row of table.match(/<tr>[\s\S]*?<\/tr>/g)?.slice(1) ?? []) {
      assert.equal((row.match(/<td[\s>]/g) ?? []).length, headers, row);
    }
  }
  for (const area of areas) {
    const cases = report.results.filter((r) => r.area === area);
    const passed = cases.filter((r) => r.status === 'pass').length;
    assert.ok(md.includes(`### ${area} — ${passed}/${cases.length} pass`), area);
  }
  for (const r of report.results) assert.ok(html.includes(`<code>${r.id}</code>`), r.id);
  // GFM drops surplus cells, so check the content too: the message cell holds the whole message.
  const cells = (id: string) =>
    [
      ...(
        html.match(
          new RegExp(`<tr>\\s*<td>[^<]*</td>\\s*<td>(?:<a [^>]*>)?<code>${id}</code>[\\s\\S]*?</tr>`),
        )?.[0] ?? ''
      ).matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g),
    ].map((m) => textOf(m[1] ?? ''));
  assert.deepEqual(cells('keepAlive/connection-header-default').slice(1), [
    'keepAlive/connection-header-default',
    'must',
    'a keepAlive agent sends Connection: keep-alive',
    'header mismatch | pipes | in the message',
    '41 ms',
  ]);
  assert.equal(cells('maxSockets/queue-served')[4], 'line one', 'the first line of a multi-line message');
  assert.equal(cells('keepAlive/hint-parse')[4], result(report, 'keepAlive/hint-parse').message);
});

test('every non-passing case has a detail section; passing cases have none', () => {
  const details = [...md.matchAll(/^#### \S+ `([^`]+)` — (\w+) \((\w+)\)$/gm)].map((m) => m[1]);
  const failing = report.results.filter((r) => r.status !== 'pass').map((r) => r.id);
  assert.deepEqual([...details].sort(), [...failing].sort());
  assert.equal(details[0], 'keepAlive/connection-header-default', 'fail comes first');
  const r = result(report, 'keepAlive/connection-header-default');
  const section = md.slice(md.indexOf(`\`${r.id}\` — fail`));
  const block = section.slice(0, section.indexOf('\n#### ') === -1 ? undefined : section.indexOf('\n#### '));
  assert.ok(block.includes('> “Not to be confused with the keep-alive value'), 'the doc sentence, quoted');
  assert.ok(block.includes('](https://nodejs.org/api/http.html#new-agentoptions)'), 'linked');
  assert.match(block, /- \*\*expected:\*\* the request carries Connection: keep-alive/);
  assert.match(block, /- \*\*observed:\*\* /);
  assert.match(block, /- \*\*message:\*\* /);
  assert.ok(block.includes(`- **repro:** \`${r.repro}\``), 'the repro in a code span, verbatim');
});

test('hostile strings render as text: no element, link or entity comes from the subject', () => {
  assert.doesNotMatch(html, /<script|<img|<svg|<i>|<b>|<a href="x"|href="javascript/i);
  // Every tag in the rendered HTML is one Markdown or the reporter made.
  const tags = new Set([...html.matchAll(/<\/?([a-z0-9]+)/gi)].map((m) => m[1]?.toLowerCase()));
  const allowed = [
    'h2',
    'h3',
    'h4',
    'p',
    'strong',
    'em',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
    'code',
  ];
  for (const tag of tags)
    assert.ok([...allowed, 'a', 'br', 'blockquote', 'ul', 'li'].includes(tag ?? ''), tag);
  const text = textOf(html);
  assert.ok(text.includes('observed: Connection: <script>alert(1)</script>'));
  assert.ok(text.includes('message: header mismatch | pipes | in the message'));
  assert.ok(text.includes('observed: closed after "quotes" &amp; ]]> 5000 ms'), 'an entity stays literal');
  assert.ok(text.includes('**2** of 3 completed; `queue` stuck'), 'emphasis and code stay literal');
  assert.ok(text.includes('# heading [link](javascript:alert(4)) <a href="x">a</a>'));
  assert.ok(text.includes('a backslash \\ and a tilde ~ and _underscores_'));
  assert.ok(text.includes('--only keepAlive/hint-parse'));
  const links = [...html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1] ?? '');
  for (const href of links) assert.match(href, /^(#case-[a-z0-9-]+|https:\/\/nodejs\.org\/api\/)/);
});

test('mdText, mdCode and mdUrl', () => {
  assert.equal(mdText('a|b'), 'a\\|b');
  assert.equal(mdText('<b>&amp;'), '&lt;b&gt;&amp;amp;');
  assert.equal(mdText('x\ny'), 'x<br>y');
  assert.equal(mdCode('a ` b'), '``a ` b``');
  assert.equal(mdCode('`x`'), '`` `x` ``');
  assert.equal(mdCode('a|b', { inTable: true }), '`a\\|b`');
  assert.equal(mdUrl('javascript:alert(1)'), null);
  assert.equal(mdUrl('not a url'), null);
  assert.equal(mdUrl('https://nodejs.org/api/http.html#a(b)'), 'https://nodejs.org/api/http.html#a%28b%29');
});

test('details are capped by maxDetails, with a note', () => {
  const capped = renderMarkdown(report, { maxDetails: 2 });
  assert.equal((capped.match(/^#### /gm) ?? []).length, 2);
  assert.match(capped, /… and 5 more/);
  assert.doesNotMatch(md, /… and \d+ more/);
});

test('a fatal run says so, escaped', () => {
  const fatal = { ...fixture('hostile'), fatal: { message: 'cannot load <script>x</script>' }, results: [] };
  const out = renderMarkdown(fatal);
  assert.match(out, /\*\*fatal:\*\* cannot load &lt;script&gt;x&lt;\/script&gt;/);
  assert.doesNotMatch(out, /Not passing/);
});
