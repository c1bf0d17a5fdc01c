/**
 * Seeded bug: a socket is released to the agent as soon as the response has ended, whether or not
 * the request has finished writing its body, so a queued request is written on a connection that is
 * still carrying the previous request's body.
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import http from 'node:http';

export const seeded = {
  catches: ['keepAlive/slow-body-holds-socket', 'keepAlive/unfinished-request-holds-socket'],
  rule: 'a connection is reused only after both the response and the request have ended',
};

/** `addRequest` exists at runtime but not in @types/node. */
interface AddRequest {
  addRequest(req: ClientRequest, options: Record<string, unknown>): void;
}

class FreesOnResponseEnd extends http.Agent {
  addRequest(req: ClientRequest, options: Record<string, unknown>): void {
    req.once('response', (res: IncomingMessage) => {
      res.once('end', () => {
        // Node waits for the request's 'finish' here; this agent does not
        if (!req.writableFinished && req.socket) this.emit('free', req.socket, options);
      });
    });
    (http.Agent.prototype as unknown as AddRequest).addRequest.call(this, req, options);
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new FreesOnResponseEnd(options);
}
