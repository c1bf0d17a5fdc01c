/**
 * What test/seeded.test.ts needs beyond the seeded agents' own `catches`: the cases a seeded agent
 * cannot catch but something else does, and the few that nothing can (with the reason). Keep both
 * short: a `must` or `should` case that no one can make fail proves nothing.
 */

/** Cases caught by a real runtime or package rather than a seeded agent: id → who fails it. */
export const CAUGHT_ELSEWHERE: Record<string, string> = {
  'maxTotalSockets/limit-across-origins': 'node 20–24 (expectations/node.json, nodejs/node#33617)',
  'maxTotalSockets/pooled-socket-counts': 'node 20–24 (expectations/node.json, nodejs/node#33617)',
  'maxTotalSockets/idle-not-starving': 'node 20–24 (expectations/node.json, nodejs/node#33617)',
};

/** `must`/`should` cases no seeded agent catches, each with the reason (at most 5). */
export const UNCAUGHT_EXCEPTIONS: Record<string, string> = {};
