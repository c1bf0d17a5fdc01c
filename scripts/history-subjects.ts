/**
 * What `npm run history` (scripts/history.ts) runs: data, so that a new line, runtime or package is
 * a line here. The Node table has a column per major line (its newest release) plus Bun and Deno;
 * the packages table a column per major of each built-in's npm package (its newest release there,
 * run as `<subject>:<version>`, the versioned built-ins).
 */

/** Node major lines, oldest first; each column is the line's newest release. */
export const NODE_LINES: readonly number[] = [16, 18, 19, 20, 21, 22, 23, 24, 25, 26];

/**
 * Where a line's in-line history starts when its first release cannot host the suite here: the
 * subject host needs `module.register` (18.19, 20.6). Empty this (or drop a line) once the host runs
 * on every release of the line.
 */
export const OLDEST_RUNNABLE: Readonly<Record<number, string>> = {};

/** Other runtimes, their current releases (the cache's BUN_VERSION / DENO_VERSION). */
export const OTHER_RUNTIMES: readonly string[] = ['bun', 'deno'];

/** The packages table: built-in subject, its npm package, and the majors to show. */
export const PACKAGES: readonly { subject: string; pkg: string; majors: readonly number[] }[] = [
  // undici 5's Agent has no compose(), which the undici subject drives: not drivable, left out
  { subject: 'undici', pkg: 'undici', majors: [6, 7, 8] },
  { subject: 'agentkeepalive', pkg: 'agentkeepalive', majors: [3, 4] },
  { subject: 'hpagent', pkg: 'hpagent', majors: [0, 1] },
  // proxy-agents before 7 had another constructor (and http-proxy-agent 5 no 5.0.1): left out
  { subject: 'proxy-agents', pkg: 'https-proxy-agent', majors: [7, 9] },
];
