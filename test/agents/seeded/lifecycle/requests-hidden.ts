/**
 * Seeded bug: the agent keeps its waiting requests in a queue of its own and shows them in
 * `agent.requests` only while it hands one a socket, so the map lists no waiting request.
 */
import http from 'node:http';
import type { Socket } from 'node:net';

export const seeded = {
  catches: ['lifecycle/requests-lists-queued'],
  rule: 'agent.requests lists the requests waiting for a socket',
};

type Queues = Record<string, unknown[] | undefined>;

class HiddenQueue extends http.Agent {
  private readonly hidden = new Map<string, unknown[]>();

  constructor(options?: http.AgentOptions) {
    super(options);
    // around the agent's own 'free' handler: show the queue, let it serve the head, hide the rest
    this.prependListener('free', (_socket: Socket, opts: http.ClientRequestArgs) => {
      const name = this.getName(opts);
      const queue = this.hidden.get(name);
      if (queue?.length) (this.requests as Queues)[name] = queue.splice(0);
    });
    this.on('free', (_socket: Socket, opts: http.ClientRequestArgs) => this.hide(this.getName(opts)));
  }

  private hide(name: string): void {
    const queues = this.requests as Queues;
    const queue = queues[name];
    if (!queue?.length) return;
    this.hidden.set(name, [...(this.hidden.get(name) ?? []), ...queue.splice(0)]);
    delete queues[name];
  }

  addRequest(req: http.ClientRequest, options: http.ClientRequestArgs): void {
    (http.Agent.prototype as unknown as { addRequest(r: unknown, o: unknown): void }).addRequest.call(
      this,
      req,
      options,
    );
    this.hide(this.getName(options));
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new HiddenQueue(options);
}
