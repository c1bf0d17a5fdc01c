/**
 * Seeded bug: the agent's createConnection keeps only what it thinks a connection needs (host,
 * port and its own timers) and drops the rest of the socket.connect() options the agent was made
 * with: `localAddress` given to the agent never reaches the socket.
 */
import http from 'node:http';
import type { Socket } from 'node:net';

export const seeded = {
  catches: ['createConnection/agent-connect-options'],
  rule: "the agent's socket.connect() options apply to every connection it makes",
};

type Callback = (err: Error | null, socket?: Socket) => void;
type CreateConnection = (options: Record<string, unknown>, cb?: Callback) => Socket | undefined;

export function createAgent(options?: http.AgentOptions): http.Agent {
  const agent = new http.Agent(options);
  const slot = agent as unknown as { createConnection: CreateConnection };
  const own = slot.createConnection.bind(agent);
  slot.createConnection = (connectOptions, cb) => {
    const { localAddress: _dropped, ...rest } = connectOptions;
    return own(rest, cb);
  };
  return agent;
}
