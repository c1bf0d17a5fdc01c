/**
 * Seeded bug: `scheduling` is matched without regard to case, so 'FIFO' is accepted.
 */
import http from 'node:http';

export const seeded = {
  catches: ['scheduling/invalid-rejected'],
  rule: "scheduling is 'fifo' or 'lifo' (ERR_INVALID_ARG_VALUE otherwise), as in Node",
};

export function createAgent(options?: http.AgentOptions): http.Agent {
  const scheduling = options?.scheduling;
  const lower = typeof scheduling === 'string' ? scheduling.toLowerCase() : scheduling;
  return new http.Agent({ ...options, scheduling: lower as http.AgentOptions['scheduling'] });
}
