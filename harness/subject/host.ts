/**
 * The subject host: runs in its own process under Node, Bun or Deno, loads the module under test and
 * obeys the line protocol of ./protocol.ts. The module is an *agent subject* (`createAgent(options)`
 * returns an http.Agent, driven through `http.request({agent})`) or a *dispatcher subject*
 * (`createDispatcher(options)` returns an undici Dispatcher, driven by ./dispatcher.ts). Everything here must stay runtime-neutral: only `node:`
 * builtins that all three runtimes provide, no TypeScript-only syntax beyond types.
 *
 * The host never dies because of the subject: every call into subject code is guarded, and uncaught
 * errors are reported as `uncaught` events (they are evidence, e.g. an idle socket's error leaking).
 */
import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { Socket } from 'node:net';
import process from 'node:process';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import {
  type AgentHooks,
  type AgentSnapshot,
  type Command,
  type CommandMessage,
  decodeValue,
  encodeValue,
  frame,
  type HostEvent,
  type Json,
  type Outcome,
  PROTOCOL_VERSION,
  type RequestSpec,
  type SocketInfo,
  UNSUPPORTED_CODE,
  type WireError,
} from '../shared/protocol.ts';
import { DISPATCHER_LACKS, DispatcherDriver, dispatcherProblem } from './drivers/dispatcher.ts';

// biome-ignore lint/suspicious/noExplicitAny: the subject's agent is whatever the module returns.
type AnyAgent = any;
type Factory = (options: unknown) => unknown;

interface LiveRequest {
  agent: string;
  req: http.ClientRequest;
  res: http.IncomingMessage | null;
  consuming: boolean;
  bodyLength: number;
  body: string;
}

const started = performance.now();
const agents = new Map<string, AnyAgent>();
const requests = new Map<string, LiveRequest>();
let factory: Factory | null = null;
type SubjectKind = 'agent' | 'dispatcher';
let kind: SubjectKind = 'agent';
/** Drives the dispatchers of a dispatcher subject (created when such a subject loads). */
let driver: DispatcherDriver | null = null;

function send(message: Parameters<typeof frame>[0]): void {
  process.stdout.write(frame(message));
}

function emit(event: HostEvent): void {
  send({ type: 'event', t: Math.round((performance.now() - started) * 1000) / 1000, ...event });
}

function toWireError(err: unknown): WireError {
  if (err && typeof err === 'object') {
    const e = err as { name?: unknown; code?: unknown; message?: unknown };
    return {
      name: typeof e.name === 'string' ? e.name : 'Error',
      code: typeof e.code === 'string' ? e.code : null,
      message: typeof e.message === 'string' ? e.message : String(err),
    };
  }
  return { name: 'Error', code: null, message: String(err) };
}

class HostError extends Error {
  code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'HostError';
    this.code = code;
  }
}

function runtimeInfo(): { name: string; version: string } {
  const g = globalThis as { Bun?: { version: string }; Deno?: { version: { deno: string } } };
  if (g.Bun) return { name: 'bun', version: g.Bun.version };
  if (g.Deno) return { name: 'deno', version: g.Deno.version.deno };
  return { name: 'node', version: process.versions.node };
}

function isClass(fn: unknown): boolean {
  return typeof fn === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(fn));
}

function asFactory(fn: unknown): Factory | null {
  if (typeof fn !== 'function') return null;
  if (isClass(fn)) {
    const Ctor = fn as new (options: unknown) => unknown;
    return (options) => new Ctor(options);
  }
  return fn as Factory;
}

/**
 * Finds `createAgent` (named, on a CommonJS exports object, or a default function), else
 * `createDispatcher` (named or on a CommonJS exports object). `createAgent` wins when both exist.
 */
function findFactory(
  mod: Record<string, unknown>,
): { factory: Factory; exportName: string; kind: SubjectKind } | null {
  const def = mod.default as Record<string, unknown> | undefined;
  const onDefault = (name: string) => (def && typeof def === 'object' ? def[name] : undefined);
  const candidates: [unknown, string, SubjectKind][] = [
    [mod.createAgent, 'createAgent', 'agent'],
    [onDefault('createAgent'), 'default.createAgent', 'agent'],
    [mod.createDispatcher, 'createDispatcher', 'dispatcher'],
    [onDefault('createDispatcher'), 'default.createDispatcher', 'dispatcher'],
    [typeof def === 'function' ? def : undefined, 'default', 'agent'],
  ];
  for (const [fn, exportName, k] of candidates) {
    const f = asFactory(fn);
    if (f) return { factory: f, exportName, kind: k };
  }
  return null;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') {
    const name = (value as { constructor?: { name?: string } }).constructor?.name;
    return name ? `an object (${name})` : 'an object';
  }
  return typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`;
}

function makeAgent(options: unknown): AnyAgent {
  if (!factory) throw new HostError('ERR_NOT_LOADED', 'no subject module is loaded');
  const agent = factory(options);
  if (kind === 'dispatcher') {
    const problem = dispatcherProblem(agent);
    if (problem)
      throw new HostError('ERR_NOT_A_DISPATCHER', `createDispatcher() returned a value that ${problem}`);
    return agent;
  }
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

function optionReflected(agent: AnyAgent, key: string, value: unknown): boolean {
  return agent !== null && typeof agent === 'object' && agent[key] === value;
}

/**
 * A dispatcher subject: what the module declares, then everything no dispatcher can do (see
 * DISPATCHER_LACKS) as false. A throwaway dispatcher made with `{}` proves the factory works.
 */
function probeDispatcherCapabilities(declared: unknown): Record<string, boolean> {
  const probe = makeAgent({}) as { destroy(): unknown };
  void Promise.resolve()
    .then(() => probe.destroy())
    .catch(() => {
      // a probe that cannot be destroyed is the subject's business, not the probe's
    });
  const caps: Record<string, boolean> = {};
  if (declared && typeof declared === 'object') {
    for (const [k, v] of Object.entries(declared)) if (typeof v === 'boolean') caps[k] = v;
  }
  for (const cap of DISPATCHER_LACKS) caps[cap] = false;
  return caps;
}

/** What the module declares, completed by probing two throwaway agents. */
function probeCapabilities(declared: unknown): Record<string, boolean> {
  if (kind === 'dispatcher') return probeDispatcherCapabilities(declared);
  const caps: Record<string, boolean> = {};
  let plain: AnyAgent = null;
  let tuned: AnyAgent = null;
  try {
    plain = makeAgent({});
    tuned = makeAgent({ agentKeepAliveTimeoutBuffer: 600, defaultPort: 8080 });
    caps.agentKeepAliveTimeoutBuffer = optionReflected(tuned, 'agentKeepAliveTimeoutBuffer', 600);
    caps.defaultPort = optionReflected(tuned, 'defaultPort', 8080);
    caps.totalSocketCount = typeof plain.totalSocketCount === 'number';
    caps.freeSockets = plain.freeSockets !== null && typeof plain.freeSockets === 'object';
    caps.events = typeof plain.on === 'function';
  } finally {
    for (const a of [plain, tuned]) {
      try {
        a?.destroy?.();
      } catch {
        // a probe agent that cannot be destroyed is the subject's business, not the probe's
      }
    }
  }
  if (declared && typeof declared === 'object') {
    for (const [k, v] of Object.entries(declared)) if (typeof v === 'boolean') caps[k] = v;
  }
  return caps;
}

async function load(modulePath: string): Promise<Json> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(modulePath).href)) as Record<string, unknown>;
  } catch (err) {
    const e = toWireError(err);
    throw new HostError('ERR_SUBJECT_IMPORT', `cannot import ${modulePath}: ${e.name}: ${e.message}`);
  }
  const found = findFactory(mod);
  if (!found) {
    const names = Object.keys(mod).join(', ') || 'nothing';
    throw new HostError(
      'ERR_NO_FACTORY',
      `${modulePath} exports no createAgent(options) function (nor createDispatcher(options)) and no default function (it exports: ${names})`,
    );
  }
  factory = found.factory;
  kind = found.kind;
  if (kind === 'dispatcher')
    driver ??= new DispatcherDriver(emit, (c, m) => new HostError(c, m), toWireError);
  const def = mod.default as Record<string, unknown> | undefined;
  const declared = mod.capabilities ?? (def && typeof def === 'object' ? def.capabilities : undefined);
  let capabilities: Record<string, boolean>;
  try {
    capabilities = probeCapabilities(declared);
  } catch (err) {
    if (err instanceof HostError) throw err;
    const e = toWireError(err);
    throw new HostError(
      'ERR_FACTORY_THROWS',
      `${kind === 'dispatcher' ? 'createDispatcher' : 'createAgent'}({}) threw ${e.name}: ${e.message}`,
    );
  }
  return { exportName: found.exportName, kind, capabilities, runtime: runtimeInfo() };
}

function socketInfo(socket: Socket | undefined | null): SocketInfo {
  const s = socket as (Socket & { timeout?: number }) | null | undefined;
  return {
    localPort: typeof s?.localPort === 'number' ? s.localPort : null,
    timeout: typeof s?.timeout === 'number' ? s.timeout : null,
  };
}

function installHooks(id: string, agent: AnyAgent, hooks: AgentHooks | undefined): void {
  if (typeof agent.on === 'function') {
    agent.on('free', (socket: Socket) =>
      emit({ ev: 'free', agent: id, localPort: socketInfo(socket).localPort }),
    );
  }
  if (!hooks) return;
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

function getAgent(id: string): AnyAgent {
  const agent = agents.get(id);
  if (!agent) throw new HostError('ERR_UNKNOWN_AGENT', `no agent "${id}"`);
  return agent;
}

function startReading(live: LiveRequest, id: string): void {
  const res = live.res;
  if (!res || live.consuming) return;
  live.consuming = true;
  res.on('data', (chunk: Buffer | string) => {
    live.bodyLength += chunk.length;
    if (live.body.length < 200) live.body += String(chunk).slice(0, 200 - live.body.length);
  });
  res.on('end', () => emit({ ev: 'end', req: id, bodyLength: live.bodyLength, body: live.body }));
  res.on('error', () => {
    // the request's own 'error'/'close' report what matters; this only keeps the error handled
  });
}

function request(agentId: string, id: string, spec: RequestSpec): void {
  const url = new URL(spec.origin);
  const options: http.RequestOptions = {
    host: spec.host ?? url.hostname,
    port: url.port,
    path: spec.path ?? '/',
    method: spec.method ?? 'GET',
    agent: spec.useAgent === false ? false : getAgent(agentId),
  };
  if (spec.headers) options.headers = spec.headers;
  if (spec.localAddress !== undefined) options.localAddress = spec.localAddress;
  if (spec.family !== undefined) options.family = spec.family;
  if (spec.timeout !== undefined) options.timeout = spec.timeout;
  const req = http.request(options);
  const live: LiveRequest = { agent: agentId, req, res: null, consuming: false, bodyLength: 0, body: '' };
  requests.set(id, live);
  req.on('socket', (socket: Socket) => {
    const reusedSocket = req.reusedSocket === true;
    const socketTimeout = socketInfo(socket).timeout;
    if (spec.agentRemoveOnSocket) socket.emit('agentRemove');
    if (spec.destroyOn === 'socket') req.destroy();
    const report = () =>
      emit({ ev: 'socket', req: id, localPort: socketInfo(socket).localPort, reusedSocket, socketTimeout });
    if ((socket as Socket & { connecting?: boolean }).connecting) {
      socket.once('connect', report);
    } else {
      report();
    }
  });
  req.on('response', (res: http.IncomingMessage) => {
    live.res = res;
    emit({
      ev: 'response',
      req: id,
      status: res.statusCode ?? 0,
      headers: res.headers as Record<string, string | string[]>,
      reusedSocket: req.reusedSocket === true,
    });
    if (spec.destroyOn === 'response') req.destroy();
    else if (!spec.manualConsume) startReading(live, id);
  });
  req.on('timeout', () => emit({ ev: 'timeout', req: id }));
  req.on('error', (err: Error) => {
    const e = toWireError(err);
    emit({ ev: 'error', req: id, code: e.code, message: e.message, reusedSocket: req.reusedSocket === true });
  });
  req.on('close', () => emit({ ev: 'close', req: id }));
  if (spec.body !== undefined) req.write(spec.body);
  if (!spec.manualEnd) req.end();
}

function countMap(map: unknown): Record<string, SocketInfo[]> {
  const out: Record<string, SocketInfo[]> = {};
  if (!map || typeof map !== 'object') return out;
  for (const [name, list] of Object.entries(map)) {
    if (Array.isArray(list)) out[name] = list.map((s) => socketInfo(s as Socket));
  }
  return out;
}

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

function snapshot(agent: AnyAgent): AgentSnapshot {
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

function forget(id: string): void {
  for (const [reqId, live] of requests) {
    if (live.agent !== id) continue;
    live.req.destroy();
    requests.delete(reqId);
  }
  const agent = agents.get(id);
  agents.delete(id);
  agent?.destroy?.();
}

type SyncCommand = Exclude<Command, { op: 'load' } | { op: 'batch' } | { op: 'hello' }>;

async function execute(command: Command): Promise<Json> {
  switch (command.op) {
    case 'hello':
      return { protocol: PROTOCOL_VERSION, runtime: runtimeInfo(), pid: process.pid };
    case 'load':
      return load(command.module);
    case 'batch': {
      // Synchronous on purpose: no I/O callback may run between the commands.
      const results: Json[] = [];
      for (const sub of command.commands) {
        if (sub.op === 'load' || sub.op === 'batch' || sub.op === 'hello') {
          throw new HostError('ERR_BAD_BATCH', `${sub.op} cannot be batched`);
        }
        results.push(outcomeOf(() => executeSync(sub)) as unknown as Json);
      }
      return results;
    }
    default:
      return executeSync(command);
  }
}

/** The commands for a dispatcher subject (see ./dispatcher.ts); forget and actions fall through. */
function executeDispatcher(d: DispatcherDriver, command: SyncCommand): Json | undefined {
  const unsupported = (what: string, cap: string) =>
    new HostError(UNSUPPORTED_CODE, `a dispatcher subject has no ${what} (capability ${cap})`);
  switch (command.op) {
    case 'create':
      d.add(command.agent, makeAgent(decodeValue(command.options)), command.hooks);
      return null;
    case 'request':
      // `agent: false` bypasses the subject: the same plain http.request as for an agent subject
      if (command.spec.useAgent === false) return undefined;
      d.request(command.agent, command.req, command.spec);
      return null;
    case 'snapshot':
      if (!d.has(command.agent)) throw new HostError('ERR_UNKNOWN_AGENT', `no agent "${command.agent}"`);
      throw unsupported('agent state (sockets, freeSockets, requests)', 'agentState');
    case 'getName':
      throw unsupported('getName()', 'getName');
    case 'destroy':
      d.destroyAgent(command.agent);
      return null;
    case 'forget':
      d.forget(command.agent);
      return undefined;
    case 'action':
      return d.action(command.req, command.action) ? null : undefined;
  }
}

function executeSync(command: SyncCommand): Json {
  if (kind === 'dispatcher' && driver) {
    const handled = executeDispatcher(driver, command);
    if (handled !== undefined) return handled;
  }
  switch (command.op) {
    case 'create': {
      const agent = makeAgent(decodeValue(command.options));
      agents.set(command.agent, agent);
      installHooks(command.agent, agent, command.hooks);
      return null;
    }
    case 'request':
      request(command.agent, command.req, command.spec);
      return null;
    case 'snapshot':
      return snapshot(getAgent(command.agent)) as unknown as Json;
    case 'getName':
      return encodeValue(getAgent(command.agent).getName(decodeValue(command.options)));
    case 'destroy':
      getAgent(command.agent).destroy();
      return null;
    case 'forget':
      forget(command.agent);
      return null;
    case 'action': {
      const live = requests.get(command.req);
      if (!live) throw new HostError('ERR_UNKNOWN_REQUEST', `no request "${command.req}"`);
      if (command.action === 'end') live.req.end();
      else if (command.action === 'destroy') live.req.destroy();
      else startReading(live, command.req);
      return null;
    }
  }
}

function outcomeOf(fn: () => Json): Outcome {
  try {
    return { ok: true, value: fn() };
  } catch (err) {
    return { ok: false, error: toWireError(err) };
  }
}

async function handle(line: string): Promise<void> {
  if (!line.trim()) return;
  let message: CommandMessage;
  try {
    message = JSON.parse(line) as CommandMessage;
  } catch {
    return;
  }
  try {
    const value = await execute(message);
    send({ type: 'reply', id: message.id, ok: true, value });
  } catch (err) {
    send({ type: 'reply', id: message.id, ok: false, error: toWireError(err) });
  }
}

process.on('uncaughtException', (err: Error) => {
  const e = toWireError(err);
  emit({ ev: 'uncaught', name: e.name, code: e.code, message: e.message });
});
process.on('unhandledRejection', (reason: unknown) => {
  const e = toWireError(reason);
  emit({ ev: 'uncaught', name: e.name, code: e.code, message: e.message });
});

const lines = createInterface({ input: process.stdin, terminal: false });
lines.on('line', (line: string) => {
  void handle(line);
});
lines.on('close', () => process.exit(0));
