/**
 * Seeded bug: a socket opened to serve requests queued behind a closed connection is used until
 * the queue drains, then destroyed instead of pooled, so the next request opens a third connection.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export const seeded = {
  catches: ['keepAlive/replacement-pooled-after-close'],
  rule: 'a connection opened for queued requests is pooled like any other once the queue drains',
};

/** The parts of Node's agent that the typings leave out (lib/_http_agent.js). */
interface NodeAgent {
  requests: Record<string, http.ClientRequest[] | undefined>;
  createSocket(req: http.ClientRequest, options: http.RequestOptions, cb: SocketCallback): void;
}
type SocketCallback = (err: Error | null, socket?: Duplex) => void;

class DropsReplacement extends http.Agent {
  /** Sockets created for a request that was waiting in the queue. */
  readonly #replacements = new WeakSet<Duplex>();

  createSocket(req: http.ClientRequest, options: http.RequestOptions, cb: SocketCallback): void {
    const queued = (this as unknown as NodeAgent).requests[this.getName(options)]?.includes(req) ?? false;
    (http.Agent.prototype as unknown as NodeAgent).createSocket.call(this, req, options, (err, socket) => {
      if (queued && socket) this.#replacements.add(socket);
      cb(err, socket);
    });
  }

  override keepSocketAlive(socket: Duplex): boolean {
    // called only once nothing is queued: the replacement is destroyed rather than pooled
    if (this.#replacements.has(socket)) return false;
    return super.keepSocketAlive(socket as Socket) as unknown as boolean;
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new DropsReplacement(options);
}
