/**
 * Built-in subject `undici`: an undici `Agent` (a Dispatcher, not an http.Agent), made from the
 * http.Agent options a case asks for. The host drives it as a dispatcher subject (../dispatcher.ts).
 *
 * Translation (only options that are given are translated; otherwise undici's own defaults apply,
 * which is what a team switching to undici gets: keep-alive on, idle timeout 4 s, hint threshold 2 s):
 *   keepAlive true / false        → pipelining 1 / 0 (0 is undici's "no keep-alive")
 *   maxSockets                    → connections (per origin; Infinity → null, undici's "unlimited")
 *   timeout (> 0)                 → keepAliveTimeout: the idle timeout of a pooled socket. Not
 *                                   headersTimeout/bodyTimeout: those abort an active request, where
 *                                   http.Agent's timeout only emits 'timeout'; undici has no such notice.
 *   agentKeepAliveTimeoutBuffer   → keepAliveTimeoutThreshold (subtracted from the Keep-Alive hint)
 *   localAddress                  → localAddress (a Client option: the address every connection binds)
 *   keepAliveMsecs (keepAlive)    → connect.keepAliveInitialDelay (TCP keep-alive; ignored without
 *                                   keepAlive, as in Node)
 *   ca, cert, key, servername, rejectUnauthorized, minVersion, maxVersion, ciphers, lookup,
 *   maxCachedSessions             → connect (TLS options exist per Agent only: no per-request ones;
 *                                   undici keys its session cache by server name, not by these)
 * No counterpart, declared missing: maxTotalSockets, maxFreeSockets, scheduling (undici hands out the
 * first-created idle connection). `defaultPort` has none either (the host declares it missing).
 *
 * Proxies (`createProxyDispatcher`, harness/subject/proxy-contract.ts): `ProxyAgent` when the case
 * gives no NO_PROXY list, `EnvHttpProxyAgent` (explicit httpProxy / httpsProxy / noProxy, so the
 * subject process's environment never leaks in) when it does; the same option translation. ProxyAgent
 * sends http: targets in absolute-form (CONNECT only with `proxyTunnel: true`) and tunnels https:
 * ones (the TLS options for the origin go in `requestTls`). undici reads proxy variables from
 * process.env only: no `env` support.
 */
import { dirname, join } from 'node:path';
import type * as Undici from 'undici';
import type { LoopbackLookup, ProxyCapabilities, ProxySubjectOptions } from '../proxy-contract.ts';
import { packageRequire as require } from './package.ts';

// Bun answers a bare `import 'undici'` with a built-in stub whose Agent has no Dispatcher API, so the
// npm package is loaded by its path (in every runtime: the subject is npm undici, whatever runs it),
// from the versioned install when one was asked for (`undici:7`, ./package.ts).
const manifest = require.resolve('undici/package.json');
const undici = require(
  join(dirname(manifest), (require(manifest) as { main?: string }).main ?? 'index.js'),
) as typeof Undici;

export interface HttpAgentOptions {
  keepAlive?: boolean;
  keepAliveMsecs?: number;
  maxSockets?: number;
  maxTotalSockets?: number;
  maxFreeSockets?: number;
  scheduling?: string;
  timeout?: number;
  agentKeepAliveTimeoutBuffer?: number;
  /** A socket.connect `lookup` (the host gives one to proxy subjects): → connect.lookup. */
  lookup?: LoopbackLookup;
  [other: string]: unknown;
}

/** https.Agent options that undici takes in its `connect` options. */
const TLS_CONNECT_OPTIONS = [
  'ca',
  'cert',
  'key',
  'servername',
  'rejectUnauthorized',
  'minVersion',
  'maxVersion',
  'ciphers',
  'lookup',
  'maxCachedSessions',
] as const;

export type UndiciAgentOptions = NonNullable<ConstructorParameters<typeof Undici.Agent>[0]>;

/** The undici Agent options equivalent to these http.Agent options (see the table above). */
export function toUndiciOptions(options: HttpAgentOptions = {}): UndiciAgentOptions {
  const out: UndiciAgentOptions = {};
  if (options.keepAlive === true) out.pipelining = 1;
  else if (options.keepAlive === false) out.pipelining = 0;
  if (options.maxSockets !== undefined) {
    // undici validates the rest (0, negative, NaN throw InvalidArgumentError, as they should)
    out.connections = options.maxSockets === Number.POSITIVE_INFINITY ? null : options.maxSockets;
  }
  // timeout 0 means "no timeout" for http.Agent; undici cannot turn its idle timeout off
  if (options.timeout !== undefined && options.timeout !== 0) out.keepAliveTimeout = options.timeout;
  if (options.agentKeepAliveTimeoutBuffer !== undefined)
    out.keepAliveTimeoutThreshold = options.agentKeepAliveTimeoutBuffer;
  if (typeof options.localAddress === 'string') out.localAddress = options.localAddress;
  const connect: Record<string, unknown> = {};
  if (options.keepAlive === true && options.keepAliveMsecs !== undefined) {
    connect.keepAlive = true;
    connect.keepAliveInitialDelay = options.keepAliveMsecs;
  }
  for (const key of TLS_CONNECT_OPTIONS) if (options[key] !== undefined) connect[key] = options[key];
  if (Object.keys(connect).length > 0) out.connect = connect as UndiciAgentOptions['connect'];
  return out;
}

export function createDispatcher(options?: HttpAgentOptions): Undici.Agent {
  return new undici.Agent(toUndiciOptions(options));
}

export const capabilities = {
  maxTotalSockets: false,
  maxFreeSockets: false,
  scheduling: false,
  agentKeepAliveTimeoutBuffer: true,
};

export function createProxyDispatcher({ agentOptions, proxy }: ProxySubjectOptions): Undici.Dispatcher {
  if (proxy.env !== undefined) {
    throw new Error('undici: environment variables are read from process.env only (see proxyCapabilities)');
  }
  const options = toUndiciOptions(agentOptions as HttpAgentOptions);
  // ProxyAgent replaces `connect` with its tunnelling connector: the TLS options for the origin
  // (inside the tunnel) go in `requestTls` (`lookup` is not one: the proxy dials the origin)
  const connect = (options.connect ?? {}) as Record<string, unknown>;
  const tls = Object.fromEntries(
    TLS_CONNECT_OPTIONS.filter((k) => k !== 'lookup' && connect[k] !== undefined).map((k) => [k, connect[k]]),
  );
  const requestTls = Object.keys(tls).length > 0 ? { requestTls: tls } : {};
  if (proxy.noProxy === undefined)
    return new undici.ProxyAgent({ ...options, ...requestTls, uri: proxy.url });
  return new undici.EnvHttpProxyAgent({
    ...options,
    ...requestTls,
    httpProxy: proxy.url,
    httpsProxy: proxy.url,
    noProxy: proxy.noProxy,
  });
}

/**
 * NO_PROXY goes through `EnvHttpProxyAgent`, which older releases (`undici:5`) do not export: then
 * the NO_PROXY cases are `unsupported` (a structural check of the package's exports, no behaviour).
 */
export const proxyCapabilities: ProxyCapabilities = {
  noProxy: typeof (undici as { EnvHttpProxyAgent?: unknown }).EnvHttpProxyAgent === 'function',
  env: false,
  modes: { 'http:': 'absolute-form', 'https:': 'connect' },
};
