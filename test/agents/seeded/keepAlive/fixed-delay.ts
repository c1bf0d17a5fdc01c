/**
 * Seeded bug: the agent accepts keepAliveMsecs but always uses Node's default of 1000 ms as the
 * TCP keep-alive initial delay, both when it creates a socket and when it pools one.
 */
import http from 'node:http';

export const seeded = {
  catches: ['keepAlive/tcp-keepalive-delay', 'createConnection/options-keepalive'],
  rule: 'keepAliveMsecs is the initial delay for TCP Keep-Alive packets',
};

class FixedDelay extends http.Agent {
  constructor(options?: http.AgentOptions) {
    super(options);
    (this as unknown as { keepAliveMsecs: number }).keepAliveMsecs = 1000;
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new FixedDelay(options);
}
