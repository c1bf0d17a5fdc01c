/**
 * Seeded bug: a proxy agent that keeps a pooled tunnel the proxy closed. It remembers every pooled
 * socket and, when one closes (the proxy's FIN), files it as still reusable instead of forgetting it;
 * the next request to that origin is handed the dead tunnel and fails.
 */
import type { ClientRequest } from 'node:http';
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { ProxyCapabilities, ProxySubjectOptions } from '../../../../harness/subject/proxy-contract.ts';

export const seeded = {
  catches: ['proxy/tunnel-closed-by-proxy'],
  rule: 'a pooled tunnel the proxy closes is removed from the pool; the next request opens a new tunnel',
};

/** `addRequest` exists at runtime but not in @types/node. */
interface AddRequest {
  addRequest(req: ClientRequest, options: http.ClientRequestArgs): void;
}

class ReusesClosedTunnels extends https.Agent {
  private readonly pooled = new Set<Socket>();
  private readonly closedButKept = new Map<string, Socket[]>();

  constructor(options?: https.AgentOptions) {
    super(options);
    // Runs after the agent's own 'free' handler: the socket is pooled if it is in freeSockets now.
    this.on('free', (socket: Socket, options: https.RequestOptions) => {
      const name = this.getName(options);
      if (!this.freeSockets[name]?.includes(socket) || this.pooled.has(socket)) return;
      this.pooled.add(socket);
      socket.once('close', () => {
        if (!this.pooled.delete(socket)) return;
        const kept = this.closedButKept.get(name) ?? [];
        kept.push(socket);
        this.closedButKept.set(name, kept);
      });
    });
  }

  override reuseSocket(socket: Socket, request: ClientRequest): void {
    this.pooled.delete(socket);
    super.reuseSocket(socket, request);
  }

  addRequest(req: ClientRequest, options: https.RequestOptions): void {
    const stale = this.closedButKept.get(this.getName(options))?.shift();
    if (stale) {
      req.reusedSocket = true;
      req.onSocket(stale);
      return;
    }
    (http.Agent.prototype as unknown as AddRequest).addRequest.call(this, req, options);
  }
}

export function createProxyAgent({ agentOptions, proxy, protocol }: ProxySubjectOptions): http.Agent {
  return protocol === 'https:'
    ? new ReusesClosedTunnels({ ...agentOptions, proxyEnv: { HTTPS_PROXY: proxy.url } })
    : new http.Agent({ ...agentOptions, proxyEnv: { HTTP_PROXY: proxy.url } });
}

export const proxyCapabilities: ProxyCapabilities = {
  noProxy: false,
  env: false,
  modes: { 'http:': 'absolute-form', 'https:': 'connect' },
};
