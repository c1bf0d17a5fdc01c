/**
 * Seeded bug: destroy() also forgets the queued requests, which then never get a socket.
 */
import http from 'node:http';

export const seeded = {
  catches: ['lifecycle/destroy-queued-continue'],
  rule: 'requests queued when destroy() runs still get a socket (as in Node)',
};

class DropsQueue extends http.Agent {
  override destroy(): void {
    super.destroy();
    for (const key of Object.keys(this.requests)) delete (this.requests as Record<string, unknown>)[key];
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new DropsQueue(options);
}
