/**
 * Seeded bug: a connection to a Unix domain socket is never pooled (the agent keeps only sockets
 * with a remote TCP port), so every socketPath request opens a new connection.
 */
import http from 'node:http';
import type { Duplex } from 'node:stream';

export const seeded = {
  catches: ['keepAlive/socket-path-reuse'],
  rule: 'socketPath requests share a pooled connection',
};

class NoUnixPool extends http.Agent {
  override keepSocketAlive(socket: Duplex): boolean {
    if (typeof (socket as Duplex & { remotePort?: number }).remotePort !== 'number') return false;
    return super.keepSocketAlive(socket) as unknown as boolean;
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new NoUnixPool(options);
}
