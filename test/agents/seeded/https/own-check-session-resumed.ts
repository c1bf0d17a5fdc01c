/**
 * Seeded bug (https): a session cache keyed by host and port alone, offered to every new connection.
 * A request that brings its own `checkServerIdentity` then resumes the session another request's
 * handshake made; a resumed session skips the certificate check, so its check never runs and the
 * request is sent (also beside a pooled connection: the checked request's new connection resumes).
 */
import https from 'node:https';
import type { Duplex } from 'node:stream';

export const seeded = {
  catches: ['https/own-check-identity-pooled', 'https/own-check-identity-session'],
  rule: "a request's own checkServerIdentity runs, whatever session another request cached",
};

type Callback = (err: Error | null, socket: Duplex) => void;

class ResumesRegardless extends https.Agent {
  private readonly sessionsByOrigin = new Map<string, Buffer>();

  override createConnection(
    options: Record<string, unknown>,
    callback?: Callback,
  ): Duplex | null | undefined {
    const key = `${String(options.host)}:${String(options.port)}`;
    const session = this.sessionsByOrigin.get(key);
    const withSession = session && options.session === undefined ? { ...options, session } : options;
    // biome-ignore lint/suspicious/noExplicitAny: https.Agent's createConnection is untyped here
    const socket = (https.Agent.prototype as any).createConnection.call(this, withSession, callback);
    socket?.on('session', (s: Buffer) => this.sessionsByOrigin.set(key, s));
    return socket;
  }
}

export function createHttpsAgent(options?: https.AgentOptions): https.Agent {
  return new ResumesRegardless(options);
}
