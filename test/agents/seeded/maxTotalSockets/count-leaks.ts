/**
 * Seeded bug: a pooled socket that closes is not taken off `totalSocketCount`.
 */
import http from 'node:http';
import type { Socket } from 'node:net';

export const seeded = {
  catches: ['maxTotalSockets/total-socket-count'],
  rule: "totalSocketCount counts the agent's open sockets, as in Node",
};

type Counted = http.Agent & { totalSocketCount: number };

class CountLeaks extends http.Agent {
  removeSocket(socket: Socket, options: http.ClientRequestArgs): void {
    const wasFree = Object.values(this.freeSockets).some((list) => list?.includes(socket));
    // biome-ignore lint/suspicious/noExplicitAny: removeSocket is not in the typings
    (http.Agent.prototype as any).removeSocket.call(this, socket, options);
    if (wasFree) (this as unknown as Counted).totalSocketCount++;
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new CountLeaks(options);
}
