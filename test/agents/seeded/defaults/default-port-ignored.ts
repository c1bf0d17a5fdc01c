/**
 * Seeded bug: the agent forwards every option but `defaultPort`, so its defaultPort is always 80,
 * and it declares nothing (the option is not stored: nothing may excuse that as `unsupported`). As
 * Node 20 and Node 24.4.1 behave, whose releases do not document the option.
 */
import http from 'node:http';

export const seeded = {
  catches: ['defaults/default-port-host-header', 'defaults/default-port'],
  rule: "a request without a port uses the agent's defaultPort",
};

class IgnoresDefaultPort extends http.Agent {
  constructor(options?: http.AgentOptions & { defaultPort?: number }) {
    const { defaultPort: _ignored, ...rest } = options ?? {};
    super(rest);
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new IgnoresDefaultPort(options);
}
