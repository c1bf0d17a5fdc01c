/**
 * Seeded bug (https): a TLS socket is never kept for reuse, keepAlive or not: every request pays a
 * new handshake.
 */
import https from 'node:https';

export const seeded = {
  catches: ['https/key-same-options-share'],
  rule: 'with keepAlive, a request with the same TLS options rides the pooled connection',
};

class NeverPools extends https.Agent {
  override keepSocketAlive(): boolean {
    return false;
  }
}

export function createHttpsAgent(options?: https.AgentOptions): https.Agent {
  return new NeverPools(options);
}
