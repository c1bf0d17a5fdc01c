/**
 * Seeded bug: without a `timeout` option, a pooled socket still gets a hidden idle timeout of 5 s
 * (the global agent's), so an idle connection the docs keep open is closed after 5 s.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export const seeded = {
  catches: ['timeout/none-keeps-pooled'],
  rule: 'without a timeout, a pooled socket stays open until it is used again',
};

const HIDDEN_IDLE_MS = 5000;

class HiddenIdleTimer extends http.Agent {
  override keepSocketAlive(duplex: Duplex): boolean {
    const kept = super.keepSocketAlive(duplex) as unknown as boolean;
    const socket = duplex as Socket & { timeout?: number };
    if (kept && !socket.timeout) socket.setTimeout(HIDDEN_IDLE_MS);
    return kept;
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new HiddenIdleTimer(options);
}
