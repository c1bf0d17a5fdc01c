/**
 * Seeded bug (https): getName() keys `pfx` by the object given, not by its contents. Every request
 * that reads its bundle anew (a new Buffer, a new array) gets a pool key of its own, so requests
 * with the very same client identity never share the pooled connection: each opens another one.
 */
import https from 'node:https';

export const seeded = {
  catches: ['https/key-same-pfx-shares', 'https/key-same-pfx-array-shares'],
  rule: 'requests with the same TLS options share the pooled connection',
};

const ids = new WeakMap<object, number>();
let next = 0;

function identity(value: object): string {
  let id = ids.get(value);
  if (id === undefined) {
    id = ++next;
    ids.set(value, id);
  }
  return `pfx-object-${id}`;
}

class PfxByIdentity extends https.Agent {
  override getName(options: https.RequestOptions = {}): string {
    const pfx = options.pfx;
    if (pfx === undefined || pfx === null || typeof pfx !== 'object') return super.getName(options);
    return super.getName({ ...options, pfx: identity(pfx) });
  }
}

export function createHttpsAgent(options?: https.AgentOptions): https.Agent {
  return new PfxByIdentity(options);
}
