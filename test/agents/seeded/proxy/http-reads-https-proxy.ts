/**
 * Seeded bug: a proxy agent that takes its proxy from HTTPS_PROXY whatever the target's protocol, as
 * if every target were https. With only HTTP_PROXY meant for it, an http: target goes directly to the
 * origin, past the proxy.
 */
import http from 'node:http';
import type { ProxyCapabilities, ProxySubjectOptions } from '../../../../harness/subject/proxy-contract.ts';

export const seeded = {
  catches: ['proxy/http-through-proxy'],
  rule: 'an http: target is sent through the proxy configured for http (HTTP_PROXY)',
};

export function createProxyAgent({ agentOptions, proxy }: ProxySubjectOptions): http.Agent {
  // the variable of the wrong scheme: Node's agent proxies http: targets from HTTP_PROXY only
  return new http.Agent({ ...agentOptions, proxyEnv: { HTTPS_PROXY: proxy.url } });
}

export const proxyCapabilities: ProxyCapabilities = {
  noProxy: false,
  env: false,
  modes: { 'http:': 'absolute-form', 'https:': 'connect' },
};
