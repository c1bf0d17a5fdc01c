/**
 * Seeded bug (https): getName() leaves `pfx` out of the pool key. Requests with different client
 * identities given as PKCS#12 bundles then share one TLS connection: the second request goes out
 * under the first one's client certificate.
 */
import https from 'node:https';

export const seeded = {
  catches: ['https/key-separates-pfx', 'https/key-separates-pfx-array'],
  rule: 'requests that differ in a TLS option that changes the connection never share a socket',
};

class IgnoresPfx extends https.Agent {
  override getName(options: https.RequestOptions = {}): string {
    return super.getName({ ...options, pfx: undefined });
  }
}

export function createHttpsAgent(options?: https.AgentOptions): https.Agent {
  return new IgnoresPfx(options);
}
