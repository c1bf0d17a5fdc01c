/**
 * agent-conformance timeline <report.json> <case-id> [--out file.svg]
 *
 * Writes one case's wire timeline (../report/timeline.ts) as a standalone SVG file: by default
 * `<case id, "/" → "_">.svg` next to the report, or where `--out` says (`-` is stdout). The case
 * must have a trace: every case that did not pass keeps one, and every case under `--trace`.
 * Bad input (no such file, not a report, no such case, no trace) is one line and exit 2.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.ts';
import type { Io } from '../pipeline.ts';
import { writeOutputFile } from '../report/output.ts';
import { hasTimeline, renderTimeline } from '../report/timeline.ts';
import type { CaseResult } from '../report/types.ts';

export const TIMELINE_USAGE = `usage: agent-conformance timeline <report.json> <case-id> [--out file.svg]

  <report.json>          a report written by an earlier run
  <case-id>              a case of that report with a trace (failures keep one; --trace keeps all)
  --out <file>           where the SVG goes (default: <case-id, / as _>.svg beside the report; - is stdout)
  -h, --help             this text`;

/** `maxSockets/limit-per-origin` → `maxSockets_limit-per-origin.svg`; nothing else survives either. */
export function timelineFileName(id: string): string {
  const safe = id.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  return `${safe.slice(0, 200) || 'case'}.svg`;
}

function readResults(file: string): CaseResult[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`timeline: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let report: unknown;
  try {
    report = JSON.parse(text);
  } catch {
    throw new UsageError(`timeline: ${file} is not JSON`);
  }
  const results = (report as { results?: unknown } | null)?.results;
  if (!Array.isArray(results) || results.some((r) => typeof (r as CaseResult | null)?.id !== 'string'))
    throw new UsageError(`timeline: ${file} is not an agent-conformance report.json`);
  return results as CaseResult[];
}

export async function timelineCommand(argv: string[], io: Io): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    throw new UsageError(`timeline: ${(err as Error).message}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out.write(`${TIMELINE_USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 2)
    throw new UsageError(
      `timeline: needs <report.json> <case-id> (got ${positionals.length ? positionals.join(' ') : 'nothing'})`,
    );
  const [reportArg, id] = positionals as [string, string];
  const file = resolve(reportArg);
  const results = readResults(file);
  const result = results.find((r) => r.id === id);
  if (!result) throw new UsageError(`timeline: no case ${id} in ${file}`);
  if (!Array.isArray(result.trace) || !hasTimeline(result.trace))
    throw new UsageError(
      `timeline: case ${id} has no wire trace in ${file}${result.status === 'pass' ? ' (a passing case keeps one only under --trace)' : ''}`,
    );
  const svg = `${renderTimeline(result.trace, { title: `${id} (${result.status})`, background: '#ffffff' })}\n`;
  if (values.out === '-') {
    io.out.write(svg);
    return 0;
  }
  const out = values.out === undefined ? resolve(dirname(file), timelineFileName(id)) : resolve(values.out);
  try {
    writeOutputFile(out, svg);
  } catch (err) {
    throw new UsageError(`timeline: cannot write ${out} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  io.out.write(`timeline: ${out}\n`);
  return 0;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}
