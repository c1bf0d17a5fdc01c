/**
 * Seeded bug (https): a request that brings its own `checkServerIdentity` gets the pooled connection
 * another request made. https.request() marks such a request with a pool key of its own (a symbol
 * in its options); this getName() reads only the string-keyed options, so the mark is lost, the
 * request rides the pooled socket, no handshake runs and its check never runs either.
 */
import https from 'node:https';

export const seeded = {
  catches: ['https/own-check-identity-pooled'],
  rule: "a request's own checkServerIdentity runs, whatever connection another request pooled",
};

class PooledRegardless extends https.Agent {
  override getName(options: https.RequestOptions = {}): string {
    return super.getName(Object.fromEntries(Object.entries(options)) as https.RequestOptions);
  }
}

export function createHttpsAgent(options?: https.AgentOptions): https.Agent {
  return new PooledRegardless(options);
}
