/**
 * Seeded bug (like undici, which takes the first-created idle client): the pool orders its idle
 * sockets by when they were created, not by when they were last used, so `'lifo'` hands out the
 * newest socket and `'fifo'` the oldest, whatever the release order.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export const seeded = {
  catches: ['scheduling/lifo', 'scheduling/default-lifo', 'scheduling/fifo'],
  rule: "'lifo' selects the most recently used socket, 'fifo' the least recently used one",
};

const born = new WeakMap<object, number>();
let seq = 0;

class CreationOrder extends http.Agent {
  constructor(options?: http.AgentOptions) {
    super(options);
    // runs after the agent's own 'free' listener has pooled the socket
    this.on('free', () => {
      const pools = this.freeSockets as NodeJS.ReadOnlyDict<Socket[]>;
      for (const list of Object.values(pools)) list?.sort((a, b) => (born.get(a) ?? 0) - (born.get(b) ?? 0));
    });
  }

  override createConnection(
    options: Parameters<http.Agent['createConnection']>[0],
    callback?: Parameters<http.Agent['createConnection']>[1],
  ): Duplex | null | undefined {
    const socket = super.createConnection(options, callback);
    if (socket) born.set(socket, ++seq);
    return socket;
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new CreationOrder(options);
}
