/**
 * The subject host's driver for a *dispatcher subject*: a module exporting `createDispatcher(options)`
 * that returns an undici Dispatcher (an undici `Agent`, `Pool`, …) instead of an http.Agent. Requests
 * go through `dispatcher.request()` and become the same protocol events as an http.Agent's wherever
 * there is an honest equivalent (see `DispatcherDriver.request`); what has none is not emitted, and
 * the operations a dispatcher cannot answer (a snapshot of the agent's maps, `getName`, agent hooks,
 * some per-request options) are refused with ERR_SUBJECT_UNSUPPORTED, which a case reports as
 * `unsupported`.
 *
 * Runtime-neutral like the host: only `node:` builtins, and undici itself is never imported here. The
 * diagnostics channels are looked up by name, so they work with whichever copy of undici the subject
 * module brought.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { PassThrough, type Readable } from 'node:stream';
import type { Capability } from '../../shared/capabilities.ts';
import {
  type AgentHooks,
  type AgentSnapshot,
  type HostEvent,
  type Json,
  type RequestAction,
  type RequestSpec,
  UNSUPPORTED_CODE,
} from '../../shared/protocol.ts';
import { loopbackLookup } from '../proxy-contract.ts';
import { writeSlowly } from './slow-body.ts';
import {
  type AgentKind,
  type Driver,
  type Factory,
  HostError,
  type HostServices,
  toWireError,
} from './types.ts';

/**
 * Capabilities no dispatcher subject has, whatever the module declares: they need an http.Agent's
 * own API (its maps, getName, hooks, events, socket timeouts) or a per-request option undici lacks.
 */
export const DISPATCHER_LACKS: readonly Capability[] = [
  'agentState',
  'getName',
  'events',
  'agentHooks',
  'agentRemove',
  'socketTimeout',
  'perRequestTimeout',
  'requestConnectOptions',
  'totalSocketCount',
  'freeSockets',
  'defaultPort',
  'protocol',
  'requestTlsOptions',
];

// The parts of undici's Dispatcher API the driver uses (structural: no undici types at run time).
interface ResponseData {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
}
type DispatchFn = (opts: object, handler: object) => boolean;
type Interceptor = (dispatch: DispatchFn) => DispatchFn;
export interface DispatcherLike {
  request(opts: object): Promise<ResponseData>;
  compose(...interceptors: Interceptor[]): DispatcherLike;
  destroy(): Promise<void> | void;
}

interface LiveDispatch {
  agent: string;
  id: string;
  socket: Socket | null;
  reusedSocket: boolean;
  body: Readable | null;
  upload: PassThrough | null;
  abort: AbortController;
  /** The host itself destroyed the request (an action or `destroyOn`): no 'error' for that. */
  destroyedByHost: boolean;
  consuming: boolean;
  settled: boolean;
  bodyLength: number;
  text: string;
}

/**
 * Marks a request's options with its live request, for the interceptor. A symbol key, because undici
 * copies the options object on the way (`{...opts}` keeps symbol keys) and ignores keys it does not know.
 */
const LIVE = Symbol('agent-conformance.live');

interface Subject {
  raw: DispatcherLike;
  composed: DispatcherLike;
}

/** Whether `value` looks like an undici Dispatcher the driver can use. */
export function dispatcherProblem(value: unknown): string | null {
  if (!value || typeof value !== 'object') return 'is not an object';
  const d = value as Record<string, unknown>;
  for (const method of ['request', 'dispatch', 'compose', 'destroy']) {
    if (typeof d[method] !== 'function') return `has no ${method}() method (an undici Dispatcher has)`;
  }
  return null;
}

export class DispatcherDriver implements Driver {
  readonly factoryName = 'createDispatcher';
  private readonly subjects = new Map<string, Subject>();
  private readonly live = new Map<string, LiveDispatch>();
  /** How many requests each socket has carried (headers sent), for `reusedSocket`. */
  private readonly carried = new WeakMap<Socket, number>();
  /** The request whose headers undici is about to send (set in onRequestStart, same tick). */
  private starting: LiveDispatch | null = null;
  private readonly factory: Factory;
  private readonly emit: (event: HostEvent) => void;
  private readonly fail = (code: string, message: string) => new HostError(code, message);
  private readonly wireError = toWireError;

  constructor(factory: Factory, host: HostServices) {
    this.factory = factory;
    this.emit = (event) => host.emit(event);
    // undici publishes {request, headers, socket} right after calling the handler's onRequestStart,
    // in the same synchronous run: the request being started is the one whose headers go out now.
    const onSendHeaders = (message: unknown) => {
      const live = this.starting;
      this.starting = null;
      const socket = (message as { socket?: Socket }).socket;
      if (live && socket) this.onSocket(live, socket);
    };
    // `diagnosticsChannel.subscribe` came in Node 18.7.0 / 16.17.0; older releases have only the
    // channel object's own `subscribe`
    if (typeof diagnosticsChannel.subscribe === 'function')
      diagnosticsChannel.subscribe('undici:client:sendHeaders', onSendHeaders);
    else diagnosticsChannel.channel('undici:client:sendHeaders').subscribe(onSendHeaders);
  }

  private make(options: unknown): unknown {
    const value = this.factory(options);
    const problem = dispatcherProblem(value);
    if (problem)
      throw this.fail('ERR_NOT_A_DISPATCHER', `createDispatcher() returned a value that ${problem}`);
    return value;
  }

  /**
   * What the module declares, then everything no dispatcher can do (DISPATCHER_LACKS) as false. A
   * throwaway dispatcher made with `{}` proves the factory works.
   */
  capabilities(declared: Record<string, boolean>): Record<string, boolean> {
    const probe = this.make({}) as DispatcherLike;
    void Promise.resolve()
      .then(() => probe.destroy())
      .catch(() => {
        // a probe that cannot be destroyed is the subject's business, not the probe's
      });
    // a Dispatcher speaks TLS to https origins (its TLS options come with the agent options)
    const caps: Record<string, boolean> = { https: true, ...declared };
    for (const cap of DISPATCHER_LACKS) caps[cap] = false;
    return caps;
  }

  /** Makes a dispatcher; its requests go through an observing interceptor. */
  create(agentId: string, options: unknown, hooks: AgentHooks | undefined, kind?: AgentKind): void {
    // TLS options exist per dispatcher only: the CA the requests trust and the loopback resolver go
    // in with the agent options (a case's own `ca` / `lookup` win).
    const value = this.make(
      kind?.https
        ? {
            ...(kind.trust !== undefined ? { ca: kind.trust } : {}),
            lookup: loopbackLookup,
            ...(options as Record<string, unknown>),
          }
        : options,
    );
    const problem = dispatcherProblem(value);
    if (problem)
      throw this.fail('ERR_NOT_A_DISPATCHER', `createDispatcher() returned a value that ${problem}`);
    if (hooks?.keepSocketAliveFalse || hooks?.destroyOnFree || hooks?.createConnection) {
      throw this.fail(
        UNSUPPORTED_CODE,
        'a dispatcher has no keepSocketAlive()/createConnection/free hooks (capability agentHooks)',
      );
    }
    if (hooks?.keylog) {
      throw this.fail(UNSUPPORTED_CODE, "a dispatcher emits no 'keylog' events (capability events)");
    }
    if (hooks?.assign) {
      throw this.fail(
        UNSUPPORTED_CODE,
        'a dispatcher has no agent properties to assign (capability agentState)',
      );
    }
    const raw = value as DispatcherLike;
    const composed = raw.compose((dispatch) => (opts, handler) => {
      const live = (opts as { [LIVE]?: LiveDispatch })[LIVE];
      return dispatch(opts, live ? this.observe(live, handler) : handler);
    });
    this.subjects.set(agentId, { raw, composed });
  }

  private unsupported(what: string, cap: Capability): HostError {
    return new HostError(UNSUPPORTED_CODE, `a dispatcher subject has no ${what} (capability ${cap})`);
  }

  snapshot(agentId: string): AgentSnapshot {
    this.subject(agentId);
    throw this.unsupported('agent state (sockets, freeSockets, requests)', 'agentState');
  }

  getName(_agentId: string, _options: unknown): Json {
    throw this.unsupported('getName()', 'getName');
  }

  destroy(agentId: string): void {
    this.destroyAgent(agentId);
  }

  private subject(agentId: string): Subject {
    const s = this.subjects.get(agentId);
    if (!s) throw this.fail('ERR_UNKNOWN_AGENT', `no agent "${agentId}"`);
    return s;
  }

  /** Wraps undici's request handler: notes which request starts and when its response ends. */
  private observe(live: LiveDispatch, handler: object): object {
    return new Proxy(handler, {
      get: (target, prop, receiver) => {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        if (prop === 'onRequestStart' || prop === 'onConnect') {
          return (...args: unknown[]) => {
            this.starting = live;
            queueMicrotask(() => {
              if (this.starting === live) this.starting = null;
            });
            return value.apply(target, args);
          };
        }
        if (prop === 'onResponseEnd' || prop === 'onComplete') {
          return (...args: unknown[]) => {
            const result = value.apply(target, args);
            // undici decides right after this call whether the socket is kept (idle, reusable) or
            // destroyed; by the next microtask that decision is visible on the socket.
            queueMicrotask(() => this.released(live));
            return result;
          };
        }
        return value.bind(target);
      },
    });
  }

  private onSocket(live: LiveDispatch, socket: Socket): void {
    const before = this.carried.get(socket) ?? 0;
    this.carried.set(socket, before + 1);
    live.socket = socket;
    live.reusedSocket = before > 0;
    this.emit({
      ev: 'socket',
      req: live.id,
      localAddress: typeof socket.localAddress === 'string' ? socket.localAddress : null,
      localPort: typeof socket.localPort === 'number' ? socket.localPort : null,
      reusedSocket: live.reusedSocket,
      socketTimeout: null,
      connectMs: null,
    });
  }

  /** The derived `free`: the response completed and undici kept its socket open for reuse. */
  private released(live: LiveDispatch): void {
    const socket = live.socket;
    if (!socket || socket.destroyed || !this.subjects.has(live.agent)) return;
    this.emit({
      ev: 'free',
      agent: live.agent,
      localPort: typeof socket.localPort === 'number' ? socket.localPort : null,
      derived: true,
    });
  }

  private settle(live: LiveDispatch, err: unknown): void {
    if (live.settled) return;
    live.settled = true;
    if (err !== null && !live.destroyedByHost) {
      const e = this.wireError(err);
      this.emit({
        ev: 'error',
        req: live.id,
        code: e.code,
        message: e.message,
        reusedSocket: live.reusedSocket,
      });
    }
    this.emit({ ev: 'close', req: live.id });
  }

  private read(live: LiveDispatch): void {
    const body = live.body;
    if (!body || live.consuming) return;
    live.consuming = true;
    body.on('data', (chunk: Buffer | string) => {
      live.bodyLength += chunk.length;
      if (live.text.length < 200) live.text += String(chunk).slice(0, 200 - live.text.length);
    });
    body.on('end', () => {
      this.emit({ ev: 'end', req: live.id, bodyLength: live.bodyLength, body: live.text });
      this.settle(live, null);
    });
  }

  /**
   * Issues one request. Events: `socket` when undici sends the headers on a socket (its localPort;
   * `reusedSocket` is true when that socket already carried a request), `response`, `end`, `error`
   * (undici's code), `close` once the request is over either way, and a derived `free` on the agent
   * when the response completed and undici kept the socket open. No `timeout` (no socket timeout).
   */
  request(agentId: string, id: string, spec: RequestSpec): void {
    const { composed } = this.subject(agentId);
    const unsupported = (what: string, cap: string) =>
      this.fail(UNSUPPORTED_CODE, `a dispatcher subject has no per-request ${what} (capability ${cap})`);
    if (spec.localAddress !== undefined) throw unsupported('localAddress', 'requestConnectOptions');
    if (spec.localPort !== undefined) throw unsupported('localPort', 'requestConnectOptions');
    if (spec.family !== undefined) throw unsupported('family', 'requestConnectOptions');
    // undici takes a socketPath per Client / Agent (`connect`), not per request
    if (spec.socketPath !== undefined) throw unsupported('socketPath', 'requestConnectOptions');
    if (spec.timeout !== undefined) throw unsupported('timeout', 'perRequestTimeout');
    if (spec.agentRemoveOnSocket) throw unsupported("'agentRemove'", 'agentRemove');
    // a dispatcher's request() has no 'response' event: its body is the caller's to dump
    if (spec.discardResponse) throw unsupported("'response' event to leave unheard", 'events');
    // the `ca` of a request is the run's test CA, which the dispatcher trusts from its creation
    const tlsKeys = Object.keys(spec.tls ?? {}).filter((k) => k !== 'ca');
    if (tlsKeys.length > 0) throw unsupported(`TLS options (${tlsKeys.join(', ')})`, 'requestTlsOptions');
    const url = new URL(spec.origin);
    if (spec.host !== undefined) url.hostname = spec.host;
    const live: LiveDispatch = {
      agent: agentId,
      id,
      socket: null,
      reusedSocket: false,
      body: null,
      upload: null,
      abort: new AbortController(),
      destroyedByHost: false,
      consuming: false,
      settled: false,
      bodyLength: 0,
      text: '',
    };
    let body: string | PassThrough | undefined = spec.body;
    if (spec.manualEnd || spec.slowBody) {
      live.upload = new PassThrough();
      if (spec.body !== undefined) live.upload.write(spec.body);
      if (spec.slowBody) writeSlowly(live.upload, spec.slowBody, !spec.manualEnd);
      body = live.upload;
    }
    const opts = {
      origin: url.origin,
      path: spec.path ?? '/',
      method: spec.method ?? 'GET',
      headers: spec.headers ?? {},
      body,
      signal: live.abort.signal,
      [LIVE]: live,
    };
    this.live.set(id, live);
    if (spec.destroyOn === 'socket') {
      // no socket event of its own: destroy as soon as undici starts the request on a socket
      const check = () => {
        if (live.socket) this.abortRequest(live);
        else if (!live.settled) setImmediate(check);
      };
      setImmediate(check);
    }
    composed.request(opts).then(
      (res) => {
        live.body = res.body;
        res.body.on('error', (err: unknown) => this.settle(live, err));
        const headers: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = v;
        this.emit({
          ev: 'response',
          req: id,
          status: res.statusCode,
          headers,
          reusedSocket: live.reusedSocket,
        });
        if (spec.destroyOn === 'response') this.abortRequest(live);
        else if (!spec.manualConsume) this.read(live);
      },
      (err: unknown) => this.settle(live, err),
    );
  }

  private abortRequest(live: LiveDispatch): void {
    if (live.settled) return;
    live.destroyedByHost = true;
    live.abort.abort();
    live.upload?.destroy();
    live.body?.destroy();
    // a response body that was never read ends nowhere: the request is over now
    this.settle(live, null);
  }

  action(id: string, action: RequestAction): boolean {
    const live = this.live.get(id);
    if (!live) return false;
    if (action === 'end') live.upload?.end();
    else if (action === 'destroy') this.abortRequest(live);
    else if (action === 'destroySocket') throw this.unsupported("a request's socket", 'agentHooks');
    else this.read(live);
    return true;
  }

  destroyAgent(agentId: string): void {
    const { raw } = this.subject(agentId);
    void Promise.resolve()
      .then(() => raw.destroy())
      .catch(() => {
        // a dispatcher already destroyed rejects; the wire shows what happened
      });
  }

  forget(agentId: string): void {
    for (const [id, live] of this.live) {
      if (live.agent !== agentId) continue;
      live.destroyedByHost = true;
      live.settled = true;
      live.abort.abort();
      live.upload?.destroy();
      live.body?.destroy();
      this.live.delete(id);
    }
    if (this.subjects.has(agentId)) this.destroyAgent(agentId);
    this.subjects.delete(agentId);
  }
}
