/**
 * Seeded bug: keepSocketAlive() pools the socket (unref, timeout, return true) but skips
 * `socket.setKeepAlive(true, keepAliveMsecs)`: a socket that was not created with TCP keep-alive
 * stays without it in the pool.
 */
import http from 'node:http';
import type { Socket } from 'node:net';

export const seeded = {
  catches: ['keepAlive/keep-socket-alive-default'],
  rule: "keepSocketAlive's default calls socket.setKeepAlive(true, this.keepAliveMsecs)",
};

class SkipsSetKeepAlive extends http.Agent {
  override keepSocketAlive(socket: Socket): boolean {
    const setKeepAlive = socket.setKeepAlive;
    socket.setKeepAlive = () => socket;
    try {
      // @types/node types it void; Node's returns whether to pool
      return (http.Agent.prototype.keepSocketAlive as (s: Socket) => boolean).call(this, socket);
    } finally {
      socket.setKeepAlive = setKeepAlive;
    }
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new SkipsSetKeepAlive(options);
}
