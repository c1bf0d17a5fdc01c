/**
 * Seeded bug: a proxy agent that splits NO_PROXY on commas without trimming the entries, so in
 * ` b.test , a.test ` neither ` b.test ` nor ` a.test ` ever equals a host name.
 */
import http from 'node:http';
import type { ProxyCapabilities, ProxySubjectOptions } from '../../../../harness/subject/proxy-contract.ts';

export const seeded = {
  catches: ['proxy/no-proxy-list'],
  rule: 'NO_PROXY is a comma-separated list; blanks around the entries do not count',
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
  // Node's own list, built again without trim()
  if (config && proxy.noProxy)
    config.bypassList = proxy.noProxy.split(',').map((entry) => entry.toLowerCase());
  return agent;
}

export const proxyCapabilities: ProxyCapabilities = {
  noProxy: true,
  env: false,
  modes: { 'http:': 'absolute-form', 'https:': 'connect' },
};
