/**
 * The implementations of the published matrix (`npm run results`, docs/results.md) and of the
 * matrix timing in `npm run bench`: Node's own agent under Node 24 (the harness's), 22 and 20, Bun
 * and Deno, then the undici and agentkeepalive built-ins under Node 24.
 */
export const MATRIX = [
  'node',
  'node@node@22',
  'node@node@20',
  'node@bun',
  'node@deno',
  'undici',
  'agentkeepalive',
] as const;
