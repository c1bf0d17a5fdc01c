/**
 * The Markdown view of a report, for a GitHub step summary ($GITHUB_STEP_SUMMARY) or a PR comment:
 * a title, the counts, a table per area, then every case that did not pass with its documentation
 * sentence, expected vs observed, the message and the command that runs it alone.
 *
 * Everything that comes from the subject (names, messages, observed values, headers) goes through
 * `mdText` or `mdCode`, so a hostile string can neither break a table nor inject HTML or links.
 */

import escapeHtml from 'escape-html';
import { incompleteText } from './terminal.ts';
import { type CaseResult, LEVELS, type Level, type Report, STATUSES, type Status } from './types.ts';

export const STATUS_EMOJI: Record<Status, string> = {
  pass: '✅',
  fail: '❌',
  unsupported: '⚪',
  skip: '⏭️',
  error: '⚠️',
  timeout: '⏱️',
};

/** Most to least urgent: the order of the detail sections. */
const URGENCY: readonly Status[] = ['fail', 'timeout', 'error', 'unsupported', 'skip', 'pass'];

export interface MarkdownOptions {
  /** At most this many cases get a detail section (PR comments are capped at 65,536 characters). */
  maxDetails?: number;
}

/**
 * Inline text, safe anywhere in a line, a table cell included: Markdown punctuation is
 * backslash-escaped (so `|`, `[`, `*`, `` ` `` are literal), then `& < > " '` become entities (so no
 * HTML tag or entity from the input survives), and line breaks become `<br>`.
 */
export function mdText(value: string): string {
  const punct = value.replace(/[\\`*_{}[\]()#!|~]/g, '\\$&');
  return escapeHtml(punct).replace(/\r\n|\r|\n/g, '<br>');
}

/**
 * A code span holding `value` literally (one line): the fence is longer than any backtick run in it.
 * In a table cell (`inTable`), `|` is written `\|`: GFM splits cells before it parses code spans.
 */
export function mdCode(value: string, options: { inTable?: boolean } = {}): string {
  let text = value.replace(/\s*[\r\n]+\s*/g, ' ');
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || text === '' ? ' ' : '';
  if (options.inTable) text = text.replace(/\|/g, '\\|');
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A URL usable as a Markdown link target, or null when it is not http(s). */
export function mdUrl(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  return url.href.replace(
    /[()<>\s]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function statusLabel(status: Status): string {
  return `${STATUS_EMOJI[status]} ${status}`;
}

function duration(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

/** `keepAlive/reuse` → `case-keepalive-reuse`, the anchor of its detail section. */
function anchor(id: string): string {
  return `case-${id.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
}

function groupByArea(results: readonly CaseResult[]): Map<string, CaseResult[]> {
  const areas = new Map<string, CaseResult[]>();
  for (const r of results) {
    const list = areas.get(r.area);
    if (list) list.push(r);
    else areas.set(r.area, [r]);
  }
  return areas;
}

function countsLine(report: Report): string {
  const s = report.summary;
  const parts = STATUSES.filter((st) => s.byStatus[st] > 0).map(
    (st) => `${STATUS_EMOJI[st]} ${s.byStatus[st]} ${st}`,
  );
  const must = s.byLevel.must;
  return (
    `**${s.total} cases**: ${parts.join(' · ') || 'none'} — ` +
    `**must: ${must.pass} pass, ${must.fail} fail**` +
    ` (${(report.durationMs / 1000).toFixed(1)} s)`
  );
}

function levelTable(report: Report): string[] {
  const lines = [row(['level', ...STATUSES.map(statusLabel)]), row(['---', ...STATUSES.map(() => '---:')])];
  for (const level of LEVELS) {
    const counts = report.summary.byLevel[level as Level];
    lines.push(row([level, ...STATUSES.map((st) => String(counts[st]))]));
  }
  return lines;
}

/** The first line of a message, at most 120 characters, for a table cell. */
function short(message: string | null): string {
  if (message === null) return '';
  const line = message.split(/\r?\n|\r/)[0] ?? '';
  return mdText(line.length > 120 ? `${line.slice(0, 119)}…` : line);
}

function areaTable(area: string, results: CaseResult[]): string[] {
  const passed = results.filter((r) => r.status === 'pass').length;
  const lines = [`### ${mdText(area)} — ${passed}/${results.length} pass`, ''];
  lines.push(
    row(['status', 'case', 'level', 'title', 'message', 'time']),
    row(['---', '---', '---', '---', '---', '---:']),
  );
  for (const r of results) {
    const code = mdCode(r.id, { inTable: true });
    const id = r.status === 'pass' ? code : `[${code}](#${anchor(r.id)})`;
    lines.push(
      row([statusLabel(r.status), id, r.level, mdText(r.title), short(r.message), duration(r.durationMs)]),
    );
  }
  return lines;
}

function detail(r: CaseResult): string[] {
  const lines = [
    `<a id="${anchor(r.id)}"></a>`,
    `#### ${STATUS_EMOJI[r.status]} ${mdCode(r.id)} — ${r.status} (${r.level})`,
    '',
    mdText(r.title),
    '',
  ];
  const url = mdUrl(r.doc.url);
  const source = url ? ` — [${mdText(r.doc.url.replace(/^https?:\/\//, ''))}](${url})` : '';
  lines.push(`> “${mdText(r.doc.quote)}”${source}`, '');
  if (r.expected !== null) lines.push(`- **expected:** ${mdText(r.expected)}`);
  if (r.observed !== null) lines.push(`- **observed:** ${mdText(r.observed)}`);
  if (r.variant) lines.push(`- **variant:** ${mdText(r.variant)}`);
  if (r.message !== null) lines.push(`- **message:** ${mdText(r.message)}`);
  lines.push(`- **repro:** ${mdCode(r.repro)}`, '');
  return lines;
}

export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const maxDetails = options.maxDetails ?? 50;
  const { subject, suite } = report;
  const out: string[] = [
    `## agent-conformance: ${mdText(subject.name)} on ${mdText(subject.runtime.name)} ${mdText(subject.runtime.version)}` +
      ` (${mdText(suite.name)} ${mdText(suite.version)})`,
    '',
  ];
  if (report.fatal) out.push(`> [!CAUTION]`, `> **fatal:** ${mdText(report.fatal.message)}`, '');
  if (report.incomplete) out.push(`> [!WARNING]`, `> ${mdText(incompleteText(report))}`, '');
  out.push(countsLine(report), '', ...levelTable(report), '');

  for (const [area, results] of groupByArea(report.results)) out.push(...areaTable(area, results), '');

  const failing = report.results
    .filter((r) => r.status !== 'pass')
    .sort((a, b) => URGENCY.indexOf(a.status) - URGENCY.indexOf(b.status));
  if (failing.length > 0) {
    out.push(`### Not passing (${failing.length})`, '');
    for (const r of failing.slice(0, maxDetails)) out.push(...detail(r));
    if (failing.length > maxDetails) {
      out.push(`_… and ${failing.length - maxDetails} more: see the JSON or HTML report._`, '');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}
