/**
 * Seeded bug: the agent always asks createConnection for TCP keep-alive, with keepAliveMsecs, even when
 * the keepAlive option is off (where the docs say keepAliveMsecs is ignored).
 */
import http from 'node:http';
import type { Socket } from 'node:net';

type Callback = (err: Error | null, socket?: Socket) => void;
type Connect = (options: Record<string, unknown>, callback?: Callback) => Socket | undefined;
type CreateSocket = (req: unknown, options: Record<string, unknown>, cb: Callback) => void;
const nodeCreateSocket = (http.Agent.prototype as unknown as { createSocket: CreateSocket }).createSocket;

export const seeded = {
  catches: ['createConnection/options-no-keepalive', 'keepAlive/tcp-keepalive-off'],
  rule: 'keepAliveMsecs is ignored when the keepAlive option is false',
};

/** Wraps whatever createConnection the agent has (its own, or one installed on the instance). */
class AlwaysTcpKeepAlive extends http.Agent {
  createSocket(req: unknown, options: Record<string, unknown>, cb: Callback): void {
    const self = this as unknown as { createConnection: Connect };
    const own = self.createConnection;
    self.createConnection = (opts, callback) => {
      const delay = (this as unknown as { keepAliveMsecs: number }).keepAliveMsecs;
      return own.call(this, { ...opts, keepAlive: true, keepAliveInitialDelay: delay }, callback);
    };
    try {
      nodeCreateSocket.call(this, req, options, cb);
    } finally {
      self.createConnection = own;
    }
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new AlwaysTcpKeepAlive(options);
}
