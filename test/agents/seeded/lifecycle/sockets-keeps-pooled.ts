/**
 * Seeded bug: a socket that goes back to the pool stays listed in `agent.sockets` as well, so the map
 * of sockets in use also lists the idle ones.
 */
import http from 'node:http';
import type { Socket } from 'node:net';

export const seeded = {
  catches: ['lifecycle/sockets-lists-in-use'],
  rule: 'agent.sockets lists only the sockets in use',
};

type Maps = Record<string, Socket[] | undefined>;

class KeepsPooledListed extends http.Agent {
  constructor(options?: http.AgentOptions) {
    super(options);
    // after the agent's own 'free' handler has pooled the socket (and taken it out of `sockets`)
    this.on('free', (socket: Socket, opts: http.ClientRequestArgs) => {
      const name = this.getName(opts);
      const busy = this.sockets as Maps;
      if ((this.freeSockets as Maps)[name]?.includes(socket) && !busy[name]?.includes(socket))
        busy[name] = [...(busy[name] ?? []), socket];
    });
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new KeepsPooledListed(options);
}
