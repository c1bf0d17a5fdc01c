/** Built-in subject `node`: the `http.Agent` of whichever runtime the subject host runs in. */
import http from 'node:http';

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new http.Agent(options);
}
