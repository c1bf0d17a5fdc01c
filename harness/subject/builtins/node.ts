/**
 * Built-in subject `node`: the `http.Agent` of whichever runtime the subject host runs in.
 *
 * Proxies (`createProxyAgent`, harness/subject/proxy-contract.ts): the runtime's own agents with
 * Node's built-in proxy support, `new http.Agent({ proxyEnv })` / `new https.Agent({ proxyEnv })`
 * (Node ≥ 24.5 / 22.21). Node sends http: targets in absolute-form and opens a CONNECT tunnel for
 * https: targets, reads credentials from the proxy URL (percent-decoded) and applies NO_PROXY itself.
 * As for the other options, the release decides (./node-release.ts): `proxyCapabilities` is null on a
 * release that does not document `proxyEnv` (the proxy cases are then `unsupported`), and a release
 * that documents it runs them, and fails them if it connects directly.
 *
 * https cases (`createHttpsAgent`): the runtime's `https.Agent`.
 */
import http from 'node:http';
import https from 'node:https';
import type { ProxyCapabilities, ProxySubjectOptions } from '../proxy-contract.ts';
import { documentedAgentOptions, proxyEnvDocumented } from './node-release.ts';

/**
 * What this release of the runtime documents decides the options whose cases run: `defaultPort`
 * and `protocol` (Node ≥ 24.5.0 / 22.21.0) and `agentKeepAliveTimeoutBuffer` (≥ 24.7.0 / 22.20.0).
 * A documented option is never excused: if the agent ignores it, its cases fail.
 */
export const capabilities = documentedAgentOptions();

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new http.Agent(options);
}

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

export const proxyCapabilities: ProxyCapabilities | null = proxyEnvDocumented()
  ? { noProxy: true, env: true, modes: { 'http:': 'absolute-form', 'https:': 'connect' } }
  : null;
export function createHttpsAgent(options?: https.AgentOptions): https.Agent {
  return new https.Agent(options);
}
