/**
 * Seeded bug (https): certificates are never verified (`rejectUnauthorized: false` forced), so an
 * origin with an untrusted certificate is served (Bun ignored `rejectUnauthorized` once,
 * oven-sh/bun#10834).
 */
import https from 'node:https';
import type { Duplex } from 'node:stream';

export const seeded = {
  catches: ['https/untrusted-certificate-error'],
  rule: "a certificate no given CA signed is a request 'error'",
};

type Callback = (err: Error | null, stream: Duplex) => void;

class VerificationOff extends https.Agent {
  override createConnection(options: https.RequestOptions, callback?: Callback): Duplex | null | undefined {
    return (super.createConnection as (o: https.RequestOptions, c?: Callback) => Duplex)(
      { ...options, rejectUnauthorized: false },
      callback,
    );
  }
}

export function createHttpsAgent(options?: https.AgentOptions): https.Agent {
  return new VerificationOff(options);
}
