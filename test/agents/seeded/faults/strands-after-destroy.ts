/**
 * Seeded bug: when the caller destroys a request (say on `'timeout'`), the agent takes its socket
 * off the books but does not serve the requests queued behind it, which then wait forever.
 */
import http from 'node:http';
import type { Socket } from 'node:net';

export const seeded = {
  catches: ['faults/blackhole-queue'],
  rule: 'a queued request gets a socket once one is released, also when the request before it was destroyed',
};

/** `removeSocket` and a writable `requests` exist at runtime but not in @types/node. */
interface AgentInternals {
  removeSocket(socket: Socket, options: http.ClientRequestArgs): void;
  requests: Record<string, unknown[] | undefined>;
}

class StrandsAfterDestroy extends http.Agent {
  removeSocket(socket: Socket, options: http.ClientRequestArgs): void {
    const self = this as unknown as AgentInternals;
    const base = http.Agent.prototype as unknown as AgentInternals;
    const req = (socket as Socket & { _httpMessage?: http.ClientRequest | null })._httpMessage;
    if (!req?.destroyed) {
      base.removeSocket.call(this, socket, options);
      return;
    }
    // The bug: hide the queue while the destroyed request's socket is removed.
    const name = this.getName(options);
    const queued = self.requests[name];
    delete self.requests[name];
    try {
      base.removeSocket.call(this, socket, options);
    } finally {
      if (queued) self.requests[name] = queued;
    }
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new StrandsAfterDestroy(options);
}
