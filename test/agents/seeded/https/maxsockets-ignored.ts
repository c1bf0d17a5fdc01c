/**
 * Seeded bug (https): `maxSockets` is ignored: every concurrent request opens its own TLS connection.
 */
import https from 'node:https';

export const seeded = {
  catches: ['https/max-sockets'],
  rule: 'at most maxSockets connections per origin, over TLS too',
};

export function createHttpsAgent(options?: https.AgentOptions): https.Agent {
  return new https.Agent({ ...options, maxSockets: Number.POSITIVE_INFINITY });
}
