/**
 * Seeded bug: a proxy agent that strips the port from NO_PROXY entries and matches on the host alone,
 * so `127.0.0.1:<port A>` bypasses the proxy for every port of 127.0.0.1.
 */
import http from 'node:http';
import type { ProxyCapabilities, ProxySubjectOptions } from '../../../../harness/subject/proxy-contract.ts';

export const seeded = {
  catches: ['proxy/no-proxy-host-port'],
  rule: 'a NO_PROXY `host:port` entry matches that port only',
};

export function createProxyAgent({ agentOptions, proxy }: ProxySubjectOptions): http.Agent {
  // `host:port` → `host` (an IPv6 entry has no bare colon to lose in these cases)
  const noProxy = (proxy.noProxy ?? '')
    .split(',')
    .map((entry) => entry.replace(/:\d+\s*$/, ''))
    .join(',');
  return new http.Agent({
    ...agentOptions,
    proxyEnv: { HTTP_PROXY: proxy.url, ...(noProxy ? { NO_PROXY: noProxy } : {}) },
  });
}

export const proxyCapabilities: ProxyCapabilities = {
  noProxy: true,
  env: false,
  modes: { 'http:': 'absolute-form', 'https:': 'connect' },
};
