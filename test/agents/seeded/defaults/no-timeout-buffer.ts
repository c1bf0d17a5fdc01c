/**
 * Seeded bug: without an `agentKeepAliveTimeoutBuffer` option no buffer is taken off the Keep-Alive
 * hint (0, not 1000 ms).
 */
import http from 'node:http';

export const seeded = {
  catches: ['defaults/keepalive-timeout-buffer'],
  rule: 'agentKeepAliveTimeoutBuffer defaults to 1000 ms',
};

export function createAgent(
  options?: http.AgentOptions & { agentKeepAliveTimeoutBuffer?: number },
): http.Agent {
  return new http.Agent({
    ...options,
    agentKeepAliveTimeoutBuffer: options?.agentKeepAliveTimeoutBuffer ?? 0,
  } as http.AgentOptions);
}
