/**
 * Seeded bug: a socket the agent should destroy when it is released (keepAlive false, a
 * `keepSocketAlive()` that says no, a Keep-Alive hint no longer than the buffer, a full pool) is put
 * into `freeSockets` anyway and only closed by a sweep 200 ms later. A request sent right after the
 * release is handed that socket; one sent after the close was seen never notices.
 */
import type { ClientRequest } from 'node:http';
import http from 'node:http';
import type { Socket } from 'node:net';

export const seeded = {
  catches: [
    'keepAlive/disabled-destroys-idle',
    'defaults/keepalive-false',
    'keepAlive/keep-socket-alive-false',
    'keepAlive/hint-too-short',
    'maxFreeSockets/cap',
  ],
  rule: 'a socket the agent does not keep is destroyed when it is released, not pooled until a sweep',
};

const SWEEP_MS = 200;

type FreeListener = (socket: Socket, options: http.ClientRequestArgs) => void;
type Pools = Record<string, Socket[] | undefined>;

/** `removeSocket` exists at runtime but not in @types/node. */
interface RemoveSocket {
  removeSocket(socket: Socket, options: http.ClientRequestArgs): void;
}

class SweepsLater extends http.Agent {
  constructor(options?: http.AgentOptions) {
    super(options);
    const [nodeFree] = this.listeners('free') as FreeListener[];
    if (!nodeFree) return;
    this.removeListener('free', nodeFree);
    this.on('free', (socket: Socket, opts: http.ClientRequestArgs) => {
      // Node's release decision runs as is; a plain destroy() it asks for is put off.
      const destroy = socket.destroy;
      let deferred = false;
      socket.destroy = function deferDestroy(this: Socket, err?: Error) {
        if (err) return destroy.call(this, err);
        deferred = true;
        return this;
      };
      try {
        nodeFree.call(this, socket, opts);
      } finally {
        socket.destroy = destroy;
      }
      if (!deferred || socket.destroyed) return;
      const name = this.getName(opts);
      const pools = this.freeSockets as Pools;
      const free = pools[name] ?? [];
      pools[name] = free;
      free.push(socket);
      (socket as Socket & { _httpMessage: ClientRequest | null })._httpMessage = null;
      (this as unknown as RemoveSocket).removeSocket(socket, opts);
      socket.unref();
      const sweep = setTimeout(() => {
        if (pools[name]?.includes(socket)) socket.destroy();
      }, SWEEP_MS);
      sweep.unref();
    });
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new SweepsLater(options);
}
