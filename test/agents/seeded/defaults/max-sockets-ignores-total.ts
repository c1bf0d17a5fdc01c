/**
 * Seeded bug: the agent enforces only one limit at a time. When `maxSockets` is set (finite), it
 * ignores `maxTotalSockets`.
 */
import type { ClientRequest } from 'node:http';
import http from 'node:http';

export const seeded = {
  catches: ['defaults/max-total-with-max-sockets-total'],
  rule: 'with maxSockets set, maxTotalSockets still limits the total',
};

/** `addRequest` exists at runtime but not in @types/node. */
interface AddRequest {
  addRequest(req: ClientRequest, options: Record<string, unknown>): void;
}

class MaxSocketsIgnoresTotal extends http.Agent {
  addRequest(req: ClientRequest, options: Record<string, unknown>): void {
    const self = this as unknown as Record<string, number>;
    const kept = self.maxTotalSockets as number;
    if (Number.isFinite(self.maxSockets)) self.maxTotalSockets = Number.POSITIVE_INFINITY;
    try {
      (http.Agent.prototype as unknown as AddRequest).addRequest.call(this, req, options);
    } finally {
      self.maxTotalSockets = kept;
    }
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new MaxSocketsIgnoresTotal(options);
}
