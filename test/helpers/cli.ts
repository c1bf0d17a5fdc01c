/** Runs the real CLI in a child process, as a user would, and reads the report it wrote. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Report } from '../../harness/parent/report/types.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(ROOT, 'bin/agent-conformance.mjs');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  out: string;
  report: Report | null;
}

export function tempDir(prefix = 'acp-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** `agent-conformance ...args --out <tmp>`; the report is read back when one was written. */
export function runCli(
  args: string[],
  options: {
    out?: string | false;
    cwd?: string;
    timeoutMs?: number;
    env?: NodeJS.ProcessEnv;
    /** Run under this limit on open files (`ulimit -n`, soft and hard; POSIX shells). */
    openFiles?: number;
  } = {},
): Promise<CliRun> {
  const out = options.out === false ? '' : (options.out ?? tempDir());
  const argv = [BIN, ...args, ...(out ? ['--out', out] : [])];
  return new Promise((resolve, reject) => {
    const [command, commandArgs] =
      options.openFiles === undefined
        ? [process.execPath, argv]
        : ['/bin/sh', ['-c', `ulimit -n ${options.openFiles} && exec "$@"`, 'sh', process.execPath, ...argv]];
    const child = spawn(command, commandArgs, {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c;
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`agent-conformance ${args.join(' ')} did not finish in ${options.timeoutMs ?? 120_000} ms`),
      );
    }, options.timeoutMs ?? 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const file = out ? join(out, 'report.json') : '';
      const report = file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Report) : null;
      resolve({ code, stdout, stderr, out, report });
    });
  });
}

/** Verdicts of a report keyed by case id. */
export function statuses(report: Report | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of report?.results ?? []) out[r.id] = r.status;
  return out;
}
