/**
 * What test/seeded.test.ts needs beyond the seeded agents' own `catches`: the cases a seeded agent
 * cannot catch but something else does, and the few that nothing can (with the reason). Keep both
 * short: a `must` or `should` case that no one can make fail proves nothing.
 */

/**
 * A case caught by real subjects rather than a seeded agent: the built-in subjects that fail it
 * (test/caught-elsewhere.test.ts runs each of them on the case and asserts `fail`; `servers/` cases
 * in the container lane) and why they fail it.
 */
export interface CaughtBy {
  /** Built-in subject names (`harness/parent/subjects.ts`), each run on the case by the test. */
  subjects: readonly string[];
  why: string;
}

/** Cases caught by a built-in subject rather than a seeded agent: id → who fails it, and why. */
export const CAUGHT_ELSEWHERE: Record<string, CaughtBy> = {
  'maxTotalSockets/limit-across-origins': {
    subjects: ['node'],
    why: 'node 16–24 (expectations/node.json, nodejs/node#33617)',
  },
  'maxTotalSockets/pooled-socket-counts': {
    subjects: ['node'],
    why: 'node 16–24 (expectations/node.json, nodejs/node#33617)',
  },
  'maxTotalSockets/idle-not-starving': {
    subjects: ['node'],
    why: 'node 16–24 (expectations/node.json, nodejs/node#33617)',
  },
  'servers/nginx-haproxy-max-total-sockets': {
    subjects: ['node'],
    why: 'node 24 (expectations/node.json: the maxTotalSockets overshoot, seen by nginx and HAProxy)',
  },
  'faults/stray-bytes-before-request': {
    subjects: ['node', 'undici'],
    why: 'node 20 and 24 (expectations/node.json: no pending-input check before a free socket is reused), undici, Bun, Deno and agentkeepalive; Node 22.23.5 passes',
  },
  'keepAlive/request-close-origin-keeps-open': {
    subjects: ['node', 'agentkeepalive'],
    why: 'node 16–24, Bun, Deno and agentkeepalive (expectations/node.json: RFC 9112 §9.6); undici passes',
  },
  'keepAlive/hint-without-agent-timeout': {
    subjects: ['node'],
    why: 'node 19–24 and agentkeepalive (expectations/node.json: the hint only lowers an agent timeout; the seeded twin, a hint applied only with an agent timeout, is Node itself); undici fails it on its default 2000 ms threshold',
  },
  'keepAlive/hint-with-timeout-zero': {
    subjects: ['node'],
    why: 'node 22–24 and agentkeepalive (expectations/node.json: the hint only lowers an agent timeout); undici passes',
  },
  'createConnection/max-sockets-pending': {
    subjects: ['node'],
    why: 'node 24 (expectations/node.json: a socket counts once the callback ran)',
  },
  'createConnection/max-total-sockets-pending': {
    subjects: ['node'],
    why: 'node 24 (expectations/node.json: a socket counts once the callback ran)',
  },
  'proxy/max-sockets-through-proxy': {
    subjects: ['hpagent', 'undici'],
    why: 'hpagent (hpagent#12) and undici ProxyAgent (absolute-form pool without connections)',
  },
  'proxy/max-total-sockets-through-proxy': {
    subjects: ['hpagent'],
    why: 'hpagent (ignores maxTotalSockets)',
  },
  'proxy/silent-proxy-timeout': {
    subjects: ['hpagent'],
    why: "hpagent (its own 'Proxy timeout' error, no 'timeout')",
  },
  'proxy/no-proxy-exact-host': {
    subjects: ['undici'],
    why: 'undici EnvHttpProxyAgent (a.test also matches sub.a.test, nodejs/node#65616)',
  },
  'proxy/no-proxy-ip-range': { subjects: ['undici'], why: 'undici EnvHttpProxyAgent (no IP ranges)' },
  'proxy/refused-connect-403-settles': {
    subjects: ['proxy-agents'],
    why: "proxy-agents (https-proxy-agent replays the 403 as a response, not an 'error', on a fake socket that keeps its maxSockets slot: the queued requests hang)",
  },
  'proxy/refused-connect-502-settles': {
    subjects: ['proxy-agents'],
    why: "proxy-agents (https-proxy-agent replays the 502 as a response, not an 'error', on a fake socket that keeps its maxSockets slot: the queued requests hang)",
  },
};

/** `must`/`should` cases no seeded agent catches, each with the reason (at most 5). */
export const UNCAUGHT_EXCEPTIONS: Record<string, string> = {};
