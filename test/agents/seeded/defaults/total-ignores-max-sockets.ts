/**
 * Seeded bug: the agent enforces only one limit at a time. When `maxTotalSockets` is set (finite), it
 * ignores `maxSockets`.
 */
import type { ClientRequest } from 'node:http';
import http from 'node:http';

export const seeded = {
  catches: ['defaults/max-total-with-max-sockets-per-origin'],
  rule: 'with maxTotalSockets set, maxSockets still limits each origin',
};

/** `addRequest` exists at runtime but not in @types/node. */
interface AddRequest {
  addRequest(req: ClientRequest, options: Record<string, unknown>): void;
}

class TotalIgnoresMaxSockets extends http.Agent {
  addRequest(req: ClientRequest, options: Record<string, unknown>): void {
    const self = this as unknown as Record<string, number>;
    const kept = self.maxSockets as number;
    if (Number.isFinite(self.maxTotalSockets)) self.maxSockets = Number.POSITIVE_INFINITY;
    try {
      (http.Agent.prototype as unknown as AddRequest).addRequest.call(this, req, options);
    } finally {
      self.maxSockets = kept;
    }
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new TotalIgnoresMaxSockets(options);
}
