/**
 * Seeded bug (agentkeepalive's `freeSocketTimeout`, undici's `keepAliveTimeout`): without a
 * `timeout` option, a pooled socket is still closed after 4 s idle, though the docs keep it.
 */
import http from 'node:http';
import type { Socket } from 'node:net';

export const seeded = {
  catches: ['timeout/none-keeps-pooled'],
  rule: 'keepAlive without a timeout keeps idle sockets around for future requests',
};

class HiddenIdleTimeout extends http.Agent {
  override keepSocketAlive(socket: Socket): boolean {
    const kept = (super.keepSocketAlive as (s: Socket) => boolean)(socket);
    // Node's agent destroys a pooled socket on 'timeout'
    if (kept && !(this as { options?: { timeout?: number } }).options?.timeout) socket.setTimeout(4000);
    return kept;
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new HiddenIdleTimeout(options);
}
