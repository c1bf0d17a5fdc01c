/**
 * PROPOSED built-in proxy subject `undici` (to merge into ./undici.ts once the contract is adopted):
 * `ProxyAgent` when the case gives no NO_PROXY list, `EnvHttpProxyAgent` (explicit httpProxy /
 * httpsProxy / noProxy, so the subject process's environment never leaks in) when it does. The
 * http.Agent options are translated as for the plain undici subject (./undici.ts). ProxyAgent sends
 * http: targets in absolute-form (CONNECT only with `proxyTunnel: true`) and tunnels https: ones.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as Undici from 'undici';
import type { ProxyCapabilities, ProxySubjectOptions } from '../proxy-contract.ts';
import { type HttpAgentOptions, toUndiciOptions } from './undici.ts';

// Loaded by path, as in ./undici.ts (Bun answers a bare 'undici' import with a built-in stub).
const require = createRequire(import.meta.url);
const manifest = require.resolve('undici/package.json');
const undici = require(
  join(dirname(manifest), (require(manifest) as { main?: string }).main ?? 'index.js'),
) as typeof Undici;

export function createProxyDispatcher({ agentOptions, proxy }: ProxySubjectOptions): Undici.Dispatcher {
  if (proxy.env !== undefined) {
    throw new Error('undici: environment variables are read from process.env only (see proxyCapabilities)');
  }
  const options = toUndiciOptions(agentOptions as HttpAgentOptions);
  if (proxy.noProxy === undefined) return new undici.ProxyAgent({ ...options, uri: proxy.url });
  return new undici.EnvHttpProxyAgent({
    ...options,
    httpProxy: proxy.url,
    httpsProxy: proxy.url,
    noProxy: proxy.noProxy,
  });
}

export const proxyCapabilities: ProxyCapabilities = {
  noProxy: true,
  env: false,
  modes: { 'http:': 'absolute-form', 'https:': 'connect' },
};
