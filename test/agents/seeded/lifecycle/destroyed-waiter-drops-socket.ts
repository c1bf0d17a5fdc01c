/**
 * Seeded bug: when the socket a queued request was waiting for is handed to it after the request
 * was destroyed, the agent destroys that socket instead of letting it go back to the pool: the
 * next request opens a new connection.
 */
import type { ClientRequest } from 'node:http';
import http from 'node:http';
import type { Socket } from 'node:net';

export const seeded = {
  catches: ['lifecycle/abort-before-socket-returns'],
  rule: 'a socket meant for a request destroyed before it got one goes back to the pool',
};

/** `addRequest` and `onSocket` exist at runtime but not in @types/node. */
interface AddRequest {
  addRequest(req: ClientRequest, options: Record<string, unknown>): void;
}
type OnSocket = (socket: Socket | undefined, err?: Error) => void;

class DropsForDestroyed extends http.Agent {
  addRequest(req: ClientRequest, options: Record<string, unknown>): void {
    const live = req as unknown as { onSocket: OnSocket };
    const onSocket = live.onSocket;
    live.onSocket = (socket, err) => {
      if (req.destroyed && socket) socket.destroy();
      onSocket.call(req, socket, err);
    };
    (http.Agent.prototype as unknown as AddRequest).addRequest.call(this, req, options);
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new DropsForDestroyed(options);
}
