/**
 * Seeded bug: when createConnection calls back an error, the agent keeps a placeholder for the socket
 * that never came in `agent.sockets`, so the failed attempt holds a maxSockets place for good.
 */
import http from 'node:http';
import net, { type Socket } from 'node:net';

type Callback = (err: Error | null, socket?: Socket) => void;
type Connect = (options: Record<string, unknown>, callback?: Callback) => Socket | undefined;
type CreateSocket = (req: unknown, options: Record<string, unknown>, cb: Callback) => void;
const nodeCreateSocket = (http.Agent.prototype as unknown as { createSocket: CreateSocket }).createSocket;

export const seeded = {
  catches: ['createConnection/error-frees-slot'],
  rule: 'a failed createConnection does not count toward maxSockets',
};

/** Wraps whatever createConnection the agent has (its own, or one installed on the instance). */
class ErrorLeaksSlot extends http.Agent {
  createSocket(req: unknown, options: Record<string, unknown>, cb: Callback): void {
    const self = this as unknown as { createConnection: Connect };
    const own = self.createConnection;
    self.createConnection = (opts, callback) => {
      const agent = this as unknown as { sockets: Record<string, unknown[]> };
      const name = String(opts._agentKey);
      return own.call(this, opts, (err, socket) => {
        if (err) {
          agent.sockets[name] ??= [];
          agent.sockets[name].push(new net.Socket());
        }
        callback?.(err, socket);
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
  return new ErrorLeaksSlot(options);
}
