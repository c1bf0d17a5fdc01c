/**
 * The implementations of the published matrix (`npm run results`, docs/results.md) and of the
 * matrix timing in `npm run bench`: Node's own agent under Node 24 (the harness's), 22 and 20, Bun
 * and Deno, then every other built-in subject (undici, agentkeepalive, and any added later, but
 * NOT_IN_MATRIX) under the harness's Node.
 */
import { BUILTIN_SUBJECTS } from '../harness/parent/subjects.ts';

export const RUNTIMES = ['node', 'node@22', 'node@20', 'bun', 'deno'] as const;

/**
 * Built-ins left out of the published matrix for now: `npmcli-agent` (installed from npm on first
 * use) fails 53 cases under Node 24.21.0, none of which docs/findings/findings.json explains yet;
 * test/findings.test.ts would name every one once `npm run results` included it.
 */
export const NOT_IN_MATRIX: readonly string[] = ['npmcli-agent'];

export const MATRIX: readonly string[] = [
  ...RUNTIMES.map((r) => (r === 'node' ? 'node' : `node@${r}`)),
  ...Object.keys(BUILTIN_SUBJECTS).filter((name) => name !== 'node' && !NOT_IN_MATRIX.includes(name)),
];
