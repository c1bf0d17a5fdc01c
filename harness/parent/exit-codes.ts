/**
 * Every exit status the CLI gives (and the API's `exitCode`), decided here and nowhere else:
 * - 0: the run measured what it should and no `must` case failed (with an expectation file: nothing
 *   unexpected; a command that only prints or writes: it did);
 * - 1: a `must` case failed (with an expectation file: a result it does not expect);
 * - 2: the run itself broke: a usage or setup error, an internal error, a case in `error` or
 *   `timeout`, a subject that could not be run;
 * - 130 / 143: the run was interrupted by SIGINT / SIGTERM (the report is incomplete).
 * bin/agent-conformance.mjs sets the process's exit code from these (and exits 2 itself on a Node
 * too old to load them).
 */
import { SetupError, UsageError } from './errors.ts';
import type { CaseResult, Report } from './report/types.ts';

export type ExitCode = 0 | 1 | 2 | 130 | 143;

/** The exit status of a run stopped by a signal: 128 + its number, as a shell reports it. */
export function interruptedExitCode(signal: string): 130 | 143 {
  return signal === 'SIGTERM' ? 143 : 130;
}

/**
 * 0: every `must` case passed; 1: a `must` case failed; 2: the run itself broke (or the subject did);
 * 130/143: the run was interrupted by SIGINT/SIGTERM (the report is incomplete).
 */
export function exitCodeFor(report: Report): ExitCode {
  if (report.incomplete) return interruptedExitCode(report.incomplete.signal);
  if (report.fatal) return 2;
  let code: 0 | 1 | 2 = 0;
  for (const r of report.results) code = Math.max(code, resultExitCode(r)) as 0 | 1 | 2;
  return code;
}

/**
 * What one result does to a run's exit status without an expectation file: 2 for a case in `error`
 * or `timeout`, 1 for a failed `must` case, else 0. `exitCodeFor` takes the worst; the github
 * reporter annotates every result above 0.
 */
export function resultExitCode(r: Pick<CaseResult, 'status' | 'level'>): 0 | 1 | 2 {
  if (r.status === 'error' || r.status === 'timeout') return 2;
  return r.status === 'fail' && r.level === 'must' ? 1 : 0;
}

/** A run checked against an expectation file: 2 if the run broke, 1 for `surprises` results, else 0. */
export function expectationsExitCode(report: Report, surprises: number): 0 | 1 | 2 {
  if (exitCodeFor(report) === 2) return 2;
  return surprises > 0 ? 1 : 0;
}

/** A run that rewrites its expectation file: 2 if it measured nothing or broke, else 0. */
export function updateExitCode(report: Report): 0 | 2 {
  return report.fatal || exitCodeFor(report) === 2 ? 2 : 0;
}

/** `compare`: 2 when a subject it was given could not be run, else 0 (the matrix is the result). */
export function compareExitCode(couldNotRun: number): 0 | 2 {
  return couldNotRun > 0 ? 2 : 0;
}

/** The exit status and the line for an error that escaped a command. */
export function exitCodeOf(err: unknown): { code: 2; line: string } {
  if (err instanceof UsageError || err instanceof SetupError) return { code: 2, line: err.message };
  const e = err as Error | undefined;
  return { code: 2, line: `internal error: ${e?.stack ?? String(err)}` };
}
