/** Built-in subject `agentkeepalive`: the npm package's HTTP agent (a subclass of `http.Agent`). */
import type http from 'node:http';
import AgentKeepAlive from 'agentkeepalive';

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new AgentKeepAlive(options);
}
