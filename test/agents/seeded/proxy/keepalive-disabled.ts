/**
 * Seeded bug (global-agent's): a proxy agent that turns keep-alive off for every request it sends
 * through the proxy (`shouldKeepAlive = false`), so each request opens a new proxy connection even
 * with `keepAlive: true`.
 */
import http from 'node:http';
import https from 'node:https';
import type { ProxyCapabilities, ProxySubjectOptions } from '../../../../harness/subject/proxy-contract.ts';

export const seeded = {
  catches: ['proxy/keep-alive-one-connection', 'proxy/https-keep-alive-one-tunnel'],
  rule: 'with keepAlive, sequential requests through the proxy share one proxy connection (one tunnel)',
};

/** `addRequest` exists at runtime but not in the agent's types. */
interface AddRequest {
  addRequest(req: http.ClientRequest, options: Record<string, unknown>): void;
}

function addWithoutKeepAlive(agent: http.Agent, req: http.ClientRequest, options: Record<string, unknown>) {
  // before the head is rendered: `Connection: close`, and the socket is not given back to the pool
  req.shouldKeepAlive = false;
  (http.Agent.prototype as unknown as AddRequest).addRequest.call(agent, req, options);
}

class NoKeepAlive extends http.Agent {
  addRequest(req: http.ClientRequest, options: Record<string, unknown>): void {
    addWithoutKeepAlive(this, req, options);
  }
}

/** The same for https: targets (a CONNECT tunnel per request). */
class NoKeepAliveHttps extends https.Agent {
  addRequest(req: http.ClientRequest, options: Record<string, unknown>): void {
    addWithoutKeepAlive(this, req, options);
  }
}

export function createProxyAgent({ agentOptions, proxy, protocol }: ProxySubjectOptions): http.Agent {
  return protocol === 'https:'
    ? new NoKeepAliveHttps({ ...agentOptions, proxyEnv: { HTTPS_PROXY: proxy.url } })
    : new NoKeepAlive({ ...agentOptions, proxyEnv: { HTTP_PROXY: proxy.url } });
}

export const proxyCapabilities: ProxyCapabilities = {
  noProxy: false,
  env: false,
  modes: { 'http:': 'absolute-form', 'https:': 'connect' },
};
