/**
 * Seeded bug (off by ×2): a pooled socket idles twice as long as it should: the timeout the agent
 * sets when it pools a socket (its own `timeout`, or the Keep-Alive hint less the buffer) is doubled.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export const seeded = {
  catches: [
    'timeout/free-destroyed',
    'timeout/pooled-uses-agent-timeout',
    'keepAlive/hint-agent-timeout-smaller',
    'keepAlive/hint-lowers-free-timeout',
  ],
  rule: 'a socket in freeSockets is destroyed when the timeout expires',
};

class FreeDoubled extends http.Agent {
  override keepSocketAlive(duplex: Duplex): boolean {
    const kept = super.keepSocketAlive(duplex) as unknown as boolean;
    const socket = duplex as Socket & { timeout?: number };
    if (kept && typeof socket.timeout === 'number' && socket.timeout > 0)
      socket.setTimeout(socket.timeout * 2);
    return kept;
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new FreeDoubled(options);
}
