/**
 * Seeded bug: a proxy agent that reads the proxy variables upper-case first (`HTTP_PROXY ||
 * http_proxy`, `NO_PROXY || no_proxy`), the opposite of the documented precedence: when both
 * spellings are set, the upper-case one wins.
 */
import http from 'node:http';
import type { ProxyCapabilities, ProxySubjectOptions } from '../../../../harness/subject/proxy-contract.ts';

export const seeded = {
  catches: ['proxy/http-proxy-lower-case-wins', 'proxy/no-proxy-lower-case-wins'],
  rule: 'when both are set, http_proxy and no_proxy take precedence over HTTP_PROXY and NO_PROXY',
};

export function createProxyAgent({ agentOptions, proxy }: ProxySubjectOptions): http.Agent {
  const env = proxy.env ?? { HTTP_PROXY: proxy.url, ...(proxy.noProxy ? { NO_PROXY: proxy.noProxy } : {}) };
  const httpProxy = env.HTTP_PROXY || env.http_proxy;
  const noProxy = env.NO_PROXY || env.no_proxy;
  return new http.Agent({
    ...agentOptions,
    proxyEnv: { ...(httpProxy ? { HTTP_PROXY: httpProxy } : {}), ...(noProxy ? { NO_PROXY: noProxy } : {}) },
  });
}

export const proxyCapabilities: ProxyCapabilities = {
  noProxy: true,
  env: true,
  modes: { 'http:': 'absolute-form', 'https:': 'connect' },
};
