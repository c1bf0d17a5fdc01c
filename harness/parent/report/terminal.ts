/**
 * The terminal view of a report: cases grouped by area, every case that did not pass with what was
 * expected, what was observed, the documentation's sentence and a command that runs it alone.
 * Colour only on a TTY and never with NO_COLOR (node:util's styleText checks both).
 */
import { styleText } from 'node:util';
import type { CaseResult, Report, Status } from './types.ts';

type Style = Parameters<typeof styleText>[0];

const MARK: Record<Status, [string, Style]> = {
  pass: ['✓', 'green'],
  fail: ['✗', 'red'],
  unsupported: ['○', 'cyan'],
  skip: ['-', 'gray'],
  error: ['!', 'magenta'],
  timeout: ['⧗', 'yellow'],
};

export type Paint = (style: Style, text: string) => string;

export function painter(stream: NodeJS.WriteStream = process.stdout): Paint {
  return (style, text) => styleText(style, text, { stream });
}

export const plain: Paint = (_style, text) => text;

export function statusMark(status: Status, paint: Paint): string {
  const [mark, style] = MARK[status];
  return paint(style, mark);
}

/** One sentence for an interrupted run (terminal, Markdown, HTML, JUnit). */
export function incompleteText(report: Report): string {
  const { signal, unfinished } = report.incomplete ?? { signal: '?', unfinished: [] };
  const list = unfinished.length > 8 ? `${unfinished.slice(0, 8).join(', ')}, …` : unfinished.join(', ');
  return `INCOMPLETE: interrupted by ${signal}; ${unfinished.length} case(s) did not finish${list ? `: ${list}` : ''}`;
}

function detail(r: CaseResult, paint: Paint): string[] {
  const lines: string[] = [];
  const pad = '      ';
  if (r.message) lines.push(`${pad}${paint('bold', r.status)}: ${r.message}`);
  if (r.status === 'fail' || r.status === 'error' || r.status === 'timeout') {
    if (r.expected) lines.push(`${pad}expected: ${r.expected}`);
    if (r.observed) lines.push(`${pad}observed: ${r.observed}`);
    if (r.variant) lines.push(`${pad}variant:  ${r.variant}`);
    lines.push(`${pad}docs:     "${r.doc.quote}"`);
    lines.push(`${pad}          ${paint('underline', r.doc.url)}`);
    lines.push(`${pad}repro:    ${r.repro}`);
  }
  return lines;
}

export function renderTerminal(report: Report, paint: Paint = plain): string {
  const out: string[] = [];
  const { subject } = report;
  out.push(
    paint('bold', `agent-conformance ${report.suite.version}`) +
      ` — subject ${subject.name} on ${subject.runtime.name} ${subject.runtime.version}`,
  );
  if (report.fatal) out.push(paint('red', `fatal: ${report.fatal.message}`));
  if (report.incomplete) out.push(paint('yellow', incompleteText(report)));
  const areas = new Map<string, CaseResult[]>();
  for (const r of report.results) areas.set(r.area, [...(areas.get(r.area) ?? []), r]);
  for (const [area, results] of areas) {
    const passed = results.filter((r) => r.status === 'pass').length;
    out.push('', `${paint('bold', area)}  ${passed}/${results.length}`);
    for (const r of results) {
      const level = r.level === 'must' ? '' : paint('gray', ` (${r.level})`);
      out.push(`  ${statusMark(r.status, paint)} ${r.id}${level}  ${paint('gray', r.title)}`);
      if (r.status !== 'pass') out.push(...detail(r, paint));
    }
  }
  const s = report.summary;
  const counts = (Object.entries(s.byStatus) as [Status, number][])
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
  const must = s.byLevel.must;
  out.push(
    '',
    `${s.total} cases: ${counts} — must: ${must.pass} pass, ${must.fail} fail` +
      ` (${(report.durationMs / 1000).toFixed(1)} s)`,
  );
  return `${out.join('\n')}\n`;
}
