/**
 * The published versions of an npm package (`npm view <pkg> versions --json`): Node releases are
 * the versions of `node-<os>-<arch>`, a built-in subject's are its package's. The list is cached for
 * a day in `<cache>/versions/<pkg>.json`, and fetched again when a version asked for is not in it.
 * Only stable versions count (no pre-releases), oldest first.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { SetupError } from './errors.ts';
import { defaultCacheDir, npmCommand, npmReason } from './runtime/install.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface VersionList {
  pkg: string;
  fetchedAt: string;
  versions: string[];
}

/** Stable versions, oldest first. */
export function stableSorted(versions: readonly string[]): string[] {
  return versions.filter((v) => semver.valid(v) && !semver.prerelease(v)).sort(semver.compare);
}

export type ViewVersions = (pkg: string) => Promise<string[]>;

/** `npm view <pkg> versions --json` through the npm that runs us (or npm on PATH). */
export const npmViewVersions: ViewVersions = (pkg) => {
  const { command, prefixArgs } = npmCommand();
  return new Promise((resolve, reject) => {
    execFile(
      command,
      [...prefixArgs, 'view', pkg, 'versions', '--json', '--loglevel=error'],
      { encoding: 'utf8', timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) {
          reject(new SetupError(`could not list the versions of ${pkg} from npm: ${npmReason(stderr)}`));
          return;
        }
        try {
          const parsed = JSON.parse(stdout) as string[] | string;
          resolve(Array.isArray(parsed) ? parsed : [parsed]);
        } catch {
          reject(new SetupError(`npm view ${pkg} versions printed no JSON list`));
        }
      },
    );
  });
};

export function versionsFile(pkg: string, cacheDir = defaultCacheDir()): string {
  return join(cacheDir, 'versions', `${pkg.replace('/', '+')}.json`);
}

/**
 * The package's stable versions, from the cache when it is under a day old and has every version
 * in `mustHave`; otherwise from npm (and the cache rewritten).
 */
export async function listVersions(
  pkg: string,
  opts: {
    cacheDir?: string;
    mustHave?: readonly string[];
    refresh?: boolean;
    view?: ViewVersions;
    now?: number;
  } = {},
): Promise<VersionList> {
  const file = versionsFile(pkg, opts.cacheDir);
  const now = opts.now ?? Date.now();
  if (!opts.refresh && existsSync(file)) {
    try {
      const cached = JSON.parse(readFileSync(file, 'utf8')) as VersionList;
      const fresh = now - Date.parse(cached.fetchedAt) < DAY_MS;
      const hasAll = (opts.mustHave ?? []).every((v) =>
        cached.versions.some((c) => c === v || c.startsWith(`${v}.`)),
      );
      if (fresh && hasAll && Array.isArray(cached.versions)) return cached;
    } catch {
      // unreadable: fetched again below
    }
  }
  const versions = stableSorted(await (opts.view ?? npmViewVersions)(pkg));
  const list: VersionList = { pkg, fetchedAt: new Date(now).toISOString(), versions };
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, `${JSON.stringify(list)}\n`);
  return list;
}
