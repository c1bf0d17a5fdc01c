/**
 * `--reporter github`: GitHub Actions workflow commands on stdout. One `::error` annotation per
 * unexpected result (title: the case id; message: its `fail:` line, as the terminal prints it),
 * grouped by area in `::group::` blocks, and the Markdown report appended to the step summary
 * (`$GITHUB_STEP_SUMMARY`) when that variable is set. Nothing else: the passing cases, the counts
 * and the details are the summary's and the other reporters' business.
 *
 * "Unexpected" is what makes the run exit non-zero: with `--expectations`, the file's unexpected
 * failures, passes and every error or timeout; without, every failed `must` case and every error or
 * timeout (see `unexpectedResults`).
 */
import { appendFileSync } from 'node:fs';
import { resultExitCode } from '../exit-codes.ts';
import type { Unexpected } from '../expectation-file.ts';
import { renderMarkdown } from './markdown.ts';
import type { Report } from './types.ts';

/** Workflow command data: `%`, CR and LF escaped (GitHub's own toolkit does the same). */
export function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A workflow command property (`title=`): also `:` and `,`. */
export function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** Without an expectation file: the results that make the exit code non-zero. */
export function unexpectedResults(report: Report): Unexpected[] {
  const out: Unexpected[] = [];
  for (const r of report.results) {
    const code = resultExitCode(r);
    if (code > 0)
      out.push({
        id: r.id,
        expected: 'pass',
        actual: r.status,
        kind: code === 2 ? 'unexpected-status' : 'unexpected-fail',
      });
  }
  return out;
}

/** The workflow commands for a report and its unexpected results; '' when there is nothing to say. */
export function renderGithub(report: Report, unexpected: readonly Unexpected[]): string {
  const lines: string[] = [];
  if (report.fatal)
    lines.push(`::error title=${escapeProperty('agent-conformance')}::${escapeData(report.fatal.message)}`);
  const byId = new Map(report.results.map((r) => [r.id, r]));
  const areas = new Map<string, string[]>();
  // A fatal run has every case in error with the same message: the one line above says it.
  for (const u of report.fatal ? [] : unexpected) {
    const r = byId.get(u.id);
    if (!r) continue;
    const line =
      u.kind === 'unexpected-pass'
        ? `unexpected pass: the case now passes; remove its entry from the expectation file`
        : `${r.status}: ${r.message ?? '(no message)'}`;
    const list = areas.get(r.area) ?? [];
    list.push(`::error title=${escapeProperty(r.id)}::${escapeData(line)}`);
    areas.set(r.area, list);
  }
  for (const [area, errors] of areas) lines.push(`::group::${escapeData(area)}`, ...errors, '::endgroup::');
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** Writes the annotations to `out` and appends the Markdown report to the step summary, if any. */
export function emitGithub(
  report: Report,
  unexpected: readonly Unexpected[],
  options: { out: NodeJS.WritableStream; env?: NodeJS.ProcessEnv },
): void {
  const text = renderGithub(report, unexpected);
  if (text) options.out.write(text);
  const summary = (options.env ?? process.env).GITHUB_STEP_SUMMARY;
  if (summary) appendFileSync(summary, `${renderMarkdown(report)}\n`);
}
