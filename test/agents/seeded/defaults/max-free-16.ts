/**
 * Seeded bug: without a `maxFreeSockets` option the agent keeps 16 idle sockets, not 256.
 */
import http from 'node:http';

export const seeded = {
  catches: ['defaults/max-free-sockets-256'],
  rule: 'maxFreeSockets defaults to 256',
};

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new http.Agent({ ...options, maxFreeSockets: options?.maxFreeSockets ?? 16 });
}
