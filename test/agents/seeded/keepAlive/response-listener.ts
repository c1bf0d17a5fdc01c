/**
 * Seeded bug: the agent listens for `'response'` on every request it serves (to keep a count of
 * statuses). The request then always has a `'response'` listener, so a response its caller never
 * listened for is no longer discarded by the runtime: nobody reads it, it never ends, and its
 * socket is never freed.
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import http from 'node:http';

export const seeded = {
  catches: ['keepAlive/no-response-handler-reused'],
  rule: "a response with no 'response' handler is discarded and its socket freed",
};

/** `addRequest` exists at runtime but not in @types/node. */
interface AddRequest {
  addRequest(req: ClientRequest, options: Record<string, unknown>): void;
}

class CountsStatuses extends http.Agent {
  readonly statuses = new Map<number, number>();
  addRequest(req: ClientRequest, options: Record<string, unknown>): void {
    req.on('response', (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    });
    (http.Agent.prototype as unknown as AddRequest).addRequest.call(this, req, options);
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new CountsStatuses(options);
}
