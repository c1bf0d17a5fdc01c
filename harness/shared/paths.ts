/**
 * Where the running code lives. A clone runs the TypeScript sources (`harness/…`, through tsx); the
 * installed package runs the JavaScript built into `dist/` (`dist/harness/…`, see
 * tsconfig.build.json). Files found by path at run time (the suite files, the subject host, the
 * built-in subjects) take EXT; files outside the code (package.json, docker/, expectations/) are
 * found from PACKAGE_ROOT.
 */
import { fileURLToPath } from 'node:url';

/** True in a clone running the sources, false in the built package. */
export const FROM_SOURCES = import.meta.url.endsWith('.ts');

/** The extension of the harness's own modules: `.ts` from the sources, `.js` when built. */
export const EXT = FROM_SOURCES ? '.ts' : '.js';

/** The folder holding harness/, suites/ and fixtures/: the repository, or the package's dist/. */
export const CODE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The package's root: package.json, docker/, expectations/, reports/report.schema.json. */
export const PACKAGE_ROOT = fileURLToPath(new URL(FROM_SOURCES ? '../../' : '../../../', import.meta.url));

/** A module of the code by its path without extension, e.g. `harness/subject/host`. */
export function codeFile(path: string): string {
  return `${CODE_ROOT}${path}${EXT}`;
}
