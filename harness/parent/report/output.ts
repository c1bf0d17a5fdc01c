/**
 * Where the outputs of `--reporter <name>[:path]` go, and writing them. The flag parser and the
 * renderers live in `./index.ts`; this decides paths (a default file in the output directory, a
 * path relative to the working directory, or `-` for stdout) and rejects combinations that make no
 * sense before anything runs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import { parseReporterFlag, type ReporterName } from './index.ts';

export type OutputTarget =
  | { name: ReporterName; to: 'stdout' }
  | { name: ReporterName; to: 'file'; path: string };

export interface TargetOptions {
  /** The command's output directory: where reporters named without a path write. */
  outDir: string;
  /** The reporters this command has, with the file each writes by default (terminal: stdout). */
  defaultFiles: Partial<Record<ReporterName, string>>;
  /** The reporters used when no --reporter is given. */
  whenNone: ReporterName[];
  /** Names the command in errors (`compare`). */
  command?: string;
  /** The command has the `github` reporter (workflow commands on stdout, beside the terminal's). */
  github?: boolean;
  cwd?: string;
}

/** Reporters whose output can go to stdout with `-`: text a pipe or a CI step can use (and github). */
const STDOUT_OK: ReadonlySet<ReporterName> = new Set(['terminal', 'json', 'markdown', 'junit']);

export function resolveTargets(flags: readonly string[], options: TargetOptions): OutputTarget[] {
  const cwd = options.cwd ?? process.cwd();
  const parsed = flags.length
    ? flags.map(parseReporterFlag)
    : options.whenNone.map((name) => ({ name, path: null }));
  const targets = parsed.map((flag): OutputTarget => {
    const { name, path } = flag;
    if (name === 'github' && options.github) {
      if (path !== null)
        throw new UsageError('--reporter github writes workflow commands to stdout: give no path');
      return { name, to: 'stdout' };
    }
    if (name !== 'terminal' && options.defaultFiles[name] === undefined) {
      const has = ['terminal', ...Object.keys(options.defaultFiles)].join(', ');
      throw new UsageError(`${options.command ?? 'this command'} has no ${name} reporter; use one of ${has}`);
    }
    if (path === '-' || (path === null && name === 'terminal')) {
      if (!STDOUT_OK.has(name))
        throw new UsageError(`--reporter ${name}:- : ${name} cannot go to stdout; give a file path`);
      return { name, to: 'stdout' };
    }
    const file =
      path === null ? resolve(options.outDir, options.defaultFiles[name] ?? '') : resolve(cwd, path);
    return { name, to: 'file', path: file };
  });
  const toStdout = targets.filter((t) => t.to === 'stdout' && t.name !== 'github').map((t) => t.name);
  if (toStdout.length > 1) {
    throw new UsageError(
      `only one reporter can write to stdout (got ${toStdout.join(', ')}); give the others a file path`,
    );
  }
  return targets;
}

/** Whether a reporter other than the terminal one owns stdout (then the chatter goes to stderr). */
export function stdoutTaken(targets: readonly OutputTarget[]): boolean {
  return targets.some((t) => t.to === 'stdout' && t.name !== 'terminal' && t.name !== 'github');
}

export function writeOutputFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/**
 * Writes every target's rendering: to stdout, or to its file unless that file is `canonical` (already
 * written by the command). Then names the files written, after `written` (the canonical lines): on
 * stdout, or on stderr when a reporter other than the terminal one owns stdout.
 */
export function emitOutputs(
  targets: readonly OutputTarget[],
  render: (target: OutputTarget) => string,
  options: { canonical: string; written: string[]; out: NodeJS.WritableStream; err: NodeJS.WritableStream },
): void {
  const written = [...options.written];
  for (const t of targets) {
    if (t.to === 'stdout') options.out.write(render(t));
    else if (t.path !== options.canonical) {
      writeOutputFile(t.path, render(t));
      written.push(`${t.name}: ${t.path}`);
    }
  }
  (stdoutTaken(targets) ? options.err : options.out).write(`${written.join('\n')}\n`);
}
