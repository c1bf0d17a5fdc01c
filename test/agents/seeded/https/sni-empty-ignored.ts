/**
 * Seeded bug (https): `servername: ''` is treated as "not given", so the host name is sent as SNI
 * where the empty string asks for no extension (Deno 2.9.6 behaves so).
 */
import https from 'node:https';
import net from 'node:net';
import type { Duplex } from 'node:stream';

export const seeded = {
  catches: ['https/sni-empty-disables'],
  rule: "servername '' disables the SNI extension",
};

type Callback = (err: Error | null, stream: Duplex) => void;

class EmptyIgnored extends https.Agent {
  override createConnection(options: https.RequestOptions, callback?: Callback): Duplex | null | undefined {
    const host = options.host ?? '';
    const patched = options.servername === '' && !net.isIP(host) ? { ...options, servername: host } : options;
    return (super.createConnection as (o: https.RequestOptions, c?: Callback) => Duplex)(patched, callback);
  }
}

export function createHttpsAgent(options?: https.AgentOptions): https.Agent {
  return new EmptyIgnored(options);
}
