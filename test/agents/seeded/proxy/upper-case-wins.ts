/**
 * Seeded bug: a proxy agent that reads the proxy variables upper-case first (`HTTP_PROXY ||
 * http_proxy`, `HTTPS_PROXY || https_proxy`, `NO_PROXY || no_proxy`), the opposite of the
 * documented precedence: when both spellings are set, the upper-case one wins.
 */
import http from 'node:http';
import https from 'node:https';
import type { ProxyCapabilities, ProxySubjectOptions } from '../../../../harness/subject/proxy-contract.ts';

export const seeded = {
  catches: [
    'proxy/http-proxy-lower-case-wins',
    'proxy/https-proxy-lowercase-wins',
    'proxy/no-proxy-lower-case-wins',
  ],
  rule: 'when both are set, http_proxy, https_proxy and no_proxy take precedence over the upper-case ones',
};

export function createProxyAgent({ agentOptions, proxy, protocol }: ProxySubjectOptions): http.Agent {
  const own = protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY';
  const env = proxy.env ?? { [own]: proxy.url, ...(proxy.noProxy ? { NO_PROXY: proxy.noProxy } : {}) };
  const proxyUrl =
    protocol === 'https:' ? env.HTTPS_PROXY || env.https_proxy : env.HTTP_PROXY || env.http_proxy;
  const noProxy = env.NO_PROXY || env.no_proxy;
  const proxyEnv: http.ProxyEnv = {
    ...(proxyUrl ? { [own]: proxyUrl } : {}),
    ...(noProxy ? { NO_PROXY: noProxy } : {}),
  };
  return protocol === 'https:'
    ? new https.Agent({ ...agentOptions, proxyEnv })
    : new http.Agent({ ...agentOptions, proxyEnv });
}

export const proxyCapabilities: ProxyCapabilities = {
  noProxy: true,
  env: true,
  modes: { 'http:': 'absolute-form', 'https:': 'connect' },
};
