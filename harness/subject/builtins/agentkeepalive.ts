/**
 * Built-in subject `agentkeepalive`: the npm package's HTTP agent (a subclass of `http.Agent`) and
 * its `HttpsAgent` (which borrows https.Agent's getName, createConnection and session cache).
 */
import type http from 'node:http';
import type https from 'node:https';
import AgentKeepAlive, { HttpsAgent } from 'agentkeepalive';
import { documentedAgentOptions } from './node-release.ts';

/**
 * agentkeepalive documents itself as an http.Agent subclass taking http.Agent's options, and hands
 * them to the runtime's http.Agent: the release of the runtime decides, as for `node`.
 */
export const capabilities = documentedAgentOptions();

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new AgentKeepAlive(options);
}

export function createHttpsAgent(options?: https.AgentOptions): https.Agent {
  return new HttpsAgent(options) as unknown as https.Agent;
}
