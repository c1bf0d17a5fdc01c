/**
 * The reporters, by name, and the parser of the CLI flag `--reporter <name>[:path]` (repeatable).
 * Every reporter is a pure function of the canonical report; writing the file (or to stdout when
 * no path is given, as the CLI decides) is the caller's job.
 */
import { UsageError } from '../errors.ts';
import { renderGithub, unexpectedResults } from './github.ts';
import { renderHtml } from './html.ts';
import { renderJUnit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';
import { plain, renderTerminal } from './terminal.ts';
import type { Report } from './types.ts';

export type ReporterName = 'terminal' | 'json' | 'html' | 'markdown' | 'junit' | 'github';
export const REPORTER_NAMES: readonly ReporterName[] = [
  'terminal',
  'json',
  'html',
  'markdown',
  'junit',
  'github',
];

export interface Reporter {
  /** The file name used when the reporter is written to the output directory without a path. */
  defaultFile: string;
  render(report: Report): string;
}

export const reporters: Record<ReporterName, Reporter> = {
  terminal: { defaultFile: 'report.txt', render: (report) => renderTerminal(report, plain) },
  json: { defaultFile: 'report.json', render: (report) => `${JSON.stringify(report, null, 2)}\n` },
  html: { defaultFile: 'report.html', render: renderHtml },
  markdown: { defaultFile: 'report.md', render: (report) => renderMarkdown(report) },
  junit: { defaultFile: 'junit.xml', render: renderJUnit },
  // Always stdout, beside the terminal reporter; the CLI passes what the expectation file found
  // unexpected (./github.ts).
  github: { defaultFile: '', render: (report) => renderGithub(report, unexpectedResults(report)) },
};

export function isReporterName(name: string): name is ReporterName {
  return (REPORTER_NAMES as readonly string[]).includes(name);
}

export interface ReporterFlag {
  name: ReporterName;
  /** Where to write it; null: the caller's default (stdout or `<out>/<defaultFile>`). */
  path: string | null;
}

/**
 * `html` → { name: 'html', path: null }; `junit:out/junit.xml` → { name: 'junit', path: 'out/junit.xml' }.
 * Only the first `:` separates, so Windows-style `html:C:\r.html` keeps its drive letter.
 */
export function parseReporterFlag(value: string): ReporterFlag {
  const colon = value.indexOf(':');
  const name = (colon === -1 ? value : value.slice(0, colon)).trim();
  const rawPath = colon === -1 ? null : value.slice(colon + 1).trim();
  if (!isReporterName(name)) {
    const shown = JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name);
    throw new UsageError(`unknown reporter ${shown} in --reporter; use one of ${REPORTER_NAMES.join(', ')}`);
  }
  if (rawPath === '') {
    throw new UsageError(`--reporter ${name}: is missing a path after the colon`);
  }
  return { name, path: rawPath };
}
