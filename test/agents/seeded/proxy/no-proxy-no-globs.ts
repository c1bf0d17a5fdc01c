/**
 * Seeded bug: a proxy agent whose NO_PROXY matcher knows host names and `.domain` suffixes but no
 * globs: it drops every entry with a `*`, so `*` no longer bypasses the proxy for every host and
 * `*.a.test` no longer matches subdomains.
 */
import http from 'node:http';
import type { ProxyCapabilities, ProxySubjectOptions } from '../../../../harness/subject/proxy-contract.ts';

export const seeded = {
  catches: ['proxy/no-proxy-star', 'proxy/no-proxy-wildcard'],
  rule: 'NO_PROXY `*` bypasses the proxy for every host, `*.domain` for its subdomains',
};

export function createProxyAgent({ agentOptions, proxy }: ProxySubjectOptions): http.Agent {
  const noProxy = (proxy.noProxy ?? '')
    .split(',')
    .filter((entry) => !entry.includes('*'))
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
