/**
 * The case author's view, and only that: `CaseContext` (what a body gets as `ctx`) and the handles it
 * returns (agents, requests, fault proxies, real servers), as interfaces. The classes behind them
 * (`CaseRun` in ./context.ts, ./agent.ts, ./request.ts, ./fault-proxy.ts, ./real-server.ts) hold the
 * runner's and the protocol's side, which no case sees. Suites reach all of this through ./api.ts;
 * suites/README.md is the reference, and test/author-reference.test.ts keeps it complete against
 * `CaseContext`.
 */
import type { Proxy as ClientProxy, Toxic, ToxicDirection, ToxicType } from 'toxiproxy-node-client';
import type { AccessEntry } from '../../fixtures/containers/access-log.ts';
import type { ForwardProxy, ForwardProxyOptions } from '../../fixtures/forward-proxy/server.ts';
import type { Behaviour } from '../../fixtures/origin/behaviour.ts';
import type { Endpoint } from '../../fixtures/origin/identity.ts';
import type { ConnectionRecord } from '../../fixtures/origin/log.ts';
import type { OpenCounter, Origin, TlsOriginOptions } from '../../fixtures/origin/server.ts';
import type { Capabilities } from '../shared/capabilities.ts';
import type { ServerKind } from '../shared/container-lane.ts';
import type { AgentHooks, AgentSnapshot, RequestAction, RequestSpec, WireError } from '../shared/protocol.ts';

/** A case's body: it gets the context and throws (or fails a wait) when the subject does not conform. */
export type CaseBody = (ctx: CaseContext) => Promise<void>;

/**
 * What `ctx.mayFail(step)` gives: the step's value, or how it failed as far as the case is concerned
 * (`message`; `code`: the error code when subject code threw, else null).
 */
export type StepOutcome<T> = { ok: true; value: T } | { ok: false; message: string; code: string | null };

/** What `ctx.origin()` starts: a label, and TLS options for an https origin. */
export interface OriginSpec {
  /** Names the origin in the trace and in messages (default `A`, `B`, … in order of creation). */
  label?: string;
  /** An https origin: `true` for the defaults, or its certificate and handshake options. */
  tls?: TlsOriginOptions | boolean;
  /** The origin ignores a request's `Connection: close` (see fixtures/origin/README.md). */
  ignoreRequestClose?: boolean;
  /**
   * Listen on a Unix socket in a private temp directory instead of a TCP port (plain HTTP, whatever
   * `--protocol` says): requests reach it with the request option `socketPath: origin.socketPath`.
   */
  socketPath?: true;
}

/** A request of a one-shot subject process (`ctx.exitProbe`). */
export interface ExitProbeRequest {
  origin: Target;
  path?: string;
  behaviour?: Behaviour;
  /** `'global'`: sent with no agent, through the runtime's global agent. */
  useAgent?: 'global';
}

/** How a one-shot subject process (`ctx.exitProbe`) is made and how long it is watched. */
export interface ExitProbeOptions {
  agentOptions: Record<string, unknown>;
  exitWithinMs: number;
  deadlineMs: number;
  /** Set in the probe process's environment (over the suite's own). */
  env?: Record<string, string>;
}

/** One line of a one-shot subject process (`ctx.exitProbe`), on the case clock. */
export interface ExitProbeEvent {
  ev: 'socket' | 'response' | 'end' | 'error' | 'close';
  /** The 1-based index of the request. */
  n: number;
  reusedSocket?: boolean;
  status?: number;
  code?: string | null;
  message?: string;
  t: number;
}

/** What a one-shot subject process did (`ctx.exitProbe`). */
export interface ExitProbe {
  /** The module has no `createAgent` (only an http.Agent is probed): the case is `unsupported`. */
  unsupported: string | null;
  events: readonly ExitProbeEvent[];
  /** When the process exited by itself (case clock), or null when it was killed at the deadline. */
  exitedAt: number | null;
  /** Its exit code when it exited by itself (non-zero: it crashed; see `stderr`). */
  code: number | null;
  /** The tail of its stderr. */
  stderr: string;
}

/**
 * A forward proxy's options as a case gives them: `tls: true` listens with TLS (an `https://` URL)
 * with the proxy certificate the subject process trusts (`proxyCert()`).
 */
export type ForwardProxyCaseOptions = Omit<ForwardProxyOptions, 'now' | 'tls'> & { tls?: boolean };

/** What `ctx.proxyAgent` takes: the subject contract's options, flattened. */
export interface ProxyAgentOptions {
  /** Options of the agent the proxy agent wraps (for an https target, `ca` defaults to the test CA). */
  agentOptions?: Record<string, unknown>;
  /** The proxy URL (`proxy.url` / `proxy.urlWith(user, pass)`); with `env`, may be omitted. */
  proxy?: string;
  /** A `NO_PROXY` list (capability `proxyNoProxy`). */
  noProxy?: string;
  /** Proxy variables the subject reads instead of `proxy` (capability `proxyEnv`). */
  env?: Record<string, string>;
  /** Protocol of the targets (default `http:`). */
  protocol?: 'http:' | 'https:';
}

/** Everything a case body can use. */
export interface CaseContext {
  /** Connections open across all of this case's origins, and their peak. */
  readonly wire: OpenCounter;
  /** Errors that escaped to the subject process's top level while this case ran. */
  readonly uncaught: readonly { name: string; code: string | null; message: string; t: number }[];
  /** What the subject declared it can do (the `Capability` names `requires` takes). */
  readonly capabilities: Capabilities;
  /** The runtime the subject runs under (`node`, `bun`, `deno`) and its version. */
  readonly runtime: { name: string; version: string };
  /** Milliseconds since the case started. */
  now(): number;
  /**
   * Starts an instrumented origin on 127.0.0.1 (stopped at the end of the case); with `tls`, an https
   * one (under `--protocol https` every origin is, unless `tls: false` or `socketPath`); with
   * `socketPath`, a plain HTTP one on a Unix socket.
   */
  origin(spec?: string | OriginSpec): Promise<Origin>;
  /** `'https'` under `--protocol https`: origins speak TLS and `agent()` makes https agents. */
  readonly protocol: 'http' | 'https';
  /** A fault proxy (Toxiproxy API) in front of `origin`; send requests through it with `via`. */
  faultProxy(origin: Origin): Promise<FaultProxy>;
  /**
   * Starts an instrumented forward proxy on 127.0.0.1 (fixtures/forward-proxy, stopped at the end of
   * the case, its requests traced). Its `now` is the case clock.
   */
  forwardProxy(options?: ForwardProxyCaseOptions): Promise<ForwardProxy>;
  /**
   * Creates a proxy agent in the subject (`createProxyAgent` / `createProxyDispatcher`, see
   * harness/subject/proxy-contract.ts). `unsupported` without capability `proxy`, or `proxyNoProxy`
   * when `noProxy` is given, or `proxyEnv` when `env` is. A factory that throws fails the case.
   */
  proxyAgent(options: ProxyAgentOptions): Promise<AgentHandle>;
  /**
   * Calls the runtime's `http.setGlobalProxyFromEnv(env)` in the subject process and resolves with
   * a function that calls the restore function it returned. `unsupported` without capability
   * `globalProxy` (the runtime's release does not document it). Process-wide: a case that uses it
   * runs `alone`. Restored at the end of the case if the body did not.
   */
  globalProxy(env: Record<string, string>): Promise<() => Promise<void>>;
  /**
   * Runs the subject module in a fresh process of the same runtime (harness/subject/exit-probe.ts):
   * one agent from `createAgent(agentOptions)`, the requests sent through it one after another
   * (each after the previous one closed; `useAgent: 'global'` with no agent), then nothing of its own
   * keeps the process alive. Resolves
   * once the process exited, or `exitWithinMs` after the last request closed (then killed,
   * `exitedAt` null), or at `deadlineMs` from the start, whichever comes first.
   */
  exitProbe(requests: ExitProbeRequest[], options: ExitProbeOptions): Promise<ExitProbe>;
  /**
   * A real server in a container (`--containers`), shared by the run's cases; `skip` in a run
   * without the lane, `error` if it cannot start.
   */
  server(kind: ServerKind): Promise<RealServer>;
  /** Creates an agent in the subject. A factory that throws fails the case. */
  agent(options?: Record<string, unknown>, hooks?: AgentHooks): Promise<AgentHandle>;
  /** Creates an https agent (`createHttpsAgent`); `unsupported` without capability `https`. */
  httpsAgent(options?: Record<string, unknown>, hooks?: AgentHooks): Promise<AgentHandle>;
  /** Creates an agent and reports whether the factory threw, for validation cases. */
  tryAgent(
    options: Record<string, unknown>,
  ): Promise<{ ok: true; agent: AgentHandle } | { ok: false; error: WireError }>;
  /**
   * Resolves with the first truthy value of `check`, re-evaluated on every observation. Fails the
   * case if nothing satisfies it within `timeoutMs`; `what` says what was expected.
   */
  waitFor<T>(what: string, check: () => T | false | null | undefined, timeoutMs: number): Promise<T>;
  /** Lets time pass on purpose, to see that something does NOT happen. */
  observeFor(ms: number): Promise<void>;
  /**
   * Awaits a step the case allows to fail (a wait that may run out, a request the subject may refuse)
   * and says how it went: `{ok: true, value}`, or `{ok: false, message, code}` when it failed as a
   * case failure (an assertion, `ctx.fail`, a `waitFor` that ran out, an error the subject threw).
   * Anything else is rethrown, so the case ends there: the subject process lost or hung, a host or
   * harness error, `unsupported`, `skip`. The only way a body lets a step fail: never `catch` in a case.
   */
  mayFail<T>(step: Promise<T>): Promise<StepOutcome<T>>;
  /**
   * A round trip to the subject: everything sent before has been processed by it. Called after an
   * origin saw a pooled connection close, it lets the subject's event loop take in that close before
   * the next request goes out (both arrive in the same poll at worst), so the next request tests the
   * agent, not a race the docs concede.
   */
  settle(): Promise<void>;
  /** Records an observation for the report (`observed`). */
  observe(text: string): void;
  /** Records an allowed variant the subject took (the report's `variant`), after checking it. */
  variant(text: string): void;
  /** Ends the case as `fail` with this message (say what was observed). */
  fail(message: string): never;
  /** Ends the case as `unsupported`: the subject lacks what the case needs. */
  unsupported(reason: string): never;
  /** Ends the case as `skip`: the machine cannot run it (decided before the case acts). */
  skip(reason: string): never;
}

/** Agent state as the subject reports it, with counts per pool key for convenience. */
export interface Snapshot extends Omit<AgentSnapshot, 'fields' | 'options'> {
  /** The agent's option properties (`maxSockets`, `keepAlive`, …) as the subject read them. */
  fields: Record<string, unknown>;
  /** The `options` object the agent keeps, if it has one. */
  options: Record<string, unknown> | null;
  /** Sockets in `sockets` for the pool key `name`, or across all keys. */
  active(name?: string): number;
  /** Sockets in `freeSockets` for the pool key `name`, or across all keys. */
  free(name?: string): number;
  /** Queued requests for the pool key `name`, or across all keys. */
  queued(name?: string): number;
}

/** An agent living in the subject process: requests through it, its events, its bookkeeping. */
export interface AgentHandle {
  /** Names the agent in the trace (`c<case>.a<n>`). */
  readonly id: string;
  /** Its `'free'` events: the socket's local port and when (case clock). Derived for dispatchers. */
  readonly frees: readonly { localPort: number | null; t: number }[];
  /** How often each spied method was called (hooks `spy`). */
  readonly calls: Readonly<Record<string, number>>;
  /** Calls of the `createConnection` hook: the options each got (primitive fields), and when. */
  readonly connects: readonly { options: Record<string, unknown>; t: number }[];
  /** Its `'keylog'` events (hooks `keylog`, https): each line, its TLS socket's client port, and when. */
  readonly keylogs: readonly { localPort: number | null; line: string; t: number }[];
  /** Issues one request. */
  request(options: RequestOptions): Promise<RequestHandle>;
  /**
   * Issues several requests in one tick of the subject, optionally followed by a snapshot taken in
   * that same tick (before any socket can connect). The snapshot is null when the subject has no
   * agent state (capability `agentState`): use it as secondary evidence only, under `if (snapshot)`.
   * `first`: actions on earlier requests done in that same tick, before the requests.
   */
  issue(
    list: RequestOptions[],
    opts?: { snapshot?: boolean; first?: [RequestHandle, RequestAction][] },
  ): Promise<{ requests: RequestHandle[]; snapshot: Snapshot | null }>;
  /**
   * Stalls the subject's event loop (a busy wait of the subject host: no I/O, no timer runs), awaits
   * `during` while it is stalled, then issues `list` in the turn the stall ends: bytes a server wrote
   * during the stall are unread in the kernel's buffers when the requests go out. A harness error
   * (`error`) when the stall could not be set up (not reported while it lasted, or over `maxMs`,
   * default 1000, before `during` was done). It blocks every case on the subject: use it in an
   * `alone` case.
   */
  issueAfterStall(
    list: RequestOptions[],
    during: () => Promise<void>,
    maxMs?: number,
  ): Promise<{ requests: RequestHandle[]; stalledMs: number }>;
  /** The agent's state; `unsupported` for a subject without it (capability `agentState`). */
  snapshot(): Promise<Snapshot>;
  /** The agent's state, or null for a subject without it: for secondary evidence. */
  optionalSnapshot(): Promise<Snapshot | null>;
  /** `agent.getName(options)`; `unsupported` for a subject without it (capability `getName`). */
  getName(options: Record<string, unknown>): Promise<unknown>;
  /** `agent.destroy()`. */
  destroy(): Promise<void>;
}

/** Where a request goes: an instrumented origin, or a real server (`ctx.server()`), by its URL. */
export interface Target {
  /** Where requests go (`http://127.0.0.1:<port>`, `https://…`). */
  readonly url: string;
  /** Names the target in the trace and in messages. */
  readonly label: string;
  /** Set for an https origin (then `ca` is the certificate to trust); absent or null: plain http. */
  readonly tls?: object | null;
  /** The CA certificate (PEM) an https origin's certificate is signed by. */
  readonly ca?: string;
  /**
   * The origin's record of the connection from this client end open at `at` (case clock), or the
   * nearest in time (instrumented origins only): both ends and time, since a port alone is reused.
   */
  connectionFrom?(client: Endpoint, at: number): ConnectionRecord | undefined;
}

/** A request as a case issues it: the host's request spec, aimed at a target. */
export interface RequestOptions extends Omit<RequestSpec, 'origin' | 'path'> {
  /** The origin (or real server) the request goes to. */
  origin: Target;
  /**
   * Send the request through this fault proxy (`ctx.faultProxy(origin)`) instead of straight to the origin.
   * The origin then sees the proxy's connections: `RequestHandle.connection` is unknown.
   */
  via?: FaultProxy;
  /** What the origin does for this request (becomes the query string). */
  behaviour?: Behaviour;
  /** Path before the query string. */
  path?: string;
}

/** A socket the request was given (its `'socket'` event). */
export interface SocketEvent {
  /** The client's end of the socket; `localAddress` null when the subject did not say. */
  localAddress: string | null;
  /** The client's local port; null when the subject did not say. */
  localPort: number | null;
  /** `request.reusedSocket` when the socket was assigned. */
  reusedSocket: boolean;
  /** `socket.timeout` as the subject saw it. */
  socketTimeout: number | null;
  /** When the event arrived (case clock). For a new socket that is after its connect. */
  t: number;
  /**
   * When the request got the socket (case clock): `t` less the connect time the host measured. The
   * agent's socket timers start here, not at the connect (which a loaded machine can delay).
   */
  assignedAt: number;
  /** The same moment on the subject process's clock (see RequestHandle.timeoutAfterSocket). */
  assignedAtSubject: number;
}

/**
 * A request living in the subject process: every event the host reported (`socket`, `response`,
 * `end`, `error`, `close`, `timeout`) as it happened, and waits on them.
 */
/** What the client saw of one new TLS connection's handshake (`RequestHandle.secure`). */
export interface TlsHandshake {
  sessionReused: boolean;
  protocol: string | null;
  alpn: string | null;
  authorized: boolean;
  authorizationError: string | null;
  /** When the handshake completed (case clock). */
  t: number;
}

export interface RequestHandle {
  /** Names the request in the trace and in messages (`c<case>.a<n>.r<m>`). */
  readonly id: string;
  /** Where the request was sent. */
  readonly origin: Target;
  /** Every `'socket'` event (more than one if the subject retried on another socket). */
  readonly sockets: readonly SocketEvent[];
  /** The response head, once it arrived. */
  readonly response: {
    status: number;
    headers: Record<string, string | string[]>;
    reusedSocket: boolean;
    t: number;
  } | null;
  /** The response was read to its end (`'end'`): its body and length. */
  readonly ended: { bodyLength: number; body: string; t: number } | null;
  /** The request's `'error'`, if any. */
  readonly error: { code: string | null; message: string; reusedSocket: boolean; t: number } | null;
  /** The request's `'close'`, if it came. */
  readonly closed: { t: number } | null;
  /** When each `'timeout'` event came (case clock). */
  readonly timeouts: readonly number[];
  /** What the client saw of each new TLS connection's handshake (https requests). */
  readonly secure: readonly TlsHandshake[];
  /** The fault proxy the request went through, if any. */
  readonly via: FaultProxy | null;
  /** The first socket the request was given. */
  readonly socket: SocketEvent | null;
  /** The request has finished one way or the other (`'close'` or `'error'`). */
  readonly settled: boolean;
  /**
   * The origin's record of the connection that carried this request: the one from the socket's
   * client end that was open when the request got it. Unknown through a proxy: the origin sees the
   * proxy's end, not the client's.
   */
  readonly connection: ConnectionRecord | undefined;
  /**
   * Ms from when the request got its first socket to its first `'timeout'`, both read on the subject
   * process's clock (use it for a timer's bound); null without both.
   */
  timeoutAfterSocket(): number | null;
  /** Waits until the request settles (`'close'` or `'error'`). */
  done(timeoutMs?: number): Promise<RequestHandle>;
  /** Waits for the response to be fully read (`'end'`); a request `'error'` fails the case. */
  completed(timeoutMs?: number): Promise<RequestHandle>;
  /** Waits for the response head. */
  responded(timeoutMs?: number): Promise<RequestHandle>;
  /** Waits until the request has a socket with a known local port. */
  assigned(timeoutMs?: number): Promise<RequestHandle>;
  /** Acts on the request in the subject: `end` (`manualEnd`), `resume` (`manualConsume`), `destroy`… */
  act(action: RequestAction): Promise<void>;
}

/** How `FaultProxy.addToxic` places a toxic. */
export interface ToxicOptions {
  /** Default `<type>_<stream>` (Toxiproxy's own default). */
  name?: string;
  /** `downstream` (server → client, the default) or `upstream` (client → server). */
  stream?: ToxicDirection;
  /** 0..1, default 1. */
  toxicity?: number;
}

/**
 * A fault proxy (a Toxiproxy proxy) in front of one origin, for one case. Requests go through it with `via: proxy`;
 * the origin then sees connections from the proxy (one per client connection), so the client's
 * local port does not name an origin connection.
 */
export interface FaultProxy {
  /** The proxy's name in Toxiproxy (unique across processes and cases). */
  readonly name: string;
  /** The origin it forwards to. */
  readonly origin: Origin;
  /** `http://127.0.0.1:<port>`: where requests sent `via` this proxy go. */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** The toxiproxy-node-client proxy (replaced by `enable()`/`disable()`, which return a fresh one). */
  readonly client: ClientProxy;
  /** Adds a toxic (it applies at once to the open connections and to every later one). */
  addToxic<T>(type: ToxicType, attributes: T, options?: ToxicOptions): Promise<Toxic<T>>;
  /** Removes the toxic of that name. */
  removeToxic(name: string): Promise<void>;
  /** Toxiproxy's "down": closes the listener (new connects are refused), then every open connection. */
  disable(): Promise<void>;
  /** Listens again on the same address. */
  enable(): Promise<void>;
}

/**
 * A real server (nginx, Apache httpd, HAProxy) in a container: a request target like an origin
 * (`agent.request({ origin: server, path: server.path('a') })`), and the server's own access log,
 * narrowed to this case.
 */
export interface RealServer {
  /** Which server. */
  readonly kind: ServerKind;
  /** Names the server in the transcript (as an origin's label does). */
  readonly label: string;
  /** Where requests go. */
  readonly url: string;
  /** The port it listens on (on the host's network). */
  readonly port: number;
  /** `nginx/1.22.1`, `Apache/2.4.62`, `HAProxy/2.6.12-1+deb12u1`. */
  readonly version: string;
  /** The path to request for `tag`: unique to this case. */
  path(tag: string): string;
  /** This case's access-log entries so far, in the order the server wrote them. */
  entries(): AccessEntry[];
  /** The entry of the request sent with `path(tag)`, waiting for the server to log it. */
  entry(tag: string, timeoutMs?: number): Promise<AccessEntry>;
  /** Waits until the server has logged at least `n` of this case's requests. */
  logged(n: number, timeoutMs?: number): Promise<AccessEntry[]>;
}
