/**
 * Built-in proxy subject `hpagent`: the Elastic clients' proxy agents. `HttpProxyAgent` (for http:
 * targets) and `HttpsProxyAgent` (for https:) both open a CONNECT tunnel from an asynchronous
 * `createConnection`: even plain http goes through CONNECT. The agent options pass through to
 * http.Agent / https.Agent. No NO_PROXY support.
 */
import type http from 'node:http';
import type * as Hpagent from 'hpagent';
import type { ProxyCapabilities, ProxySubjectOptions } from '../proxy-contract.ts';
import { requirePackage } from './package.ts';

const { HttpProxyAgent, HttpsProxyAgent } = requirePackage<typeof Hpagent>('hpagent');

export function createProxyAgent({ agentOptions, proxy, protocol }: ProxySubjectOptions): http.Agent {
  if (proxy.noProxy !== undefined || proxy.env !== undefined) {
    throw new Error('hpagent: no NO_PROXY / environment support (see proxyCapabilities)');
  }
  const options = { ...agentOptions, proxy: proxy.url };
  return protocol === 'https:' ? new HttpsProxyAgent(options) : new HttpProxyAgent(options);
}

export const proxyCapabilities: ProxyCapabilities = {
  noProxy: false,
  env: false,
  modes: { 'http:': 'connect', 'https:': 'connect' },
};
