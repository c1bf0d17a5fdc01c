/**
 * Seeded bug (https): the server's `Keep-Alive: timeout=N` hint is ignored: a pooled TLS socket keeps
 * the agent's own timeout, even when the hint says the server closes it at once.
 */
import https from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export const seeded = {
  catches: ['https/keep-alive-hint'],
  rule: 'a Keep-Alive hint no longer than agentKeepAliveTimeoutBuffer means the socket is not pooled',
};

class IgnoresHint extends https.Agent {
  private readonly idle: number;

  constructor(options?: https.AgentOptions) {
    super(options);
    this.idle = options?.timeout ?? 0;
  }

  override keepSocketAlive(duplex: Duplex): boolean {
    const socket = duplex as Socket;
    socket.setKeepAlive(true, 1000);
    socket.unref();
    socket.setTimeout(this.idle);
    return true;
  }
}

export function createHttpsAgent(options?: https.AgentOptions): https.Agent {
  return new IgnoresHint(options);
}
