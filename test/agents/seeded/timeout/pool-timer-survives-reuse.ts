/**
 * Seeded bug (agentkeepalive#23, #57): pooling a socket also starts a timer of the free socket's
 * timeout that destroys it, and reusing the socket does not stop that timer, so a reused socket is
 * destroyed in the middle of its next request when the pool's idle time runs out.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export const seeded = {
  catches: ['timeout/reused-not-destroyed'],
  rule: 'only a socket in freeSockets is destroyed on timeout; a reused socket carrying a request is not',
};

class PoolTimerSurvivesReuse extends http.Agent {
  override keepSocketAlive(socket: Duplex): boolean {
    const keep = super.keepSocketAlive(socket) as unknown as boolean;
    const ms = (socket as Socket).timeout ?? 0;
    if (keep && ms > 0) setTimeout(() => socket.destroy(), ms).unref();
    return keep;
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new PoolTimerSurvivesReuse(options);
}
