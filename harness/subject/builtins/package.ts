/**
 * How a built-in subject loads the npm package it wraps: from the npm prefix named by
 * SUBJECT_PACKAGES_ENV when the user asked for a version (`undici:6`, installed into the cache by
 * the parent), else from the node_modules beside the harness (its own dependency). A CommonJS
 * package is required; an ES module package (http-proxy-agent 8 and later) is imported by the path
 * `require.resolve` finds, which works on every Node the host runs on.
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { SUBJECT_PACKAGES_ENV } from '../../shared/protocol.ts';

const prefix = process.env[SUBJECT_PACKAGES_ENV];

/** `require` resolving from the versioned install, or from this file. */
export const packageRequire = createRequire(
  prefix ? join(prefix, 'node_modules', 'package-root.js') : import.meta.url,
);

/** The package's exports. */
export function requirePackage<T>(name: string): T {
  return packageRequire(name) as T;
}

/** The package's module namespace, CommonJS or ES module alike (named exports and `default`). */
export async function importPackage<T>(name: string): Promise<T> {
  return (await import(pathToFileURL(packageRequire.resolve(name)).href)) as T;
}

/** The version in the package's package.json (read from its entry's folder upwards). */
export function packageVersion(name: string): string {
  let dir = dirname(packageRequire.resolve(name));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === name) return manifest.version ?? '';
    } catch {
      // no package.json here: go up
    }
    const up = dirname(dir);
    if (up === dir) return '';
    dir = up;
  }
}
