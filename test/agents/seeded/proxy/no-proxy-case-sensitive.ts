/**
 * Seeded bug: a proxy agent that lower-cases the target host but not the NO_PROXY entries, so
 * `A.TEST` never matches `a.test`.
 */
import http from 'node:http';
import type { ProxyCapabilities, ProxySubjectOptions } from '../../../../harness/subject/proxy-contract.ts';

export const seeded = {
  catches: ['proxy/no-proxy-case-insensitive'],
  rule: 'NO_PROXY host names match case-insensitively',
};

/** The part of Node's proxy configuration (under the agent's `kProxyConfig` symbol) this bug touches. */
interface ProxyConfig {
  bypassList: string[];
}

export function createProxyAgent({ agentOptions, proxy }: ProxySubjectOptions): http.Agent {
  const agent = new http.Agent({
    ...agentOptions,
    proxyEnv: { HTTP_PROXY: proxy.url, ...(proxy.noProxy ? { NO_PROXY: proxy.noProxy } : {}) },
  });
  const key = Object.getOwnPropertySymbols(agent).find((s) => s.description === 'kProxyConfig');
  const config = key ? (agent as unknown as Record<symbol, ProxyConfig | undefined>)[key] : undefined;
  // Node's own list, built again without toLowerCase() (the host is still lower-cased when matched)
  if (config && proxy.noProxy) config.bypassList = proxy.noProxy.split(',').map((entry) => entry.trim());
  return agent;
}

export const proxyCapabilities: ProxyCapabilities = {
  noProxy: true,
  env: false,
  modes: { 'http:': 'absolute-form', 'https:': 'connect' },
};
