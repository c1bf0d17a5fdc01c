/**
 * Seeded bug (https): a socket that closes before it ever carried a response is not taken out of the
 * agent: it keeps counting toward maxSockets, so with maxSockets 1 the next request waits forever.
 */
import https from 'node:https';
import type { Duplex } from 'node:stream';

export const seeded = {
  catches: ['https/failed-connection-not-pooled'],
  rule: 'a connection the server closed is removed; the next request gets a new one',
};

/** `removeSocket` exists at runtime but not in @types/node. */
interface AgentInternals {
  removeSocket(socket: Duplex, options: https.RequestOptions): void;
}

class DeadSocketCounted extends https.Agent {
  private readonly carried = new WeakSet<Duplex>();

  constructor(options?: https.AgentOptions) {
    super(options);
    this.on('free', (socket: Duplex) => this.carried.add(socket));
  }

  removeSocket(socket: Duplex, options: https.RequestOptions): void {
    // The bug: only sockets that carried a response are ever removed.
    if (!this.carried.has(socket)) return;
    (https.Agent.prototype as unknown as AgentInternals).removeSocket.call(this, socket, options);
  }
}

export function createHttpsAgent(options?: https.AgentOptions): https.Agent {
  return new DeadSocketCounted(options);
}
