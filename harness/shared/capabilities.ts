/**
 * What a subject can do, by name: probed or declared in the subject process (harness/subject), read
 * by cases in the suite process (`requires`, where a missing one makes the case `unsupported`).
 * A union type, so that a misspelt capability is a type error rather than a case that silently never
 * reports `unsupported`.
 */
export const CAPABILITIES = [
  /** `agent.sockets` / `freeSockets` / `requests` to snapshot. */
  'agentState',
  /** `agent.getName(options)`. */
  'getName',
  /** The agent is an EventEmitter with `'free'`. */
  'events',
  /** keepSocketAlive / reuseSocket / createConnection can be spied on or replaced. */
  'agentHooks',
  /** A socket's `'agentRemove'` takes it out of the agent. */
  'agentRemove',
  /** `timeout` on active sockets and `'timeout'` events on requests. */
  'socketTimeout',
  /** A request's own `timeout` option. */
  'perRequestTimeout',
  /** A request's `localAddress` / `family` / `socketPath`. */
  'requestConnectOptions',
  'maxTotalSockets',
  'maxFreeSockets',
  'scheduling',
  /** `agent.defaultPort` reflects the option. */
  'defaultPort',
  /** `agent.protocol` reflects the option. */
  'protocol',
  /** `agent.totalSocketCount`. */
  'totalSocketCount',
  /** `agent.freeSockets` exists. */
  'freeSockets',
  /** `agentKeepAliveTimeoutBuffer` is honoured. */
  'agentKeepAliveTimeoutBuffer',
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
] as const;

export type Capability = (typeof CAPABILITIES)[number];

export type Capabilities = Partial<Record<Capability, boolean>>;

export function isCapability(name: string): name is Capability {
  return (CAPABILITIES as readonly string[]).includes(name);
}
