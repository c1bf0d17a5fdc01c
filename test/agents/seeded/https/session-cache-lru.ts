/**
 * Seeded bug (https, against Node's behaviour): using a cached session refreshes it (LRU), so a full
 * cache drops the least recently used entry instead of the oldest one.
 */
import https from 'node:https';

export const seeded = {
  catches: ['https/session-cache-fifo'],
  rule: 'a full session cache drops the oldest entry; looking a session up does not refresh it',
};

/** https.Agent's session cache (present at run time, not in @types/node). */
interface SessionCache {
  _sessionCache: { map: Record<string, Buffer>; list: string[] };
}

class LruCache extends https.Agent {
  _getSession(key: string): Buffer | undefined {
    const cache = (this as unknown as SessionCache)._sessionCache;
    const at = cache.list.indexOf(key);
    if (at !== -1) cache.list.push(...cache.list.splice(at, 1));
    return cache.map[key];
  }
}

export function createHttpsAgent(options?: https.AgentOptions): https.Agent {
  return new LruCache(options);
}
