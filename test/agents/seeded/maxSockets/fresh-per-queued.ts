/**
 * Seeded bug: a socket that finishes a request is closed although requests are queued for its host
 * and port; the queued request waits until the close has gone through and then gets a brand-new
 * connection. Only one connection is ever open, and the queue keeps its order.
 */
import http from 'node:http';
import type { Socket } from 'node:net';

export const seeded = {
  catches: ['maxSockets/queue-fifo'],
  rule: 'a socket is reused for the queued requests of its host and port until the queue is empty',
};

/** `removeSocket` exists at runtime but not in @types/node. */
interface RemoveSocket {
  removeSocket(socket: Socket, options: http.ClientRequestArgs): void;
}

const AFTER_CLOSE_MS = 30;

class FreshPerQueued extends http.Agent {
  constructor(options?: http.AgentOptions) {
    super(options);
    // Runs before Node's own 'free' handler, which then finds the socket destroyed and drops it.
    this.prependListener('free', (socket: Socket, opts: http.ClientRequestArgs) => {
      const queued = (this.requests as Record<string, unknown[] | undefined>)[this.getName(opts)];
      if (queued?.length && (socket as Socket & { _httpMessage?: unknown })._httpMessage) socket.destroy();
    });
  }

  removeSocket(socket: Socket, options: http.ClientRequestArgs): void {
    const remove = (http.Agent.prototype as unknown as RemoveSocket).removeSocket;
    // A closed socket makes room for the queue only once the close has reached the server.
    if (socket.destroyed) setTimeout(() => remove.call(this, socket, options), AFTER_CLOSE_MS);
    else remove.call(this, socket, options);
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new FreshPerQueued(options);
}
