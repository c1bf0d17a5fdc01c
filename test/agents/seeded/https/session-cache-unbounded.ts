/**
 * Seeded bug (https): the TLS session cache ignores `maxCachedSessions`. Every session is kept: `0`
 * does not disable resumption and a full cache never drops anything.
 */
import https from 'node:https';

export const seeded = {
  catches: ['https/session-cache-disabled', 'https/session-cache-limit'],
  rule: 'maxCachedSessions bounds the TLS session cache; 0 disables it',
};

/** https.Agent's session cache (present at run time, not in @types/node). */
interface SessionCache {
  _sessionCache: { map: Record<string, Buffer>; list: string[] };
}

class UnboundedCache extends https.Agent {
  _cacheSession(key: string, session: Buffer): void {
    const cache = (this as unknown as SessionCache)._sessionCache;
    if (!(key in cache.map)) cache.list.push(key);
    cache.map[key] = session;
  }
}

export function createHttpsAgent(options?: https.AgentOptions): https.Agent {
  return new UnboundedCache(options);
}
