/**
 * Seeded bug (off by ×2): a request's own `timeout` is doubled before the agent sees it, so its
 * socket times out at 600 ms for a `timeout: 300`; the same through its proxy agents.
 */
import http from 'node:http';
import https from 'node:https';
import type { ProxyCapabilities, ProxySubjectOptions } from '../../../../harness/subject/proxy-contract.ts';

export const seeded = {
  catches: ['timeout/per-request-wins', 'proxy/silent-proxy-timeout'],
  rule: "a request's timeout option is its socket's timeout",
};

/** `addRequest` exists at runtime but not in the agent's types. */
interface AddRequest {
  addRequest(req: http.ClientRequest, options: Record<string, unknown>): void;
}

function doubled(req: http.ClientRequest): void {
  const r = req as http.ClientRequest & { timeout?: number };
  if (typeof r.timeout === 'number' && r.timeout > 0) r.timeout *= 2;
}

class RequestDoubled extends http.Agent {
  addRequest(req: http.ClientRequest, options: Record<string, unknown>): void {
    doubled(req);
    (http.Agent.prototype as unknown as AddRequest).addRequest.call(this, req, options);
  }
}

class RequestDoubledHttps extends https.Agent {
  addRequest(req: http.ClientRequest, options: Record<string, unknown>): void {
    doubled(req);
    (https.Agent.prototype as unknown as AddRequest).addRequest.call(this, req, options);
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new RequestDoubled(options);
}

export function createProxyAgent({ agentOptions, proxy, protocol }: ProxySubjectOptions): http.Agent {
  return protocol === 'https:'
    ? new RequestDoubledHttps({ ...agentOptions, proxyEnv: { HTTPS_PROXY: proxy.url } })
    : new RequestDoubled({ ...agentOptions, proxyEnv: { HTTP_PROXY: proxy.url } });
}

export const proxyCapabilities: ProxyCapabilities = {
  noProxy: false,
  env: false,
  modes: { 'http:': 'absolute-form', 'https:': 'connect' },
};
