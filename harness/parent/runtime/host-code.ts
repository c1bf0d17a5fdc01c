/**
 * The subject host as plain JavaScript, for Node: a Node that cannot register tsx's loader (16.x,
 * 18.0–18.18, 19.x, 20.0–20.5) loads it as it is, and a newer one needs tsx only for a TypeScript
 * subject. In the installed package the host and the built-in subjects are already JavaScript
 * (`dist/`). From a clone (FROM_SOURCES) the subject side (`harness/subject/**` and the
 * `harness/shared/**` it imports) is bundled on demand with esbuild (tsx's own dependency) into
 * `node_modules/.cache/agent-conformance/subject-js/<hash>/`, keyed by a hash of those sources, the
 * esbuild version and the target: the host (`host.mjs`) and each built-in (`builtins/<name>.mjs`),
 * npm packages left as imports. The folder sits under the repository's node_modules so that those
 * imports resolve from there, as they do from the sources.
 *
 * esbuild lowers syntax to the oldest supported Node (NODE_HOST_TARGET); it does not add APIs: the
 * subject side avoids or guards what Node 16 lacks (see docs/runtimes.md).
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CODE_ROOT, codeFile, FROM_SOURCES, PACKAGE_ROOT } from '../../shared/paths.ts';
import { SetupError } from '../errors.ts';

/** esbuild's target for the bundled subject side: the oldest Node the host supports. */
export const NODE_HOST_TARGET = 'node16';

/** Where the subject host's JavaScript is, and the JavaScript twin of a built-in subject's module. */
export interface HostCode {
  /** The host program to run (`…/host.js` or `…/host.mjs`). */
  host: string;
  /** The one-shot subject process of `ctx.exitProbe` (`…/exit-probe.js` or `…/exit-probe.mjs`). */
  exitProbe: string;
  /** The module to load for `module`: a built-in's JavaScript twin, anything else unchanged. */
  moduleFor(module: string): string;
}

const SUBJECT_DIR = join(CODE_ROOT, 'harness', 'subject');
const BUILTINS_DIR = join(SUBJECT_DIR, 'builtins');

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(full, out);
    else if (entry.isFile() && entry.name.endsWith('.ts')) out.push(full);
  }
  return out;
}

interface Esbuild {
  version: string;
  buildSync(options: Record<string, unknown>): { errors: { text: string }[] };
}

/** esbuild, as tsx resolves it (tsx depends on it; the project does not name it itself). */
function loadEsbuild(): Esbuild {
  const fromTsx = createRequire(fileURLToPath(import.meta.resolve('tsx')));
  return fromTsx('esbuild') as Esbuild;
}

let cached: HostCode | undefined;

/** The host and built-ins as JavaScript: `dist/` in the package, bundled into the cache from a clone. */
export function nodeHostCode(): HostCode {
  if (cached) return cached;
  if (!FROM_SOURCES) {
    cached = {
      host: codeFile('harness/subject/host'),
      exitProbe: codeFile('harness/subject/exit-probe'),
      moduleFor: (m) => m,
    };
    return cached;
  }
  const esbuild = loadEsbuild();
  const files = [...sourceFiles(SUBJECT_DIR), ...sourceFiles(join(CODE_ROOT, 'harness', 'shared'))].sort();
  const hash = createHash('sha256').update(`${esbuild.version}\n${NODE_HOST_TARGET}\n`);
  for (const f of files) hash.update(`${relative(CODE_ROOT, f)}\n`).update(readFileSync(f));
  const root = join(PACKAGE_ROOT, 'node_modules', '.cache', 'agent-conformance', 'subject-js');
  const dir = join(root, hash.digest('hex').slice(0, 16));
  if (!existsSync(join(dir, 'host.mjs'))) bundle(esbuild, dir);
  cached = {
    host: join(dir, 'host.mjs'),
    exitProbe: join(dir, 'exit-probe.mjs'),
    moduleFor: (module) =>
      module.startsWith(BUILTINS_DIR) && module.endsWith('.ts')
        ? join(dir, 'builtins', `${basename(module, '.ts')}.mjs`)
        : module,
  };
  return cached;
}

function bundle(esbuild: Esbuild, dir: string): void {
  const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const builtins = readdirSync(BUILTINS_DIR)
      .filter((f) => f.endsWith('.ts') && statSync(join(BUILTINS_DIR, f)).isFile())
      .map((f) => join(BUILTINS_DIR, f));
    const result = esbuild.buildSync({
      entryPoints: [join(SUBJECT_DIR, 'host.ts'), join(SUBJECT_DIR, 'exit-probe.ts'), ...builtins],
      outbase: SUBJECT_DIR,
      outdir: tmp,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      splitting: true,
      chunkNames: 'chunks/[name]-[hash]',
      format: 'esm',
      platform: 'node',
      target: NODE_HOST_TARGET,
      packages: 'external',
      // maps back to harness/subject/**: stack traces, and c8's coverage of the subject side
      sourcemap: 'inline',
      sourcesContent: false,
      logLevel: 'silent',
    });
    if (result.errors.length > 0) throw new Error(result.errors.map((e) => e.text).join('; '));
    writeFileSync(join(tmp, 'package.json'), '{ "type": "module", "private": true }\n');
    try {
      renameSync(tmp, dir);
    } catch (err) {
      if (!existsSync(join(dir, 'host.mjs'))) throw err; // else: a concurrent run built it first
    }
  } catch (err) {
    throw new SetupError(`cannot build the subject host's JavaScript: ${(err as Error).message}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
