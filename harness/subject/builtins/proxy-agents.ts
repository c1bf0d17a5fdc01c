/**
 * Built-in proxy subject `proxy-agents`: TooTallNate's `http-proxy-agent` for http: targets
 * (absolute-form requests to the proxy) and `https-proxy-agent` for https: targets (a CONNECT tunnel,
 * then TLS). Both are agent-base subclasses of http.Agent; the agent options pass through to it.
 * No NO_PROXY support (that lives in the `proxy-agent` package, not these two).
 */
import type http from 'node:http';
import type * as HttpProxyAgentModule from 'http-proxy-agent';
import type * as HttpsProxyAgentModule from 'https-proxy-agent';
import type { ProxyCapabilities, ProxySubjectOptions } from '../proxy-contract.ts';
import { importPackage, packageVersion } from './package.ts';

// ES modules from 8 on, CommonJS before: imported by path either way (./package.ts)
const { HttpProxyAgent } = await importPackage<typeof HttpProxyAgentModule>('http-proxy-agent');
const { HttpsProxyAgent } = await importPackage<typeof HttpsProxyAgentModule>('https-proxy-agent');
// `new HttpsProxyAgent(proxy, agentOptions)` is the API from 7.0.0 (agent-base 7); 5 and 6 took one
// options object, so the mapping would drop the agent options
if (Number.parseInt(packageVersion('https-proxy-agent'), 10) < 7)
  throw new Error(
    'proxy-agents needs http-proxy-agent / https-proxy-agent 7.0.0 or later (their (proxy, options) constructor): use proxy-agents:7 or newer',
  );

export function createProxyAgent({ agentOptions, proxy, protocol }: ProxySubjectOptions): http.Agent {
  if (proxy.noProxy !== undefined || proxy.env !== undefined) {
    throw new Error('proxy-agents: no NO_PROXY / environment support (see proxyCapabilities)');
  }
  return protocol === 'https:'
    ? new HttpsProxyAgent(proxy.url, agentOptions)
    : new HttpProxyAgent(proxy.url, agentOptions);
}

export const proxyCapabilities: ProxyCapabilities = {
  noProxy: false,
  env: false,
  modes: { 'http:': 'absolute-form', 'https:': 'connect' },
};
