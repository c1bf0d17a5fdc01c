/**
 * Seeded bug: loading the module replaces the runtime's global agents by agents with default
 * options (keepAlive off, no timeout), as a package that "resets" them would: a request with no
 * agent then gets a connection of its own, closed after its response.
 */
import http from 'node:http';
import https from 'node:https';

export const seeded = {
  catches: ['defaults/global-agent-keepalive', 'defaults/global-agent-timeout'],
  rule: 'the global agent has keepAlive enabled and a 5 s timeout',
};

http.globalAgent = new http.Agent();
https.globalAgent = new https.Agent();

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new http.Agent(options);
}

export function createHttpsAgent(options?: https.AgentOptions): https.Agent {
  return new https.Agent(options);
}
