/**
 * Seeded bug (https): a session is never dropped, not even when its connection ended in an error, so
 * a broken session keeps being offered to the server (undici's session cache behaves so).
 */
import https from 'node:https';

export const seeded = {
  catches: ['https/session-evicted-on-error'],
  rule: 'the session of a connection that closed with an error is evicted from the cache',
};

class NeverEvicts extends https.Agent {
  _evictSession(_key: string): void {
    // the bug: keep it
  }
}

export function createHttpsAgent(options?: https.AgentOptions): https.Agent {
  return new NeverEvicts(options);
}
