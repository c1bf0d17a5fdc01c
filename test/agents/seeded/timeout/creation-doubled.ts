/**
 * Seeded bug (off by ×2): a new socket gets twice the agent's `timeout` (a pooled one gets the right
 * value). `'timeout'` on an active request comes at 600 ms for a timeout of 300.
 */
import http from 'node:http';
import type { Duplex } from 'node:stream';

export const seeded = {
  catches: [
    'timeout/set-at-creation',
    'timeout/active-not-destroyed',
    'faults/active-timeout',
    'faults/blackhole-queue',
  ],
  rule: "the agent's timeout is set on a socket when it is created",
};

type Callback = (err: Error | null, stream: Duplex) => void;
type Connect = (options: http.ClientRequestArgs, cb?: Callback) => Duplex | null | undefined;

class DoubledAtCreation extends http.Agent {
  override createConnection(options: http.ClientRequestArgs, cb?: Callback): Duplex | null | undefined {
    const own = (this as unknown as { options: { timeout?: number } }).options.timeout;
    // the agent's own timeout (not a request's) is doubled
    const timeout = own !== undefined && options.timeout === own ? own * 2 : options.timeout;
    const connect = http.Agent.prototype.createConnection as Connect;
    return connect.call(this, { ...options, timeout }, cb);
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new DoubledAtCreation(options);
}
