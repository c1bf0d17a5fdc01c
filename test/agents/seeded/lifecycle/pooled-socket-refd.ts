/**
 * Seeded bug: the agent's keepSocketAlive turns TCP keep-alive on but does not `unref()` the socket
 * it pools: an idle pooled socket keeps the process running.
 */
import http from 'node:http';
import type { Socket } from 'node:net';

export const seeded = {
  catches: ['lifecycle/pooled-socket-unref'],
  rule: 'pooled sockets are unrefed: they do not keep the process running',
};

class KeepsProcessAlive extends http.Agent {
  override keepSocketAlive(socket: Socket): boolean {
    socket.setKeepAlive(true, (this as unknown as { keepAliveMsecs: number }).keepAliveMsecs);
    return true;
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new KeepsProcessAlive(options);
}
