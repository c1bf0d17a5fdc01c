/**
 * Seeded bug: loading the module installs, as `http.globalAgent`, an instance of the module's own
 * agent class, whose constructor turns keepAlive on by default (as some agent packages do). A
 * request with `agent: false` gets `new globalAgent.constructor()`: a one-time agent that keeps
 * the connection alive, not one "with default options".
 */
import http from 'node:http';

export const seeded = {
  catches: ['defaults/agent-false'],
  rule: '`agent: false` uses a one-time Agent with default options',
};

class KeepAliveByDefault extends http.Agent {
  constructor(options?: http.AgentOptions) {
    super({ keepAlive: true, ...options });
  }
}

http.globalAgent = new KeepAliveByDefault();

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new http.Agent(options);
}
