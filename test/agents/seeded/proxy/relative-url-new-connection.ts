/**
 * Seeded bug: a proxy agent that pools nothing (every request opens a new proxy connection) and
 * sends only its first request in absolute-form; the later ones go out as `GET /2`, which a forward
 * proxy cannot route. The reuse cases never see a reused connection here, so the absolute-form check
 * must hold on a new connection too.
 */
import http, { type ClientRequest } from 'node:http';
import type { ProxyCapabilities, ProxySubjectOptions } from '../../../../harness/subject/proxy-contract.ts';

export const seeded = {
  catches: ['proxy/reused-connection-absolute-url'],
  rule: 'every request to a forward proxy, on a new or a reused connection, is in absolute-form',
};

/** `addRequest` exists at runtime but not in @types/node. */
interface AddRequest {
  addRequest(req: ClientRequest, options: http.ClientRequestArgs): void;
}

class RelativeAfterFirst extends http.Agent {
  private sent = 0;

  override keepSocketAlive(): boolean {
    return false;
  }

  addRequest(req: ClientRequest, options: http.ClientRequestArgs): void {
    // runs before the request's head is rendered: every request after the first gets an origin-form target
    if (this.sent++ > 0 && /^https?:\/\//.test(req.path)) {
      const url = new URL(req.path);
      req.path = url.pathname + url.search;
    }
    (http.Agent.prototype as unknown as AddRequest).addRequest.call(this, req, options);
  }
}

export function createProxyAgent({ agentOptions, proxy }: ProxySubjectOptions): http.Agent {
  return new RelativeAfterFirst({ ...agentOptions, proxyEnv: { HTTP_PROXY: proxy.url } });
}

export const proxyCapabilities: ProxyCapabilities = {
  noProxy: false,
  env: false,
  modes: { 'http:': 'absolute-form', 'https:': 'connect' },
};
