/**
 * Built-in subject `agentkeepalive`: the npm package's HTTP agent (a subclass of `http.Agent`) and
 * its `HttpsAgent` (which borrows https.Agent's getName, createConnection and session cache).
 */
import type http from 'node:http';
import type https from 'node:https';
import type AgentKeepAliveModule from 'agentkeepalive';
import { documentedAgentOptions } from './node-release.ts';
import { requirePackage } from './package.ts';

// agentkeepalive 4 exports the Agent class with HttpsAgent on it (3 the same); the version is the
// user's choice (`agentkeepalive:3`) or the harness's dependency
const AgentKeepAlive = requirePackage<typeof AgentKeepAliveModule>('agentkeepalive');
const { HttpsAgent } = AgentKeepAlive;

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
