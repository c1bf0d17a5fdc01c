/**
 * Built-in subject `npmcli-agent`: @npmcli/agent, the agent the npm CLI makes its registry requests
 * with (an agent-base subclass of http.Agent). Not a dependency of the harness: the parent installs
 * it on demand into the cache, at NPMCLI_AGENT_VERSION (harness/parent/subjects.ts) or the version
 * asked for (`npmcli-agent:3`), and names the install through SUBJECT_PACKAGES_ENV (./package.ts).
 *
 * One `Agent` class serves http: and https: (agent-base decides per request), so both factories make
 * the same class. The options pass through as given, as for the other built-ins: the package fills in
 * its own defaults (keepAlive true, maxSockets 15, scheduling 'fifo') and takes `timeout` as its
 * idle timeout (`timeouts.idle`), deleting the http.Agent option; those are its behaviour, which the
 * cases judge. It hands the remaining options to the runtime's http.Agent, so the release of the
 * runtime decides the options documented, as for `node` and `agentkeepalive`.
 */
import type http from 'node:http';
import type https from 'node:https';
import { documentedAgentOptions } from './node-release.ts';
import { requirePackage } from './package.ts';

interface NpmcliAgentModule {
  Agent: new (options?: Record<string, unknown>) => http.Agent;
}

const { Agent } = requirePackage<NpmcliAgentModule>('@npmcli/agent');
if (typeof Agent !== 'function')
  throw new Error(
    'this version of @npmcli/agent exports no Agent class (2.0.0 and later do): use npmcli-agent:2 or newer',
  );

export const capabilities = documentedAgentOptions();

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new Agent({ ...options });
}

export function createHttpsAgent(options?: https.AgentOptions): https.Agent {
  return new Agent({ ...options }) as https.Agent;
}
