/**
 * npm run build (and prepack): the JavaScript and declarations the package ships, in dist/ (see
 * tsconfig.build.json: harness/, suites/ and fixtures/ emitted with their `.ts` imports rewritten to
 * `.js`). A clone never needs it: it runs the sources.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const started = performance.now();
rmSync(new URL('../dist/', import.meta.url), { recursive: true, force: true });
execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], {
  cwd: root,
  stdio: 'inherit',
});
process.stdout.write(`build: dist/ in ${Math.round(performance.now() - started)} ms\n`);
