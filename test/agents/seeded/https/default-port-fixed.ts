/**
 * Seeded bug (https): the `defaultPort` option is ignored; the agent always says 443 (agentkeepalive's
 * HttpsAgent behaves so), so a request without a port goes to 443 whatever the agent was given.
 */
import https from 'node:https';

export const seeded = {
  catches: ['https/defaults'],
  rule: "an https agent's defaultPort is 443 unless the option says otherwise",
};

class FixedPort extends https.Agent {
  constructor(options?: https.AgentOptions) {
    super(options);
    (this as unknown as { defaultPort: number }).defaultPort = 443;
  }
}

export function createHttpsAgent(options?: https.AgentOptions): https.Agent {
  return new FixedPort(options);
}
