/**
 * Seeded bug: `maxFreeSockets: 0` is taken literally (no socket is kept) instead of meaning the
 * default, as Node does.
 */
import http from 'node:http';
import type { Socket } from 'node:net';

export const seeded = {
  catches: ['defaults/falsy-options', 'maxFreeSockets/zero-means-default'],
  rule: 'maxFreeSockets 0 means the default (256), as in Node',
};

class ZeroLiteral extends http.Agent {
  override keepSocketAlive(socket: Socket): boolean {
    if ((this as { options?: http.AgentOptions }).options?.maxFreeSockets === 0) return false;
    return (super.keepSocketAlive as (s: Socket) => boolean)(socket);
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new ZeroLiteral(options);
}
