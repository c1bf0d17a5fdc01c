/**
 * The driver of an *agent subject*: `createAgent(options)` returns an http.Agent, and requests go
 * through `http.request({ agent })`. It also serves `agent: false` requests for either kind of
 * subject (a plain request that bypasses the subject). Runtime-neutral: only `node:` builtins that
 * Node, Bun and Deno all provide.
 */
import { EventEmitter } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import net, { type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import {
  type AgentHooks,
  type AgentSnapshot,
  type CreateConnectionHook,
  decodeValue,
  encodeValue,
  HOOK_CONNECT_ERROR,
  IDENTITY_REJECTED_CODE,
  type Json,
  type RequestAction,
  type RequestSpec,
  type RequestTls,
  type SocketInfo,
  UNSUPPORTED_CODE,
} from '../../shared/protocol.ts';
import { loopbackLookup } from '../proxy-contract.ts';
import { writeSlowly } from './slow-body.ts';
import {
  type AgentKind,
  type Driver,
  describeValue,
  type Factory,
  HostError,
  type HostServices,
  toWireError,
} from './types.ts';

// biome-ignore lint/suspicious/noExplicitAny: the subject's agent is whatever the module returns.
type AnyAgent = any;

interface LiveRequest {
  agent: string;
  req: http.ClientRequest;
  res: http.IncomingMessage | null;
  consuming: boolean;
  bodyLength: number;
  body: string;
}

/** Agent fields a snapshot reports (those present on the agent). */
const FIELDS = [
  'keepAlive',
  'keepAliveMsecs',
  'maxSockets',
  'maxFreeSockets',
  'maxTotalSockets',
  'scheduling',
  'agentKeepAliveTimeoutBuffer',
  'defaultPort',
  'protocol',
  'timeout',
];

function socketInfo(socket: Socket | undefined | null): SocketInfo {
  const s = socket as (Socket & { timeout?: number }) | null | undefined;
  return {
    localPort: typeof s?.localPort === 'number' ? s.localPort : null,
    timeout: typeof s?.timeout === 'number' ? s.timeout : null,
  };
}

function countMap(map: unknown): Record<string, SocketInfo[]> {
  const out: Record<string, SocketInfo[]> = {};
  if (!map || typeof map !== 'object') return out;
  for (const [name, list] of Object.entries(map)) {
    if (Array.isArray(list)) out[name] = list.map((s) => socketInfo(s as Socket));
  }
  return out;
}

/**
 * A request's TLS options as `tls.connect()` takes them: a `pfx` arrives as base64 (one bundle, or
 * `{ buf, passphrase }` objects) and becomes Buffers, new ones for every request, so equal bundles
 * are never the same object; `checkServerIdentity: 'reject'` becomes a function that rejects.
 */
function tlsConnectOptions(tls: RequestTls): Record<string, unknown> {
  const { pfx, checkServerIdentity, ...rest } = tls;
  const out: Record<string, unknown> = { ...rest };
  if (typeof pfx === 'string') out.pfx = Buffer.from(pfx, 'base64');
  else if (Array.isArray(pfx))
    out.pfx = pfx.map((p) => ({
      buf: Buffer.from(p.buf, 'base64'),
      ...(p.passphrase === undefined ? {} : { passphrase: p.passphrase }),
    }));
  if (checkServerIdentity === 'reject')
    out.checkServerIdentity = function rejectEveryCertificate(): Error {
      return Object.assign(new Error("rejected by the request's own checkServerIdentity"), {
        code: IDENTITY_REJECTED_CODE,
      });
    };
  return out;
}

export class AgentDriver implements Driver {
  readonly factoryName = 'createAgent';
  private readonly agents = new Map<string, AnyAgent>();
  private readonly requests = new Map<string, LiveRequest>();
  private readonly factory: Factory | null;
  private readonly httpsFactory: Factory | null;
  private readonly host: HostServices;

  /**
   * `factory` null: a driver for `agent: false` requests only, or for a module that exports only
   * `createHttpsAgent` (`httpsFactory`).
   */
  constructor(factory: Factory | null, host: HostServices, httpsFactory: Factory | null = null) {
    this.factory = factory;
    this.host = host;
    this.httpsFactory = httpsFactory;
  }

  private make(options: unknown, secure = false): AnyAgent {
    const factory = secure ? this.httpsFactory : this.factory;
    if (!factory) {
      if (this.factory || this.httpsFactory)
        throw new HostError(
          UNSUPPORTED_CODE,
          `the subject exports no ${secure ? 'createHttpsAgent' : 'createAgent'}(options) (capability https)`,
        );
      throw new HostError('ERR_NOT_LOADED', 'no subject module is loaded');
    }
    const agent = factory(options);
    if (agent && typeof (agent as { then?: unknown }).then === 'function') {
      throw new HostError(
        'ERR_NOT_AN_AGENT',
        'createAgent() returned a Promise; it must return the agent itself',
      );
    }
    if (
      !agent ||
      typeof agent !== 'object' ||
      typeof (agent as { addRequest?: unknown }).addRequest !== 'function'
    ) {
      throw new HostError(
        'ERR_NOT_AN_AGENT',
        `createAgent() returned ${describeValue(agent)}, not an http.Agent (it has no addRequest method)`,
      );
    }
    return agent;
  }

  /**
   * What the module declares, completed by structural probes of a throwaway agent. No probe reads
   * how the agent treats an option or whether it has the thing a case checks: an agent that ignores
   * `defaultPort`, `protocol` or `agentKeepAliveTimeoutBuffer`, emits no `'free'` or keeps no
   * `totalSocketCount` runs those cases and fails them, unless its module declares the capability
   * false (the built-ins declare what their release does not document: builtins/node-release.ts).
   * `freeSockets` is probed only because no case requires it (it names what a snapshot can show).
   */
  capabilities(declared: Record<string, boolean>): Record<string, boolean> {
    const caps: Record<string, boolean> = {};
    let plain: AnyAgent = null;
    // a module with only createHttpsAgent is probed through it
    const secure = this.factory === null;
    try {
      plain = this.make({}, secure);
      caps.freeSockets = plain.freeSockets !== null && typeof plain.freeSockets === 'object';
      caps.https = this.httpsFactory !== null && (secure || this.probeHttps());
      caps.requestTlsOptions = caps.https;
    } finally {
      try {
        plain?.destroy?.();
      } catch {
        // a probe agent that cannot be destroyed is the subject's business, not the probe's
      }
    }
    return { ...caps, ...declared };
  }

  /** createHttpsAgent({}) makes an agent (it is destroyed at once). */
  private probeHttps(): boolean {
    const agent = this.make({}, true);
    try {
      agent.destroy?.();
    } catch {
      // as for the other probes
    }
    return true;
  }

  create(agentId: string, options: unknown, hooks: AgentHooks | undefined, kind?: AgentKind): void {
    const agent = this.make(options, kind?.https === true);
    this.agents.set(agentId, agent);
    this.installHooks(agentId, agent, hooks);
  }

  private installHooks(id: string, agent: AnyAgent, hooks: AgentHooks | undefined): void {
    const { emit } = this.host;
    if (typeof agent.on === 'function') {
      agent.on('free', (socket: Socket) =>
        emit({ ev: 'free', agent: id, localPort: socketInfo(socket).localPort }),
      );
    }
    if (!hooks) return;
    if (hooks.keylog && typeof agent.on === 'function') {
      agent.on('keylog', (line: Buffer, tlsSocket: Socket) =>
        emit({
          ev: 'keylog',
          agent: id,
          localPort: socketInfo(tlsSocket).localPort,
          line: String(line).trim(),
        }),
      );
    }
    for (const [key, value] of Object.entries(hooks.assign ?? {})) agent[key] = decodeValue(value);
    if (hooks.createConnection) this.hookCreateConnection(id, agent, hooks.createConnection);
    for (const method of hooks.spy ?? []) {
      const original = agent[method];
      if (typeof original !== 'function') continue;
      agent[method] = function spied(this: unknown, ...args: unknown[]) {
        emit({ ev: 'call', agent: id, method });
        return original.apply(this, args);
      };
    }
    if (hooks.keepSocketAliveFalse) {
      agent.keepSocketAlive = () => {
        emit({ ev: 'call', agent: id, method: 'keepSocketAlive' });
        return false;
      };
    }
    let destroyLeft = hooks.destroyOnFree ?? 0;
    if (destroyLeft > 0 && typeof agent.on === 'function') {
      agent.on('free', (socket: Socket) => {
        if (destroyLeft > 0) {
          destroyLeft--;
          socket.destroy();
        }
      });
    }
  }

  /**
   * Installs a createConnection of the chosen form on `agent`. It delegates to the agent's own
   * createConnection (net.createConnection if it has none), whichever form that one uses, and
   * reports the options it was called with.
   */
  private hookCreateConnection(id: string, agent: AnyAgent, hook: CreateConnectionHook): void {
    const { emit } = this.host;
    const own = typeof agent.createConnection === 'function' ? agent.createConnection : net.createConnection;
    let failuresLeft = hook.failures ?? Number.POSITIVE_INFINITY;
    const delay = hook.delayMs ?? 0;
    agent.createConnection = function hooked(
      this: unknown,
      options: Record<string, unknown>,
      callback?: (err: Error | null, socket?: Socket) => void,
    ): Socket | undefined {
      const reported: Record<string, Json> = {};
      for (const [k, v] of Object.entries(options ?? {}))
        if (v === null || v === undefined || ['string', 'number', 'boolean'].includes(typeof v))
          reported[k] = encodeValue(v);
      emit({ ev: 'createConnection', agent: id, options: reported });
      const cb = typeof callback === 'function' ? callback : () => undefined;
      if (hook.form === 'error' || hook.form === 'error-later') {
        if (failuresLeft > 0) {
          failuresLeft--;
          const fail = () =>
            cb(Object.assign(new Error(HOOK_CONNECT_ERROR.message), { code: HOOK_CONNECT_ERROR.code }));
          if (hook.form === 'error') fail();
          else setTimeout(fail, delay);
          return undefined;
        }
      }
      const opts = { ...options };
      if (hook.withoutKeepAlive) {
        delete opts.keepAlive;
        delete opts.keepAliveInitialDelay;
      }
      // The agent's own may return the socket or call back with it (or both: the first counts).
      let got: { err: Error | null; socket?: Socket } | null = null;
      let onGot: (() => void) | null = null;
      const own_cb = (err: Error | null, socket?: Socket) => {
        if (got) return;
        got = { err, socket };
        onGot?.();
      };
      const returned = own.call(this, opts, own_cb) as Socket | undefined;
      if (returned) own_cb(null, returned);
      if ((hook.form === 'return' || hook.form === 'error') && returned) return returned;
      const hand = () => {
        const { err, socket } = got as { err: Error | null; socket?: Socket };
        if (hook.form === 'callback-later' || hook.form === 'error-later')
          setTimeout(() => cb(err, socket), delay);
        else cb(err, socket);
      };
      if (got) hand();
      else onGot = hand;
      return undefined;
    };
  }

  private agent(id: string): AnyAgent {
    const agent = this.agents.get(id);
    if (!agent) throw new HostError('ERR_UNKNOWN_AGENT', `no agent "${id}"`);
    return agent;
  }

  private startReading(live: LiveRequest, id: string): void {
    const res = live.res;
    if (!res || live.consuming) return;
    live.consuming = true;
    res.on('data', (chunk: Buffer | string) => {
      live.bodyLength += chunk.length;
      if (live.body.length < 200) live.body += String(chunk).slice(0, 200 - live.body.length);
    });
    res.on('end', () => this.host.emit({ ev: 'end', req: id, bodyLength: live.bodyLength, body: live.body }));
    res.on('error', () => {
      // the request's own 'error'/'close' report what matters; this only keeps the error handled
    });
  }

  request(agentId: string, id: string, spec: RequestSpec): void {
    const { emit } = this.host;
    const url = new URL(spec.origin);
    const options: http.RequestOptions = {
      host: spec.host ?? url.hostname,
      port: url.port,
      path: spec.path ?? '/',
      method: spec.method ?? 'GET',
      // 'global': agent undefined, so http.request takes the runtime's globalAgent (https's for https:)
      agent: spec.useAgent === false ? false : spec.useAgent === 'global' ? undefined : this.agent(agentId),
    };
    if (spec.headers) options.headers = spec.headers;
    if (spec.socketPath !== undefined) options.socketPath = spec.socketPath;
    if (spec.localAddress !== undefined) options.localAddress = spec.localAddress;
    if (spec.localPort !== undefined) options.localPort = spec.localPort;
    if (spec.family !== undefined) options.family = spec.family;
    if (spec.timeout !== undefined) options.timeout = spec.timeout;
    if (spec.resolve === 'loopback') options.lookup = loopbackLookup as http.RequestOptions['lookup'];
    const secure = url.protocol === 'https:';
    if (secure && spec.tls) Object.assign(options, tlsConnectOptions(spec.tls));
    // an https: target (an https case, or a proxy agent tunnelling to a TLS origin) needs https.request
    const req = secure ? https.request(options as https.RequestOptions) : http.request(options);
    const live: LiveRequest = { agent: agentId, req, res: null, consuming: false, bodyLength: 0, body: '' };
    this.requests.set(id, live);
    req.on('socket', (socket: Socket) => {
      const reusedSocket = req.reusedSocket === true;
      const socketTimeout = socketInfo(socket).timeout;
      if (spec.agentRemoveOnSocket) socket.emit('agentRemove');
      if (spec.destroyOn === 'socket') req.destroy();
      const assignedAt = performance.now();
      const report = () =>
        emit({
          ev: 'socket',
          req: id,
          localAddress: typeof socket.localAddress === 'string' ? socket.localAddress : null,
          localPort: socketInfo(socket).localPort,
          reusedSocket,
          socketTimeout,
          connectMs: Math.round((performance.now() - assignedAt) * 10) / 10,
        });
      if ((socket as Socket & { connecting?: boolean }).connecting) {
        socket.once('connect', report);
        if (secure) socket.once('secureConnect', () => this.reportSecure(id, socket as TLSSocket));
      } else {
        report();
      }
    });
    const reportResponse = (res: http.IncomingMessage) =>
      emit({
        ev: 'response',
        req: id,
        status: res.statusCode ?? 0,
        headers: res.headers as Record<string, string | string[]>,
        reusedSocket: req.reusedSocket === true,
      });
    if (!spec.discardResponse)
      req.on('response', (res: http.IncomingMessage) => {
        live.res = res;
        reportResponse(res);
        if (spec.destroyOn === 'response') req.destroy();
        else if (!spec.manualConsume) this.startReading(live, id);
      });
    // Seen without a listener: whether the request has one is the case's choice (`timeoutListener`,
    // `discardResponse`: with no 'response' listener the runtime discards the response itself).
    const emitEvent = req.emit;
    req.emit = function observed(this: http.ClientRequest, event: string | symbol, ...args: unknown[]) {
      if (event === 'timeout') emit({ ev: 'timeout', req: id });
      if (event === 'response' && spec.discardResponse) reportResponse(args[0] as http.IncomingMessage);
      return emitEvent.call(this, event, ...args);
    } as typeof req.emit;
    if (spec.timeoutListener) req.on('timeout', () => {});
    req.on('error', (err: Error) => {
      const e = toWireError(err);
      emit({
        ev: 'error',
        req: id,
        code: e.code,
        message: e.message,
        reusedSocket: req.reusedSocket === true,
      });
    });
    req.on('close', () => emit({ ev: 'close', req: id }));
    if (spec.body !== undefined) req.write(spec.body);
    if (spec.slowBody) writeSlowly(req, spec.slowBody, !spec.manualEnd);
    else if (!spec.manualEnd) req.end();
  }

  /** What the client saw of a new TLS connection's handshake. */
  private reportSecure(id: string, socket: TLSSocket): void {
    const error = socket.authorizationError as Error | string | null | undefined;
    this.host.emit({
      ev: 'secure',
      req: id,
      sessionReused: typeof socket.isSessionReused === 'function' ? socket.isSessionReused() : false,
      protocol: typeof socket.getProtocol === 'function' ? socket.getProtocol() : null,
      alpn: typeof socket.alpnProtocol === 'string' ? socket.alpnProtocol : null,
      authorized: socket.authorized === true,
      authorizationError: error ? String((error as { code?: string }).code ?? error) : null,
    });
  }

  snapshot(agentId: string): AgentSnapshot {
    const agent = this.agent(agentId);
    const requestsMap: Record<string, number> = {};
    if (agent.requests && typeof agent.requests === 'object') {
      for (const [name, list] of Object.entries(agent.requests))
        if (Array.isArray(list)) requestsMap[name] = list.length;
    }
    const fields: Record<string, Json> = {};
    for (const key of FIELDS) if (key in agent) fields[key] = encodeValue(agent[key]);
    fields.isEventEmitter = agent instanceof EventEmitter;
    const maps = [agent.sockets, agent.freeSockets, agent.requests];
    const options =
      agent.options && typeof agent.options === 'object'
        ? (encodeValue({ ...agent.options }) as Record<string, Json>)
        : null;
    return {
      sockets: countMap(agent.sockets),
      freeSockets: countMap(agent.freeSockets),
      requests: requestsMap,
      totalSocketCount: typeof agent.totalSocketCount === 'number' ? agent.totalSocketCount : null,
      fields,
      options,
      nullPrototypes: maps.every((m) => m && typeof m === 'object')
        ? maps.every((m) => Object.getPrototypeOf(m) === null)
        : null,
    };
  }

  getName(agentId: string, options: unknown): Json {
    return encodeValue(this.agent(agentId).getName(decodeValue(options as Json)));
  }

  destroy(agentId: string): void {
    this.agent(agentId).destroy();
  }

  forget(agentId: string): void {
    for (const [reqId, live] of this.requests) {
      if (live.agent !== agentId) continue;
      live.req.destroy();
      this.requests.delete(reqId);
    }
    const agent = this.agents.get(agentId);
    this.agents.delete(agentId);
    agent?.destroy?.();
  }

  action(reqId: string, action: RequestAction): boolean {
    const live = this.requests.get(reqId);
    if (!live) return false;
    if (action === 'end') live.req.end();
    else if (action === 'destroy') live.req.destroy();
    else if (action === 'destroySocket') live.req.socket?.destroy();
    else this.startReading(live, reqId);
    return true;
  }
}
