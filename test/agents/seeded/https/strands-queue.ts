/**
 * Seeded bug (https): when a TLS handshake fails, the agent forgets the requests queued behind it
 * (maxSockets reached): the failed request gets its error, the queued ones wait forever.
 */
import https from 'node:https';
import type { Duplex } from 'node:stream';

export const seeded = {
  catches: ['https/handshake-reset-error'],
  rule: "every request settles: a failed handshake is an 'error' on each request, queued ones included",
};

type Callback = (err: Error | null, stream: Duplex) => void;

/** `removeSocket` and a writable `requests` exist at runtime but not in @types/node. */
interface AgentInternals {
  removeSocket(socket: Duplex, options: https.RequestOptions): void;
  requests: Record<string, unknown[] | undefined>;
}

class StrandsQueue extends https.Agent {
  private readonly secured = new WeakSet<Duplex>();

  override createConnection(options: https.RequestOptions, callback?: Callback): Duplex | null | undefined {
    const socket = (super.createConnection as (o: https.RequestOptions, c?: Callback) => Duplex)(
      options,
      callback,
    );
    socket?.once('secureConnect', () => this.secured.add(socket));
    return socket;
  }

  removeSocket(socket: Duplex, options: https.RequestOptions): void {
    const self = this as unknown as AgentInternals;
    const base = https.Agent.prototype as unknown as AgentInternals;
    if (this.secured.has(socket)) {
      base.removeSocket.call(this, socket, options);
      return;
    }
    // The bug: hide the queue while the failed socket is removed, so no new socket is made for it.
    const name = this.getName(options);
    const queued = self.requests[name];
    delete self.requests[name];
    try {
      base.removeSocket.call(this, socket, options);
    } finally {
      if (queued) self.requests[name] = queued;
    }
  }
}

export function createHttpsAgent(options?: https.AgentOptions): https.Agent {
  return new StrandsQueue(options);
}
