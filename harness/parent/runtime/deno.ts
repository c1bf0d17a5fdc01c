/**
 * Deno, from the npm registry (`deno`, `deno@2.9.6`) or a given executable. The npm package `deno`
 * installs its binary through the platform optional dependency `@deno/<os>-<arch>[-glibc]`; its
 * postinstall script only wires up a shortcut, so we install it with `--ignore-scripts` and run
 * `node_modules/@deno/<platform>/deno` directly (not the package's Node wrapper `bin.cjs`).
 *
 * `deno run` flags, and why:
 * - `-A`: node:http, node:fs, env, sockets… without permission prompts (and none can appear).
 * - `--quiet`: no "Download …"/"Warning" lines (they go to stderr, but keep even that quiet).
 * - `--node-modules-dir=manual`: resolve bare specifiers (`import Agent from 'agentkeepalive'`) from the
 *   `node_modules` folder nearest the importing file, like Node, whatever the cwd; never install.
 * - `--cached-only`: no npm/jsr/https downloads at run time; a missing package is an error.
 * - `--no-lock`: never write a deno.lock into the user's project.
 * - `--unstable-sloppy-imports`: `import '../../runtime/x.js'` finds `x.ts`, as tsx and Bun do.
 * - `--unstable-detect-cjs`: a `.js` file using `require`/`module.exports` in a package without
 *   `"type"` runs as CommonJS, as in Node.
 * Env: `DENO_NO_UPDATE_CHECK` (no network check for a newer Deno), `DENO_NO_PROMPT`, `NO_COLOR`.
 *
 * Deno, like Node, refuses to strip types from `.ts` files under a `node_modules` folder in this mode
 * (ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING). So a program file that lives under node_modules (the
 * harness installed as a package) is run from a copy of its folder in the cache (see stageProgram).
 */
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import process from 'node:process';
import { installError, UsageError } from '../errors.ts';
import { defaultCacheDir, installRuntime } from './install.ts';
import type { ResolveOptions, RuntimeLauncher } from './types.ts';
import { parseVersionOutput, versionAtLeast } from './version.ts';

/** The version a bare `--runtime deno` means. */
export const DENO_VERSION = '2.9.6';
/** Oldest Deno with all the flags used here (2.0.x lacks --unstable-detect-cjs; 2.1.0 was tried). */
export const DENO_MIN_VERSION = '2.1.0';

export const DENO_RUN_FLAGS: readonly string[] = [
  'run',
  '-A',
  '--quiet',
  '--node-modules-dir=manual',
  '--cached-only',
  '--no-lock',
  '--unstable-sloppy-imports',
  '--unstable-detect-cjs',
];

export function denoLauncher(
  executable: string,
  version: string,
  opts: { cacheDir?: string } = {},
): RuntimeLauncher {
  if (!versionAtLeast(version, DENO_MIN_VERSION)) {
    throw new UsageError(`deno ${version} (${executable}) is too old: use Deno ${DENO_MIN_VERSION} or newer`);
  }
  const stagingRoot = join(opts.cacheDir ?? defaultCacheDir(), 'deno-staging');
  return {
    name: 'deno',
    version,
    executable,
    argsFor: (file, args = []) => [...DENO_RUN_FLAGS, stageProgram(file, stagingRoot), ...args],
    env: { NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1' },
  };
}

function isUnderNodeModules(file: string): boolean {
  return file.split(sep).includes('node_modules');
}

function listFiles(dir: string, base = dir, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) listFiles(full, base, out);
    else if (entry.isFile()) {
      const st = statSync(full);
      out.push(`${relative(base, full)}\0${st.size}\0${st.mtimeMs}`);
    }
  }
  return out;
}

/**
 * `file` itself, unless it lives under a node_modules folder: then a copy of the folder above its own
 * (recursively, without nested node_modules) in `<stagingRoot>/<hash>/`, keyed by that folder's path
 * and its files' sizes and mtimes. The program may import files of its own folder and of the
 * folders beside it by relative path (the host, in harness/subject, imports harness/shared), and npm
 * packages only from that tree; imports by absolute path (the subject module) are unaffected.
 */
export function stageProgram(file: string, stagingRoot: string): string {
  if (!isUnderNodeModules(file)) return file;
  const src = dirname(dirname(file));
  const key = createHash('sha256')
    .update(src)
    .update('\n')
    .update(listFiles(src).sort().join('\n'))
    .digest('hex')
    .slice(0, 16);
  const dest = join(stagingRoot, key);
  if (!existsSync(dest)) {
    const tmp = `${dest}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      cpSync(src, tmp, {
        recursive: true,
        filter: (from) => basename(from) !== 'node_modules' || from === src,
      });
      try {
        renameSync(tmp, dest);
      } catch (err) {
        if (!existsSync(dest)) throw err; // else: a concurrent run staged it first
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  return join(dest, relative(src, file));
}

/** The Deno binary inside an npm prefix: `node_modules/@deno/<platform>/deno`. */
function locateDeno(prefix: string): string | null {
  const scope = join(prefix, 'node_modules', '@deno');
  let names: string[];
  try {
    names = readdirSync(scope);
  } catch {
    return null;
  }
  const exe = process.platform === 'win32' ? 'deno.exe' : 'deno';
  for (const name of names) {
    const file = join(scope, name, exe);
    if (existsSync(file)) return file;
  }
  return null;
}

export async function resolveDeno(
  version: string | null,
  opts: ResolveOptions = {},
): Promise<RuntimeLauncher> {
  const wanted = version ?? DENO_VERSION;
  const { executable, versionLine } = await installRuntime({
    pkg: 'deno',
    version: wanted,
    cacheDir: opts.cacheDir,
    onInstall: opts.onInstall,
    locate: locateDeno,
  });
  const parsed = parseVersionOutput(versionLine);
  if (parsed?.name !== 'deno')
    throw installError(`${executable} does not look like deno (--version: ${versionLine})`);
  return denoLauncher(executable, parsed.version, opts);
}
