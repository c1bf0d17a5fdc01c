/**
 * Seeded bug: a proxy agent that takes its proxy from HTTP_PROXY whatever the target's protocol, as
 * if every target were http. With only HTTPS_PROXY meant for it, an https: target goes directly to
 * the origin, past the proxy: no CONNECT tunnel at all.
 */
import http from 'node:http';
import https from 'node:https';
import type { ProxyCapabilities, ProxySubjectOptions } from '../../../../harness/subject/proxy-contract.ts';

export const seeded = {
  catches: ['proxy/https-connect'],
  rule: 'an https: target is sent through the proxy configured for https (HTTPS_PROXY), in a CONNECT tunnel',
};

export function createProxyAgent({ agentOptions, proxy, protocol }: ProxySubjectOptions): http.Agent {
  // the variable of the wrong scheme: Node's https agent tunnels from HTTPS_PROXY only
  const proxyEnv = { HTTP_PROXY: proxy.url };
  return protocol === 'https:'
    ? new https.Agent({ ...agentOptions, proxyEnv })
    : new http.Agent({ ...agentOptions, proxyEnv });
}

export const proxyCapabilities: ProxyCapabilities = {
  noProxy: false,
  env: false,
  modes: { 'http:': 'absolute-form', 'https:': 'connect' },
};
