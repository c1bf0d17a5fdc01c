/**
 * Seeded bug: the agent "normalises" every loopback host to `localhost` before calling createConnection,
 * so createConnection does not get the request's own host.
 */
import http from 'node:http';
import type { Socket } from 'node:net';

type Callback = (err: Error | null, socket?: Socket) => void;
type Connect = (options: Record<string, unknown>, callback?: Callback) => Socket | undefined;
type CreateSocket = (req: unknown, options: Record<string, unknown>, cb: Callback) => void;
const nodeCreateSocket = (http.Agent.prototype as unknown as { createSocket: CreateSocket }).createSocket;

export const seeded = {
  catches: ['createConnection/options-host-port'],
  rule: "createConnection gets the request's connection details (host, port)",
};

/** Wraps whatever createConnection the agent has (its own, or one installed on the instance). */
class RenamesHost extends http.Agent {
  createSocket(req: unknown, options: Record<string, unknown>, cb: Callback): void {
    const self = this as unknown as { createConnection: Connect };
    const own = self.createConnection;
    self.createConnection = (opts, callback) => {
      return own.call(this, { ...opts, host: 'localhost' }, callback);
    };
    try {
      nodeCreateSocket.call(this, req, options, cb);
    } finally {
      self.createConnection = own;
    }
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new RenamesHost(options);
}
