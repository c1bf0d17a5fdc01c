/**
 * Seeded bug: getName() leaves out the port, so two origins on one host share a pool.
 */
import http from 'node:http';

export const seeded = {
  catches: ['getName/port-keyed'],
  rule: 'the pool key includes the port',
};

class IgnoresPort extends http.Agent {
  override getName(options?: http.ClientRequestArgs): string {
    return super.getName({ ...options, port: undefined });
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new IgnoresPort(options);
}
