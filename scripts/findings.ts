/**
 * The findings: every failure of a built-in implementation on a `must` or `should` case, grouped by
 * cause, as a report its maintainers can act on. The entries are data (docs/findings/findings.json,
 * written by hand); this module checks them against the published matrix (docs/results.json, written
 * by `npm run results`) and renders docs/findings.md and docs/findings.html from them.
 *
 *   node scripts/findings.ts                  rewrite docs/findings.md and docs/findings.html
 *   node scripts/findings.ts --reports DIR    also redraw docs/img/findings/<slug>.svg from the
 *                                             reports of a matrix run (DIR/<subject>[@runtime]/report.json)
 *
 * `npm run results` does both after each matrix run, so the version columns follow the matrix.
 * test/findings.test.ts fails when a failure has no entry, when an entry names a failure that is
 * gone, and when the rendered pages are stale.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Matrix } from '../harness/parent/compare-matrix.ts';
import { loadCatalog, type PlannedCase } from '../harness/parent/plan.ts';
import { BASE_CSS, esc, inlineScript, page } from '../harness/parent/report/html.ts';
import { mdCode, mdText } from '../harness/parent/report/markdown.ts';
import { hasTimeline, renderTimeline } from '../harness/parent/report/timeline.ts';
import type { Report } from '../harness/parent/report/types.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const FINDINGS_JSON = join(ROOT, 'docs/findings/findings.json');
export const FINDINGS_MD = join(ROOT, 'docs/findings.md');
export const FINDINGS_HTML = join(ROOT, 'docs/findings.html');
export const FINDINGS_DIR = join(ROOT, 'docs/findings');
export const FINDINGS_IMG = join(ROOT, 'docs/img/findings');
export const RESULTS_JSON = join(ROOT, 'docs/results.json');

/** A runtime a repro runs under: `node` is the pinned Node (24), the others as `--runtime` takes them. */
export type ReproRuntime = 'node' | 'node@22' | 'node@20' | 'bun' | 'deno';
export const REPRO_RUNTIMES: readonly ReproRuntime[] = ['node', 'node@22', 'node@20', 'bun', 'deno'];

/** Exit codes of every repro: the deviation was shown, or the implementation behaved as documented. */
export const REPRO_EXIT = { deviation: 1, documented: 0 } as const;

export interface Finding {
  /** Stable, the file names of the repro and the timeline. */
  slug: string;
  title: string;
  /** Each block is a cross product: every implementation (a matrix column) fails every case. */
  where: { implementations: string[]; cases: string[] }[];
  /** What goes wrong and why, as far as it is known (Markdown: `code` only). */
  cause: string;
  /** What the servers saw in the matrix run. */
  wire: string;
  /** The case whose wire timeline illustrates it (docs/img/findings/<slug>.svg); null: no wire to draw. */
  timeline: { implementation: string; case: string } | null;
  /** Upstream issues or pull requests actually found; empty: not reported upstream. */
  upstream: { url: string; title: string; note?: string }[];
  status: { state: 'open' | 'fixed' | 'not in that release'; note: string };
  /**
   * docs/findings/<slug>.mjs: the runtimes it runs under and the exit code each must give
   * (1 deviation shown, 0 behaves as documented); `packages` a maintainer installs first.
   */
  repro: { expect: Partial<Record<ReproRuntime, 0 | 1>>; packages?: string[] } | null;
}

export function loadFindings(file = FINDINGS_JSON): Finding[] {
  return JSON.parse(readFileSync(file, 'utf8')) as Finding[];
}

export function loadMatrix(file = RESULTS_JSON): Matrix {
  return JSON.parse(readFileSync(file, 'utf8')) as Matrix;
}

export function reproFile(f: Finding): string {
  return join(FINDINGS_DIR, `${f.slug}.mjs`);
}

export function timelineFile(f: Finding): string {
  return join(FINDINGS_IMG, `${f.slug}.svg`);
}

/** `implementation case` pairs. */
const pair = (impl: string, id: string) => `${impl} ${id}`;

export function findingPairs(f: Finding): string[] {
  return f.where.flatMap((w) => w.implementations.flatMap((i) => w.cases.map((c) => pair(i, c))));
}

/** Every failure of the matrix on a must/should case, as `implementation case`. */
export function matrixFailures(m: Matrix): string[] {
  return m.rows
    .filter((r) => r.level !== 'info')
    .flatMap((r) =>
      r.cells.flatMap((c, i) => (c === 'fail' ? [pair(m.implementations[i]!.name, r.id)] : [])),
    );
}

export interface FindingsCheck {
  /** Failures with no finding: `implementation case`. */
  unreported: string[];
  /** Pairs named by a finding that no longer fail: `slug: implementation case (status)`. */
  stale: string[];
  /** Other problems: unknown case, duplicate pair or slug, missing repro or timeline file. */
  problems: string[];
}

export function checkFindings(
  findings: readonly Finding[],
  m: Matrix,
  catalog: readonly PlannedCase[],
): FindingsCheck {
  const failures = new Set(matrixFailures(m));
  const named = new Map<string, string>();
  const problems: string[] = [];
  const stale: string[] = [];
  const ids = new Set(catalog.map((c) => c.id));
  const slugs = new Set<string>();
  for (const f of findings) {
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(f.slug))
      problems.push(`${f.slug}: a slug is lower-case words and hyphens`);
    if (slugs.has(f.slug)) problems.push(`${f.slug}: slug used twice`);
    slugs.add(f.slug);
    for (const p of findingPairs(f)) {
      const [impl, id] = p.split(' ') as [string, string];
      if (!ids.has(id)) problems.push(`${f.slug}: no case ${id}`);
      if (named.has(p)) problems.push(`${f.slug}: ${p} is already in ${named.get(p)}`);
      named.set(p, f.slug);
      if (!failures.has(p)) {
        const col = m.implementations.findIndex((i) => i.name === impl);
        const cell =
          col < 0 ? 'not in the matrix' : (m.rows.find((r) => r.id === id)?.cells[col] ?? 'not run');
        stale.push(`${f.slug}: ${p} (${cell})`);
      }
    }
    if (f.timeline) {
      const t = `${f.timeline.implementation} ${f.timeline.case}`;
      if (!findingPairs(f).includes(t))
        problems.push(`${f.slug}: its timeline ${t} is not one of its failures`);
      if (!existsSync(timelineFile(f))) problems.push(`${f.slug}: no docs/img/findings/${f.slug}.svg`);
    }
    if (f.repro && !existsSync(reproFile(f))) problems.push(`${f.slug}: no docs/findings/${f.slug}.mjs`);
  }
  const unreported = [...failures].filter((p) => !named.has(p));
  return { unreported, stale, problems };
}

/** The versions behind a matrix column: the runtime's, and a package subject's own. */
const PACKAGES: Record<string, string[]> = {
  agentkeepalive: ['agentkeepalive'],
  undici: ['undici'],
  hpagent: ['hpagent'],
  'proxy-agents': ['http-proxy-agent', 'https-proxy-agent'],
};

function packageVersion(name: string): string {
  try {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
      version: string;
    };
    return pkg.version;
  } catch {
    return '?';
  }
}

export function versionOf(m: Matrix, impl: string): string {
  const i = m.implementations.find((x) => x.name === impl);
  if (!i) return `${impl} (not in the matrix)`;
  const runtime = `${i.runtime.name} ${i.runtime.version}`;
  const pkgs = PACKAGES[i.subject];
  return pkgs ? `${pkgs.map((p) => `${p} ${packageVersion(p)}`).join(', ')} on ${runtime}` : runtime;
}

function implementationsOf(f: Finding): string[] {
  return [...new Set(f.where.flatMap((w) => w.implementations))];
}

function casesOf(f: Finding): string[] {
  return [...new Set(f.where.flatMap((w) => w.cases))];
}

/** The command a maintainer types, and (as a comment) under which runtime and what it exits with. */
export function reproCommand(f: Finding, runtime: ReproRuntime): string {
  const file = `docs/findings/${f.slug}.mjs`;
  const code = f.repro?.expect[runtime];
  const label = { node: 'Node 24', 'node@22': 'Node 22', 'node@20': 'Node 20', bun: 'Bun', deno: 'Deno' }[
    runtime
  ];
  const cmd = runtime === 'bun' ? `bun ${file}` : runtime === 'deno' ? `deno run -A ${file}` : `node ${file}`;
  return `${cmd.padEnd(70)} # ${label}: exits ${code}`;
}

const SELF = 'node scripts/findings.ts';

export function renderFindingsMarkdown(
  findings: readonly Finding[],
  m: Matrix,
  catalog: readonly PlannedCase[],
): string {
  const byId = new Map(catalog.map((c) => [c.id, c]));
  const runs =
    m.implementations
      .map((i) => i.startedAt)
      .sort()[0]
      ?.slice(0, 10) ?? '';
  const out: string[] = [
    '# Findings',
    '',
    `${findings.length} findings: every failure of a built-in implementation on a \`must\` or \`should\` case of the`,
    `[published matrix](results.md) (run on ${runs}), grouped by cause, each with a standalone repro a`,
    'maintainer runs with one command, the upstream issue where one exists, and its status. The entries',
    `are data (docs/findings/findings.json); \`npm run results\` and \`${SELF}\` render this page and`,
    '[findings.html](findings.html) from them and from docs/results.json.',
    '',
    'Every repro (docs/findings/<slug>.mjs) starts its own server on 127.0.0.1, does what the case does, prints',
    'what the server saw and exits **1 when the deviation showed** and **0 when the implementation behaved as',
    'documented** (2: a package it needs is missing; anything on stderr: the repro itself broke). `npm test`',
    'runs those for the pinned Node;',
    '`node scripts/findings-repros.ts` runs the ones for Node 22 and 20, Bun and Deno.',
    '',
    '| finding | implementations | cases | upstream | status |',
    '| --- | --- | ---: | --- | --- |',
  ];
  for (const f of findings)
    out.push(
      `| [${mdText(f.title)}](#${f.slug}) | ${implementationsOf(f).map(mdText).join(', ')} | ${casesOf(f).length} | ${f.upstream.length ? f.upstream.map((u) => `[${mdText(shortRef(u.url))}](${u.url})`).join(', ') : 'not reported'} | ${mdText(f.status.state)} |`,
    );
  out.push('');
  for (const f of findings) {
    out.push(`## ${f.slug}`, '', `**${mdText(f.title)}**`, '');
    out.push('| implementation | version |', '| --- | --- |');
    for (const impl of implementationsOf(f)) out.push(`| ${mdText(impl)} | ${mdText(versionOf(m, impl))} |`);
    out.push('');
    out.push('Cases:', '');
    for (const w of f.where)
      for (const id of w.cases) {
        const c = byId.get(id);
        out.push(
          `- ${mdCode(id)} (${c?.level ?? '?'}) on ${w.implementations.map(mdText).join(', ')}${c ? `: ${mdText(c.title)}` : ''}`,
        );
      }
    out.push('');
    const docs = new Map<string, PlannedCase>();
    for (const id of casesOf(f)) {
      const c = byId.get(id);
      if (c && !docs.has(c.doc.quote)) docs.set(c.doc.quote, c);
    }
    out.push('The documentation:', '');
    for (const c of docs.values()) out.push(`> “${mdText(c.doc.quote)}” ([source](${c.doc.url}))`, '');
    out.push(`**What goes wrong.** ${f.cause}`, '');
    out.push(`**On the wire.** ${f.wire}`, '');
    if (f.timeline)
      out.push(
        `![Wire timeline of ${f.timeline.case} under ${f.timeline.implementation}](img/findings/${f.slug}.svg)`,
        '',
      );
    if (f.repro) {
      const cmds = (Object.keys(f.repro.expect) as ReproRuntime[]).map((r) => reproCommand(f, r));
      out.push(
        `**Repro.** [${f.slug}.mjs](findings/${f.slug}.mjs)${f.repro.packages ? ` (install ${f.repro.packages.map((p) => mdCode(p)).join(', ')} first)` : ''}:`,
        '',
        '```sh',
        ...cmds,
        '```',
        '',
      );
    } else out.push('**Repro.** none yet.', '');
    out.push(
      `**Upstream.** ${f.upstream.length ? f.upstream.map((u) => `[${mdText(u.title)}](${u.url})${u.note ? ` (${mdText(u.note)})` : ''}`).join('; ') : 'not reported upstream.'}`,
      '',
      `**Status.** ${mdText(f.status.state)}: ${f.status.note}`,
      '',
    );
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** `https://github.com/nodejs/node/pull/33617` → `nodejs/node#33617`. */
function shortRef(url: string): string {
  const m = /^https:\/\/github\.com\/([^/]+\/[^/]+)\/(?:issues|pull)\/(\d+)/.exec(url);
  return m ? `${m[1]}#${m[2]}` : url.replace(/^https?:\/\//, '');
}

/** `code` spans of the data, as HTML. */
function inline(text: string): string {
  return esc(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

export function renderFindingsHtml(
  findings: readonly Finding[],
  m: Matrix,
  catalog: readonly PlannedCase[],
  svgOf: (f: Finding) => string | null,
): string {
  const byId = new Map(catalog.map((c) => [c.id, c]));
  const rows = findings
    .map(
      (f) =>
        `<tr><td><a href="#${f.slug}">${esc(f.title)}</a></td><td>${esc(implementationsOf(f).join(', '))}</td><td>${casesOf(f).length}</td><td>${esc(f.status.state)}</td></tr>`,
    )
    .join('\n');
  const sections = findings
    .map((f) => {
      const versions = implementationsOf(f)
        .map((i) => `<li><strong>${esc(i)}</strong>: ${esc(versionOf(m, i))}</li>`)
        .join('');
      const cases = f.where
        .flatMap((w) =>
          w.cases.map((id) => {
            const c = byId.get(id);
            return `<li><code>${esc(id)}</code> (${esc(c?.level ?? '?')}) on ${esc(w.implementations.join(', '))}${c ? `<blockquote>${esc(c.doc.quote)} <a href="${esc(c.doc.url)}">source</a></blockquote>` : ''}</li>`;
          }),
        )
        .join('');
      const upstream = f.upstream.length
        ? f.upstream
            .map((u) => `<a href="${esc(u.url)}">${esc(u.title)}</a>${u.note ? ` (${esc(u.note)})` : ''}`)
            .join('; ')
        : 'not reported upstream';
      const repro = f.repro
        ? `<pre>${(Object.keys(f.repro.expect) as ReproRuntime[]).map((r) => esc(reproCommand(f, r))).join('\n')}</pre>`
        : '<p>none yet</p>';
      const svg = svgOf(f);
      return `<section id="${f.slug}"><h2>${esc(f.title)} <span class="muted">${f.slug}</span></h2>
<ul>${versions}</ul><ul>${cases}</ul>
<p><strong>What goes wrong.</strong> ${inline(f.cause)}</p>
<p><strong>On the wire.</strong> ${inline(f.wire)}</p>
${svg && f.timeline ? `<details class="timeline" open><summary>wire timeline: ${esc(f.timeline.case)} under ${esc(f.timeline.implementation)}</summary>${svg}</details>` : ''}
<p><strong>Repro</strong> (docs/findings/${f.slug}.mjs; 1 = deviation shown, 0 = as documented)${f.repro?.packages ? `, after installing ${esc(f.repro.packages.join(', '))}` : ''}:</p>${repro}
<p><strong>Upstream.</strong> ${upstream}</p>
<p><strong>Status.</strong> ${esc(f.status.state)}: ${inline(f.status.note)}</p></section>`;
    })
    .join('\n');
  const body = `<h1>agent-conformance: findings</h1>
<p class="muted">${findings.length} findings · generated by <code>${SELF}</code> from docs/findings/findings.json and docs/results.json · <a href="findings.md">findings.md</a> · <a href="results.html">results</a></p>
<table><thead><tr><th>finding</th><th>implementations</th><th>cases</th><th>status</th></tr></thead><tbody>
${rows}
</tbody></table>
${sections}`;
  const css = `${BASE_CSS}
section { border-top: 1px solid var(--line); margin-top: 1.5rem; }
blockquote { margin: .3rem 0; padding: 0 .75rem; border-left: 3px solid var(--line); color: var(--muted); }
details.timeline svg { display: block; max-width: 100%; height: auto; }
pre { background: rgba(127,127,127,.1); padding: .5rem; overflow-x: auto; }`;
  return page('agent-conformance findings', body, inlineScript(''), css);
}

function readSvg(f: Finding): string | null {
  const file = timelineFile(f);
  return f.timeline && existsSync(file) ? readFileSync(file, 'utf8').trim() : null;
}

/** The report of a matrix column: `node@24` → DIR/node, `node@22` → DIR/node@node@22, `bun` → DIR/node@bun. */
export function reportDirOf(m: Matrix, impl: string): string | null {
  const i = m.implementations.find((x) => x.name === impl);
  if (!i) return null;
  if (i.subject !== 'node') return i.subject;
  if (i.runtime.name === 'node')
    return impl === 'node@24' ? 'node' : `node@node@${i.runtime.version.split('.')[0]}`;
  return `node@${i.runtime.name}`;
}

/** Redraws each finding's timeline from the reports of a matrix run; returns the findings it could not draw. */
export function writeTimelines(findings: readonly Finding[], m: Matrix, reportsDir: string): string[] {
  mkdirSync(FINDINGS_IMG, { recursive: true });
  const missed: string[] = [];
  for (const f of findings) {
    const t = f.timeline;
    if (!t) continue;
    const dir = reportDirOf(m, t.implementation);
    const file = dir && join(reportsDir, dir, 'report.json');
    if (!file || !existsSync(file)) {
      missed.push(`${f.slug} (no report for ${t.implementation})`);
      continue;
    }
    const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
    const r = report.results.find((x) => x.id === t.case);
    if (!r?.trace || !hasTimeline(r.trace)) {
      missed.push(`${f.slug} (${t.case} has no trace under ${t.implementation})`);
      continue;
    }
    const title = `${r.id} (${r.status}) under ${t.implementation}`;
    writeFileSync(timelineFile(f), `${renderTimeline(r.trace, { title, background: '#ffffff' })}\n`);
  }
  return missed;
}

/** The one line `npm run results` and this script print when the findings do not cover the matrix. */
export function describeCheck(c: FindingsCheck): string[] {
  return [
    ...c.unreported.map((p) => `no finding for ${p}: add it to docs/findings/findings.json`),
    ...c.stale.map((s) => `finding ${s} no longer fails: remove it from docs/findings/findings.json`),
    ...c.problems,
  ];
}

export async function writeFindings(options: { matrix?: Matrix; reportsDir?: string | null } = {}): Promise<{
  lines: string[];
}> {
  const matrix = options.matrix ?? loadMatrix();
  const findings = loadFindings();
  const catalog = await loadCatalog();
  const lines: string[] = [];
  if (options.reportsDir)
    for (const miss of writeTimelines(findings, matrix, options.reportsDir))
      lines.push(`timeline not drawn: ${miss}`);
  writeFileSync(FINDINGS_MD, renderFindingsMarkdown(findings, matrix, catalog));
  writeFileSync(FINDINGS_HTML, renderFindingsHtml(findings, matrix, catalog, readSvg));
  lines.push(...describeCheck(checkFindings(findings, matrix, catalog)));
  return { lines };
}

/** What test/findings.test.ts compares the committed pages with. */
export async function renderedFindings(): Promise<{ md: string; html: string }> {
  const matrix = loadMatrix();
  const findings = loadFindings();
  const catalog = await loadCatalog();
  return {
    md: renderFindingsMarkdown(findings, matrix, catalog),
    html: renderFindingsHtml(findings, matrix, catalog, readSvg),
  };
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { reports: { type: 'string' } } });
  const { lines } = await writeFindings({ reportsDir: values.reports ?? null });
  for (const l of lines) process.stderr.write(`findings: ${l}\n`);
  process.stderr.write(`findings: wrote ${FINDINGS_MD} and ${FINDINGS_HTML}\n`);
}
