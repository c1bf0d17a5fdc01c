/**
 * Seeded bug: `maxTotalSockets` must be a finite integer: Infinity and 1.5 are rejected, unlike Node.
 */
import http from 'node:http';

export const seeded = {
  catches: ['maxTotalSockets/accepts-infinity-fraction'],
  rule: 'maxTotalSockets accepts Infinity and fractions, as in Node',
};

export function createAgent(options?: http.AgentOptions): http.Agent {
  const value = options?.maxTotalSockets;
  if (typeof value === 'number' && !Number.isInteger(value)) {
    throw Object.assign(new RangeError(`maxTotalSockets must be an integer: ${value}`), {
      code: 'ERR_OUT_OF_RANGE',
    });
  }
  return new http.Agent(options);
}
