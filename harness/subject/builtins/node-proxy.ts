/**
 * PROPOSED built-in proxy subject `node` (to merge into ./node.ts once the contract is adopted):
 * the runtime's own agents with Node's built-in proxy support, `new http.Agent({ proxyEnv })` /
 * `new https.Agent({ proxyEnv })` (Node ≥ 24.5 / 22.21). Node sends http: targets in absolute-form
 * and opens a CONNECT tunnel for https: targets, reads credentials from the proxy URL
 * (percent-decoded) and applies NO_PROXY itself. A runtime without `proxyEnv` ignores the unknown
 * option and connects directly: the fixture then sees nothing, which a case reports as a failure
 * (or the host declares the capability missing from the runtime version).
 */
import http from 'node:http';
import https from 'node:https';
import type { ProxyCapabilities, ProxySubjectOptions } from '../proxy-contract.ts';

export function createProxyAgent({ agentOptions, proxy, protocol }: ProxySubjectOptions): http.Agent {
  // Never let the subject process's own environment leak in: proxyEnv is built from the case only.
  const proxyEnv: http.ProxyEnv = proxy.env
    ? { ...proxy.env }
    : {
        [protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY']: proxy.url,
        ...(proxy.noProxy !== undefined ? { NO_PROXY: proxy.noProxy } : {}),
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
