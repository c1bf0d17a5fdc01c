/**
 * Seeded bug: the agent only uses a socket createConnection returns; one passed to the callback is
 * dropped, so a callback-style createConnection leaves the request waiting forever.
 */
import http from 'node:http';
import type { Socket } from 'node:net';

type Callback = (err: Error | null, socket?: Socket) => void;
type Connect = (options: Record<string, unknown>, callback?: Callback) => Socket | undefined;
type CreateSocket = (req: unknown, options: Record<string, unknown>, cb: Callback) => void;
const nodeCreateSocket = (http.Agent.prototype as unknown as { createSocket: CreateSocket }).createSocket;

export const seeded = {
  catches: ['createConnection/callback-form', 'createConnection/callback-later'],
  rule: 'a socket can be supplied by returning it or by passing it to the callback',
};

/** Wraps whatever createConnection the agent has (its own, or one installed on the instance). */
class IgnoresCallback extends http.Agent {
  createSocket(req: unknown, options: Record<string, unknown>, cb: Callback): void {
    const self = this as unknown as { createConnection: Connect };
    const own = self.createConnection;
    self.createConnection = (opts) => {
      return own.call(this, opts, () => undefined);
    };
    try {
      nodeCreateSocket.call(this, req, options, cb);
    } finally {
      self.createConnection = own;
    }
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new IgnoresCallback(options);
}
