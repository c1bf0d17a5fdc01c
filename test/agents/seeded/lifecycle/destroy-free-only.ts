/**
 * Seeded bug: destroy() closes only the pooled sockets; sockets carrying a request stay open.
 */
import http from 'node:http';

export const seeded = {
  catches: ['lifecycle/destroy-closes-active'],
  rule: 'destroy() destroys any sockets currently in use by the agent',
};

class DestroysFreeOnly extends http.Agent {
  override destroy(): void {
    for (const list of Object.values(this.freeSockets)) for (const s of list ?? []) s.destroy();
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new DestroysFreeOnly(options);
}
