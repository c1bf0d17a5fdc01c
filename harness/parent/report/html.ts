/**
 * The HTML view of a report: ONE self-contained file, readable offline (inline CSS and a small
 * inline script, no external resource). A summary by area and level, filters by status and by area,
 * then every case with its title, level, status, documentation sentence and link, expected vs
 * observed, message, duration, repro command and, when present, its wire transcript (collapsed).
 *
 * Everything is rendered here, escaped with escape-html; the script only toggles `hidden` from the
 * `data-*` attributes and the checkboxes, and never builds markup. A Content-Security-Policy allows
 * that one script (by hash) and nothing else, as a second line of defence.
 */

import { createHash } from 'node:crypto';
import escapeHtml from 'escape-html';
import { incompleteText } from './terminal.ts';
import { hasTimeline, renderTimeline, type TimelineLimit } from './timeline.ts';
import { type CaseResult, LEVELS, type Report, STATUSES, type Status, type TraceEntry } from './types.ts';

/** Escapes text for an HTML element or a quoted attribute value. */
export const esc: (value: string) => string = escapeHtml;

/** An http(s) URL for an href, or null. */
export function safeHref(value: string): string | null {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

export const STATUS_COLOR: Record<Status, string> = {
  pass: '#1a7f37',
  fail: '#cf222e',
  unsupported: '#0969da',
  skip: '#6e7781',
  error: '#8250df',
  timeout: '#bf8700',
};

/** The CSS both the report and the compare page use. */
export const BASE_CSS = `
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --bg: #fff; --line: #d1d9e0; --soft: #f6f8fa; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --line: #3d444d; --soft: #151b23; } }
* { box-sizing: border-box; }
body { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); margin: 0 auto; max-width: 1200px; padding: 1rem 1.5rem 4rem; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; } h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; }
.muted { color: var(--muted); }
code, pre { font: 12.5px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
code { background: var(--soft); padding: .1em .3em; border-radius: 4px; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { border: 1px solid var(--line); padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: var(--soft); }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; min-width: 6.5em; text-align: center; border-radius: 1em; padding: 0 .6em; color: #fff; font-weight: 600; font-size: 12px; }
${STATUSES.map((s) => `.s-${s} { background: ${STATUS_COLOR[s]}; }`).join('\n')}
.banner { border: 2px solid ${STATUS_COLOR.fail}; border-radius: 6px; padding: .5rem 1rem; margin: 1rem 0; }
fieldset { border: 1px solid var(--line); border-radius: 6px; margin: .5rem 0; }
fieldset label { margin-right: 1rem; white-space: nowrap; cursor: pointer; }
[hidden] { display: none !important; }
`;

/** A `<script>` with its CSP hash source. The code must not contain `</script`. */
export function inlineScript(code: string): { tag: string; hash: string } {
  const hash = `'sha256-${createHash('sha256').update(code).digest('base64')}'`;
  return { tag: `<script>${code}</script>`, hash };
}

/** `<!doctype html>` … with a CSP that allows the inline style and exactly the given script. */
export function page(
  title: string,
  body: string,
  script: { tag: string; hash: string },
  css: string,
): string {
  const csp = `default-src 'none'; style-src 'unsafe-inline'; script-src ${script.hash}; img-src data:; base-uri 'none'; form-action 'none'`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${css}</style>
</head>
<body>
${body}
${script.tag}
</body>
</html>
`;
}

const CSS = `${BASE_CSS}
.case { border: 1px solid var(--line); border-left: 6px solid var(--line); border-radius: 6px; padding: .5rem .75rem; margin: .5rem 0; }
${STATUSES.map((s) => `.case.s-${s}-case { border-left-color: ${STATUS_COLOR[s]}; }`).join('\n')}
.case h3 { font-size: 1rem; margin: 0; display: flex; gap: .5rem; align-items: baseline; flex-wrap: wrap; }
.case dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem .75rem; margin: .5rem 0 0; }
.case dt { color: var(--muted); } .case dd { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
blockquote { margin: .4rem 0; padding: 0 .75rem; border-left: 3px solid var(--line); color: var(--muted); }
details.trace summary { cursor: pointer; color: var(--muted); margin-top: .4rem; }
details.trace table { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
details.trace td.detail { white-space: pre-wrap; overflow-wrap: anywhere; max-width: 60rem; }
.tools button { margin-right: .5rem; }
details.timeline summary { cursor: pointer; color: var(--muted); margin-top: .4rem; }
details.timeline svg { display: block; max-width: 100%; height: auto; color: var(--fg); margin-top: .25rem; }
`;

/** Plain DOM: the checkboxes decide which `.case` (and which area section) is hidden. */
const SCRIPT = `(() => {
  'use strict';
  const boxes = Array.from(document.querySelectorAll('input[data-filter]'));
  const cases = Array.from(document.querySelectorAll('.case'));
  const sections = Array.from(document.querySelectorAll('section.area'));
  const shown = document.getElementById('shown');
  function apply() {
    const on = { status: new Set(), area: new Set() };
    for (const b of boxes) if (b.checked) on[b.dataset.filter].add(b.value);
    let n = 0;
    for (const c of cases) {
      const visible = on.status.has(c.dataset.status) && on.area.has(c.dataset.area);
      c.hidden = !visible;
      if (visible) n++;
    }
    for (const s of sections) s.hidden = !s.querySelector('.case:not([hidden])');
    shown.textContent = String(n);
  }
  for (const b of boxes) b.addEventListener('change', apply);
  function preset(statuses) {
    for (const b of boxes) if (b.dataset.filter === 'status') b.checked = statuses === null || statuses.includes(b.value);
    apply();
  }
  document.getElementById('show-all').addEventListener('click', () => preset(null));
  document.getElementById('show-problems').addEventListener('click', () => preset(['fail', 'error', 'timeout']));
  apply();
})();`;

function duration(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

export function badge(status: Status): string {
  return `<span class="badge s-${status}">${status}</span>`;
}

function countsRow(label: string, counts: Record<Status, number>, total: number): string {
  return `<tr><th scope="row">${esc(label)}</th>${STATUSES.map((s) => `<td class="n">${counts[s] || ''}</td>`).join('')}<td class="n">${total}</td></tr>`;
}

function summaryTable(report: Report, areas: Map<string, CaseResult[]>): string {
  const head = `<tr><th></th>${STATUSES.map((s) => `<th>${badge(s)}</th>`).join('')}<th>total</th></tr>`;
  const rows: string[] = [];
  for (const level of LEVELS) {
    const counts = report.summary.byLevel[level];
    rows.push(
      countsRow(
        level,
        counts,
        Object.values(counts).reduce((a, b) => a + b, 0),
      ),
    );
  }
  rows.push(countsRow('all', report.summary.byStatus, report.summary.total));
  const areaRows: string[] = [];
  for (const [area, results] of areas) {
    const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
    for (const r of results) counts[r.status]++;
    areaRows.push(countsRow(area, counts, results.length));
  }
  return `<h2>Summary</h2>
<table id="by-level"><caption class="muted">by level</caption><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>
<table id="by-area"><caption class="muted">by area</caption><thead>${head}</thead><tbody>${areaRows.join('')}</tbody></table>`;
}

function filters(report: Report, areas: Map<string, CaseResult[]>): string {
  const box = (filter: string, value: string, label: string) =>
    `<label><input type="checkbox" data-filter="${filter}" value="${esc(value)}" checked> ${label}</label>`;
  const statuses = STATUSES.map((s) => box('status', s, `${badge(s)} ${report.summary.byStatus[s]}`)).join(
    '',
  );
  const areaBoxes = [...areas]
    .map(([a, rs]) => box('area', a, `${esc(a)} <span class="muted">${rs.length}</span>`))
    .join('');
  return `<h2>Cases <span class="muted">(<span id="shown">${report.results.length}</span> of ${report.results.length} shown)</span></h2>
<fieldset id="status-filter"><legend>status</legend>${statuses}</fieldset>
<fieldset id="area-filter"><legend>area</legend>${areaBoxes}</fieldset>
<p class="tools"><button type="button" id="show-problems">only fail, error, timeout</button><button type="button" id="show-all">all statuses</button></p>`;
}

function traceTable(trace: readonly TraceEntry[]): string {
  const rows = trace
    .map(
      (e) =>
        `<tr><td class="n">${esc(e.t.toFixed(1))}</td><td>${esc(e.source)}</td><td>${esc(e.event)}</td>` +
        `<td class="detail">${e.detail ? esc(JSON.stringify(e.detail)) : ''}</td></tr>`,
    )
    .join('');
  return `<details class="trace"><summary>wire transcript (${trace.length} events)</summary>
<table><thead><tr><th>ms</th><th>source</th><th>event</th><th>detail</th></tr></thead><tbody>${rows}</tbody></table></details>`;
}

/**
 * The wire timeline (./timeline.ts): open for a case that did not pass, folded for a
 * passing one (whose trace is there only because the run used --trace).
 */
function timelineHtml(r: CaseResult, limit: TimelineLimit | undefined): string {
  if (!r.trace || !hasTimeline(r.trace)) return '';
  return `<details class="timeline"${r.status === 'pass' ? '' : ' open'}><summary>wire timeline</summary>
${renderTimeline(r.trace, { title: r.id, ...(limit ? { limit } : {}) })}</details>`;
}

function caseHtml(r: CaseResult, limits: HtmlOptions['limits']): string {
  const href = safeHref(r.doc.url);
  const link = href
    ? `<a href="${esc(href)}" rel="noreferrer">${esc(r.doc.url)}</a>`
    : `<span>${esc(r.doc.url)}</span>`;
  const field = (name: string, value: string | null) =>
    value === null ? '' : `<dt>${name}</dt><dd class="${name}">${esc(value)}</dd>`;
  return `<article class="case s-${r.status}-case" id="${esc(`case-${r.id}`)}" data-status="${r.status}" data-area="${esc(r.area)}" data-level="${r.level}">
<h3>${badge(r.status)} <code>${esc(r.id)}</code> <span>${esc(r.title)}</span> <span class="muted">${r.level} · ${duration(r.durationMs)}</span></h3>
<blockquote>“${esc(r.doc.quote)}” — ${link}</blockquote>
<dl>${field('expected', r.expected)}${field('observed', r.observed)}${field('message', r.message)}<dt>repro</dt><dd><code class="repro">${esc(r.repro)}</code></dd>${r.requires.length > 0 ? `<dt>requires</dt><dd>${esc(r.requires.join(', '))}</dd>` : ''}</dl>
${timelineHtml(r, limits?.[r.id])}${r.trace && r.trace.length > 0 ? traceTable(r.trace) : ''}
</article>`;
}

export interface HtmlOptions {
  /** Each case's cap on open connections (from its spec), drawn on its timeline. */
  limits?: Readonly<Record<string, TimelineLimit>>;
}

export function renderHtml(report: Report, options: HtmlOptions = {}): string {
  const { subject, suite } = report;
  const areas = new Map<string, CaseResult[]>();
  for (const r of report.results) areas.set(r.area, [...(areas.get(r.area) ?? []), r]);
  const must = report.summary.byLevel.must;
  const caps = Object.entries(subject.capabilities)
    .map(([k, v]) => `${esc(k)}: ${v ? 'yes' : 'no'}`)
    .join(' · ');
  const header = `<header>
<h1>${esc(suite.name)} ${esc(suite.version)} — <code>${esc(subject.name)}</code> on ${esc(subject.runtime.name)} ${esc(subject.runtime.version)}</h1>
<p class="muted">module <code>${esc(subject.module)}</code> · started ${esc(report.startedAt)} · ${(report.durationMs / 1000).toFixed(1)} s${report.selection.only.length > 0 ? ` · only ${esc(report.selection.only.join(' '))}` : ''}</p>
${caps ? `<p class="muted">capabilities: ${caps}</p>` : ''}
<p id="verdict"><strong>must: ${must.pass} pass, ${must.fail} fail</strong> · ${report.summary.total} cases</p>
${report.fatal ? `<div class="banner" id="fatal"><strong>fatal:</strong> ${esc(report.fatal.message)}</div>` : ''}
${report.incomplete ? `<div class="banner warning" id="incomplete">${esc(incompleteText(report))}</div>` : ''}
</header>`;
  const sections = [...areas]
    .map(([area, results]) => {
      const passed = results.filter((r) => r.status === 'pass').length;
      return `<section class="area" data-area="${esc(area)}"><h2>${esc(area)} <span class="muted">${passed}/${results.length} pass</span></h2>
${results.map((r) => caseHtml(r, options.limits)).join('\n')}
</section>`;
    })
    .join('\n');
  const body = `${header}\n<main>\n${summaryTable(report, areas)}\n${filters(report, areas)}\n${sections}\n</main>`;
  return page(
    `${suite.name}: ${subject.name} on ${subject.runtime.name} ${subject.runtime.version}`,
    body,
    inlineScript(SCRIPT),
    CSS,
  );
}
