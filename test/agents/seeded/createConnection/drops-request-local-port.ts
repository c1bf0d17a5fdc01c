/**
 * Seeded bug: the agent opens its connections without the request's `localPort`, so the kernel
 * picks the client port.
 */
import http from 'node:http';
import type { Duplex } from 'node:stream';

export const seeded = {
  catches: ['createConnection/request-local-port'],
  rule: "a request's localPort is the client port of its connection",
};

class DropsLocalPort extends http.Agent {
  override createConnection(
    options: http.ClientRequestArgs,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const { localPort: _dropped, ...rest } = options as http.ClientRequestArgs & { localPort?: number };
    return super.createConnection(rest, callback);
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new DropsLocalPort(options);
}
