/**
 * Seeded bug (deno#34370 in reverse): a request handed a pooled socket does not get
 * `req.reusedSocket = true`, so a caller cannot tell that its ECONNRESET came from a reused socket.
 */
import http from 'node:http';
import type { Socket } from 'node:net';

export const seeded = {
  catches: ['faults/reused-reset'],
  rule: 'req.reusedSocket is true when the request was sent on a reused socket',
};

class NoReusedFlag extends http.Agent {
  override reuseSocket(socket: Socket, _req: http.ClientRequest): void {
    socket.ref();
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new NoReusedFlag(options);
}
