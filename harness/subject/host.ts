/**
 * The subject host: runs in its own process under Node, Bun or Deno, loads the module under test and
 * obeys the line protocol of ../shared/protocol.ts, handing every command about agents and requests
 * to the driver of the loaded subject: ./drivers/agent.ts for `createAgent(options)` (an http.Agent),
 * ./drivers/dispatcher.ts for `createDispatcher(options)` (an undici Dispatcher). Everything here must
 * stay runtime-neutral: only `node:` builtins that all three runtimes provide, no TypeScript-only
 * syntax beyond types.
 *
 * The host never dies because of the subject: every call into subject code is guarded, and uncaught
 * errors are reported as `uncaught` events (they are evidence, e.g. an idle socket's error leaking).
 */
import { existsSync } from 'node:fs';
import http from 'node:http';
import process from 'node:process';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import {
  type Command,
  type CommandMessage,
  decodeValue,
  frame,
  type HostEvent,
  type Json,
  type Outcome,
  PROTOCOL_VERSION,
  UNSUPPORTED_CODE,
} from '../shared/protocol.ts';
import { runtimeCapabilities } from './builtins/node-release.ts';
import { AgentDriver } from './drivers/agent.ts';
import { DISPATCHER_LACKS, DispatcherDriver } from './drivers/dispatcher.ts';
import { type Driver, type Factory, HostError, type HostServices, toWireError } from './drivers/types.ts';
import { loopbackLookup, type ProxyCapabilities, type ProxySubjectOptions } from './proxy-contract.ts';

const started = performance.now();

function send(message: Parameters<typeof frame>[0]): void {
  process.stdout.write(frame(message));
}

const services: HostServices = {
  emit(event: HostEvent): void {
    send({ type: 'event', t: Math.round((performance.now() - started) * 1000) / 1000, ...event });
  },
};

/** The loaded subject's driver; before `load`, a driver that can only make `agent: false` requests. */
let driver: Driver | null = null;
/** `agent: false` requests bypass the subject whatever its kind. */
const plain = new AgentDriver(null, services);
/** The driver of the module's proxy factory (`createProxyAgent` / `createProxyDispatcher`), if any. */
let proxyDriver: Driver | null = null;
/** Which driver made each agent (agents of `createProxy` live in `proxyDriver`). */
const owners = new Map<string, Driver>();
/** What the last `http.setGlobalProxyFromEnv()` returned, until it is called (`globalProxy` op). */
let restoreGlobalProxy: (() => void) | null = null;

/**
 * The `globalProxy` op. What the runtime does (or lacks: a release that documents the function but
 * has none) is a subject error, so the case fails; capability `globalProxy` says whether it may.
 */
function globalProxy(env: Record<string, string> | null): void {
  if (env === null) {
    const restore = restoreGlobalProxy;
    restoreGlobalProxy = null;
    restore?.();
    return;
  }
  const set = (http as unknown as { setGlobalProxyFromEnv: (env: Record<string, string>) => () => void })
    .setGlobalProxyFromEnv;
  const restore = set(env);
  if (typeof restore === 'function') restoreGlobalProxy = restore;
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
 * `createHttpsAgent` (named or on the exports object), beside or instead of `createAgent`, makes the
 * agents of https cases.
 */
function findDriver(mod: Record<string, unknown>): { driver: Driver; exportName: string } | null {
  const def = mod.default as Record<string, unknown> | undefined;
  const onDefault = (name: string) => (def && typeof def === 'object' ? def[name] : undefined);
  const httpsFactory = asFactory(mod.createHttpsAgent ?? onDefault('createHttpsAgent'));
  const candidates: [unknown, string, 'agent' | 'dispatcher'][] = [
    [mod.createAgent, 'createAgent', 'agent'],
    [onDefault('createAgent'), 'default.createAgent', 'agent'],
    [mod.createDispatcher, 'createDispatcher', 'dispatcher'],
    [onDefault('createDispatcher'), 'default.createDispatcher', 'dispatcher'],
    [typeof def === 'function' ? def : undefined, 'default', 'agent'],
  ];
  for (const [fn, exportName, kind] of candidates) {
    const factory = asFactory(fn);
    if (!factory) continue;
    const made =
      kind === 'agent'
        ? new AgentDriver(factory, services, httpsFactory)
        : new DispatcherDriver(factory, services);
    return { driver: made, exportName };
  }
  if (httpsFactory)
    return { driver: new AgentDriver(null, services, httpsFactory), exportName: 'createHttpsAgent' };
  return null;
}

/**
 * Finds `createProxyAgent` (an http.Agent) or `createProxyDispatcher` (an undici Dispatcher), named or
 * on a CommonJS exports object, and what `proxyCapabilities` declares (./proxy-contract.ts).
 */
function findProxy(
  mod: Record<string, unknown>,
): { driver: Driver; kind: 'agent' | 'dispatcher'; capabilities: Record<string, boolean> } | null {
  const def = mod.default as Record<string, unknown> | undefined;
  // a named export wins even when it is null (`proxyCapabilities = null`: no proxy support)
  const pick = (name: string) =>
    name in mod ? mod[name] : def && typeof def === 'object' ? def[name] : undefined;
  const candidates: [unknown, 'agent' | 'dispatcher'][] = [
    [pick('createProxyAgent'), 'agent'],
    [pick('createProxyDispatcher'), 'dispatcher'],
  ];
  for (const [fn, kind] of candidates) {
    if (typeof fn !== 'function') continue;
    const factory = fn as Factory;
    const made =
      kind === 'agent' ? new AgentDriver(factory, services) : new DispatcherDriver(factory, services);
    const declared = pick('proxyCapabilities') as ProxyCapabilities | null | undefined;
    const capabilities =
      declared === null
        ? { proxy: false, proxyNoProxy: false, proxyEnv: false }
        : { proxy: true, proxyNoProxy: declared?.noProxy === true, proxyEnv: declared?.env === true };
    return { driver: made, kind, capabilities };
  }
  return null;
}

/** For a module that only makes proxy agents: every plain `create` is `unsupported`. */
function proxyOnlyDriver(kind: 'agent' | 'dispatcher'): Driver {
  const refuse: Factory = () => {
    throw new HostError(
      UNSUPPORTED_CODE,
      'this subject only makes proxy agents (createProxyAgent / createProxyDispatcher), no plain agent',
    );
  };
  return kind === 'agent' ? new AgentDriver(refuse, services) : new DispatcherDriver(refuse, services);
}

function declaredCapabilities(mod: Record<string, unknown>): Record<string, boolean> {
  const def = mod.default as Record<string, unknown> | undefined;
  const declared = mod.capabilities ?? (def && typeof def === 'object' ? def.capabilities : undefined);
  const out: Record<string, boolean> = {};
  if (declared && typeof declared === 'object') {
    for (const [k, v] of Object.entries(declared)) if (typeof v === 'boolean') out[k] = v;
  }
  return out;
}

async function load(modulePath: string): Promise<Json> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(modulePath).href)) as Record<string, unknown>;
  } catch (err) {
    const e = toWireError(err);
    throw new HostError('ERR_SUBJECT_IMPORT', `cannot import ${modulePath}: ${e.name}: ${e.message}`);
  }
  const proxy = findProxy(mod);
  proxyDriver = proxy?.driver ?? null;
  const found = findDriver(mod);
  if (!found && proxy) {
    driver = proxyOnlyDriver(proxy.kind);
    const capabilities = { ...declaredCapabilities(mod), ...proxy.capabilities };
    if (proxy.kind === 'dispatcher') for (const cap of DISPATCHER_LACKS) capabilities[cap] = false;
    Object.assign(capabilities, runtimeCapabilities());
    return { exportName: 'createProxy', kind: proxy.kind, capabilities, runtime: runtimeInfo() };
  }
  if (!found) {
    const names = Object.keys(mod).join(', ') || 'nothing';
    throw new HostError(
      'ERR_NO_FACTORY',
      `${modulePath} exports no createAgent(options) function (nor createDispatcher(options)) and no default function (it exports: ${names})`,
    );
  }
  driver = found.driver;
  let capabilities: Record<string, boolean>;
  try {
    capabilities = driver.capabilities(declaredCapabilities(mod));
  } catch (err) {
    if (err instanceof HostError) throw err;
    const e = toWireError(err);
    throw new HostError('ERR_FACTORY_THROWS', `${driver.factoryName}({}) threw ${e.name}: ${e.message}`);
  }
  const kind = driver instanceof DispatcherDriver ? 'dispatcher' : 'agent';
  Object.assign(capabilities, proxy?.capabilities ?? { proxy: false });
  // the runtime's, not the module's: the host runs on it whatever it loaded
  Object.assign(capabilities, runtimeCapabilities());
  return { exportName: found.exportName, kind, capabilities, runtime: runtimeInfo() };
}

function loaded(): Driver {
  if (!driver) throw new HostError('ERR_NOT_LOADED', 'no subject module is loaded');
  return driver;
}

/** The driver that made `agent` (the plain one unless `createProxy` made it). */
function ownerOf(agent: string): Driver {
  return owners.get(agent) ?? loaded();
}

function createProxy(agent: string, encoded: Json): void {
  if (!proxyDriver) {
    throw new HostError(
      UNSUPPORTED_CODE,
      'the subject exports no createProxyAgent / createProxyDispatcher (capability proxy)',
    );
  }
  const options = decodeValue(encoded) as ProxySubjectOptions;
  // names the case made up must never reach DNS, on whatever connection the subject makes itself
  options.agentOptions = { ...options.agentOptions, lookup: loopbackLookup };
  proxyDriver.create(agent, options, undefined);
  owners.set(agent, proxyDriver);
}

type SyncCommand = Exclude<Command, { op: 'load' } | { op: 'batch' } | { op: 'hello' }>;

function executeSync(command: SyncCommand): Json {
  switch (command.op) {
    case 'create':
      loaded().create(command.agent, decodeValue(command.options), command.hooks, {
        https: command.https === true,
        trust: command.trust,
      });
      return null;
    case 'createProxy':
      createProxy(command.agent, command.options);
      return null;
    case 'request':
      if (command.spec.useAgent === false || command.spec.useAgent === 'global')
        plain.request(command.agent, command.req, command.spec);
      else ownerOf(command.agent).request(command.agent, command.req, command.spec);
      return null;
    case 'snapshot':
      return ownerOf(command.agent).snapshot(command.agent) as unknown as Json;
    case 'getName':
      return ownerOf(command.agent).getName(command.agent, command.options);
    case 'destroy':
      ownerOf(command.agent).destroy(command.agent);
      return null;
    case 'forget':
      (owners.get(command.agent) ?? driver)?.forget(command.agent);
      owners.delete(command.agent);
      plain.forget(command.agent);
      return null;
    case 'stall':
      return stall(command.agent, command.until, command.maxMs);
    case 'globalProxy':
      globalProxy(command.env);
      return null;
    case 'action':
      if (
        driver?.action(command.req, command.action) ||
        proxyDriver?.action(command.req, command.action) ||
        plain.action(command.req, command.action)
      )
        return null;
      throw new HostError('ERR_UNKNOWN_REQUEST', `no request "${command.req}"`);
  }
}

/**
 * Blocks the event loop until the file `until` exists or `maxMs` have passed (the `stall` command).
 * The `stalling` event goes out first: stdout is a pipe, written synchronously on Linux, so the
 * harness hears of the stall while it lasts.
 */
function stall(agent: string, until: string, maxMs: number): Json {
  services.emit({ ev: 'stalling', agent });
  const from = performance.now();
  let seen = existsSync(until);
  while (!seen && performance.now() - from < maxMs) seen = existsSync(until);
  return { seen, ms: Math.round((performance.now() - from) * 10) / 10 };
}

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
  services.emit({ ev: 'uncaught', name: e.name, code: e.code, message: e.message });
});
process.on('unhandledRejection', (reason: unknown) => {
  const e = toWireError(reason);
  services.emit({ ev: 'uncaught', name: e.name, code: e.code, message: e.message });
});

const lines = createInterface({ input: process.stdin, terminal: false });
lines.on('line', (line: string) => {
  void handle(line);
});
lines.on('close', () => process.exit(0));
