/**
 * Seeded bug: the agent does not pass `keepAlive` / `keepAliveInitialDelay` to createConnection, so a
 * socket gets TCP keep-alive only when keepSocketAlive() pools it, never while its request runs.
 */
import http from 'node:http';
import type { Socket } from 'node:net';

type Callback = (err: Error | null, socket?: Socket) => void;
type Connect = (options: Record<string, unknown>, callback?: Callback) => Socket | undefined;
type CreateSocket = (req: unknown, options: Record<string, unknown>, cb: Callback) => void;
const nodeCreateSocket = (http.Agent.prototype as unknown as { createSocket: CreateSocket }).createSocket;

export const seeded = {
  catches: ['createConnection/options-keepalive', 'keepAlive/tcp-keepalive-active'],
  rule: 'with keepAlive, a socket is created with TCP keep-alive and keepAliveMsecs as its initial delay',
};

/** Wraps whatever createConnection the agent has (its own, or one installed on the instance). */
class StripsKeepAlive extends http.Agent {
  createSocket(req: unknown, options: Record<string, unknown>, cb: Callback): void {
    const self = this as unknown as { createConnection: Connect };
    const own = self.createConnection;
    self.createConnection = (opts, callback) => {
      const { keepAlive: _k, keepAliveInitialDelay: _d, ...rest } = opts;
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
  return new StripsKeepAlive(options);
}
