/**
 * Seeded bug: the agent forwards every option but `defaultPort`, so its defaultPort is always 80,
 * while it declares the capability (so the cases run instead of being `unsupported`). As on
 * Node 20, which ignores the option.
 */
import http from 'node:http';

export const seeded = {
  catches: ['defaults/default-port-host-header', 'defaults/default-port'],
  rule: "a request without a port uses the agent's defaultPort",
};

export const capabilities = { defaultPort: true };

class IgnoresDefaultPort extends http.Agent {
  constructor(options?: http.AgentOptions & { defaultPort?: number }) {
    const { defaultPort: _ignored, ...rest } = options ?? {};
    super(rest);
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new IgnoresDefaultPort(options);
}
