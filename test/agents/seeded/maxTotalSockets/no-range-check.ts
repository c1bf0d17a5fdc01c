/**
 * Seeded bug: `maxTotalSockets` 0, a negative number or NaN means "no limit" instead of being rejected
 * with ERR_OUT_OF_RANGE.
 */
import http from 'node:http';

export const seeded = {
  catches: ['maxTotalSockets/out-of-range'],
  rule: 'maxTotalSockets must be ≥ 1 (ERR_OUT_OF_RANGE otherwise), as in Node',
};

export function createAgent(options?: http.AgentOptions): http.Agent {
  const value = options?.maxTotalSockets;
  if (typeof value === 'number' && !(value >= 1))
    return new http.Agent({ ...options, maxTotalSockets: undefined });
  return new http.Agent(options);
}
