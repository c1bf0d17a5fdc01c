/**
 * Seeded bug: the agent never turns TCP keep-alive on. It does not pass `keepAlive` to
 * createConnection and its keepSocketAlive() skips `setKeepAlive`, so pooled sockets have no TCP
 * keep-alive at all.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export const seeded = {
  catches: [
    'keepAlive/tcp-keepalive-pooled',
    'keepAlive/tcp-keepalive-delay',
    'keepAlive/tcp-keepalive-active',
    'keepAlive/keep-socket-alive-default',
  ],
  rule: 'pooled connections have TCP Keep-Alive enabled, with keepAliveMsecs as the initial delay',
};

type Callback = (err: Error | null, stream: Duplex) => void;

class NoTcpKeepAlive extends http.Agent {
  override createConnection(options: http.ClientRequestArgs, callback?: Callback): Duplex | null | undefined {
    const { keepAlive: _k, keepAliveInitialDelay: _d, ...rest } = options as Record<string, unknown>;
    return super.createConnection(rest, callback);
  }

  override keepSocketAlive(socket: Socket): boolean {
    const setKeepAlive = socket.setKeepAlive;
    socket.setKeepAlive = () => socket;
    try {
      // @types/node types it void; Node's returns whether to pool
      return (http.Agent.prototype.keepSocketAlive as (s: Socket) => boolean).call(this, socket);
    } finally {
      socket.setKeepAlive = setKeepAlive;
    }
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new NoTcpKeepAlive(options);
}
