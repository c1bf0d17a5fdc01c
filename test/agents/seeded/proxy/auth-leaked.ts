/**
 * Seeded bug: a tunnelling proxy agent that puts `Proxy-Authorization` on the request itself as
 * well as on the CONNECT. Inside the tunnel the request goes to the origin, and so do the proxy
 * credentials.
 */
import type http from 'node:http';
import { HttpsProxyAgent } from 'https-proxy-agent';
import type { ProxyCapabilities, ProxySubjectOptions } from '../../../../harness/subject/proxy-contract.ts';

export const seeded = {
  catches: ['proxy/authorization-to-proxy-only'],
  rule: 'Proxy-Authorization is for the proxy: it never reaches the origin',
};

/** `addRequest` exists at runtime but not in the agent's types. */
interface AddRequest {
  addRequest(req: http.ClientRequest, options: Record<string, unknown>): void;
}

class LeaksAuth extends HttpsProxyAgent<string> {
  addRequest(req: http.ClientRequest, options: Record<string, unknown>): void {
    const { username, password } = this.proxy;
    if (username) {
      const credentials = `${decodeURIComponent(username)}:${decodeURIComponent(password)}`;
      req.setHeader('Proxy-Authorization', `Basic ${Buffer.from(credentials).toString('base64')}`);
    }
    (HttpsProxyAgent.prototype as unknown as AddRequest).addRequest.call(this, req, options);
  }
}

export function createProxyAgent({ agentOptions, proxy }: ProxySubjectOptions): http.Agent {
  // an https-proxy-agent tunnels http: targets too (plain HTTP inside the CONNECT)
  return new LeaksAuth(proxy.url, agentOptions);
}

export const proxyCapabilities: ProxyCapabilities = {
  noProxy: false,
  env: false,
  modes: { 'http:': 'connect', 'https:': 'connect' },
};
