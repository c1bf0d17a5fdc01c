/**
 * Runtime launchers: turn `--runtime <spec>` into the command line that runs a TypeScript program
 * (the subject host) under Node, Bun or Deno, installing Bun, Deno or another Node line from the npm
 * registry into the cache on first use.
 *
 * Specs: `node` (the harness's own Node), `node@22` / `node@22.23.3`, `bun` / `bun@1.4.5`,
 * `deno` / `deno@2.9.6` (bare `bun`/`deno` mean BUN_VERSION / DENO_VERSION), or the path of an
 * executable (which runtime it is comes from its `--version`).
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import { bunLauncher, resolveBun } from './bun.ts';
import { denoLauncher, resolveDeno } from './deno.ts';
import { nodeLauncher, resolveNode } from './node.ts';
import type { ResolveOptions, RuntimeLauncher } from './types.ts';
import { parseVersionOutput, versionOutput } from './version.ts';

export { SetupError, UsageError } from '../errors.ts';
export { BUN_VERSION } from './bun.ts';
export { DENO_VERSION } from './deno.ts';
export { defaultCacheDir, runtimesDir } from './install.ts';
export type { ResolveOptions, RuntimeLauncher } from './types.ts';

const USAGE = 'use node, node@<major>, bun, deno or a path to an executable';
const EXAMPLE: Record<string, string> = { node: 'node@22', bun: 'bun@1.4.5', deno: 'deno@2.9.6' };

export async function resolveRuntime(spec: string, opts: ResolveOptions = {}): Promise<RuntimeLauncher> {
  const s = spec.trim();
  if (!s) throw new UsageError(`no runtime given: ${USAGE}`);
  const named = /^(node|bun|deno)(?:@(.*))?$/i.exec(s);
  if (named) {
    const name = named[1]!.toLowerCase();
    const version = named[2] ?? null;
    if (version !== null && !/^\d+(\.\d+){0,2}$/.test(version)) {
      throw new UsageError(
        `bad version "${version}" in runtime "${s}": use e.g. ${EXAMPLE[name]} (a major, major.minor or exact version)`,
      );
    }
    if (name === 'node') return resolveNode(version, opts);
    if (name === 'bun') return resolveBun(version, opts);
    return resolveDeno(version, opts);
  }
  if (looksLikePath(s)) return resolveExecutable(s, opts);
  throw new UsageError(`unknown runtime "${s}": ${USAGE}`);
}

function looksLikePath(s: string): boolean {
  return /[/\\]/.test(s) || s.startsWith('.') || s.startsWith('~') || existsSync(s);
}

/** A runtime given as the path of its executable; which one it is comes from `--version`. */
async function resolveExecutable(spec: string, opts: ResolveOptions): Promise<RuntimeLauncher> {
  const expanded = spec === '~' || spec.startsWith('~/') ? homedir() + spec.slice(1) : spec;
  const file = isAbsolute(expanded) ? expanded : resolve(expanded);
  if (!existsSync(file)) throw new UsageError(`runtime executable not found: ${file} (${USAGE})`);
  if (statSync(file).isDirectory())
    throw new UsageError(`runtime ${file} is a directory: give the path of a node, bun or deno executable`);
  try {
    accessSync(file, constants.X_OK);
  } catch {
    throw new UsageError(`runtime ${file} is not executable (chmod +x it, or ${USAGE})`);
  }
  let line: string;
  try {
    line = await versionOutput(file);
  } catch (err) {
    throw new UsageError(`cannot use ${file} as a runtime: ${(err as Error).message}`);
  }
  const kind = parseVersionOutput(line);
  if (!kind) {
    throw new UsageError(
      `cannot tell which runtime ${file} is (--version printed "${line.slice(0, 80)}"): give a node, bun or deno executable`,
    );
  }
  if (kind.name === 'node') return nodeLauncher(file, kind.version, opts.typescript ?? true);
  if (kind.name === 'bun') return bunLauncher(file, kind.version);
  return denoLauncher(file, kind.version, opts);
}
