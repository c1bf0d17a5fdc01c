/**
 * Seeded bug (https): getName() reduces a `pfx` array of `{ buf, passphrase }` bundles to its first
 * bundle. Two requests whose arrays differ only in a later bundle get one pool key and share a TLS
 * connection made with the other request's identity. (An array of objects stringified whole gives
 * `[object Object]`, the same reduction in its crudest form.)
 */
import https from 'node:https';

export const seeded = {
  catches: ['https/key-separates-pfx-array'],
  rule: 'requests that differ in a TLS option that changes the connection never share a socket',
};

type PfxEntry = string | Buffer | { buf: string | Buffer; passphrase?: string };

class FirstBundleOnly extends https.Agent {
  override getName(options: https.RequestOptions = {}): string {
    const pfx = options.pfx as PfxEntry | PfxEntry[] | undefined;
    if (!Array.isArray(pfx)) return super.getName(options);
    const first = pfx[0];
    const buf = first !== undefined && typeof first === 'object' && 'buf' in first ? first.buf : first;
    return super.getName({ ...options, pfx: buf as Buffer | undefined });
  }
}

export function createHttpsAgent(options?: https.AgentOptions): https.Agent {
  return new FirstBundleOnly(options);
}
