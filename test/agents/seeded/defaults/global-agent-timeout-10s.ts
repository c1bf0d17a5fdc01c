/**
 * Seeded bug: loading the module replaces the runtime's global agents by keep-alive agents with a
 * 10 s timeout (the ×2 twin of the documented 5 s): an idle connection of the global agent stays
 * open twice as long.
 */
import http from 'node:http';
import https from 'node:https';

export const seeded = {
  catches: ['defaults/global-agent-timeout'],
  rule: 'the global agent closes an idle connection after 5 s',
};

http.globalAgent = new http.Agent({ keepAlive: true, timeout: 10_000 });
https.globalAgent = new https.Agent({ keepAlive: true, timeout: 10_000 });

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new http.Agent(options);
}

export function createHttpsAgent(options?: https.AgentOptions): https.Agent {
  return new https.Agent(options);
}
