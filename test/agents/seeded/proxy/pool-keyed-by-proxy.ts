/**
 * Seeded bug: a proxy agent whose pool key is the proxy, not the target origin. Every request
 * through it lands in one pool, so `maxSockets` limits the proxy connections across all origins
 * (requests to a second origin wait behind the first) instead of per origin.
 */
import http from 'node:http';
import type { ProxyCapabilities, ProxySubjectOptions } from '../../../../harness/subject/proxy-contract.ts';

export const seeded = {
  catches: ['proxy/max-sockets-per-target-origin'],
  rule: 'the pool key of a proxied request is its target origin (getName), so maxSockets holds per origin',
};

class PoolPerProxy extends http.Agent {
  override getName(): string {
    return 'the-proxy';
  }
}

export function createProxyAgent({ agentOptions, proxy }: ProxySubjectOptions): http.Agent {
  return new PoolPerProxy({ ...agentOptions, proxyEnv: { HTTP_PROXY: proxy.url } });
}

export const proxyCapabilities: ProxyCapabilities = {
  noProxy: false,
  env: false,
  modes: { 'http:': 'absolute-form', 'https:': 'connect' },
};
