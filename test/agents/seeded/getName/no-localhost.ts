/**
 * Seeded bug: getName() without a host leaves the host empty instead of `localhost`.
 */
import http from 'node:http';

export const seeded = {
  catches: ['getName/empty-options'],
  rule: 'getName() uses localhost when no host is given',
};

class NoLocalhost extends http.Agent {
  override getName(options?: http.ClientRequestArgs): string {
    const name = super.getName(options);
    return options?.host ? name : name.replace(/^localhost/, '');
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new NoLocalhost(options);
}
