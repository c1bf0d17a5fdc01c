/**
 * Seeded bug: getName() appends any truthy `family`, not only 4 and 6.
 */
import http from 'node:http';

export const seeded = {
  catches: ['getName/family-other-ignored'],
  rule: 'getName() adds the family only for 4 and 6',
};

class AnyFamily extends http.Agent {
  override getName(options?: http.ClientRequestArgs): string {
    const name = super.getName(options);
    const family = options?.family;
    return family && family !== 4 && family !== 6 ? `${name}:${String(family)}` : name;
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new AnyFamily(options);
}
