/**
 * Seeded bug: the agent reads maxSockets, maxFreeSockets and maxTotalSockets once, in its
 * constructor. Assigning `agent.maxSockets` (or the other two) later is silently ignored.
 */
import http from 'node:http';

export const seeded = {
  catches: [
    'defaults/max-sockets-assigned',
    'defaults/max-free-sockets-assigned',
    'defaults/max-total-sockets-assigned',
  ],
  rule: 'agent.maxSockets / maxFreeSockets / maxTotalSockets determine the limits',
};

class FrozenLimits extends http.Agent {
  constructor(options?: http.AgentOptions) {
    super(options);
    for (const key of ['maxSockets', 'maxFreeSockets', 'maxTotalSockets'] as const) {
      const value = this[key];
      Object.defineProperty(this, key, { get: () => value, set: () => undefined, enumerable: true });
    }
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new FrozenLimits(options);
}
