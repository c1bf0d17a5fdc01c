/**
 * Which http.Agent options the running Node release documents, from the "Added in" history of
 * `new Agent([options])` in Node's doc/api/http.md. A built-in subject built on the runtime's
 * http.Agent declares an option it does not document as a capability it lacks (its cases are then
 * `unsupported`); a documented option is never excused, whatever the agent does with it.
 *
 * Bun and Deno report, in `process.versions.node`, the Node release whose API they implement
 * (Bun 1.4.5 and Deno 2.9.6 both say 26.3.0), so the same table applies to them.
 */

/**
 * The first release of each line that documents the option (http.md, `new Agent([options])`), or
 * that has the behaviour a capability names. Older entries of the same history: `maxTotalSockets`
 * (14.5.0 / 12.20.0) and `scheduling` (14.5.0 / 12.19.0) are in every release the subject host runs
 * on (16.0.0 and later), so they are not listed.
 */
const ADDED_IN: Record<
  'defaultPort' | 'protocol' | 'agentKeepAliveTimeoutBuffer' | 'keepAliveHint' | 'getNameWithoutOptions',
  readonly string[]
> = {
  // "Add support for `defaultPort` and `protocol`." (nodejs/node#58980)
  defaultPort: ['24.5.0', '22.21.0'],
  protocol: ['24.5.0', '22.21.0'],
  // "Add support for `agentKeepAliveTimeoutBuffer`." (nodejs/node#59315)
  agentKeepAliveTimeoutBuffer: ['24.7.0', '22.20.0'],
  // The agent reads the response's `Keep-Alive: timeout=N` and expires (or does not pool) the socket
  // by it from 19.0.0 ("http: use Keep-Alive by default in global agents", nodejs/node#43522, which
  // added the hint to `keepSocketAlive`; semver-major, not backported to 18): 16.x and 18.x ignore it.
  keepAliveHint: ['19.0.0'],
  // `agent.getName([options])`: "The `options` parameter is now optional." (nodejs/node#41906)
  getNameWithoutOptions: ['17.7.0', '16.15.0'],
};

type Triple = [number, number, number];

function parse(version: string): Triple | null {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

function atLeast(a: Triple, b: Triple): boolean {
  for (let i = 0; i < 3; i++)
    if ((a[i] as number) !== (b[i] as number)) return (a[i] as number) > (b[i] as number);
  return true;
}

/**
 * Whether `version` documents a change listed as added in `lines` (the first release of each line
 * that has it, as Node's YAML history lists them): a release of a listed line from that release on,
 * and every release of a later major line than the newest listed one. A line not listed (an older
 * one, or an odd line between two listed ones) never got the change.
 */
export function documentedIn(version: string, lines: readonly string[]): boolean {
  const v = parse(version);
  if (!v) return false;
  const added = lines.map(parse).filter((x): x is Triple => x !== null);
  const newest = Math.max(...added.map((x) => x[0]));
  if (v[0] > newest) return true;
  const same = added.find((x) => x[0] === v[0]);
  return same !== undefined && atLeast(v, same);
}

/** `proxyEnv` ("Add support for `proxyEnv`.", nodejs/node#58980): Node's own proxy support. */
const PROXY_ENV_ADDED_IN = ['24.5.0', '22.21.0'];

/** Whether the release documents the `proxyEnv` agent option. */
export function proxyEnvDocumented(version: string = process.versions.node): boolean {
  return documentedIn(version, PROXY_ENV_ADDED_IN);
}

/** `http.setGlobalProxyFromEnv([proxyEnv])` (http.md: "added: v25.4.0, v24.14.0"). */
const GLOBAL_PROXY_ADDED_IN = ['25.4.0', '24.14.0'];

/**
 * Whether the release documents `http.setGlobalProxyFromEnv()`: a property of the runtime the host
 * runs on, whatever subject it loaded (capability `globalProxy`).
 */
export function globalProxyDocumented(version: string = process.versions.node): boolean {
  return documentedIn(version, GLOBAL_PROXY_ADDED_IN);
}

/**
 * `http.globalAgent` with `keepAlive` and a 5 s `timeout` (http.md, globalAgent history: "v19.0.0 The
 * agent now uses HTTP Keep-Alive and a 5 second timeout by default.", nodejs/node#43522; not in 18).
 */
const GLOBAL_AGENT_KEEPALIVE_ADDED_IN = ['19.0.0'];

/** Whether the release documents a kept-alive global agent (capability `globalAgentKeepAlive`). */
export function globalAgentKeepAliveDocumented(version: string = process.versions.node): boolean {
  return documentedIn(version, GLOBAL_AGENT_KEEPALIVE_ADDED_IN);
}

/**
 * The capabilities that belong to the runtime the host runs on, whatever subject it loaded: what its
 * release documents of the global agent and of the built-in proxy support.
 */
export function runtimeCapabilities(version: string = process.versions.node): Record<string, boolean> {
  return {
    globalProxy: globalProxyDocumented(version),
    envProxyAtStart: proxyEnvDocumented(version),
    globalAgentKeepAlive: globalAgentKeepAliveDocumented(version),
  };
}

/** The capabilities of the runtime's http.Agent that depend on the release: false = not documented. */
export function documentedAgentOptions(version: string = process.versions.node): Record<string, boolean> {
  return Object.fromEntries(
    Object.entries(ADDED_IN).map(([option, lines]) => [option, documentedIn(version, lines)]),
  );
}
