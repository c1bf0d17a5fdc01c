/**
 * Seeded bug: getName() leaves out `family`, so IPv4-only requests share a pool with the others.
 */
import http from 'node:http';

export const seeded = {
  catches: ['getName/family-keyed'],
  rule: 'the pool key includes the family (4 or 6)',
};

class IgnoresFamily extends http.Agent {
  override getName(options?: http.ClientRequestArgs): string {
    return super.getName({ ...options, family: undefined });
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new IgnoresFamily(options);
}
