/**
 * Seeded bug: `maxTotalSockets` given as a string or null is coerced to a number instead of being
 * rejected with ERR_INVALID_ARG_TYPE.
 */
import http from 'node:http';

export const seeded = {
  catches: ['maxTotalSockets/invalid-type'],
  rule: 'maxTotalSockets must be a number (ERR_INVALID_ARG_TYPE otherwise), as in Node',
};

export function createAgent(options?: http.AgentOptions): http.Agent {
  const value = options?.maxTotalSockets as unknown;
  if (typeof value === 'string' || value === null) {
    const n = Number(value);
    return new http.Agent({ ...options, maxTotalSockets: n > 0 ? n : undefined });
  }
  return new http.Agent(options);
}
