/**
 * Seeded bug: a pooled socket taken for a new request stays listed in `agent.freeSockets`, so the map
 * of sockets awaiting use also lists one that carries a request.
 */
import http from 'node:http';
import type { Socket } from 'node:net';

export const seeded = {
  catches: ['lifecycle/free-sockets-lists-idle'],
  rule: 'agent.freeSockets lists only the sockets awaiting use',
};

type Maps = Record<string, Socket[] | undefined>;

class StaleFreeList extends http.Agent {
  override reuseSocket(socket: Socket, request: http.ClientRequest): void {
    super.reuseSocket(socket, request);
    const name = this.getName({ host: request.host, port: socket.remotePort });
    const free = this.freeSockets as Maps;
    if (!free[name]?.includes(socket)) free[name] = [...(free[name] ?? []), socket];
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new StaleFreeList(options);
}
