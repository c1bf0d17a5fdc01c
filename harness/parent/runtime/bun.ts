/**
 * Bun, from the npm registry (`bun`, `bun@1.4.5`) or a given executable. Bun runs TypeScript natively
 * (enums included, also under node_modules) and resolves packages like Node.
 *
 * The npm package `bun` ships a placeholder `bin/bun.exe` that its postinstall script replaces; we
 * install it with `--ignore-scripts` and run the real binary from the platform package npm picked
 * among its optional dependencies (`@oven/bun-linux-x64/bin/bun`). On x64 Linux CPUs without AVX2
 * the `-baseline` build is installed instead, as Bun's own postinstall would.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { installError } from '../errors.ts';
import { installRuntime } from './install.ts';
import type { ResolveOptions, RuntimeLauncher } from './types.ts';
import { parseVersionOutput } from './version.ts';

/** The version a bare `--runtime bun` means. */
export const BUN_VERSION = '1.4.5';

export function bunLauncher(executable: string, version: string): RuntimeLauncher {
  return {
    name: 'bun',
    version,
    executable,
    // --no-install: never auto-install missing packages from npm at run time (Bun does that when no
    // node_modules folder is found); --no-env-file: do not load .env files from the cwd, as Node doesn't.
    argsFor: (file, args = []) => ['run', '--no-install', '--no-env-file', file, ...args],
    env: { NO_COLOR: '1' },
  };
}

function hasAvx2(): boolean {
  try {
    return /\bavx2\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return true;
  }
}

/** `bun`, or the baseline platform package where the default build would not run. */
export function bunPackage(): string {
  if (process.platform === 'linux' && process.arch === 'x64' && !hasAvx2()) {
    const musl = !(process.report?.getReport() as { header?: { glibcVersionRuntime?: string } })?.header
      ?.glibcVersionRuntime;
    return musl ? '@oven/bun-linux-x64-musl-baseline' : '@oven/bun-linux-x64-baseline';
  }
  return 'bun';
}

/** The real Bun binary inside an npm prefix: `node_modules/@oven/bun-<platform>/bin/bun`. */
function locateBun(prefix: string): string | null {
  const scope = join(prefix, 'node_modules', '@oven');
  let names: string[];
  try {
    names = readdirSync(scope).filter((n) => n.startsWith('bun-'));
  } catch {
    return null;
  }
  const exe = process.platform === 'win32' ? 'bun.exe' : 'bun';
  const preferred = `bun-${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  names.sort((a, b) => Number(b === preferred) - Number(a === preferred));
  for (const name of names) {
    const file = join(scope, name, 'bin', exe);
    if (existsSync(file)) return file;
  }
  return null;
}

export async function resolveBun(
  version: string | null,
  opts: ResolveOptions = {},
): Promise<RuntimeLauncher> {
  const wanted = version ?? BUN_VERSION;
  const { executable, versionLine } = await installRuntime({
    pkg: bunPackage(),
    version: wanted,
    cacheDir: opts.cacheDir,
    onInstall: opts.onInstall,
    locate: locateBun,
  });
  const parsed = parseVersionOutput(versionLine);
  if (parsed?.name !== 'bun')
    throw installError(`${executable} does not look like bun (--version: ${versionLine})`);
  return bunLauncher(executable, parsed.version);
}
