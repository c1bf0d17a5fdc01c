/**
 * agent-conformance compare <report.json | subject[@runtime]>… [--only-different] [--out DIR]
 *                           [--only <id>…] [--reporter <name>[:path]…] [--concurrency <n>]
 *
 * Each argument is a report (an existing `.json` file) or a subject to run now, optionally under a
 * runtime (`node@bun`, `node@node@22`, `./my.ts@deno`). Subjects run one after another through the
 * check command's own pipeline (harness/pipeline.ts), each writing its usual
 * `reports/<subject>[@runtime]/report.json`. Then the case × implementation matrix: on the terminal,
 * and as compare.json (the Matrix), compare.html and compare.md in `--out` (default reports/compare/).
 *
 * Exit codes: 0 the matrix was produced (whatever the cases did); 2 a usage error (fewer than two
 * implementations, a bad argument, an unreadable report), or a subject that could not be run at all
 * (it did not load: its report is fatal; the matrix is still written, with a warning).
 */

import { statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { selected } from '../../shared/config.ts';
import {
  compareReports,
  implementationLabel,
  renderCompareHtml,
  renderCompareMarkdown,
  renderCompareTerminal,
} from '../compare.ts';
import { LANE_OPTIONS, laneOptions } from '../containers.ts';
import { UsageError } from '../errors.ts';
import { executeCheck, type Io, type PreparedCheck, parseConcurrency, prepareCheck } from '../pipeline.ts';
import { readJsonReport } from '../report/json.ts';
import { emitOutputs, type OutputTarget, resolveTargets, writeOutputFile } from '../report/output.ts';
import { type Report, summarize } from '../report/types.ts';
import { BUILTIN_SUBJECTS } from '../subjects.ts';

const USAGE = `usage: agent-conformance compare <report.json | subject[@runtime]>… [options]

  <report.json>          a report written by an earlier run
  <subject[@runtime]>    run it now: node, node@bun, node@deno, node@node@22, ./myAgent.ts@bun
  --only-different       only the cases whose results differ (terminal, Markdown; the HTML opens filtered)
  --out <dir>            where compare.json, compare.html and compare.md go (default reports/compare/)
  --only <id>            compare only these cases (and run only them); repeatable
  --reporter <name>[:path]
                         terminal, json, html, markdown (default: all; "-" is stdout); repeatable
  --concurrency <n>      suite files run at once per subject (default 3)
  --containers, --toxiproxy <mode>, --toxiproxy-image <image>
                         the container lane, as for a single run

exit codes: 0 the matrix was produced · 2 usage error, or a subject could not be run at all`;

export const COMPARE_FILES = { json: 'compare.json', html: 'compare.html', markdown: 'compare.md' } as const;

export type CompareInput =
  | { kind: 'report'; arg: string; file: string }
  | { kind: 'subject'; arg: string; subjectSpec: string; runtime: string };

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * `node@bun` → node under bun; `node@node@22` → node under node@22; `./my.ts@bun` → ./my.ts under bun.
 * The subject ends at the first `@` (after the first character) whose left side is a built-in
 * subject or an existing file; failing that, at the first `@`. A whole argument that is an existing
 * file is a path: a report when it ends in `.json`, a subject otherwise.
 */
export function parseCompareArg(arg: string, cwd = process.cwd()): CompareInput {
  const whole = resolve(cwd, arg);
  if (isFile(whole)) {
    return extname(arg) === '.json'
      ? { kind: 'report', arg, file: whole }
      : { kind: 'subject', arg, subjectSpec: arg, runtime: 'node' };
  }
  if (extname(arg) === '.json') throw new UsageError(`no such report: ${whole}`);
  const ats: number[] = [];
  for (let i = arg.indexOf('@', 1); i !== -1; i = arg.indexOf('@', i + 1)) ats.push(i);
  const split =
    ats.find((i) => {
      const left = arg.slice(0, i);
      return Object.hasOwn(BUILTIN_SUBJECTS, left) || isFile(resolve(cwd, left));
    }) ?? ats[0];
  if (split === undefined) return { kind: 'subject', arg, subjectSpec: arg, runtime: 'node' };
  const runtime = arg.slice(split + 1);
  if (runtime === '') throw new UsageError(`${arg}: no runtime after "@"`);
  return { kind: 'subject', arg, subjectSpec: arg.slice(0, split), runtime };
}

function readReport(input: { arg: string; file: string }): Report {
  let report: Report;
  try {
    report = readJsonReport(input.file);
  } catch (err) {
    throw new UsageError(`${input.arg}: not a readable report (${(err as Error).message.split('\n')[0]})`);
  }
  const ok =
    typeof report === 'object' &&
    report !== null &&
    Array.isArray(report.results) &&
    typeof report.subject?.name === 'string' &&
    typeof report.subject?.runtime?.name === 'string' &&
    typeof report.suite?.version === 'string';
  if (!ok) throw new UsageError(`${input.arg}: not an agent-conformance report.json`);
  return report;
}

/** The report restricted to the selection (a report file may hold more cases than --only names). */
function restrict(report: Report, only: readonly string[]): Report {
  if (only.length === 0) return report;
  const results = report.results.filter((r) => selected(r.id, only));
  return { ...report, results, summary: summarize(results) };
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'only-different': { type: 'boolean', default: false },
        out: { type: 'string' },
        only: { type: 'string', multiple: true, default: [] },
        reporter: { type: 'string', multiple: true, default: [] },
        concurrency: { type: 'string', default: '3' },
        ...LANE_OPTIONS,
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError(`compare: ${(err as Error).message}`);
  }
}

export async function compareCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.help) {
    io.out.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length < 2) {
    throw new UsageError(
      `compare needs at least 2 reports or subjects (got ${positionals.length ? positionals.join(' ') : 'none'})`,
    );
  }
  const concurrency = parseConcurrency(values.concurrency);
  const onlyDifferent = values['only-different'];
  const outDir = resolve(values.out ?? 'reports/compare');
  const targets = resolveTargets(values.reporter, {
    outDir,
    defaultFiles: COMPARE_FILES,
    whenNone: ['terminal', 'html', 'markdown'],
    command: 'compare',
  });

  const lane = laneOptions(values);
  // Every argument is checked (reports read, subjects and runtimes resolved) before anything runs.
  const inputs = positionals.map((arg) => parseCompareArg(arg));
  const loaded: (Report | PreparedCheck)[] = [];
  for (const input of inputs) {
    if (input.kind === 'report') loaded.push(readReport(input));
    else
      loaded.push(
        await prepareCheck({
          subjectSpec: input.subjectSpec,
          runtime: input.runtime,
          only: values.only,
          trace: false,
          concurrency,
          io,
          ...lane,
        }),
      );
  }

  const reports: Report[] = [];
  let couldNotRun = 0;
  for (const [i, item] of loaded.entries()) {
    if (!('plan' in item)) {
      reports.push(restrict(item, values.only));
      continue;
    }
    io.err.write(`compare: running ${inputs[i]?.arg}\n`);
    const { report, file } = await executeCheck(item);
    const s = report.summary.byStatus;
    io.err.write(
      `compare: ${implementationLabel(report)}: ${report.summary.total} cases, ${s.pass} pass, ${s.fail} fail` +
        `${s.error + s.timeout ? `, ${s.error + s.timeout} error/timeout` : ''} → ${file}\n`,
    );
    if (report.fatal) {
      couldNotRun++;
      io.err.write(`agent-conformance: ${inputs[i]?.arg} could not be run: ${report.fatal.message}\n`);
    }
    reports.push(report);
  }

  const matrix = compareReports(reports);
  if (matrix.rows.length === 0)
    throw new UsageError(
      `no case to compare: the reports have none matching --only ${values.only.join(' ')}`,
    );

  const canonical = resolve(outDir, COMPARE_FILES.json);
  const json = `${JSON.stringify(matrix, null, 2)}\n`;
  writeOutputFile(canonical, json);
  const render = (t: OutputTarget): string => {
    switch (t.name) {
      case 'terminal':
        return renderCompareTerminal(matrix, { onlyDifferent });
      case 'json':
        return json;
      case 'html':
        return renderCompareHtml(matrix, { onlyDifferent });
      case 'markdown':
        return renderCompareMarkdown(matrix, { onlyDifferent });
      default:
        throw new UsageError(`compare has no ${t.name} reporter`);
    }
  };
  emitOutputs(targets, render, {
    canonical,
    written: [`matrix: ${canonical}`],
    out: io.out,
    err: io.err,
  });
  return couldNotRun > 0 ? 2 : 0;
}
