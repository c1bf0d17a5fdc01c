/** Shared by the runtime launcher tests: run a program through a launcher the way the harness does. */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RuntimeLauncher } from '../../harness/parent/runtime/index.ts';

export const PROBE = fileURLToPath(new URL('./probe.ts', import.meta.url));
export const USES_NPM_PACKAGE = fileURLToPath(new URL('./uses-npm-package.ts', import.meta.url));

/** First install of a runtime downloads ~40 MB from the npm registry: allow for a slow link. */
export const INSTALL_TIMEOUT = 240_000;

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `file` under the launcher, with the env the harness gives the subject host. */
export function runWith(
  launcher: RuntimeLauncher,
  file: string,
  args: string[] = [],
  cwd: string = tmpdir(),
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(launcher.executable, launcher.argsFor(file, args), {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...launcher.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The single JSON line a program printed; fails when stdout holds anything else (banners, colours). */
export function onlyJsonLine(result: RunResult): Record<string, unknown> {
  if (result.code !== 0) throw new Error(`exited with ${result.code}: ${result.stderr.slice(-1000)}`);
  const lines = result.stdout.split('\n');
  if (lines.length !== 2 || lines[1] !== '')
    throw new Error(`stdout is not exactly one line: ${JSON.stringify(result.stdout)}`);
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `ac-runtime-${prefix}-`));
}
