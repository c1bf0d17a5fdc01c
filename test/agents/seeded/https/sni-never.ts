/**
 * Seeded bug (https): no SNI is ever sent, neither the host name nor an explicit `servername`.
 */
import https from 'node:https';
import type { Duplex } from 'node:stream';

export const seeded = {
  catches: ['https/sni-host-name', 'https/sni-explicit-wins'],
  rule: 'the SNI is the host name by default, or the servername given',
};

type Callback = (err: Error | null, stream: Duplex) => void;

class NoSni extends https.Agent {
  override createConnection(options: https.RequestOptions, callback?: Callback): Duplex | null | undefined {
    return (super.createConnection as (o: https.RequestOptions, c?: Callback) => Duplex)(
      { ...options, servername: '' },
      callback,
    );
  }
}

export function createHttpsAgent(options?: https.AgentOptions): https.Agent {
  return new NoSni(options);
}
