/**
 * What a subject can do, by name: declared by its module (or by the driver, for what no dispatcher
 * has) or, for structure only, probed in the subject process (harness/subject); read by cases in the
 * suite process (`requires`, where a missing one makes the case `unsupported`). Never probed from
 * the behaviour a case checks: an agent that ignores an option it does not declare missing fails.
 * A union type, so that a misspelt capability is a type error rather than a case that silently never
 * reports `unsupported`.
 */
export const CAPABILITIES = [
  /** `agent.sockets` / `freeSockets` / `requests` to snapshot. */
  'agentState',
  /** `agent.getName(options)`. */
  'getName',
  /**
   * `agent.getName()` with no argument (the parameter is optional from Node 17.7.0 / 16.15.0;
   * built-ins on the runtime's http.Agent: by release).
   */
  'getNameWithoutOptions',
  /** The agent is an EventEmitter with `'free'` (declared false by a module whose agent is not). */
  'events',
  /** keepSocketAlive / reuseSocket / createConnection can be spied on or replaced. */
  'agentHooks',
  /** A socket's `'agentRemove'` takes it out of the agent. */
  'agentRemove',
  /** `timeout` on active sockets and `'timeout'` events on requests. */
  'socketTimeout',
  /** A request's own `timeout` option. */
  'perRequestTimeout',
  /** A request's `localAddress` / `localPort` / `family` / `socketPath` / `lookup`. */
  'requestConnectOptions',
  'maxTotalSockets',
  'maxFreeSockets',
  'scheduling',
  /** The `defaultPort` option (declared false where unsupported; built-ins: by release). */
  'defaultPort',
  /** The `protocol` option (declared false where unsupported; built-ins: by release). */
  'protocol',
  /** `agent.totalSocketCount` (declared false by a module that keeps none). */
  'totalSocketCount',
  /** `agent.freeSockets` exists. */
  'freeSockets',
  /** The `agentKeepAliveTimeoutBuffer` option (declared false where unsupported; built-ins: by release). */
  'agentKeepAliveTimeoutBuffer',
  /**
   * The agent applies the server's `Keep-Alive: timeout=N` hint to pooled sockets (declared false
   * where it does not; built-ins on the runtime's http.Agent: by release, Node 19.0.0 on).
   */
  'keepAliveHint',
  /** Makes agents that go through a forward proxy (`createProxyAgent` / `createProxyDispatcher`). */
  'proxy',
  /** Its proxy agents honour a NO_PROXY list. */
  'proxyNoProxy',
  /** Its proxy agents read raw proxy variables (HTTP_PROXY, http_proxy, NO_PROXY…; lower-case wins). */
  'proxyEnv',
  /** https agents: `createHttpsAgent(options)` (an agent subject) or a dispatcher that speaks TLS. */
  'https',
  /** TLS options (`ca`, `servername`, `rejectUnauthorized`…) given per request, not only per agent. */
  'requestTlsOptions',
  /**
   * The runtime (not the module) documents `http.setGlobalProxyFromEnv()` (Node 24.14.0 / 25.4.0): set
   * by the host from the release it runs on (harness/subject/builtins/node-release.ts).
   */
  'globalProxy',
  /**
   * The runtime (not the module) documents `NODE_USE_ENV_PROXY=1` / `--use-env-proxy` for its global
   * agent (Built-in Proxy Support, Node 24.5.0 / 22.21.0): set by the host from its release.
   */
  'envProxyAtStart',
  /**
   * The runtime (not the module) documents its `http.globalAgent` with keep-alive and a 5 s timeout
   * (http.md, globalAgent history: v19.0.0): set by the host from its release.
   */
  'globalAgentKeepAlive',
] as const;

export type Capability = (typeof CAPABILITIES)[number];

export type Capabilities = Partial<Record<Capability, boolean>>;

export function isCapability(name: string): name is Capability {
  return (CAPABILITIES as readonly string[]).includes(name);
}
