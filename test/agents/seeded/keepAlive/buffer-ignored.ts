/**
 * Seeded bug: the agent drops the `agentKeepAliveTimeoutBuffer` option (the buffer stays the default
 * 1000 ms, and agent.agentKeepAliveTimeoutBuffer says 1000), and it declares nothing: the cases
 * about the option must run and fail, not be excused as `unsupported`.
 */
import http from 'node:http';

export const seeded = {
  catches: ['keepAlive/hint-buffer'],
  rule: 'agentKeepAliveTimeoutBuffer is what is subtracted from the Keep-Alive hint',
};

class IgnoresBuffer extends http.Agent {
  constructor(options?: http.AgentOptions & { agentKeepAliveTimeoutBuffer?: number }) {
    const { agentKeepAliveTimeoutBuffer: _ignored, ...rest } = options ?? {};
    super(rest);
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new IgnoresBuffer(options);
}
