/**
 * Seeded bug: loading the module replaces the runtime's global agents by agents of its own with the
 * global agent's documented options (keepAlive, a 5 s timeout) but without `proxyEnv`: a process
 * started with NODE_USE_ENV_PROXY=1 then sends its agent-less requests directly.
 */
import http from 'node:http';
import https from 'node:https';

export const seeded = {
  catches: ['proxy/env-proxy-at-start'],
  rule: 'with NODE_USE_ENV_PROXY=1 the global agent is constructed with proxyEnv: process.env',
};

http.globalAgent = new http.Agent({ keepAlive: true, timeout: 5000 });
https.globalAgent = new https.Agent({ keepAlive: true, timeout: 5000 });

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new http.Agent(options);
}
