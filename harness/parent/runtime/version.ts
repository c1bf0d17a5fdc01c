/** Asking an executable which runtime it is: `<exe> --version`. */
import { execFile } from 'node:child_process';
import process from 'node:process';

export type RuntimeName = 'node' | 'bun' | 'deno';

/** The first line `<exe> --version` prints; rejects when it cannot run or fails. */
export function versionOutput(executable: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      executable,
      ['--version'],
      {
        timeout: 30_000,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' },
      },
      (err, stdout, stderr) => {
        if (err) {
          const e = err as NodeJS.ErrnoException & { signal?: string | null };
          const why = e.signal
            ? `killed by ${e.signal}`
            : e.code === 'ENOENT' || e.code === 'EACCES'
              ? (e.code as string)
              : (stderr.trim().split('\n')[0] ?? e.message);
          reject(new Error(`\`${executable} --version\` failed (${why || e.message})`));
          return;
        }
        resolvePromise(stdout.trim().split('\n')[0]?.trim() ?? '');
      },
    );
  });
}

/**
 * Which runtime a `--version` line comes from: Node prints `v24.21.0`, Deno `deno 2.9.6 (stable, …)`,
 * Bun a bare `1.4.5` (or `1.4.5-canary.…`).
 */
export function parseVersionOutput(line: string): { name: RuntimeName; version: string } | null {
  let m = /^v(\d+\.\d+\.\d+\S*)$/.exec(line);
  if (m) return { name: 'node', version: m[1]! };
  m = /^deno (\d+\.\d+\.\d+\S*)/.exec(line);
  if (m) return { name: 'deno', version: m[1]! };
  m = /^(\d+\.\d+\.\d+\S*)$/.exec(line);
  if (m) return { name: 'bun', version: m[1]! };
  return null;
}

export function major(version: string): number {
  return Number.parseInt(version, 10);
}

/** `a >= b` for dotted numeric versions (pre-release tags ignored). */
export function versionAtLeast(a: string, b: string): boolean {
  const pa = a.split(/[.+-]/).map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split(/[.+-]/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < 3; i++) {
    const x = pa[i] ?? 0;
    const y = pb[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}
