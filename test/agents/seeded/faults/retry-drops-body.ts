/**
 * Seeded bug (deno#32006, deno#35610): when a reused socket dies before the response, the agent
 * retries the request on a new connection, silently, but re-sends only its head (a POST body is
 * lost) and does so even when the server had already received the request.
 */
import type { ClientRequest } from 'node:http';
import http from 'node:http';
import type { Socket } from 'node:net';

export const seeded = {
  catches: ['faults/reused-reset'],
  rule: 'a failed reused socket surfaces the error; a retry re-sends the whole request, and never one the server received',
};

/** ClientRequest's own listeners on its socket (lib/_http_client.js). */
const REQUEST_LISTENERS = new Set([
  'socketErrorListener',
  'socketOnData',
  'socketOnEnd',
  'socketCloseListener',
  'ondrain',
]);

type Options = Record<string, unknown>;
type Internal = {
  addRequest(req: ClientRequest, options: Options): void;
  createSocket(req: ClientRequest, options: Options, cb: (err: Error | null, s?: Socket) => void): void;
};
type Request = ClientRequest & { res?: unknown; _header?: string };

class RetriesWithoutBody extends http.Agent {
  private readonly merged = new WeakMap<ClientRequest, Options>();

  addRequest(req: ClientRequest, options: Options): void {
    this.merged.set(req, { ...options, ...(this as unknown as { options: Options }).options });
    (http.Agent.prototype as unknown as Internal).addRequest.call(this, req, options);
  }

  override reuseSocket(socket: Socket, req: ClientRequest): void {
    super.reuseSocket(socket, req);
    const r = req as Request;
    let retried = false;
    const emit = socket.emit;
    socket.emit = function retryOnDeath(this: Socket, event: string | symbol, ...args: unknown[]) {
      if (!retried && !r.res && (event === 'error' || event === 'end' || event === 'close')) {
        retried = true;
        detach(this);
        this.on('error', () => {});
        retry(r);
      }
      return Reflect.apply(emit, this, [event, ...args]) as boolean;
    } as Socket['emit'];
    const retry = (request: Request) => {
      const options = this.merged.get(request) ?? {};
      (this as unknown as Internal).createSocket(request, options, (err, fresh) => {
        if (err || !fresh) {
          request.destroy(err ?? new Error('retry failed'));
          return;
        }
        // the head only: the body went out on the dead socket
        if (request._header) fresh.write(request._header);
        request.reusedSocket = false;
        request.onSocket(fresh);
      });
    };
  }
}

function detach(socket: Socket): void {
  for (const event of ['error', 'data', 'end', 'close', 'drain']) {
    for (const fn of socket.listeners(event) as ((...a: unknown[]) => void)[])
      if (REQUEST_LISTENERS.has(fn.name)) socket.removeListener(event, fn);
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new RetriesWithoutBody(options);
}
