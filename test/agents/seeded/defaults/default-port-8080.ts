/**
 * Seeded bug: an agent made without a `defaultPort` option has defaultPort 8080, not 80.
 */
import http from 'node:http';

export const seeded = {
  catches: ['defaults/default-port'],
  rule: 'defaultPort defaults to 80',
};

export function createAgent(options?: http.AgentOptions): http.Agent {
  const agent = new http.Agent(options);
  if (options?.defaultPort === undefined) (agent as http.Agent & { defaultPort: number }).defaultPort = 8080;
  return agent;
}
