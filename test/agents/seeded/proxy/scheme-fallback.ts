/**
 * Seeded bug: a proxy agent that falls back to the other scheme's variable when its own is unset
 * (an https target with only `HTTP_PROXY` set goes through that proxy, and an http target with only
 * `HTTPS_PROXY` through that one), where each variable is documented for its own scheme only.
 */
import http from 'node:http';
import https from 'node:https';
import type { ProxyCapabilities, ProxySubjectOptions } from '../../../../harness/subject/proxy-contract.ts';

export const seeded = {
  catches: ['proxy/env-one-scheme-only'],
  rule: 'HTTP_PROXY is for http requests and HTTPS_PROXY for https requests, never the other',
};

export function createProxyAgent({ agentOptions, proxy, protocol }: ProxySubjectOptions): http.Agent {
  const env = proxy.env ?? { [protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY']: proxy.url };
  const forHttp = env.http_proxy || env.HTTP_PROXY;
  const forHttps = env.https_proxy || env.HTTPS_PROXY;
  const noProxy = env.no_proxy || env.NO_PROXY || proxy.noProxy;
  const chosen = protocol === 'https:' ? forHttps || forHttp : forHttp || forHttps;
  const proxyEnv: http.ProxyEnv = {
    ...(chosen ? { [protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY']: chosen } : {}),
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
