/**
 * Seeded bug (https): the session cache holds 10 sessions by default instead of 100.
 */
import https from 'node:https';

export const seeded = {
  catches: ['https/session-cache-default'],
  rule: 'maxCachedSessions defaults to 100',
};

export function createHttpsAgent(options?: https.AgentOptions): https.Agent {
  return new https.Agent({ maxCachedSessions: 10, ...options });
}
