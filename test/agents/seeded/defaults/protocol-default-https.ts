/**
 * Seeded bug: one agent class for both schemes whose protocol defaults to 'https:' rather than
 * 'http:'. Every http request through an agent made without options is refused.
 */
import http from 'node:http';

export const seeded = {
  catches: ['defaults/protocol-http'],
  rule: "the agent's protocol defaults to 'http:'",
};

class HttpsByDefault extends http.Agent {
  constructor(options?: http.AgentOptions & { protocol?: string }) {
    super({ protocol: 'https:', ...options } as http.AgentOptions);
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new HttpsByDefault(options);
}
