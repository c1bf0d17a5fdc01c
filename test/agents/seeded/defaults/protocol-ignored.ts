/**
 * Seeded bug: the agent does not keep the `protocol` option (agent.protocol is unset), and it
 * declares nothing. http.request() then has nothing to check a request's protocol against, and an
 * http request goes out through an agent configured for 'https:'.
 */
import http from 'node:http';

export const seeded = {
  catches: ['defaults/protocol-mismatch'],
  rule: "a request whose protocol differs from the agent's protocol is refused",
};

class NoProtocol extends http.Agent {
  constructor(options?: http.AgentOptions) {
    super(options);
    (this as unknown as { protocol?: string }).protocol = undefined;
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new NoProtocol(options);
}
