/**
 * Seeded bug (https): createConnection() drops the request's `checkServerIdentity` before
 * tls.connect(), so the built-in check runs instead of the request's own: a request whose check
 * rejects the server is sent anyway.
 */
import https from 'node:https';
import type { Duplex } from 'node:stream';

export const seeded = {
  catches: ['https/own-check-identity-pooled', 'https/own-check-identity-session'],
  rule: "a request's own checkServerIdentity runs, whatever connection another request pooled",
};

type Callback = (err: Error | null, socket: Duplex) => void;

class DropsCheck extends https.Agent {
  override createConnection(
    options: Record<string, unknown>,
    callback?: Callback,
  ): Duplex | null | undefined {
    const { checkServerIdentity: _dropped, ...rest } = options;
    // biome-ignore lint/suspicious/noExplicitAny: https.Agent's createConnection is untyped here
    return (https.Agent.prototype as any).createConnection.call(this, rest, callback);
  }
}

export function createHttpsAgent(options?: https.AgentOptions): https.Agent {
  return new DropsCheck(options);
}
