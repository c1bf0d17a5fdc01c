/**
 * Seeded bug: the pool hands out an idle socket without checking that it was destroyed, so a socket
 * destroyed while pooled (before its `'close'` has removed it) is given to the next request.
 */
import http from 'node:http';
import type { Socket } from 'node:net';

export const seeded = {
  catches: ['scheduling/skip-destroyed'],
  rule: 'a pooled socket that was destroyed is removed from the pool and never handed out',
};

type Pools = Record<string, Socket[] | undefined>;

class HandsOutDestroyed extends http.Agent {
  addRequest(req: http.ClientRequest, options: http.RequestOptions): void {
    const name = this.getName(options);
    const free = (this.freeSockets as Pools)[name];
    const socket = free?.length
      ? (this as { options?: http.AgentOptions }).options?.scheduling === 'fifo'
        ? free.shift()
        : free.pop()
      : undefined;
    if (!socket) {
      // biome-ignore lint/suspicious/noExplicitAny: Node's addRequest is not in the typings
      (http.Agent.prototype as any).addRequest.call(this, req, options);
      return;
    }
    if (free && free.length === 0) delete (this.freeSockets as Pools)[name];
    socket.ref();
    this.reuseSocket(socket, req);
    const sockets = this.sockets as Pools;
    if (!sockets[name]) sockets[name] = [];
    sockets[name]?.push(socket);
    req.onSocket(socket);
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new HandsOutDestroyed(options);
}
