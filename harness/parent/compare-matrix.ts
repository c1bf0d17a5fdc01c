/**
 * `compare a.json b.json …`: a case × implementation matrix (Autobahn's index, test262.fyi,
 * wpt.fyi's diff view) with per-area totals, "passed by N of M" per case and a `different` flag per
 * row (the implementations did not all end the same way, a case missing from a report included),
 * and its terminal, Markdown and self-contained HTML renderings.
 */
import { UsageError } from './errors.ts';
import { BASE_CSS, badge, esc, inlineScript, page } from './report/html.ts';
import { mdCode, mdText, STATUS_EMOJI } from './report/markdown.ts';
import { plain, statusMark } from './report/terminal.ts';
import { emptyCounts, type Level, type Report, type Status, type StatusCounts } from './report/types.ts';

export interface MatrixImplementation {
  /** `subject.name@runtime.name runtime.version`, made unique with ` #2`, ` #3`… */
  label: string;
  /** The column header: `node@24`, `bun`, `undici`, `myAgent@deno`… unique in the matrix. */
  name: string;
  subject: string;
  runtime: { name: string; version: string };
  suiteVersion: string;
  startedAt: string;
  fatal: string | null;
  /** Over the cases of its report. */
  byStatus: StatusCounts;
}

export interface MatrixRow {
  id: string;
  area: string;
  level: Level;
  title: string;
  /** One per implementation, in `implementations` order; null when its report lacks the case. */
  cells: (Status | null)[];
  /** How many implementations passed it ("passed by N of M"; M = implementations.length). */
  passedBy: number;
  different: boolean;
  /** `info` rows only (measurements): each implementation's `observed`, beside its cell. */
  observed?: (string | null)[];
}

export interface MatrixArea {
  area: string;
  cases: number;
  /** Per implementation: cases of this area that passed. */
  passed: number[];
  /** Per implementation: cases of this area its report has. */
  present: number[];
}

export interface Matrix {
  implementations: MatrixImplementation[];
  rows: MatrixRow[];
  areas: MatrixArea[];
  /** Things the reader must know (suite versions differ, a report is fatal). */
  warnings: string[];
  /** `--shard i/n`: the matrix holds only that shard of the cases (`agent-conformance merge` joins them). */
  shard?: { index: number; total: number };
}

export interface CompareOptions {
  onlyDifferent?: boolean;
}

export function implementationLabel(report: Report): string {
  const { subject } = report;
  return `${subject.name}@${subject.runtime.name} ${subject.runtime.version}`;
}

const MODULE_EXT = /\.[cm]?[jt]s$/;

/**
 * Candidate column names for a report, shortest first: `node` (the built-in) under a runtime is
 * named by the runtime (`node@24`, `bun`, `deno`); any other subject by its name or file name
 * (`undici`, `myAgent`), with `@<runtime>` when that is not Node (`undici@bun`). Longer forms add
 * the runtime's version, then the subject as given.
 */
function nameCandidates(report: Report): string[] {
  const { subject } = report;
  const rt = subject.runtime;
  const builtin = subject.module.startsWith('builtin:');
  const file = subject.name.split(/[\\/]/).pop() ?? subject.name;
  const short = (builtin ? subject.name : file.replace(MODULE_EXT, '')) || subject.name;
  const major = rt.version.split('.')[0] ?? rt.version;
  const rtShort = rt.name === 'node' ? `node@${major}` : rt.name;
  const rtFull = `${rt.name}@${rt.version}`;
  if (builtin && subject.name === 'node') return [rtShort, rtFull, rtFull];
  return [
    rt.name === 'node' ? short : `${short}@${rtShort}`,
    `${short}@${rtFull}`,
    `${subject.name}@${rtFull}`,
  ];
}

/** Short, unique column names: the shortest candidate that no other column shares, else ` #2`… */
export function implementationNames(reports: readonly Report[]): string[] {
  const candidates = reports.map(nameCandidates);
  const level = reports.map(() => 0);
  const nameAt = (i: number) => candidates[i]![level[i]!]!;
  for (let round = 0; round < 2; round++) {
    const count = new Map<string, number>();
    for (let i = 0; i < reports.length; i++) count.set(nameAt(i), (count.get(nameAt(i)) ?? 0) + 1);
    for (let i = 0; i < reports.length; i++) if ((count.get(nameAt(i)) ?? 0) > 1) level[i]!++;
  }
  const seen = new Map<string, number>();
  return reports.map((_, i) => {
    const base = nameAt(i);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base} #${n}`;
  });
}

export function compareReports(reports: readonly Report[]): Matrix {
  if (reports.length === 0) throw new UsageError('compare needs at least one report');
  const names = implementationNames(reports);
  const seen = new Map<string, number>();
  const implementations = reports.map((report, index): MatrixImplementation => {
    const base = implementationLabel(report);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    const byStatus = emptyCounts();
    for (const r of report.results) byStatus[r.status]++;
    return {
      label: n === 1 ? base : `${base} #${n}`,
      name: names[index]!,
      subject: report.subject.name,
      runtime: { ...report.subject.runtime },
      suiteVersion: report.suite.version,
      startedAt: report.startedAt,
      fatal: report.fatal?.message ?? null,
      byStatus,
    };
  });

  // Rows in first-seen order, grouped by area (areas in first-seen order too).
  const meta = new Map<string, { area: string; level: Level; title: string }>();
  const areaOrder: string[] = [];
  for (const report of reports) {
    for (const r of report.results) {
      if (!meta.has(r.id)) meta.set(r.id, { area: r.area, level: r.level, title: r.title });
      if (!areaOrder.includes(r.area)) areaOrder.push(r.area);
    }
  }
  const statusOf = reports.map((report) => new Map(report.results.map((r) => [r.id, r.status])));
  const observedOf = reports.map((report) => new Map(report.results.map((r) => [r.id, r.observed])));
  const rows: MatrixRow[] = [];
  for (const area of areaOrder) {
    for (const [id, m] of meta) {
      if (m.area !== area) continue;
      const cells = statusOf.map((byId) => byId.get(id) ?? null);
      rows.push({
        id,
        ...m,
        cells,
        passedBy: cells.filter((c) => c === 'pass').length,
        different: new Set(cells).size > 1,
        ...(m.level === 'info' ? { observed: observedOf.map((byId) => byId.get(id) ?? null) } : {}),
      });
    }
  }
  const areas = areaOrder.map((area): MatrixArea => {
    const inArea = rows.filter((r) => r.area === area);
    return {
      area,
      cases: inArea.length,
      passed: reports.map((_, i) => inArea.filter((r) => r.cells[i] === 'pass').length),
      present: reports.map((_, i) => inArea.filter((r) => r.cells[i] !== null).length),
    };
  });

  const warnings: string[] = [];
  const versions = [...new Set(implementations.map((i) => i.suiteVersion))];
  if (versions.length > 1)
    warnings.push(`the reports come from different suite versions: ${versions.join(', ')}`);
  for (const i of implementations) if (i.fatal) warnings.push(`${i.label}: fatal: ${i.fatal}`);
  return { implementations, rows, areas, warnings };
}

function visibleRows(m: Matrix, options: CompareOptions): MatrixRow[] {
  return options.onlyDifferent ? m.rows.filter((r) => r.different) : m.rows;
}

/** Control characters (ANSI escapes included) from a report can't drive the terminal. */
function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

const MISSING_MARK = '·';

export function renderCompareTerminal(m: Matrix, options: CompareOptions = {}): string {
  const n = m.implementations.length;
  const differ = m.rows.filter((r) => r.different).length;
  const out = [
    `agent-conformance compare — ${n} implementations, ${m.rows.length} cases, ${differ} different`,
  ];
  const names = m.implementations.map((impl) => printable(impl.name));
  const nameWidth = Math.max(...names.map((x) => x.length));
  m.implementations.forEach((impl, i) => {
    const fatal = impl.fatal ? `  FATAL: ${impl.fatal}` : '';
    out.push(
      `  ${names[i]!.padEnd(nameWidth)}  ${printable(impl.label)}  (suite ${printable(impl.suiteVersion)})${printable(fatal)}`,
    );
  });
  for (const w of m.warnings) out.push(`warning: ${printable(w)}`);
  // One column per implementation, as wide as its name (and its area totals).
  const widths = names.map((name, i) =>
    Math.max(name.length, ...m.areas.map((a) => `${a.passed[i]}/${a.present[i]}`.length)),
  );
  const row = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' ');
  const header = row(names);
  const rows = visibleRows(m, options);
  for (const area of m.areas) {
    const inArea = rows.filter((r) => r.area === area.area);
    if (inArea.length === 0) continue;
    const totals = row(area.passed.map((p, i) => `${p}/${area.present[i]}`));
    out.push('', printable(area.area), `  ${header}  passed`, `  ${totals}  (pass per implementation)`);
    for (const r of inArea) {
      const cells = row(r.cells.map((c) => (c ? statusMark(c, plain) : MISSING_MARK)));
      const level = r.level === 'must' ? '' : ` (${r.level})`;
      out.push(
        `  ${cells}  ${`${r.passedBy}/${n}`.padEnd(6)} ${printable(r.id)}${level}${r.different ? '  *' : ''}`,
      );
      r.observed?.forEach((o, i) => {
        if (o) out.push(`      [${i + 1}] ${printable(o)}`);
      });
    }
  }
  if (options.onlyDifferent && rows.length === 0) out.push('', 'no case differs');
  out.push(
    '',
    `legend: ✓ pass  ✗ fail  ○ unsupported  - skip  ! error  ⧗ timeout  ${MISSING_MARK} not in that report  * different`,
  );
  return `${out.join('\n')}\n`;
}

export function renderCompareMarkdown(m: Matrix, options: CompareOptions = {}): string {
  const n = m.implementations.length;
  const differ = m.rows.filter((r) => r.different).length;
  const out = [
    `## agent-conformance compare: ${n} implementations, ${m.rows.length} cases, ${differ} different`,
    '',
  ];
  for (const impl of m.implementations) {
    out.push(
      `- **${mdText(impl.name)}**: ${mdText(impl.label)} (suite ${mdText(impl.suiteVersion)})${impl.fatal ? ' — **fatal**' : ''}`,
    );
  }
  out.push('');
  for (const w of m.warnings) out.push(`> **warning:** ${mdText(w)}`, '');
  const rows = visibleRows(m, options);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  for (const area of m.areas) {
    const inArea = rows.filter((r) => r.area === area.area);
    if (inArea.length === 0) continue;
    out.push(`### ${mdText(area.area)}`, '');
    out.push(line(['case', 'level', ...m.implementations.map((impl) => mdText(impl.name)), 'passed by']));
    out.push(line(['---', '---', ...m.implementations.map(() => ':---:'), '---:']));
    for (const r of inArea) {
      const cells = r.cells.map((c) => (c ? `${STATUS_EMOJI[c]} ${c}` : '—'));
      out.push(line([mdCode(r.id, { inTable: true }), r.level, ...cells, `${r.passedBy}/${n}`]));
    }
    const totals = area.passed.map((p, i) => `**${p}/${area.present[i]}**`);
    out.push(line(['**total pass**', '', ...totals, '']), '');
    for (const r of inArea.filter((row) => row.observed)) {
      out.push(`${mdCode(r.id)} measured:`, '');
      r.observed?.forEach((o, i) => {
        out.push(`- [${i + 1}] ${o ? mdText(o) : '—'}`);
      });
      out.push('');
    }
  }
  if (options.onlyDifferent && rows.length === 0) out.push('_No case differs._', '');
  return `${out.join('\n').trimEnd()}\n`;
}

const COMPARE_CSS = `${BASE_CSS}
table.matrix td.cell { text-align: center; }
table.matrix tr.area th { background: var(--soft); text-align: left; }
table.matrix td.missing { color: var(--muted); }
table.matrix tr.different td.id { font-weight: 600; }
`;

const COMPARE_SCRIPT = `(() => {
  'use strict';
  const box = document.getElementById('only-different');
  const rows = Array.from(document.querySelectorAll('tr.case'));
  const areas = Array.from(document.querySelectorAll('tbody.area'));
  const shown = document.getElementById('shown');
  function apply() {
    let n = 0;
    for (const r of rows) {
      r.hidden = box.checked && r.dataset.different !== 'true';
      if (!r.hidden) n++;
    }
    for (const a of areas) a.hidden = !a.querySelector('tr.case:not([hidden])');
    shown.textContent = String(n);
  }
  box.addEventListener('change', apply);
  apply();
})();`;

/** With `onlyDifferent` the page opens with the "only cases that differ" box ticked (untick it for all). */
export function renderCompareHtml(m: Matrix, options: CompareOptions = {}): string {
  const n = m.implementations.length;
  const differ = m.rows.filter((r) => r.different).length;
  const impls = m.implementations
    .map(
      (impl) =>
        `<li><strong>${esc(impl.name)}</strong>: <code>${esc(impl.label)}</code> <span class="muted">suite ${esc(impl.suiteVersion)} · ${esc(impl.startedAt)}</span>` +
        `${impl.fatal ? ` <strong>fatal: ${esc(impl.fatal)}</strong>` : ''}</li>`,
    )
    .join('\n');
  const warnings = m.warnings.map((w) => `<div class="banner warning">${esc(w)}</div>`).join('\n');
  const head = `<thead><tr><th>case</th><th>level</th>${m.implementations
    .map((impl) => `<th title="${esc(impl.label)}">${esc(impl.name)}</th>`)
    .join('')}<th>passed by</th></tr></thead>`;
  const bodies = m.areas
    .map((area) => {
      const rows = m.rows
        .filter((r) => r.area === area.area)
        .map((r) => {
          const cells = r.cells
            .map((c, i) => {
              if (!c) return '<td class="cell missing">not run</td>';
              const o = r.observed?.[i];
              return `<td class="cell">${badge(c)}${o ? `<div class="muted observed">${esc(o)}</div>` : ''}</td>`;
            })
            .join('');
          return (
            `<tr class="case${r.different ? ' different' : ''}" data-different="${r.different}" data-id="${esc(r.id)}">` +
            `<td class="id"><code>${esc(r.id)}</code> <span class="muted">${esc(r.title)}</span></td><td>${r.level}</td>${cells}` +
            `<td class="n">${r.passedBy}/${n}</td></tr>`
          );
        })
        .join('\n');
      const totals = area.passed.map((p, i) => `<th class="n">${p}/${area.present[i]}</th>`).join('');
      return `<tbody class="area" data-area="${esc(area.area)}"><tr class="area"><th colspan="2">${esc(area.area)}</th>${totals}<th></th></tr>\n${rows}\n</tbody>`;
    })
    .join('\n');
  const body = `<header><h1>agent-conformance compare</h1>
<p class="muted">${n} implementations · ${m.rows.length} cases · ${differ} different</p>
<ul id="implementations">${impls}</ul>
${warnings}
</header>
<main>
<p><label><input type="checkbox" id="only-different"${options.onlyDifferent ? ' checked' : ''}> only cases that differ</label> <span class="muted">(<span id="shown">${m.rows.length}</span> of ${m.rows.length} shown)</span></p>
<table class="matrix">${head}
${bodies}
</table>
</main>`;
  return page('agent-conformance compare', body, inlineScript(COMPARE_SCRIPT), COMPARE_CSS);
}
