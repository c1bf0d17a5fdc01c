/**
 * The subject contract of the `proxy` area. A subject module that can go through a forward proxy
 * exports one of
 *   createProxyAgent(options: ProxySubjectOptions): http.Agent          (node:http agents)
 *   createProxyDispatcher(options: ProxySubjectOptions): Dispatcher     (undici)
 * and optionally `proxyCapabilities: ProxyCapabilities` (`null`: the factory exists but this runtime
 * cannot proxy, e.g. Node before `proxyEnv`), so that a case can tell "the subject has no such
 * feature" (unsupported) from "the subject gets it wrong" (fail). Without `proxyCapabilities` a
 * factory counts as proxying with neither NO_PROXY nor environment support.
 *
 * The host (./host.ts) serves the `createProxy` command with it: the case's options, plus
 * `agentOptions.lookup` = `loopbackLookup` below, so that a request the subject sends directly (a
 * NO_PROXY bypass) to a made-up host name reaches loopback without asking DNS. A subject should pass
 * `lookup` on to its direct connections (an http.Agent does: it is a socket.connect option).
 */
import type http from 'node:http';
import { isIP } from 'node:net';

export interface ProxySubjectOptions {
  /**
   * The http.Agent options the case asks for (keepAlive, maxSockets, timeout…), plus `lookup`; for
   * `https:` targets also `ca`, the test CA the origins' certificates chain to (each request carries
   * it too, for agents that take TLS options per request).
   */
  agentOptions: http.AgentOptions & { lookup?: LoopbackLookup };
  proxy: {
    /** `http://[user:pass@]127.0.0.1:PORT`, credentials percent-encoded as in any URL. */
    url: string;
    /** NO_PROXY list, as in the environment variable (`*`, `a.test`, `.a.test`, `*.a.test`, `h:port`, IP…). */
    noProxy?: string;
    /**
     * Raw proxy variables (HTTP_PROXY, http_proxy, NO_PROXY, no_proxy…) for cases about the variables
     * themselves (lower-case wins). Only subjects with `proxyCapabilities.env` read it; it replaces
     * `url` / `noProxy` when given.
     */
    env?: Record<string, string>;
  };
  /** Protocol of the targets the agent will be used for. */
  protocol: 'http:' | 'https:';
}

/** How a subject reaches a target of each protocol through the proxy. */
export type ProxyMode = 'absolute-form' | 'connect';

export interface ProxyCapabilities {
  /** Honours `proxy.noProxy`. */
  noProxy: boolean;
  /** Honours `proxy.env` (environment-variable semantics, lower-case wins). */
  env: boolean;
  /** How http: and https: targets are sent through the proxy. */
  modes: Record<'http:' | 'https:', ProxyMode>;
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | { address: string; family: number }[],
  family?: number,
) => void;

export type LoopbackLookup = (
  hostname: string,
  options: { all?: boolean } | number | LookupCallback,
  callback?: LookupCallback,
) => void;

/**
 * A `lookup` that never asks DNS: IP literals resolve to themselves, every host name to 127.0.0.1
 * (the cases only use `localhost` and made-up `*.test` names). Both the single and the `all` form.
 */
export const loopbackLookup: LoopbackLookup = (hostname, options, callback) => {
  const cb = (typeof options === 'function' ? options : callback) as LookupCallback;
  const all = typeof options === 'object' && options !== null && options.all === true;
  const bare = hostname.replace(/^\[|\]$/g, '');
  const family = isIP(bare) || 4;
  const address = isIP(bare) ? bare : '127.0.0.1';
  process.nextTick(() => (all ? cb(null, [{ address, family }]) : cb(null, address, family)));
};
