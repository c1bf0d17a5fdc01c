/**
 * Seeded bug (off by ×2): the TCP keep-alive initial delay is twice keepAliveMsecs, when the agent
 * creates a socket and when it pools one.
 */
import http from 'node:http';

export const seeded = {
  catches: [
    'keepAlive/tcp-keepalive-delay',
    'keepAlive/tcp-keepalive-active',
    'keepAlive/keep-socket-alive-default',
  ],
  rule: 'keepAliveMsecs is the initial delay for TCP Keep-Alive packets',
};

class DelayDoubled extends http.Agent {
  constructor(options?: http.AgentOptions) {
    super(options);
    const self = this as unknown as { keepAliveMsecs: number };
    self.keepAliveMsecs *= 2;
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new DelayDoubled(options);
}
