/**
 * Seeded bug (agentkeepalive 4.6): on `'timeout'`, a socket whose request has no `'timeout'`
 * listener is destroyed with ERR_SOCKET_TIMEOUT; with a listener it is left alone. The docs say the
 * request is only notified, whoever listens.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export const seeded = {
  catches: ['timeout/active-not-destroyed', 'faults/active-timeout'],
  rule: "an active request's socket is not destroyed on 'timeout', whether or not the request listens",
};

class DestroysUnlistened extends http.Agent {
  override createConnection(
    options: Parameters<http.Agent['createConnection']>[0],
    callback?: Parameters<http.Agent['createConnection']>[1],
  ): Duplex | null | undefined {
    const socket = super.createConnection(options, callback) as Socket | null | undefined;
    socket?.on('timeout', () => {
      const req = (socket as Socket & { _httpMessage?: http.ClientRequest | null })._httpMessage;
      if (req && req.listenerCount('timeout') === 0) {
        const err = Object.assign(new Error('Socket timeout'), { code: 'ERR_SOCKET_TIMEOUT' });
        socket.destroy(err);
      }
    });
    return socket;
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new DestroysUnlistened(options);
}
