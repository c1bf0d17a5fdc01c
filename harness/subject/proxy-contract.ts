/**
 * PROPOSED subject contract for the `proxy` area (not wired into the host yet).
 *
 * A subject module that can go through a forward proxy exports one of
 *   createProxyAgent(options: ProxySubjectOptions): http.Agent          (node:http agents)
 *   createProxyDispatcher(options: ProxySubjectOptions): Dispatcher     (undici)
 * and `proxyCapabilities: ProxyCapabilities`, so that a case can tell "the subject has no such
 * feature" (unsupported) from "the subject gets it wrong" (fail).
 */
import type http from 'node:http';

export interface ProxySubjectOptions {
  /** The http.Agent options the case asks for (keepAlive, maxSockets, timeout…). */
  agentOptions: http.AgentOptions;
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
