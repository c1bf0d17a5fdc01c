/**
 * Seeded bug (https): the SNI extension is sent for an IP address too (the servername defaults to the
 * host whatever it is), where the default is no extension at all (RFC 6066 allows host names only).
 */
import https from 'node:https';
import net from 'node:net';
import type { Duplex } from 'node:stream';

export const seeded = {
  catches: ['https/sni-none-for-ip'],
  rule: 'no SNI is sent when the target host is an IP address',
};

type Callback = (err: Error | null, stream: Duplex) => void;

class SniForIp extends https.Agent {
  override createConnection(options: https.RequestOptions, callback?: Callback): Duplex | null | undefined {
    const host = options.host ?? '';
    const patched = !options.servername && net.isIP(host) ? { ...options, servername: host } : options;
    return (super.createConnection as (o: https.RequestOptions, c?: Callback) => Duplex)(patched, callback);
  }
}

export function createHttpsAgent(options?: https.AgentOptions): https.Agent {
  return new SniForIp(options);
}
