/**
 * Seeded bug: a proxy agent that takes a 407 from the proxy for the first step of an authentication
 * handshake and holds the request back, waiting to retry it with credentials it never has. The
 * request never settles and keeps its socket, so with `maxSockets: 1` the requests queued behind it
 * hang as well.
 */
import http from 'node:http';
import type { ProxyCapabilities, ProxySubjectOptions } from '../../../../harness/subject/proxy-contract.ts';

export const seeded = {
  catches: ['proxy/auth-required-settles'],
  rule: 'a 407 from the proxy settles the request (a response or an error), it does not hang',
};

/** `addRequest` exists at runtime but not in the agent's types. */
interface AddRequest {
  addRequest(req: http.ClientRequest, options: Record<string, unknown>): void;
}

class HoldsOn407 extends http.Agent {
  addRequest(req: http.ClientRequest, options: Record<string, unknown>): void {
    const emit = req.emit;
    req.emit = function (this: http.ClientRequest, event: string | symbol, ...args: unknown[]): boolean {
      // the 407 is kept from the caller "until the retry with credentials", which never comes
      if (event === 'response' && (args[0] as http.IncomingMessage).statusCode === 407) return true;
      return emit.call(this, event, ...args);
    } as typeof req.emit;
    (http.Agent.prototype as unknown as AddRequest).addRequest.call(this, req, options);
  }
}

export function createProxyAgent({ agentOptions, proxy }: ProxySubjectOptions): http.Agent {
  return new HoldsOn407({ ...agentOptions, proxyEnv: { HTTP_PROXY: proxy.url } });
}

export const proxyCapabilities: ProxyCapabilities = {
  noProxy: false,
  env: false,
  modes: { 'http:': 'absolute-form', 'https:': 'connect' },
};
