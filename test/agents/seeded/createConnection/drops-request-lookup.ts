/**
 * Seeded bug: the agent opens its connections without the request's `lookup`, so the system
 * resolver, not the request's function, resolves the host.
 */
import http from 'node:http';
import type { Duplex } from 'node:stream';

export const seeded = {
  catches: ['createConnection/request-lookup'],
  rule: "a request's lookup option resolves its host",
};

class DropsLookup extends http.Agent {
  override createConnection(
    options: http.ClientRequestArgs,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const { lookup: _dropped, ...rest } = options;
    return super.createConnection(rest, callback);
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new DropsLookup(options);
}
