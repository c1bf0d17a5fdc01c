/**
 * `--expectations FILE` and `--update-expectations`: the CLI side of `harness/parent/expectation-file.ts`.
 *
 * With a file, the exit code is about surprises only: 1 when a case failed without an entry or
 * passed despite one (the entry must go), 0 otherwise, 2 still for usage and harness errors
 * (`error`/`timeout` are never expected). `--update-expectations` rewrites the file from the run,
 * changing only the entries that changed.
 */

import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PACKAGE_ROOT } from '../../shared/paths.ts';
import { UsageError } from '../errors.ts';
import { expectationsExitCode, updateExitCode } from '../exit-codes.ts';
import {
  compareToExpectations,
  type Expectations,
  formatExpectations,
  loadExpectations,
  updateExpectations,
} from '../expectation-file.ts';
import { writeOutputFile } from '../report/output.ts';
import type { Report } from '../report/types.ts';

/** The expectation files shipped with the package (`--expectations node`). */
export const SHIPPED_DIR = join(PACKAGE_ROOT, 'expectations');

export interface ExpectationsFile {
  /** Absolute path. */
  path: string;
  /** As the user should read it in messages: the argument, or the shipped file's name. */
  shown: string;
  /** A built-in name (`node`) resolved to the shipped file. */
  shipped: boolean;
}

/**
 * An existing file wins; otherwise a bare name (`node`) with a shipped `expectations/<name>.json`
 * is that file; otherwise the path as given (which may not exist yet, for --update-expectations).
 */
export function resolveExpectationsFile(arg: string, cwd = process.cwd()): ExpectationsFile {
  const path = resolve(cwd, arg);
  if (existsSync(path)) return { path, shown: arg, shipped: false };
  if (/^[A-Za-z0-9_-]+$/.test(arg)) {
    const shipped = join(SHIPPED_DIR, `${arg}.json`);
    if (existsSync(shipped))
      return { path: shipped, shown: `expectations/${arg}.json (built in)`, shipped: true };
  }
  return { path, shown: arg, shipped: false };
}

/** What the file holds before the run: loaded (an error is ERR_USAGE), or empty when it may be created. */
export function readExpectationsFor(file: ExpectationsFile, update: boolean): Expectations {
  if (update && file.shipped) {
    throw new UsageError(
      `--update-expectations needs a file path, not the built-in name (give ${file.path} to update the shipped file)`,
    );
  }
  if (update && !existsSync(file.path)) return {};
  return loadExpectations(file.path);
}

export interface ExpectationOutcome {
  code: 0 | 1 | 2;
  /** Lines for the reader (stdout): the summary and one line per unexpected case. */
  lines: string[];
  /** Warnings (stderr). */
  warnings: string[];
}

/** Compares the run to the file: exit 1 only on an unexpected fail or pass, 2 for harness errors. */
export function checkExpectations(
  report: Report,
  expectations: Expectations,
  file: ExpectationsFile,
): ExpectationOutcome {
  const cmp = compareToExpectations(report, expectations);
  const lines: string[] = [];
  const warnings = cmp.stale.map(
    (id) => `warning: ${file.shown} has an entry for ${id}, which is not a case of this suite: remove it`,
  );
  const surprises = cmp.unexpected.filter((u) => u.kind !== 'unexpected-status');
  lines.push(
    `expectations ${file.shown}: ${cmp.expectedFailures.length} expected, ` +
      `${surprises.length} unexpected${report.fatal ? ' (nothing was measured)' : ''}`,
  );
  // A fatal run has every case `error`: the fatal message says it all, once.
  for (const u of report.fatal ? [] : cmp.unexpected) {
    if (u.kind === 'unexpected-fail')
      lines.push(
        `unexpected ${u.actual}: ${u.id}${u.expected === 'pass' ? '' : ` (expected ${u.expected})`}`,
      );
    else if (u.kind === 'unexpected-pass')
      lines.push(`unexpected pass: ${u.id}: now passes: remove its entry from ${file.shown}`);
    else
      lines.push(
        `${u.actual}: ${u.id} (${u.actual === 'error' ? 'an error' : 'a timeout'} is never expected)`,
      );
  }
  return { code: expectationsExitCode(report, surprises.length), lines, warnings };
}

/** Rewrites the file from the run (only when its text changes); 0, or 2 when the run had errors. */
export function updateExpectationsFile(
  report: Report,
  existing: Expectations,
  file: ExpectationsFile,
): ExpectationOutcome {
  if (report.fatal) {
    return {
      code: updateExitCode(report),
      lines: [],
      warnings: [`${file.shown} not updated: the run measured nothing`],
    };
  }
  const next = updateExpectations(existing, report);
  const text = formatExpectations(next);
  const before = existsSync(file.path) ? readFileSync(file.path, 'utf8') : null;
  const lines: string[] = [];
  const describe = (id: string): string => {
    const r = report.results.find((x) => x.id === id);
    return r ? r.status : 'no such case';
  };
  const same = (a: Expectations[string] | undefined, b: Expectations[string] | undefined): boolean =>
    a !== undefined && b !== undefined && formatExpectations({ x: a }) === formatExpectations({ x: b });
  const changes: string[] = [];
  for (const id of Object.keys(next)) {
    if (!Object.hasOwn(existing, id))
      changes.push(`  + ${id} (${next[id]?.status}${next[id]?.reason ? '' : '; write its reason'})`);
    else if (same(existing[id], next[id]) === false) changes.push(`  ~ ${id} (now ${describe(id)})`);
  }
  for (const id of Object.keys(existing)) {
    if (!Object.hasOwn(next, id))
      changes.push(`  - ${id} (${describe(id) === 'pass' ? 'now passes' : describe(id)})`);
  }
  if (before === text) {
    lines.push(`expectations ${file.shown}: up to date`);
  } else {
    writeOutputFile(file.path, text);
    lines.push(
      `expectations ${file.shown}: ${before === null ? 'created' : 'updated'}${changes.length ? '' : ' (reformatted)'}`,
    );
    lines.push(...changes);
  }
  return { code: updateExitCode(report), lines, warnings: [] };
}
