/**
 * Seeded bug: a proxy agent that sends a request for a Unix domain socket through the proxy anyway.
 * It is Node's own agent with built-in proxy support (`proxyEnv`: the proxy variables, NO_PROXY and
 * the lower-case precedence stay Node's), plus an `addRequest` that treats `socketPath` as one more
 * connection option: a request Node left in origin-form because it goes to a Unix socket loses its
 * `socketPath` and is rewritten to absolute-form for the proxy, which the agent then dials.
 */
import http, { type ClientRequest } from 'node:http';
import type { ProxyCapabilities, ProxySubjectOptions } from '../../../../harness/subject/proxy-contract.ts';

export const seeded = {
  catches: ['proxy/unix-socket-not-proxied'],
  rule: 'a request made to a Unix domain socket ignores the proxy settings',
};

type Options = Record<string, unknown>;
type Internal = { addRequest(req: ClientRequest, options: Options): void };

class ProxiesUnixSockets extends http.Agent {
  addRequest(req: ClientRequest, options: Options): void {
    const { socketPath, ...rest } = options;
    if (typeof socketPath === 'string') {
      // the bug: the target's authority is rebuilt from host and port, the Unix socket forgotten
      const host = typeof options.host === 'string' ? options.host : 'localhost';
      const port = options.port ? `:${String(options.port)}` : '';
      req.path = `http://${host}${port}${req.path}`;
    }
    (http.Agent.prototype as unknown as Internal).addRequest.call(this, req, rest);
  }
}

export function createProxyAgent({ agentOptions, proxy }: ProxySubjectOptions): http.Agent {
  const proxyEnv: http.ProxyEnv = proxy.env
    ? { ...proxy.env }
    : { HTTP_PROXY: proxy.url, ...(proxy.noProxy !== undefined ? { NO_PROXY: proxy.noProxy } : {}) };
  return new ProxiesUnixSockets({ ...agentOptions, proxyEnv });
}

export const proxyCapabilities: ProxyCapabilities = {
  noProxy: true,
  env: true,
  modes: { 'http:': 'absolute-form', 'https:': 'connect' },
};
