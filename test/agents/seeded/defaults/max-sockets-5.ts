/**
 * Seeded bug: without a `maxSockets` option the agent allows 5 sockets per origin (an old default),
 * not Infinity.
 */
import http from 'node:http';

export const seeded = {
  catches: ['defaults/max-sockets-infinity'],
  rule: 'maxSockets defaults to Infinity',
};

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new http.Agent({ ...options, maxSockets: options?.maxSockets ?? 5 });
}
