/**
 * Seeded bug: without a `keepAliveMsecs` option the agent uses 3000, not 1000.
 */
import http from 'node:http';

export const seeded = {
  catches: ['defaults/option-fields'],
  rule: 'keepAliveMsecs defaults to 1000',
};

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new http.Agent({ ...options, keepAliveMsecs: options?.keepAliveMsecs ?? 3000 });
}
