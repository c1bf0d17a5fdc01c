/**
 * Seeded bug: a proxy agent that builds `Proxy-Authorization` from the user name and password exactly
 * as they appear in the proxy URL, still percent-encoded: `http://u%40x:p%20w@…` sends `u%40x:p%20w`
 * instead of `u@x:p w`, and the proxy refuses it.
 */
import http from 'node:http';
import type { ProxyCapabilities, ProxySubjectOptions } from '../../../../harness/subject/proxy-contract.ts';

export const seeded = {
  catches: ['proxy/credentials-percent-decoded'],
  rule: 'credentials in the proxy URL are percent-decoded before they go into Proxy-Authorization',
};

/** The part of Node's proxy configuration (under the agent's `kProxyConfig` symbol) this bug touches. */
interface ProxyConfig {
  auth?: string;
}

export function createProxyAgent({ agentOptions, proxy }: ProxySubjectOptions): http.Agent {
  const agent = new http.Agent({ ...agentOptions, proxyEnv: { HTTP_PROXY: proxy.url } });
  const key = Object.getOwnPropertySymbols(agent).find((s) => s.description === 'kProxyConfig');
  const config = key ? ((agent as unknown as Record<symbol, ProxyConfig | undefined>)[key] ?? null) : null;
  const { username, password } = new URL(proxy.url);
  // the raw URL components, no decodeURIComponent
  if (config && (username || password))
    config.auth = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  return agent;
}

export const proxyCapabilities: ProxyCapabilities = {
  noProxy: false,
  env: false,
  modes: { 'http:': 'absolute-form', 'https:': 'connect' },
};
