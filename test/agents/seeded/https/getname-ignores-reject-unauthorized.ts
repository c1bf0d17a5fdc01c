/**
 * Seeded bug (https): getName() leaves `rejectUnauthorized` out of the pool key. A request that turned
 * certificate checking off then shares a pooled connection with one that wants it on: the second
 * request rides a connection nobody verified (a security hole, the class of nodejs/node#3940).
 */
import https from 'node:https';

export const seeded = {
  catches: ['https/key-separates-reject-unauthorized'],
  rule: 'requests that differ in a TLS option that changes the connection never share a socket',
};

class IgnoresRejectUnauthorized extends https.Agent {
  override getName(options: https.RequestOptions = {}): string {
    return super.getName({ ...options, rejectUnauthorized: undefined });
  }
}

export function createHttpsAgent(options?: https.AgentOptions): https.Agent {
  return new IgnoresRejectUnauthorized(options);
}
