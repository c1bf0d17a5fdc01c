/**
 * npm run results: runs the published matrix (scripts/matrix.ts: Node's agent under Node 24, 22 and
 * 20, Bun and Deno; every other built-in subject under Node) through `agent-conformance compare` and
 * writes docs/results.md (the implementations, a summary table per area, every case whose results
 * differ with the documentation sentence it checks, and the cases that agree) and docs/results.html
 * (the compare page), docs/results.json (the matrix itself, compare.json), then the findings
 * (scripts/findings.ts: docs/findings.md and .html, their timelines from this run's reports). All are
 * committed; test/results.test.ts fails when they no longer name every case or the current suite
 * version, and test/findings.test.ts when a failure has no finding.
 *
 *   node scripts/results.ts                       run the matrix (a few minutes), then write the docs
 *   node scripts/results.ts --from compare.json   write the docs from a matrix already computed
 *                                                 (docs/results.json is one; the timelines stay)
 *
 * Run it niced on a shared machine: `nice -n 10 npm run results`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SUITE } from '../harness/parent/build-report.ts';
import { type Matrix, type MatrixRow, renderCompareHtml } from '../harness/parent/compare-matrix.ts';
import { loadCatalog, type PlannedCase } from '../harness/parent/plan.ts';
import { mdCode, mdText, mdUrl, STATUS_EMOJI } from '../harness/parent/report/markdown.ts';
import { RESULTS_JSON, writeFindings } from './findings.ts';
import { MATRIX } from './matrix.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const RESULTS_MD = join(ROOT, 'docs/results.md');
export const RESULTS_HTML = join(ROOT, 'docs/results.html');
/** The matrix itself (compare.json), committed beside the pages: the findings check reads it. */
export { RESULTS_JSON };

const COMMAND = 'npm run results';

/** The matrix run: its compare.json, and the directory holding each implementation's report. */
export interface MatrixRun {
  matrix: Matrix;
  /** `<dir>/<subject>[@runtime]/report.json`, as the check command writes them. */
  reportsDir: string | null;
}

function runMatrix(): MatrixRun {
  const cwd = mkdtempSync(join(tmpdir(), 'acp-results-'));
  const out = join(cwd, 'compare');
  const args = [
    join(ROOT, 'bin/agent-conformance.mjs'),
    'compare',
    ...MATRIX,
    '--reporter',
    'json',
    '--out',
    out,
  ];
  process.stderr.write(`results: agent-conformance compare ${MATRIX.join(' ')}\n`);
  const t0 = performance.now();
  const run = spawnSync(process.execPath, args, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
  process.stderr.write(`results: matrix in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  if (run.status !== 0) throw new Error(`compare exited with ${run.status ?? run.signal}`);
  process.stderr.write(`results: the implementations' reports are in ${join(cwd, 'reports')}\n`);
  const matrix = JSON.parse(readFileSync(join(out, 'compare.json'), 'utf8')) as Matrix;
  return { matrix, reportsDir: join(cwd, 'reports') };
}

function cell(status: MatrixRow['cells'][number]): string {
  return status ? `${STATUS_EMOJI[status]} ${status}` : '—';
}

/**
 * The documentation page at the sentence the case checks: its anchor plus a text fragment made of
 * the sentence's first words (browsers that support text fragments scroll to and highlight it).
 */
export function sentenceUrl(c: PlannedCase): string {
  const words = c.doc.quote.replace(/[`*]/g, '').split(/\s+/).filter(Boolean).slice(0, 6).join(' ');
  const encoded = encodeURIComponent(words).replace(/-/g, '%2D');
  return words ? `${c.doc.url}${c.doc.url.includes('#') ? '' : '#'}:~:text=${encoded}` : c.doc.url;
}

function docLink(c: PlannedCase | undefined, id: string): string {
  const url = c ? mdUrl(sentenceUrl(c)) : null;
  return url ? `[${mdCode(id, { inTable: true })}](${url})` : mdCode(id, { inTable: true });
}

export function renderResultsMarkdown(m: Matrix, catalog: readonly PlannedCase[]): string {
  const byId = new Map(catalog.map((c) => [c.id, c]));
  const names = m.implementations.map((i) => mdText(i.name));
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const versions = [...new Set(m.implementations.map((i) => i.suiteVersion))];
  const date =
    m.implementations
      .map((i) => i.startedAt)
      .sort()[0]
      ?.slice(0, 10) ?? '';
  const differ = m.rows.filter((r) => r.different).length;
  const out: string[] = [
    '# Published results',
    '',
    `Suite ${mdText(SUITE.name)} ${versions.map(mdText).join(', ')}, run on ${date}: ${m.rows.length} cases, ${differ} of them with results that differ.`,
    '',
    `How Node's own \`http.Agent\` under Node 24, 22 and 20, Bun and Deno, and the other built-in subjects`,
    `fare on the suite. Generated by \`${COMMAND}\` (scripts/results.ts); the same matrix as a page:`,
    '[results.html](results.html). What the statuses and levels mean:',
    '[README](../README.md#statuses-and-exit-codes); to run such a matrix yourself: [compare](compare.md).',
    'Every failure of these implementations on a `must` or `should` case is explained, with a standalone',
    'repro and its upstream status, in the [findings](findings.md).',
    '',
    '## Implementations',
    '',
    line(['column', 'subject', 'runtime', 'pass', 'fail', 'other']),
    line(['---', '---', '---', '---:', '---:', '---:']),
  ];
  for (const impl of m.implementations) {
    const s = impl.byStatus;
    const other = s.unsupported + s.skip + s.error + s.timeout;
    out.push(
      line([
        `**${mdText(impl.name)}**`,
        mdCode(impl.subject, { inTable: true }),
        `${mdText(impl.runtime.name)} ${mdText(impl.runtime.version)}`,
        String(s.pass),
        String(s.fail),
        `${other}${s.unsupported ? ` (${s.unsupported} unsupported)` : ''}`,
      ]),
    );
  }
  out.push('');
  for (const w of m.warnings) out.push(`> **warning:** ${mdText(w)}`, '');

  out.push('## Summary by area', '', 'Cases passed of the cases run, per implementation.', '');
  out.push(line(['area', 'cases', ...names]), line(['---', '---:', ...names.map(() => ':---:')]));
  for (const a of m.areas)
    out.push(
      line([
        `[${mdText(a.area)}](#${a.area.toLowerCase()})`,
        String(a.cases),
        ...a.passed.map((p, i) => `${p}/${a.present[i]}`),
      ]),
    );
  out.push('');

  for (const a of m.areas) {
    const rows = m.rows.filter((r) => r.area === a.area);
    const differing = rows.filter((r) => r.different);
    const same = rows.filter((r) => !r.different);
    out.push(`## ${mdText(a.area)}`, '');
    if (differing.length > 0) {
      out.push(
        `${differing.length} of ${rows.length} cases differ. Each links to the documentation it checks.`,
        '',
      );
      out.push(line(['case', 'level', ...names]), line(['---', '---', ...names.map(() => ':---:')]));
      for (const r of differing)
        out.push(line([docLink(byId.get(r.id), r.id), r.level, ...r.cells.map(cell)]));
      out.push('');
      for (const r of differing) {
        const c = byId.get(r.id);
        if (c)
          out.push(
            `- ${mdCode(r.id)}: ${mdText(c.title)}. ${c.doc.url.includes('rfc-editor.org') ? 'RFC 9112' : 'The docs'}: “${mdText(c.doc.quote)}”`,
          );
      }
      out.push('');
    } else {
      out.push(`All ${rows.length} cases give the same result everywhere.`, '');
    }
    if (same.length > 0) {
      const agreed = same.map((r) => `${mdCode(r.id)} (${r.cells[0] ?? 'not run'})`).join(', ');
      out.push(`Same everywhere: ${agreed}.`, '');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

export function renderResultsHtml(m: Matrix): string {
  return renderCompareHtml(m).replace(
    '<h1>agent-conformance compare</h1>',
    `<h1>agent-conformance: published results</h1>\n<p class="muted">suite ${SUITE.name} ${SUITE.version} · generated by <code>${COMMAND}</code> · <a href="results.md">results.md</a></p>`,
  );
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { from: { type: 'string' } } });
  const { matrix, reportsDir } = values.from
    ? { matrix: JSON.parse(readFileSync(values.from, 'utf8')) as Matrix, reportsDir: null }
    : runMatrix();
  const catalog = await loadCatalog();
  writeFileSync(RESULTS_MD, renderResultsMarkdown(matrix, catalog));
  writeFileSync(RESULTS_HTML, renderResultsHtml(matrix));
  writeFileSync(RESULTS_JSON, `${JSON.stringify(matrix, null, 2)}\n`);
  process.stderr.write(`results: wrote ${RESULTS_MD}, ${RESULTS_HTML} and ${RESULTS_JSON}\n`);
  // The findings follow the matrix: their versions, and (from this run's reports) their timelines.
  const { lines } = await writeFindings({ matrix, reportsDir });
  for (const l of lines) process.stderr.write(`results: findings: ${l}\n`);
}
