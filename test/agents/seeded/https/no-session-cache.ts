/**
 * Seeded bug (https): the agent never offers a cached session, so no new connection is ever resumed
 * (Deno 2.9.6 behaves so; undici's WeakRef-held sessions were gone in our runs).
 */
import https from 'node:https';

export const seeded = {
  catches: [
    'https/session-resumed',
    'https/session-cache-limit',
    'https/session-cache-fifo',
    'https/session-cache-default',
    'https/session-evicted-on-error',
  ],
  rule: 'a new connection to the same origin resumes the cached TLS session',
};

class NoSessions extends https.Agent {
  _getSession(_key: string): undefined {
    return undefined;
  }
}

export function createHttpsAgent(options?: https.AgentOptions): https.Agent {
  return new NoSessions(options);
}
