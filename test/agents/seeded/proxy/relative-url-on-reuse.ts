/**
 * Seeded bug (the class of proxy-agents#169): a proxy agent that sends the absolute URL on a new
 * proxy connection but a relative one (`GET /2`) on a reused one, which a forward proxy cannot route.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import type { ProxyCapabilities, ProxySubjectOptions } from '../../../../harness/subject/proxy-contract.ts';

export const seeded = {
  catches: ['proxy/reused-connection-absolute-url'],
  rule: 'every request to a forward proxy, on a new or a reused connection, is in absolute-form',
};

class RelativeOnReuse extends http.Agent {
  override reuseSocket(socket: Socket, req: http.ClientRequest): void {
    super.reuseSocket(socket, req);
    // runs before the request's head is rendered: the reused connection gets an origin-form target
    if (/^https?:\/\//.test(req.path)) {
      const url = new URL(req.path);
      req.path = url.pathname + url.search;
    }
  }
}

export function createProxyAgent({ agentOptions, proxy }: ProxySubjectOptions): http.Agent {
  return new RelativeOnReuse({ ...agentOptions, proxyEnv: { HTTP_PROXY: proxy.url } });
}

export const proxyCapabilities: ProxyCapabilities = {
  noProxy: false,
  env: false,
  modes: { 'http:': 'absolute-form', 'https:': 'connect' },
};
