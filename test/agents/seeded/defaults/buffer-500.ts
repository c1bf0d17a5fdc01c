/**
 * Seeded bug: without an `agentKeepAliveTimeoutBuffer` option the buffer taken off the Keep-Alive
 * hint is 500 ms, not 1000 (a `timeout=1` socket is pooled for 500 ms, a `timeout=2` one for 1500).
 */
import http from 'node:http';

export const seeded = {
  catches: ['defaults/keepalive-timeout-buffer', 'keepAlive/hint-lowers-free-timeout'],
  rule: 'agentKeepAliveTimeoutBuffer defaults to 1000 ms',
};

export function createAgent(
  options?: http.AgentOptions & { agentKeepAliveTimeoutBuffer?: number },
): http.Agent {
  return new http.Agent({
    ...options,
    agentKeepAliveTimeoutBuffer: options?.agentKeepAliveTimeoutBuffer ?? 500,
  } as http.AgentOptions);
}
