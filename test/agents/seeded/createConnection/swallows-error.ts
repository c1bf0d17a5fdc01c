/**
 * Seeded bug: the agent ignores an error createConnection calls back with: the request it was for
 * never fails and never settles.
 */
import http from 'node:http';
import type { Socket } from 'node:net';

type Callback = (err: Error | null, socket?: Socket) => void;
type Connect = (options: Record<string, unknown>, callback?: Callback) => Socket | undefined;
type CreateSocket = (req: unknown, options: Record<string, unknown>, cb: Callback) => void;
const nodeCreateSocket = (http.Agent.prototype as unknown as { createSocket: CreateSocket }).createSocket;

export const seeded = {
  catches: [
    'createConnection/callback-error',
    'createConnection/callback-error-later',
    'createConnection/error-queue-settles',
    'createConnection/error-queue-continues',
  ],
  rule: "createConnection's callback(err) surfaces as the request's 'error'",
};

/** Wraps whatever createConnection the agent has (its own, or one installed on the instance). */
class SwallowsError extends http.Agent {
  createSocket(req: unknown, options: Record<string, unknown>, cb: Callback): void {
    const self = this as unknown as { createConnection: Connect };
    const own = self.createConnection;
    self.createConnection = (opts, callback) => {
      return own.call(this, opts, (err, socket) => {
        if (!err) callback?.(err, socket);
      });
    };
    try {
      nodeCreateSocket.call(this, req, options, cb);
    } finally {
      self.createConnection = own;
    }
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new SwallowsError(options);
}
