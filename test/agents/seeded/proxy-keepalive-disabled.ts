/**
 * Seeded bug (global-agent's): a proxy agent that turns keep-alive off for every request it sends
 * through the proxy (`shouldKeepAlive = false`), so each request opens a new proxy connection even
 * with `keepAlive: true`.
 */
import http from 'node:http';
import type { ProxyCapabilities, ProxySubjectOptions } from '../../../harness/subject/proxy-contract.ts';

export const seeded = {
  catches: ['proxy/keep-alive-one-connection'],
  rule: 'with keepAlive, sequential requests through the proxy share one proxy connection',
};

/** `addRequest` exists at runtime but not in the agent's types. */
interface AddRequest {
  addRequest(req: http.ClientRequest, options: Record<string, unknown>): void;
}

class NoKeepAlive extends http.Agent {
  addRequest(req: http.ClientRequest, options: Record<string, unknown>): void {
    // before the head is rendered: `Connection: close`, and the socket is not given back to the pool
    req.shouldKeepAlive = false;
    (http.Agent.prototype as unknown as AddRequest).addRequest.call(this, req, options);
  }
}

export function createProxyAgent({ agentOptions, proxy }: ProxySubjectOptions): http.Agent {
  return new NoKeepAlive({ ...agentOptions, proxyEnv: { HTTP_PROXY: proxy.url } });
}

export const proxyCapabilities: ProxyCapabilities = {
  noProxy: false,
  env: false,
  modes: { 'http:': 'absolute-form', 'https:': 'connect' },
};
