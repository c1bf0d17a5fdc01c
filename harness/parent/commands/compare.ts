/**
 * agent-conformance compare <report.json | subject[@runtime]>… [--only-different] [--out DIR]
 *                           [--only <id>…] [--reporter <name>[:path]…] [--concurrency <n>]
 *
 * Each argument is a report (an existing `.json` file) or a subject to run now, optionally under a
 * runtime (`node@bun`, `node@node@22`, `./my.ts@deno`). Subjects run through the check command's
 * own pipeline (harness/parent/pipeline.ts), `--concurrency` implementations at a time (each runs
 * its cases as the check command does), each writing its usual
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
} from '../compare-matrix.ts';
import { LANE_OPTIONS, laneOptions } from '../container-setup.ts';
import { UsageError } from '../errors.ts';
import { compareExitCode, interruptedExitCode } from '../exit-codes.ts';
import { catchSignals, interrupted } from '../interrupt.ts';
import {
  CHECK_CONCURRENCY,
  DEFAULT_IMPLEMENTATIONS_AT_ONCE,
  executeCheck,
  type Io,
  type PreparedCheck,
  parseConcurrency,
  parseProtocol,
  prepareCheck,
} from '../pipeline.ts';
import { readJsonReport } from '../report/json.ts';
import { emitOutputs, type OutputTarget, resolveTargets, writeOutputFile } from '../report/output.ts';
import { type Report, summarize } from '../report/types.ts';
import { parseShard } from '../shard.ts';
import { BUILTIN_SUBJECTS } from '../subjects.ts';

const USAGE = `usage: agent-conformance compare <report.json | subject[@runtime]>… [options]

  <report.json>          a report written by an earlier run
  <subject[@runtime]>    run it now: node, node@bun, node@deno, node@node@22, ./myAgent.ts@bun; two
                         releases of a built-in: undici:6 undici:7 (installed on first use)
  --only-different       only the cases whose results differ (terminal, Markdown; the HTML opens filtered)
  --out <dir>            where compare.json, compare.html and compare.md go (default reports/compare/)
  --only <id>            compare only these cases (and run only them); repeatable
  --reporter <name>[:path]
                         terminal, json, html, markdown (default: all; "-" is stdout); repeatable
  --concurrency <n>      implementations run at once (default ${DEFAULT_IMPLEMENTATIONS_AT_ONCE}, 1 with --containers); each
                         shares the check command's case concurrency with the others running beside it
  --shard <i/n>          run only shard i of n of the cases (the matrix records it; merge joins them)
  --protocol <p>         http (default) | https: the subjects run now use TLS origins and https agents
  --containers, --toxiproxy <mode>, --toxiproxy-image <image>
                         the container lane, as for a single run

exit codes: 0 the matrix was produced · 2 usage error, or a subject could not be run at all
  130 / 143 interrupted by SIGINT / SIGTERM: no matrix; the runs under way keep incomplete reports`;

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
        concurrency: { type: 'string' },
        protocol: { type: 'string', default: 'http' },
        shard: { type: 'string' },
        ...LANE_OPTIONS,
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError(`compare: ${(err as Error).message}`);
  }
}

/**
 * Cases at once within each implementation's run: the check command's default shared among the
 * implementations running together, so the machine carries about as many cases at once as one check
 * run does, and timing-sensitive cases see the same load as when run alone.
 */
export function casesAtOnce(implementationsAtOnce: number): number {
  return Math.max(2, Math.ceil(CHECK_CONCURRENCY / implementationsAtOnce));
}

/**
 * Runs the subjects `concurrency` at a time; the reports come back in argument order. Each run is
 * the check command's own (same cases, same case concurrency), so a column's verdicts are those of
 * `agent-conformance <subject>` run alone.
 */
async function runAll(
  loaded: readonly (Report | PreparedCheck)[],
  inputs: readonly CompareInput[],
  only: readonly string[],
  concurrency: number,
  io: Io,
): Promise<{ reports: Report[]; interrupted: NodeJS.Signals | null }> {
  const reports: Report[] = new Array(loaded.length);
  // SIGINT/SIGTERM: the runs under way stop and keep their incomplete reports (executeCheck); no
  // other starts.
  const release = catchSignals();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < loaded.length && !interrupted(); i = next++) {
      const item = loaded[i]!;
      if (!('plan' in item)) {
        reports[i] = restrict(item, only);
        continue;
      }
      const arg = inputs[i]?.arg ?? '';
      io.err.write(`compare: running ${arg}\n`);
      const { report, file } = await executeCheck(item);
      const s = report.summary.byStatus;
      io.err.write(
        `compare: ${implementationLabel(report)}: ${report.summary.total} cases, ${s.pass} pass, ${s.fail} fail` +
          `${s.error + s.timeout ? `, ${s.error + s.timeout} error/timeout` : ''} (${(report.durationMs / 1000).toFixed(1)} s) → ${file}\n`,
      );
      if (report.fatal) io.err.write(`agent-conformance: ${arg} could not be run: ${report.fatal.message}\n`);
      reports[i] = report;
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, loaded.length) }, worker));
  } finally {
    release();
  }
  return { reports, interrupted: interrupted() };
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
  const protocol = parseProtocol(values.protocol);
  const shard = values.shard === undefined ? undefined : parseShard(values.shard);
  if (shard && positionals.some((arg) => parseCompareArg(arg).kind === 'report'))
    throw new UsageError('compare: --shard runs subjects; give subjects, not reports');
  const lane = laneOptions(values);
  // Real servers are shared per run, and the reuse-race cases time requests to the millisecond: with
  // --containers, implementations run one after another unless --concurrency says otherwise.
  const concurrency = parseConcurrency(
    values.concurrency ?? (lane.containers ? '1' : String(DEFAULT_IMPLEMENTATIONS_AT_ONCE)),
  );
  const onlyDifferent = values['only-different'];
  const outDir = resolve(values.out ?? 'reports/compare');
  const targets = resolveTargets(values.reporter, {
    outDir,
    defaultFiles: COMPARE_FILES,
    whenNone: ['terminal', 'html', 'markdown'],
    command: 'compare',
  });

  // Every argument is checked (reports read, subjects and runtimes resolved) before anything runs.
  const inputs = positionals.map((arg) => parseCompareArg(arg));
  const loaded: (Report | PreparedCheck)[] = [];
  const outDirs = new Set<string>();
  for (const input of inputs) {
    if (input.kind === 'report') {
      loaded.push(readReport(input));
      continue;
    }
    const prepared = await prepareCheck({
      subjectSpec: input.subjectSpec,
      runtime: input.runtime,
      only: values.only,
      trace: false,
      concurrency: casesAtOnce(concurrency),
      io,
      progress: false,
      protocol,
      ...(shard ? { shard } : {}),
      ...lane,
    });
    // Two columns of the same subject and runtime run at once: each keeps its own report.
    let outDir = prepared.outDir;
    for (let n = 2; outDirs.has(outDir); n++) outDir = `${prepared.outDir}-${n}`;
    outDirs.add(outDir);
    loaded.push({ ...prepared, outDir });
  }

  const { reports, interrupted } = await runAll(loaded, inputs, values.only, concurrency, io);
  if (interrupted) {
    const kept = reports.filter(Boolean).length;
    io.err.write(
      `agent-conformance: compare interrupted by ${interrupted}: no matrix written; ${kept} of ${loaded.length} reports kept (the runs under way marked incomplete)\n`,
    );
    return interruptedExitCode(interrupted);
  }
  const couldNotRun = reports.filter((r, i) => inputs[i]?.kind === 'subject' && r.fatal).length;

  const matrix = compareReports(reports);
  if (shard) matrix.shard = shard;
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
  return compareExitCode(couldNotRun);
}
