/**
 * Subjects: a built-in name (`node`, `agentkeepalive`, `undici`, `npmcli-agent`, and the proxy-only
 * `proxy-agents` and `hpagent`), optionally at an npm version (`undici:7`, `agentkeepalive:4.5.0`),
 * or a path to a module exporting `createAgent(options)`, `createDispatcher(options)` or a default
 * function, and/or a proxy factory (`createProxyAgent` / `createProxyDispatcher`,
 * harness/subject/proxy-contract.ts). Relative paths resolve against the working directory.
 *
 * A versioned built-in is the same module with the same option mapping, loading its package from an
 * npm prefix in the cache (`<cache>/packages/<builtin>@<version>`, installed on first use like the
 * runtimes) that the subject host is told about through SUBJECT_PACKAGES_ENV. `:` separates the
 * version because `@` already separates the runtime (`undici:7@bun` in `compare`).
 */

import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { codeFile } from '../shared/paths.ts';
import { SUBJECT_PACKAGES_ENV } from '../shared/protocol.ts';
import { installError, UsageError } from './errors.ts';
import { ensurePackage, type InstallRequest } from './runtime/install.ts';

export const BUILTIN_SUBJECTS: Record<string, string> = {
  node: codeFile('harness/subject/builtins/node'),
  agentkeepalive: codeFile('harness/subject/builtins/agentkeepalive'),
  undici: codeFile('harness/subject/builtins/undici'),
  'proxy-agents': codeFile('harness/subject/builtins/proxy-agents'),
  hpagent: codeFile('harness/subject/builtins/hpagent'),
  'npmcli-agent': codeFile('harness/subject/builtins/npmcli-agent'),
};

/**
 * The version of @npmcli/agent that `npmcli-agent` means: pinned (not "latest"), so that a run is
 * repeatable and a cached install is never stale; `npmcli-agent:<version>` picks another.
 */
export const NPMCLI_AGENT_VERSION = '4.0.2';

/**
 * The npm packages behind each built-in that can run at a version (`node` is the runtime's own:
 * its release is `--runtime node@<version>`). `defaultVersion`: not a dependency of the harness,
 * installed on demand even without a version.
 */
export const BUILTIN_PACKAGES: Record<string, { packages: readonly string[]; defaultVersion?: string }> = {
  undici: { packages: ['undici'] },
  agentkeepalive: { packages: ['agentkeepalive'] },
  'proxy-agents': { packages: ['http-proxy-agent', 'https-proxy-agent'] },
  hpagent: { packages: ['hpagent'] },
  'npmcli-agent': { packages: ['@npmcli/agent'], defaultVersion: NPMCLI_AGENT_VERSION },
};

/** A version as the subject syntax takes it: a major, major.minor or exact version. */
const VERSION = /^\d+(\.\d+){0,2}$/;

export const MODULE_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];

export interface ResolvedSubject {
  name: string;
  module: string;
  builtin: boolean;
  /** A built-in whose npm packages come from the cache, at this version (as asked: `7`, `4.0.2`). */
  packages?: { builtin: string; names: readonly string[]; version: string };
}

/** `undici:7` → `{ builtin: 'undici', version: '7' }`; null for anything else. */
export function parseVersionedBuiltin(spec: string): { builtin: string; version: string } | null {
  const m = /^([a-z][a-z-]*):(.*)$/.exec(spec);
  if (!m || !BUILTIN_SUBJECTS[m[1]!]) return null;
  return { builtin: m[1]!, version: m[2]! };
}

export function resolveSubject(spec: string, cwd = process.cwd()): ResolvedSubject {
  const looksLikePath =
    spec.includes('/') || spec.includes('\\') || MODULE_EXTENSIONS.includes(extname(spec));
  const versioned = looksLikePath ? null : parseVersionedBuiltin(spec);
  if (versioned) {
    const { builtin, version } = versioned;
    const pkg = BUILTIN_PACKAGES[builtin];
    if (!pkg)
      throw new UsageError(
        `${spec}: the built-in ${builtin} is the runtime's own agent: pick its release with --runtime ${builtin}@<version>`,
      );
    if (!VERSION.test(version))
      throw new UsageError(
        `bad version "${version}" in subject "${spec}": use e.g. ${builtin}:7 (a major, major.minor or exact npm version)`,
      );
    return {
      name: spec,
      module: BUILTIN_SUBJECTS[builtin]!,
      builtin: true,
      packages: { builtin, names: pkg.packages, version },
    };
  }
  const builtin = BUILTIN_SUBJECTS[spec];
  const onDemand = BUILTIN_PACKAGES[spec]?.defaultVersion;
  if (builtin && !looksLikePath && onDemand)
    return {
      name: spec,
      module: builtin,
      builtin: true,
      packages: { builtin: spec, names: BUILTIN_PACKAGES[spec]!.packages, version: onDemand },
    };
  if (builtin && !looksLikePath) return { name: spec, module: builtin, builtin: true };
  const path = resolve(cwd, spec);
  if (!existsSync(path)) {
    const names = Object.keys(BUILTIN_SUBJECTS).join(', ');
    throw new UsageError(
      looksLikePath
        ? `no such file: ${path}`
        : `unknown subject "${spec}": give a module path or one of: ${names}`,
    );
  }
  if (statSync(path).isDirectory()) throw new UsageError(`${path} is a directory; give the module file`);
  if (!MODULE_EXTENSIONS.includes(extname(path))) {
    throw new UsageError(`${path}: a subject module ends in ${MODULE_EXTENSIONS.join(' ')}`);
  }
  return { name: spec, module: path, builtin: false };
}

/** What the subject host needs for a versioned built-in: where its packages are, and which version. */
export interface InstalledPackages {
  /** The npm prefix (its node_modules holds the packages). */
  prefix: string;
  /** The exact version installed of the first package (`7.16.0` for `undici:7`). */
  version: string;
  /** The environment that points the subject host at `prefix`. */
  env: Record<string, string>;
}

/**
 * Installs a versioned built-in's packages into `<cache>/packages/<builtin>@<version>` on first use
 * (every package of the built-in at that version: `proxy-agents:7` is http-proxy-agent@7 and
 * https-proxy-agent@7). `install` is injectable for tests (default: the runtimes' installer).
 */
export async function installSubjectPackages(
  packages: NonNullable<ResolvedSubject['packages']>,
  opts: {
    cacheDir?: string;
    onInstall?: (msg: string) => void;
    install?: (req: InstallRequest) => Promise<string>;
  } = {},
): Promise<InstalledPackages> {
  const first = packages.names[0]!;
  const installedVersion = (prefix: string): string | null => {
    try {
      const manifest = JSON.parse(
        readFileSync(join(prefix, 'node_modules', first, 'package.json'), 'utf8'),
      ) as { version?: unknown };
      return typeof manifest.version === 'string' ? manifest.version : null;
    } catch {
      return null;
    }
  };
  const prefix = await (opts.install ?? ensurePackage)({
    pkg: packages.builtin,
    version: packages.version,
    specs: packages.names.map((name) => `${name}@${packages.version}`),
    folder: 'packages',
    ...(opts.cacheDir !== undefined ? { cacheDir: opts.cacheDir } : {}),
    ...(opts.onInstall ? { onInstall: opts.onInstall } : {}),
    verify: async (dir) => installedVersion(dir),
  });
  const version = installedVersion(prefix);
  if (version === null)
    throw installError(
      `${packages.builtin}@${packages.version} in the cache has no ${first}: remove ${prefix} to reinstall it`,
    );
  return { prefix, version, env: { [SUBJECT_PACKAGES_ENV]: prefix } };
}
