/**
 * Seeded bug: without a `maxTotalSockets` option the agent allows 10 sockets in all, not Infinity.
 */
import http from 'node:http';

export const seeded = {
  catches: ['defaults/max-total-sockets-infinity'],
  rule: 'maxTotalSockets defaults to Infinity',
};

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new http.Agent({ ...options, maxTotalSockets: options?.maxTotalSockets ?? 10 });
}
