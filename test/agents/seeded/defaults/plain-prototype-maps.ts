/**
 * Seeded bug: `sockets`, `freeSockets` and `requests` are plain objects (with Object.prototype), so a
 * pool key such as `__proto__` could collide.
 */
import http from 'node:http';

export const seeded = {
  catches: ['defaults/null-prototype-maps'],
  rule: 'agent.sockets, freeSockets and requests have a null prototype',
};

export function createAgent(options?: http.AgentOptions): http.Agent {
  const agent = new http.Agent(options);
  Object.assign(agent, { sockets: {}, freeSockets: {}, requests: {} });
  return agent;
}
