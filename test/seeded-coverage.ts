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
  'servers/nginx-haproxy-max-total-sockets':
    'node 24 (expectations/node.json: the maxTotalSockets overshoot, seen by nginx and HAProxy)',
  'keepAlive/request-close-origin-keeps-open':
    'node 20–24, Bun, Deno and agentkeepalive (expectations/node.json: RFC 9112 §9.6); undici passes',
  'createConnection/max-sockets-pending':
    'node 24 (expectations/node.json: a socket counts once the callback ran)',
  'createConnection/max-total-sockets-pending':
    'node 24 (expectations/node.json: a socket counts once the callback ran)',
  'proxy/max-sockets-through-proxy':
    'hpagent (hpagent#12) and undici ProxyAgent (absolute-form pool without connections)',
  'proxy/max-total-sockets-through-proxy': 'hpagent (ignores maxTotalSockets)',
  'proxy/silent-proxy-timeout': "hpagent (its own 'Proxy timeout' error, no 'timeout')",
  'proxy/no-proxy-exact-host': 'undici EnvHttpProxyAgent (a.test also matches sub.a.test, nodejs/node#65616)',
  'proxy/no-proxy-ip-range': 'undici EnvHttpProxyAgent (no IP ranges)',
  'proxy/refused-connect-403-settles':
    "proxy-agents (https-proxy-agent replays the 403 as a response, not an 'error', on a fake socket that keeps its maxSockets slot: the queued requests hang)",
  'proxy/refused-connect-502-settles':
    "proxy-agents (https-proxy-agent replays the 502 as a response, not an 'error', on a fake socket that keeps its maxSockets slot: the queued requests hang)",
};

/** `must`/`should` cases no seeded agent catches, each with the reason (at most 5). */
export const UNCAUGHT_EXCEPTIONS: Record<string, string> = {};
