/**
 * Seeded bug: a proxy agent that treats every proxy URL as `http://`: for an `https://` proxy it
 * speaks plain HTTP to the proxy's port, where the proxy expects a TLS handshake.
 */
import http from 'node:http';
import https from 'node:https';
import type { ProxyCapabilities, ProxySubjectOptions } from '../../../../harness/subject/proxy-contract.ts';

export const seeded = {
  catches: ['proxy/https-proxy-url'],
  rule: 'an https:// proxy URL means TLS to the proxy',
};

export function createProxyAgent({ agentOptions, proxy, protocol }: ProxySubjectOptions): http.Agent {
  const url = proxy.url.replace(/^https:/, 'http:');
  const proxyEnv: http.ProxyEnv = {
    [protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY']: url,
    ...(proxy.noProxy !== undefined ? { NO_PROXY: proxy.noProxy } : {}),
  };
  return protocol === 'https:'
    ? new https.Agent({ ...agentOptions, proxyEnv })
    : new http.Agent({ ...agentOptions, proxyEnv });
}

export const proxyCapabilities: ProxyCapabilities = {
  noProxy: true,
  env: false,
  modes: { 'http:': 'absolute-form', 'https:': 'connect' },
};
