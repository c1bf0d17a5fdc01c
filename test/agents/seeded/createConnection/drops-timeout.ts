/**
 * Seeded bug: the agent leaves `timeout` out of the options it gives createConnection, so a custom
 * createConnection never learns the socket timeout (neither the agent's nor the request's).
 */
import http from 'node:http';
import type { Socket } from 'node:net';

type Callback = (err: Error | null, socket?: Socket) => void;
type Connect = (options: Record<string, unknown>, callback?: Callback) => Socket | undefined;
type CreateSocket = (req: unknown, options: Record<string, unknown>, cb: Callback) => void;
const nodeCreateSocket = (http.Agent.prototype as unknown as { createSocket: CreateSocket }).createSocket;

export const seeded = {
  catches: ['createConnection/options-timeout', 'createConnection/options-request-timeout'],
  rule: 'the timeout is set when the socket is created',
};

/** Wraps whatever createConnection the agent has (its own, or one installed on the instance). */
class DropsTimeout extends http.Agent {
  createSocket(req: unknown, options: Record<string, unknown>, cb: Callback): void {
    const self = this as unknown as { createConnection: Connect };
    const own = self.createConnection;
    self.createConnection = (opts, callback) => {
      const { timeout: _t, ...rest } = opts;
      return own.call(this, rest, callback);
    };
    try {
      nodeCreateSocket.call(this, req, options, cb);
    } finally {
      self.createConnection = own;
    }
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new DropsTimeout(options);
}
