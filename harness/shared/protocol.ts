/**
 * The line protocol between the harness and the subject host (the child process that runs the
 * agent under test). Commands go to the host's stdin as one JSON object per line; replies and events
 * come back on stdout, one per line, each prefixed with MESSAGE_PREFIX so that whatever the subject
 * itself prints is never mistaken for a message.
 *
 * JSON cannot carry Infinity, NaN or undefined, and the options under test use them, so values are
 * passed through encodeValue/decodeValue.
 */

export const MESSAGE_PREFIX = '@@agent-conformance ';
export const PROTOCOL_VERSION = 1;

/**
 * Set in the subject host's environment when a built-in subject runs at a given npm version: the npm
 * prefix (in the cache) whose node_modules holds that version (harness/subject/builtins/package.ts).
 */
export const SUBJECT_PACKAGES_ENV = 'AGENT_CONFORMANCE_SUBJECT_PACKAGES';

/**
 * The error code of a reply refusing an operation the subject cannot do (a dispatcher subject asked
 * for a snapshot, getName, a per-request option undici lacks…). The case context turns it into
 * `unsupported`, but only on an error the host raised itself (`WireError.host`): the same code on an
 * error thrown by subject code is just the subject's error.
 */
export const UNSUPPORTED_CODE = 'ERR_SUBJECT_UNSUPPORTED';

/**
 * Codes of the host's own bookkeeping errors (an unknown agent or request, a bad batch, nothing
 * loaded): the harness's fault, so `error`, never blamed on the subject. Like UNSUPPORTED_CODE they
 * count only on an error the host raised itself.
 */
export const HOST_FAULT_CODES: readonly string[] = [
  'ERR_UNKNOWN_AGENT',
  'ERR_UNKNOWN_REQUEST',
  'ERR_BAD_BATCH',
  'ERR_NOT_LOADED',
];

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A request body the subject writes over time (`RequestSpec.slowBody`). */
export interface SlowBody {
  chunk: string;
  chunks: number;
  intervalMs: number;
}

/** What a request in the subject does; the origin's behaviour is scripted by `path`. */
export interface RequestSpec {
  /** `http://127.0.0.1:PORT`. */
  origin: string;
  path?: string;
  method?: string;
  headers?: Record<string, string>;
  /** Written before `end()` (unless `manualEnd`). */
  body?: string;
  /** Host name to use instead of the origin's (e.g. `localhost`), keeping its port. */
  host?: string;
  /**
   * `http.request`'s `socketPath`: connect to this Unix socket (an origin started with `socketPath`)
   * instead of the origin's host and port, which then only make the `Host` header.
   */
  socketPath?: string;
  localAddress?: string;
  /** `localPort`: the client port the connection is made from. */
  localPort?: number;
  family?: number;
  timeout?: number;
  /**
   * Give the request a `'timeout'` listener (a no-op). The host reports `'timeout'` either way,
   * without adding one: an agent may act differently when the request has none (agentkeepalive).
   */
  timeoutListener?: boolean;
  /**
   * `false`: `http.request({agent: false})`, bypassing the subject. `'global'`: `agent: undefined`,
   * so the runtime's own `http.globalAgent` / `https.globalAgent` serves it (the subject is loaded
   * but not asked): cases about the runtime's default agent, on every runtime.
   */
  useAgent?: boolean | 'global';
  /** Do not call `req.end()` until an `end` action. */
  manualEnd?: boolean;
  /**
   * Write the body slowly: after `body`, `chunks` writes of `chunk`, one every `intervalMs` on the
   * subject's timers, then `end()` (unless `manualEnd`).
   */
  slowBody?: SlowBody;
  /** Do not read the response body until a `resume` action. */
  manualConsume?: boolean;
  /** Call `req.destroy()` when this happens. */
  destroyOn?: 'response' | 'socket';
  /**
   * Add no `'response'` listener (http.request's "If no 'response' handler is added, then the
   * response will be entirely discarded"): the host still reports the `response` event, seen
   * without listening, but never reads the body, so no `end` comes; the request's `close` does.
   */
  discardResponse?: boolean;
  /** Emit `'agentRemove'` on the socket in the `'socket'` listener. */
  agentRemoveOnSocket?: boolean;
  /** https origins: the `tls.connect()` options of this request (JSON-safe, PEM strings). */
  tls?: RequestTls;
  /** `'loopback'`: resolve `localhost` and `*.test` names to 127.0.0.1 (the host's `lookup`). */
  resolve?: 'loopback';
}

/** Per-request TLS options an https request passes on to `tls.connect()`. */
export interface RequestTls {
  ca?: string | string[];
  cert?: string;
  key?: string;
  servername?: string;
  rejectUnauthorized?: boolean;
  minVersion?: string;
  maxVersion?: string;
  ciphers?: string;
  /**
   * A PKCS#12 bundle, base64 (the host passes it as a Buffer), or an array of bundles each with its
   * own passphrase (`{ buf, passphrase }` objects, `buf` base64).
   */
  pfx?: string | { buf: string; passphrase?: string }[];
  /** The passphrase of a `pfx` given as one bundle. */
  passphrase?: string;
  /**
   * `'reject'`: the request brings its own `checkServerIdentity`, a function that rejects every
   * certificate with an error of code `ERR_TEST_IDENTITY_REJECTED` (functions cannot cross the
   * protocol, so the host makes it).
   */
  checkServerIdentity?: 'reject';
}

/** The code of the error a request's `checkServerIdentity: 'reject'` returns. */
export const IDENTITY_REJECTED_CODE = 'ERR_TEST_IDENTITY_REJECTED';

/** `destroySocket`: destroy the request's socket, even once it is pooled (`req.socket.destroy()`). */
export type RequestAction = 'end' | 'resume' | 'destroy' | 'destroySocket';

/** Test-only hooks installed on one agent instance by the host. */
export interface AgentHooks {
  /** Count calls of these methods (reported as `call` events). */
  spy?: ('reuseSocket' | 'keepSocketAlive' | 'createConnection')[];
  /** Replace `keepSocketAlive` by one that returns false. */
  keepSocketAliveFalse?: boolean;
  /** Destroy the socket of the next N `'free'` events (after the agent handled them). */
  destroyOnFree?: number;
  /**
   * Replace `createConnection` on the agent by one that hands over the socket in the chosen form,
   * delegating to the agent's own createConnection (or net.createConnection), and reports the
   * options of every call as a `createConnection` event.
   */
  createConnection?: CreateConnectionHook;
  /** Assign these agent properties after construction, before any request (e.g. `maxSockets`). */
  assign?: Record<string, Json>;
  /** Listen to the agent's `'keylog'` (https) from its creation on, reported as `keylog` events. */
  keylog?: boolean;
}

/**
 * How the `createConnection` hook supplies the socket: `return` it; pass it to the callback
 * synchronously (`callback`) or `delayMs` later (`callback-later`); or call back with an error, now
 * (`error`) or `delayMs` later (`error-later`), for the first `failures` calls (all when unset), the
 * later calls then returning the socket.
 */
export interface CreateConnectionHook {
  form: 'return' | 'callback' | 'callback-later' | 'error' | 'error-later';
  delayMs?: number;
  failures?: number;
  /** Delegate without the `keepAlive` / `keepAliveInitialDelay` options the agent passed. */
  withoutKeepAlive?: boolean;
}

/** The error a `createConnection` hook of an error form calls back with. */
export const HOOK_CONNECT_ERROR = { code: 'ERR_TEST_CONNECT', message: 'createConnection hook refused' };

export type Command =
  | { op: 'hello' }
  /** Loads a module exporting `createAgent(options)` (an agent subject) or `createDispatcher(options)`. */
  | { op: 'load'; module: string }
  /**
   * `https`: made with `createHttpsAgent(options)` (an https agent). `trust`: the CA PEM its requests
   * trust by default, for subjects that take TLS options at creation only (a dispatcher's `connect`).
   */
  | { op: 'create'; agent: string; options: Json; hooks?: AgentHooks; https?: boolean; trust?: string }
  /**
   * Makes a proxy agent with the module's `createProxyAgent` / `createProxyDispatcher`
   * (harness/subject/proxy-contract.ts); `options` is an encoded `ProxySubjectOptions`. Requests and
   * every other command then use `agent` like any agent.
   */
  | { op: 'createProxy'; agent: string; options: Json }
  | { op: 'request'; agent: string; req: string; spec: RequestSpec }
  | { op: 'action'; req: string; action: RequestAction }
  | { op: 'snapshot'; agent: string }
  | { op: 'getName'; agent: string; options: Json }
  | { op: 'destroy'; agent: string }
  | { op: 'forget'; agent: string }
  /**
   * Stalls the subject's event loop: emits `stalling` (for `agent`, whose case asked), then busy-waits,
   * running no I/O and no timer, until the file `until` exists or `maxMs` have passed. In a `batch`,
   * the commands after it run in the same turn, right after the stall: bytes a server wrote during
   * the stall are in the socket's kernel buffer, unread, when they run. Replies `{ seen, ms }`.
   */
  | { op: 'stall'; agent: string; until: string; maxMs: number }
  /**
   * The runtime's global proxy settings: `env` calls `http.setGlobalProxyFromEnv(env)` (the global
   * agents and fetch's dispatcher now go through those proxies); `null` calls the restore function
   * the last call returned (nothing when there is none).
   */
  | { op: 'globalProxy'; env: Record<string, string> | null }
  /** Runs the commands one after another in the same tick: no I/O can happen in between. */
  | { op: 'batch'; commands: Command[] };

export type CommandMessage = Command & { id: number };

export interface WireError {
  name: string;
  code: string | null;
  message: string;
  /**
   * True when the host raised the error itself (its own checks and refusals); absent for whatever
   * subject code threw. Only a host error's code is read as a reserved code.
   */
  host?: true;
}

export type Outcome = { ok: true; value: Json } | { ok: false; error: WireError };

export type Reply = { type: 'reply'; id: number } & Outcome;

export interface SocketInfo {
  localPort: number | null;
  /** `socket.timeout` as seen by the subject. */
  timeout: number | null;
}

export interface AgentSnapshot {
  sockets: Record<string, SocketInfo[]>;
  freeSockets: Record<string, SocketInfo[]>;
  requests: Record<string, number>;
  totalSocketCount: number | null;
  fields: Record<string, Json>;
  /** The `options` object the agent keeps (noDelay, path, timeout, …), if it has one. */
  options: Record<string, Json> | null;
  nullPrototypes: boolean | null;
}

/** Events from the host. `t` is the host's monotonic clock in ms (informational). */
export type HostEvent =
  | {
      ev: 'socket';
      req: string;
      /** The client's end of the socket (with the server's, it identifies the connection). */
      localAddress?: string | null;
      localPort: number | null;
      reusedSocket: boolean;
      socketTimeout: number | null;
      /**
       * Ms between the request getting the socket and reporting it: the connect, for a new socket
       * (the event is sent once the local port is known); 0 for a connected one; null if unknown.
       */
      connectMs: number | null;
    }
  | {
      ev: 'response';
      req: string;
      status: number;
      headers: Record<string, string | string[]>;
      reusedSocket: boolean;
    }
  | { ev: 'end'; req: string; bodyLength: number; body: string }
  | { ev: 'timeout'; req: string }
  /** A new TLS connection of the request completed its handshake (client side). */
  | {
      ev: 'secure';
      req: string;
      sessionReused: boolean;
      protocol: string | null;
      alpn: string | null;
      authorized: boolean;
      authorizationError: string | null;
    }
  | { ev: 'error'; req: string; code: string | null; message: string; reusedSocket: boolean }
  | { ev: 'close'; req: string }
  /**
   * The agent's `'free'`. For a dispatcher subject (no such event) it is `derived`: undici completed a
   * response on that socket and kept the socket open for reuse.
   */
  | { ev: 'free'; agent: string; localPort: number | null; derived?: boolean }
  | { ev: 'call'; agent: string; method: string }
  /** A `stall` command began: the subject's event loop is blocked from now on. */
  | { ev: 'stalling'; agent: string }
  /** The agent's `'keylog'` (hooks `keylog`): the line, and the client port of its TLS socket. */
  | { ev: 'keylog'; agent: string; localPort: number | null; line: string }
  /** A call of the `createConnection` hook: the options' primitive-valued fields. */
  | { ev: 'createConnection'; agent: string; options: Record<string, Json> }
  | { ev: 'uncaught'; name: string; code: string | null; message: string };

export type EventMessage = HostEvent & { type: 'event'; t: number };

export type HostMessage = Reply | EventMessage;

const TAG = '$acp';

/** Makes a value JSON-safe, keeping Infinity, -Infinity, NaN and undefined. */
export function encodeValue(value: unknown): Json {
  if (value === undefined) return { [TAG]: 'undefined' };
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return { [TAG]: 'NaN' };
    if (value === Number.POSITIVE_INFINITY) return { [TAG]: 'Infinity' };
    if (value === Number.NEGATIVE_INFINITY) return { [TAG]: '-Infinity' };
    return value;
  }
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return { [TAG]: 'bigint', value: String(value) };
  if (typeof value === 'function') return { [TAG]: 'function', name: value.name };
  if (Array.isArray(value)) return value.map(encodeValue);
  if (typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const [k, v] of Object.entries(value)) out[k] = encodeValue(v);
    return out;
  }
  return String(value);
}

/** The inverse of encodeValue. */
export function decodeValue(value: Json): unknown {
  if (Array.isArray(value)) return value.map(decodeValue);
  if (value !== null && typeof value === 'object') {
    const tag = value[TAG];
    if (typeof tag === 'string') {
      switch (tag) {
        case 'undefined':
          return undefined;
        case 'NaN':
          return Number.NaN;
        case 'Infinity':
          return Number.POSITIVE_INFINITY;
        case '-Infinity':
          return Number.NEGATIVE_INFINITY;
        case 'bigint':
          return BigInt(String(value.value));
        case 'function':
          return `[function ${String(value.name)}]`;
      }
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = decodeValue(v);
    return out;
  }
  return value;
}

/** One protocol line (with the trailing newline), as the host writes it. */
export function frame(message: HostMessage): string {
  // The leading newline ends any partial line the subject printed without one.
  return `\n${MESSAGE_PREFIX}${JSON.stringify(message)}\n`;
}
