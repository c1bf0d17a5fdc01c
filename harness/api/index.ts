/**
 * `agent-conformance`: the programmatic API. `run()` is the check command (`agent-conformance
 * <subject> [options]`) without its printing: same options, same report.json written, the report
 * object and the exit code the CLI would use returned; `compare()` runs several subjects (or reads
 * reports) and returns the case × implementation matrix; `listCases()` is `--list`. The CLI
 * (harness/parent/cli.ts) is a layer over `prepareRun()` that parses arguments and renders.
 *
 * ```ts
 * import { run } from 'agent-conformance';
 * const { report, exitCode } = await run('./myAgent.ts', { only: ['maxSockets'] });
 * ```
 *
 * Bad options throw `UsageError`, an environment that cannot run (no Docker engine for
 * `containers`, a runtime that cannot be installed) `SetupError`; a subject that fails to load is a
 * report with `fatal` set (exit code 2), as for the CLI.
 */
import { Writable } from 'node:stream';
import { SUITE } from '../parent/build-report.ts';
import { parseCompareArg } from '../parent/commands/compare.ts';
import {
  checkExpectations,
  type ExpectationOutcome,
  readExpectationsFor,
  resolveExpectationsFile,
  updateExpectationsFile,
} from '../parent/commands/expectations.ts';
import { compareReports, type Matrix } from '../parent/compare-matrix.ts';
import { laneOptions } from '../parent/container-setup.ts';
import { UsageError } from '../parent/errors.ts';
import { type ExitCode, exitCodeFor } from '../parent/exit-codes.ts';
import { compareToExpectations, type Unexpected } from '../parent/expectation-file.ts';
import {
  CHECK_CONCURRENCY,
  executeCheck,
  type Io,
  parseConcurrency,
  parseProtocol,
  prepareCheck,
} from '../parent/pipeline.ts';
import { loadCatalog } from '../parent/plan.ts';
import { unexpectedResults } from '../parent/report/github.ts';
import { readJsonReport } from '../parent/report/json.ts';
import type { Report } from '../parent/report/types.ts';
import { parseShard } from '../parent/shard.ts';
import { checkToxiproxyUrl } from '../parent/toxiproxy-url.ts';

export type { ExpectationOutcome } from '../parent/commands/expectations.ts';
export type { Matrix, MatrixArea, MatrixImplementation, MatrixRow } from '../parent/compare-matrix.ts';
export { SetupError, UsageError } from '../parent/errors.ts';
export type { Unexpected, UnexpectedKind } from '../parent/expectation-file.ts';
export type { CaseResult, Report, Status } from '../parent/report/types.ts';

/** The suite's name and version (`--version`). */
export const suite: { name: string; version: string } = { ...SUITE };

export interface RunOptions {
  /** `--only`: case ids, areas, or prefixes ending in `*` (default: every case). */
  only?: string[];
  /** `--runtime`: `node` (default), `node@22`, `bun`, `deno`, or the path of an executable. */
  runtime?: string;
  /** `--protocol`: `http` (default) or `https`. */
  protocol?: 'http' | 'https';
  /** `--containers`: the `servers` area against real servers in Docker. */
  containers?: boolean;
  /** `--toxiproxy`: `embedded` (default) or `container`. */
  toxiproxy?: 'embedded' | 'container';
  /** `--toxiproxy-image`, with `toxiproxy: 'container'`. */
  toxiproxyImage?: string;
  /** `--toxiproxy-url`: an external Toxiproxy API on loopback. */
  toxiproxyUrl?: string;
  /** `--expectations`: an expectation file, or `node` for the shipped one. */
  expectations?: string;
  /** `--update-expectations`: rewrite the `expectations` file from this run. */
  updateExpectations?: boolean;
  /** `--concurrency`: cases at once (default 8). */
  concurrency?: number;
  /** `--out`: where report.json goes (default `reports/<subject>[@<runtime>]/`, relative to the cwd). */
  out?: string;
  /** `--trace`: keep every case's wire transcript. */
  trace?: boolean;
  /** `--shard i/n` (e.g. `'2/4'`): run only that shard of the selected cases. */
  shard?: string;
  /**
   * Where progress (`[n/total]` per case on `err`) and setup lines go; default: nowhere. The CLI
   * passes process.stdout / process.stderr.
   */
  io?: Io;
}

export interface RunResult {
  report: Report;
  /** The report.json written. */
  file: string;
  /**
   * What the CLI exits with: 0 / 1 / 2 by the `must` cases (or, with `expectations`, by the
   * expectation file), 130 / 143 when interrupted.
   */
  exitCode: ExitCode;
  /** With `expectations`: the verdict against the file and its lines (null without one, or when interrupted). */
  expectations: ExpectationOutcome | null;
  /**
   * The results behind a non-zero exit code: with `expectations`, what the file did not expect
   * (failures, passes, every error and timeout); without, every failed `must` case, error and timeout.
   */
  unexpected: Unexpected[];
}

/** A run checked and ready: everything that can be a usage error was; nothing has run yet. */
export interface PreparedRun {
  /** The absolute folder report.json will be written to. */
  outDir: string;
  execute(): Promise<RunResult>;
}

function sink(): NodeJS.WriteStream {
  return new Writable({ write: (_chunk, _enc, done) => done() }) as unknown as NodeJS.WriteStream;
}

const silent = (): Io => ({ out: sink(), err: sink() });

/** Checks the options and resolves the subject, the cases, the runtime (installing it) and the lane. */
export async function prepareRun(subject: string, options: RunOptions = {}): Promise<PreparedRun> {
  const concurrency = parseConcurrency(String(options.concurrency ?? CHECK_CONCURRENCY));
  if (options.updateExpectations && options.expectations === undefined)
    throw new UsageError('--update-expectations needs --expectations <file>');
  if (options.updateExpectations && options.shard !== undefined)
    throw new UsageError('--update-expectations needs the whole run: it cannot be used with --shard');
  const toxiproxyUrl =
    options.toxiproxyUrl === undefined ? undefined : checkToxiproxyUrl(options.toxiproxyUrl);
  const lane = laneOptions({
    containers: options.containers === true,
    ...(options.toxiproxy === undefined ? {} : { toxiproxy: options.toxiproxy }),
    ...(options.toxiproxyImage === undefined ? {} : { 'toxiproxy-image': options.toxiproxyImage }),
    ...(toxiproxyUrl === undefined ? {} : { 'toxiproxy-url': toxiproxyUrl }),
  });
  const prepared = await prepareCheck({
    protocol: parseProtocol(options.protocol ?? 'http'),
    subjectSpec: subject,
    runtime: options.runtime ?? 'node',
    only: options.only ?? [],
    ...(options.out === undefined ? {} : { out: options.out }),
    trace: options.trace === true,
    concurrency,
    ...(options.shard === undefined ? {} : { shard: parseShard(options.shard) }),
    io: options.io ?? silent(),
    progress: options.io !== undefined,
    ...(toxiproxyUrl === undefined ? {} : { toxiproxyUrl }),
    ...lane,
  });
  const update = options.updateExpectations === true;
  const file = options.expectations === undefined ? null : resolveExpectationsFile(options.expectations);
  const expected = file ? readExpectationsFor(file, update) : null;
  return {
    outDir: prepared.outDir,
    async execute() {
      const done = await executeCheck(prepared);
      const { report } = done;
      // An interrupted run gates nothing and updates no expectation file.
      if (report.incomplete || !file || !expected)
        return {
          ...done,
          exitCode: exitCodeFor(report),
          expectations: null,
          unexpected: unexpectedResults(report),
        };
      if (update) {
        const outcome = updateExpectationsFile(report, expected, file);
        const unexpected = unexpectedResults(report).filter((u) => u.kind === 'unexpected-status');
        return { ...done, exitCode: outcome.code, expectations: outcome, unexpected };
      }
      const outcome = checkExpectations(report, expected, file);
      const { unexpected } = compareToExpectations(report, expected);
      return { ...done, exitCode: outcome.code, expectations: outcome, unexpected };
    },
  };
}

/** Runs the subject (a built-in name or a module path) as `agent-conformance <subject>` would. */
export async function run(subject: string, options: RunOptions = {}): Promise<RunResult> {
  return (await prepareRun(subject, options)).execute();
}

export interface CompareOptions
  extends Pick<RunOptions, 'only' | 'protocol' | 'containers' | 'toxiproxy' | 'toxiproxyImage' | 'io'> {}

export interface CompareResult {
  matrix: Matrix;
  /** One report per argument, in order (read, or from the run). */
  reports: Report[];
}

/**
 * The case × implementation matrix of several subjects (each run now, one after another, its report
 * written to its usual folder) or Report objects / report.json paths. At least two.
 */
export async function compare(
  items: readonly (string | Report)[],
  options: CompareOptions = {},
): Promise<CompareResult> {
  if (items.length < 2) throw new UsageError(`compare needs at least 2 reports or subjects`);
  const reports: Report[] = [];
  for (const item of items) {
    if (typeof item !== 'string') {
      reports.push(item);
      continue;
    }
    // As on the command line: `node@bun` is node under bun, a `.json` file a report.
    const input = parseCompareArg(item);
    if (input.kind === 'report') reports.push(readJsonReport(input.file));
    else reports.push((await run(input.subjectSpec, { ...options, runtime: input.runtime })).report);
  }
  return { matrix: compareReports(reports), reports };
}

export interface CaseInfo {
  id: string;
  area: string;
  level: 'must' | 'should' | 'info';
  title: string;
}

/** Every case of the suite (`--list`). */
export async function listCases(): Promise<CaseInfo[]> {
  return (await loadCatalog()).map((c) => ({ id: c.id, area: c.area, level: c.level, title: c.title }));
}
