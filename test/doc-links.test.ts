/**
 * The documentation stays true: the README is short and names the two commands and the published
 * results; its options table is `--help`'s; the case list in docs/cases.md is the suites' own; every
 * relative link (and its #anchor) in README.md, CONTRIBUTING.md and docs/*.md leads somewhere.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { CASES_DOC, caseTable, replaceBlock } from '../scripts/cases-list.ts';
import { ROOT, runCli } from './helpers/cli.ts';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const DOCS = [
  'README.md',
  'CONTRIBUTING.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

test('the README is at most 200 lines and links the published results on its first screen', () => {
  const lines = readme.trimEnd().split('\n');
  assert.ok(lines.length <= 200, `README.md has ${lines.length} lines`);
  assert.match(lines.slice(0, 30).join('\n'), /\]\(docs\/results\.md\)/);
});

test('the README names the two commands, and CI runs the test command', () => {
  const ci = readFileSync(join(ROOT, '.ci/run'), 'utf8');
  assert.match(ci, /^npm test$/m);
  assert.match(readme, /^npm test\b/m);
  assert.match(readme, /^npm run conformance -- node\b/m);
});

test('docs/cases.md lists exactly the cases the suites define', async () => {
  const doc = readFileSync(CASES_DOC, 'utf8');
  assert.equal(replaceBlock(doc, await caseTable()), doc, 'run: node scripts/cases-list.ts');
});

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const m = !fenced && /^#{1,6} (.+)$/.exec(line);
    if (!m) continue;
    const base = m[1]!
      .replace(/`/g, '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

test('every relative link in README.md, CONTRIBUTING.md and docs/*.md leads somewhere', () => {
  const broken: string[] = [];
  let checked = 0;
  for (const doc of DOCS) {
    const text = readFileSync(join(ROOT, doc), 'utf8').replace(/```[\s\S]*?```/g, '');
    for (const m of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = m[1]!;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
      checked++;
      const [path, anchor] = target.split('#') as [string, string | undefined];
      const file = path === '' ? join(ROOT, doc) : resolve(dirname(join(ROOT, doc)), path);
      if (!existsSync(file)) {
        broken.push(`${doc}: ${target} (no ${relative(ROOT, file)})`);
        continue;
      }
      if (anchor && file.endsWith('.md') && statSync(file).isFile()) {
        if (!anchors(readFileSync(file, 'utf8')).has(anchor))
          broken.push(`${doc}: ${target} (no such heading)`);
      }
    }
  }
  assert.ok(checked > 40, `links checked: ${checked}`);
  assert.deepEqual(broken, []);
});

test("the README's options table is --help's", async () => {
  const table = readme.slice(readme.indexOf('## Options'));
  const rows = table.split('\n').filter((l) => /^\| `-/.test(l));
  const inReadme = new Set(
    rows.flatMap((r) => [...(r.split(' | ')[0] ?? '').matchAll(/`(--?[a-z-]+)/g)].map((m) => m[1]!)),
  );
  const help = await runCli(['--help'], { out: false });
  assert.equal(help.code, 0);
  const checkPart = help.stdout.slice(
    help.stdout.indexOf('<subject> '),
    help.stdout.indexOf('\ncompare options'),
  );
  const inHelp = new Set(
    [...checkPart.matchAll(/^ {2}(?:(-[a-z]), )?(--[a-z-]+)/gm)].flatMap((m) =>
      m[1] ? [m[1], m[2]!] : [m[2]!],
    ),
  );
  assert.deepEqual([...inReadme].sort(), [...inHelp].sort());
  assert.ok(inHelp.size >= 12, [...inHelp].join(' '));
  // What the issue found missing from --help.
  assert.match(help.stdout, /\bundici\b/);
  assert.match(help.stdout, /reports\/<subject>@<runtime>\//);
  assert.match(help.stdout, /130 \/ 143/);
});
