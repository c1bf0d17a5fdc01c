/**
 * Seeded bug: the buffer subtracted from the Keep-Alive hint is a hard-coded 500 ms, not the
 * default 1000 ms nor the configured one; the agent still reports `agentKeepAliveTimeoutBuffer`
 * as given. With `Keep-Alive: timeout=2` a pooled socket then lives 1500 ms instead of 1000 ms
 * (default buffer) or 400 ms (a buffer of 1600).
 */
import http from 'node:http';
import type { Duplex } from 'node:stream';

export const seeded = {
  catches: ['keepAlive/hint-lowers-free-timeout', 'keepAlive/hint-buffer', 'servers/httpd-hint-expiry'],
  rule: 'the Keep-Alive hint minus the default buffer of 1000 ms is a pooled socket’s timeout',
};

class HalfBuffer extends http.Agent {
  override keepSocketAlive(socket: Duplex): boolean {
    const self = this as unknown as { agentKeepAliveTimeoutBuffer: number };
    const configured = self.agentKeepAliveTimeoutBuffer;
    self.agentKeepAliveTimeoutBuffer = 500;
    try {
      return super.keepSocketAlive(socket) as unknown as boolean;
    } finally {
      self.agentKeepAliveTimeoutBuffer = configured;
    }
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new HalfBuffer(options);
}
