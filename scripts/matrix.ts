/**
 * The implementations of the published matrix (`npm run results`, docs/results.md) and of the
 * matrix timing in `npm run bench`: Node's own agent under Node 24 (the harness's), 22 and 20, Bun
 * and Deno, then every other built-in subject (undici, agentkeepalive, and any added later) under
 * the harness's Node.
 */
import { BUILTIN_SUBJECTS } from '../harness/parent/subjects.ts';

export const RUNTIMES = ['node', 'node@22', 'node@20', 'bun', 'deno'] as const;

export const MATRIX: readonly string[] = [
  ...RUNTIMES.map((r) => (r === 'node' ? 'node' : `node@${r}`)),
  ...Object.keys(BUILTIN_SUBJECTS).filter((name) => name !== 'node'),
];
