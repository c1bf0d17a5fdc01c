/**
 * What a case body works with: origins on loopback that record the wire, agents living in the
 * subject process, requests whose events arrive as they happen, and waits that re-check a condition
 * on every observation instead of sleeping. Everything a case starts is stopped by `cleanup`.
 */
import { type Behaviour, pathFor } from '../../fixtures/origin/behaviour.ts';
import type { ConnectionRecord } from '../../fixtures/origin/log.ts';
import { type OpenCounter, type Origin, startOrigin, type WireEvent } from '../../fixtures/origin/server.ts';
import type { Status, TraceEntry } from '../parent/report/types.ts';
import {
  type AgentHooks,
  type AgentSnapshot,
  type Command,
  decodeValue,
  type EventMessage,
  encodeValue,
  type Json,
  type Outcome,
  type RequestAction,
  type RequestSpec,
  type SocketInfo,
  UNSUPPORTED_CODE,
  type WireError,
} from '../shared/protocol.ts';
import {
  SubjectCommandError,
  type SubjectProcess,
  SubjectUnavailableError,
} from '../shared/subject-process.ts';
import type { CaseSpec } from './case.ts';
import { createFaultProxy, type FaultProxy } from './fault-proxy.ts';
import type { Session } from './session.ts';
import { BudgetExceeded, CaseFailure, Skip, Unsupported } from './verdict.ts';

const MAX_TRACE = 500;
let caseSeq = 0;

export interface RequestOptions extends Omit<RequestSpec, 'origin' | 'path'> {
  origin: Origin;
  /**
   * Send the request through this fault proxy (`ctx.proxy(origin)`) instead of straight to the origin.
   * The origin then sees the proxy's connections: `RequestHandle.connection` is unknown.
   */
  via?: FaultProxy;
  /** What the origin does for this request (becomes the query string). */
  behaviour?: Behaviour;
  /** Path before the query string. */
  path?: string;
}

/** Agent state as the subject reports it, with counts per pool key for convenience. */
export interface Snapshot extends Omit<AgentSnapshot, 'fields' | 'options'> {
  fields: Record<string, unknown>;
  options: Record<string, unknown> | null;
  /** Sockets per key in `sockets` / `freeSockets`, queued requests per key. */
  active(name?: string): number;
  free(name?: string): number;
  queued(name?: string): number;
}

function total(map: Record<string, SocketInfo[] | number>, name?: string): number {
  const count = (v: SocketInfo[] | number | undefined) => (typeof v === 'number' ? v : (v?.length ?? 0));
  if (name !== undefined) return count(map[name]);
  return Object.values(map).reduce<number>((sum, v) => sum + count(v), 0);
}

export class RequestHandle {
  readonly id: string;
  readonly origin: Origin;
  readonly events: EventMessage[] = [];
  /** Every `'socket'` event (more than one if the subject retried on another socket). */
  readonly sockets: {
    localPort: number | null;
    reusedSocket: boolean;
    socketTimeout: number | null;
    t: number;
  }[] = [];
  response: {
    status: number;
    headers: Record<string, string | string[]>;
    reusedSocket: boolean;
    t: number;
  } | null = null;
  ended: { bodyLength: number; body: string; t: number } | null = null;
  error: { code: string | null; message: string; reusedSocket: boolean; t: number } | null = null;
  closed: { t: number } | null = null;
  readonly timeouts: number[] = [];
  /** The fault proxy the request went through, if any. */
  readonly via: FaultProxy | null;
  private readonly ctx: CaseContext;

  constructor(ctx: CaseContext, id: string, origin: Origin, via: FaultProxy | null = null) {
    this.ctx = ctx;
    this.id = id;
    this.origin = origin;
    this.via = via;
  }

  /** The first socket the request was given. */
  get socket(): RequestHandle['sockets'][number] | null {
    return this.sockets[0] ?? null;
  }

  /** The request has finished one way or the other (`'close'` or `'error'`). */
  get settled(): boolean {
    return this.closed !== null || this.error !== null;
  }

  /**
   * The origin's record of the connection that carried this request (by the client's port). Unknown
   * through a proxy: the origin sees the proxy's port, not the client's.
   */
  get connection(): ConnectionRecord | undefined {
    if (this.via) return undefined;
    const port = this.sockets.at(-1)?.localPort ?? null;
    return this.origin.connectionByPort(port);
  }

  onEvent(event: EventMessage, t: number): void {
    this.events.push(event);
    switch (event.ev) {
      case 'socket':
        this.sockets.push({
          localPort: event.localPort,
          reusedSocket: event.reusedSocket,
          socketTimeout: event.socketTimeout,
          t,
        });
        break;
      case 'response':
        this.response = { status: event.status, headers: event.headers, reusedSocket: event.reusedSocket, t };
        break;
      case 'end':
        this.ended = { bodyLength: event.bodyLength, body: event.body, t };
        break;
      case 'error':
        this.error = { code: event.code, message: event.message, reusedSocket: event.reusedSocket, t };
        break;
      case 'close':
        this.closed = { t };
        break;
      case 'timeout':
        this.timeouts.push(t);
        break;
    }
  }

  /** Waits until the request settles (`'close'` or `'error'`). */
  done(timeoutMs = 3000): Promise<this> {
    return this.ctx.waitFor(`request ${this.id} to settle`, () => this.settled && this, timeoutMs);
  }

  /** Waits for the response to be fully read (`'end'`). */
  completed(timeoutMs = 3000): Promise<this> {
    return this.ctx.waitFor(
      `request ${this.id} to complete`,
      () => {
        if (this.error)
          throw new CaseFailure(`request ${this.id} failed: ${this.error.code ?? ''} ${this.error.message}`);
        return this.ended !== null && this;
      },
      timeoutMs,
    );
  }

  /** Waits for the response head. */
  responded(timeoutMs = 3000): Promise<this> {
    return this.ctx.waitFor(`a response to ${this.id}`, () => this.response !== null && this, timeoutMs);
  }

  /** Waits until the request has a socket with a known local port. */
  assigned(timeoutMs = 3000): Promise<this> {
    return this.ctx.waitFor(
      `request ${this.id} to get a socket`,
      () => this.sockets.length > 0 && this,
      timeoutMs,
    );
  }

  act(action: RequestAction): Promise<void> {
    return this.ctx.command({ op: 'action', req: this.id, action }).then(() => undefined);
  }
}

export class AgentHandle {
  readonly id: string;
  readonly frees: { localPort: number | null; t: number }[] = [];
  readonly calls: Record<string, number> = {};
  private readonly ctx: CaseContext;
  private nextRequest = 1;

  constructor(ctx: CaseContext, id: string) {
    this.ctx = ctx;
    this.id = id;
  }

  onEvent(event: EventMessage, t: number): void {
    if (event.ev === 'free') this.frees.push({ localPort: event.localPort, t });
    if (event.ev === 'call') this.calls[event.method] = (this.calls[event.method] ?? 0) + 1;
  }

  private prepare(options: RequestOptions): { handle: RequestHandle; command: Command } {
    const { origin, behaviour, path, via, ...rest } = options;
    const id = `${this.id}.r${this.nextRequest++}`;
    const handle = new RequestHandle(this.ctx, id, origin, via ?? null);
    this.ctx.registerRequest(handle);
    const spec: RequestSpec = { ...rest, origin: via?.url ?? origin.url, path: pathFor(behaviour, path) };
    return { handle, command: { op: 'request', agent: this.id, req: id, spec } };
  }

  /** Issues one request. */
  async request(options: RequestOptions): Promise<RequestHandle> {
    const { handle, command } = this.prepare(options);
    await this.ctx.command(command);
    return handle;
  }

  /**
   * Issues several requests in one tick of the subject, optionally followed by a snapshot taken in
   * that same tick (before any socket can connect). The snapshot is null when the subject has no
   * agent state (capability `agentState`): use it as secondary evidence only, under `if (snapshot)`.
   */
  async issue(
    list: RequestOptions[],
    opts: { snapshot?: boolean } = {},
  ): Promise<{ requests: RequestHandle[]; snapshot: Snapshot | null }> {
    const prepared = list.map((o) => this.prepare(o));
    const commands: Command[] = prepared.map((p) => p.command);
    if (opts.snapshot && this.ctx.capabilities.agentState !== false)
      commands.push({ op: 'snapshot', agent: this.id });
    const outcomes = await this.ctx.batch(commands);
    outcomes.forEach((o, i) => {
      if (!o.ok) throw unsupportedOr(new SubjectCommandError(commands[i]?.op ?? 'batch', o.error));
    });
    const last = outcomes.at(-1);
    const snapshot =
      commands.at(-1)?.op === 'snapshot' && last?.ok
        ? toSnapshot(last.value as unknown as AgentSnapshot)
        : null;
    return { requests: prepared.map((p) => p.handle), snapshot };
  }

  /** The agent's state; `unsupported` for a subject without it (capability `agentState`). */
  async snapshot(): Promise<Snapshot> {
    if (this.ctx.capabilities.agentState === false)
      throw new Unsupported('the subject has no agent state to snapshot (capability agentState)');
    return toSnapshot(
      (await this.ctx.command({ op: 'snapshot', agent: this.id })) as unknown as AgentSnapshot,
    );
  }

  /** The agent's state, or null for a subject without it: for secondary evidence. */
  async optionalSnapshot(): Promise<Snapshot | null> {
    return this.ctx.capabilities.agentState === false ? null : this.snapshot();
  }

  /** `agent.getName(options)`; `unsupported` for a subject without it (capability `getName`). */
  async getName(options: Record<string, unknown>): Promise<unknown> {
    if (this.ctx.capabilities.getName === false)
      throw new Unsupported('the subject has no getName() (capability getName)');
    return decodeValue(
      await this.ctx.command({ op: 'getName', agent: this.id, options: encodeValue(options) }),
    );
  }

  async destroy(): Promise<void> {
    await this.ctx.command({ op: 'destroy', agent: this.id });
  }
}

/** A reply refusing an operation the subject cannot do (UNSUPPORTED_CODE) means `unsupported`. */
function unsupportedOr(err: unknown): unknown {
  if (err instanceof SubjectCommandError && err.code === UNSUPPORTED_CODE)
    return new Unsupported(err.wire.message);
  return err;
}

function toSnapshot(raw: AgentSnapshot): Snapshot {
  return {
    ...raw,
    fields: decodeValue(raw.fields as Json) as Record<string, unknown>,
    options: raw.options ? (decodeValue(raw.options as Json) as Record<string, unknown>) : null,
    active: (name?: string) => total(raw.sockets, name),
    free: (name?: string) => total(raw.freeSockets, name),
    queued: (name?: string) => total(raw.requests, name),
  };
}

export class CaseContext {
  readonly spec: CaseSpec;
  /** Connections open across all of this case's origins, and their peak. */
  readonly wire: OpenCounter = { open: 0, peak: 0 };
  /** Errors that escaped to the subject process's top level during this case. */
  readonly uncaught: { name: string; code: string | null; message: string; t: number }[] = [];
  private readonly session: Session;
  private readonly t0 = performance.now();
  private readonly seq = ++caseSeq;
  private readonly origins: Origin[] = [];
  private readonly proxies: FaultProxy[] = [];
  private readonly agents = new Map<string, AgentHandle>();
  private readonly requests = new Map<string, RequestHandle>();
  private readonly observations: string[] = [];
  private readonly trace: TraceEntry[] = [];
  private readonly waiters = new Set<() => void>();
  private proc: SubjectProcess | null = null;
  private restarted = false;

  constructor(spec: CaseSpec, session: Session) {
    this.spec = spec;
    this.session = session;
  }

  /** Milliseconds since the case started. */
  now(): number {
    return performance.now() - this.t0;
  }

  get capabilities(): Record<string, boolean> {
    return this.session.capabilities;
  }

  get runtime(): { name: string; version: string } {
    return this.session.config.runtime;
  }

  private note(source: TraceEntry['source'], event: string, detail?: Record<string, unknown>): void {
    if (this.trace.length < MAX_TRACE)
      this.trace.push({ t: Math.round(this.now() * 10) / 10, source, event, detail });
  }

  private changed(): void {
    for (const w of [...this.waiters]) w();
  }

  /** Starts an origin on 127.0.0.1 (stopped at the end of the case). */
  async origin(label = String.fromCharCode(65 + this.origins.length)): Promise<Origin> {
    const origin = await startOrigin({ label, now: () => this.now(), shared: this.wire });
    this.origins.push(origin);
    origin.on('wire', (e: WireEvent) => {
      if (e.kind === 'open' || e.kind === 'close') {
        const c = e.connection;
        this.note('server', `${origin.label}:${e.kind}`, {
          connection: c.id,
          port: c.remotePort,
          ...(e.kind === 'close' ? { by: c.closedBy, how: c.closeKind } : {}),
        });
      } else {
        const r = e.request;
        this.note('server', `${origin.label}:${e.kind}`, {
          connection: r.connection,
          nth: r.nth,
          path: r.path,
        });
      }
    });
    origin.on('change', () => this.changed());
    return origin;
  }

  /**
   * A Toxiproxy proxy in front of `origin` (listening on 127.0.0.1, deleted at the end of the case),
   * driven through toxiproxy-node-client: the embedded server, or `--toxiproxy-url`. Send requests
   * through it with `via`. An unreachable Toxiproxy makes the case `error`, never `fail`.
   */
  async proxy(origin: Origin): Promise<FaultProxy> {
    const proxy = await createFaultProxy(this.session.faults, origin, this.seq, (event, detail) =>
      this.note('harness', event, detail),
    );
    this.proxies.push(proxy);
    return proxy;
  }

  private async subject(): Promise<SubjectProcess> {
    const proc = await this.session.subject();
    if (proc !== this.proc) {
      this.proc = proc;
      proc.on('event', (e) => this.onSubjectEvent(e));
      proc.on('exit', (reason) => {
        this.note('harness', 'subject-exit', { reason });
        this.changed();
      });
    }
    return proc;
  }

  private onSubjectEvent(e: EventMessage): void {
    const t = this.now();
    const { type: _type, t: _t, ...detail } = e;
    if ('req' in e) {
      const handle = this.requests.get(e.req);
      if (!handle) return;
      handle.onEvent(e, t);
    } else if ('agent' in e) {
      const handle = this.agents.get(e.agent);
      if (!handle) return;
      handle.onEvent(e, t);
    } else if (e.ev === 'uncaught') {
      this.uncaught.push({ name: e.name, code: e.code, message: e.message, t });
    }
    this.note('client', e.ev, detail);
    this.changed();
  }

  registerRequest(handle: RequestHandle): void {
    this.requests.set(handle.id, handle);
  }

  async command(command: Command, timeoutMs?: number): Promise<Json> {
    const proc = await this.subject();
    return proc.call(command, timeoutMs).catch((err: unknown) => {
      throw unsupportedOr(err);
    });
  }

  async batch(commands: Command[]): Promise<Outcome[]> {
    return (await this.subject()).batch(commands);
  }

  /** Creates an agent in the subject. A factory that throws fails the case. */
  async agent(options: Record<string, unknown> = {}, hooks?: AgentHooks): Promise<AgentHandle> {
    const id = `c${this.seq}.a${this.agents.size + 1}`;
    const handle = new AgentHandle(this, id);
    this.agents.set(id, handle);
    try {
      await this.command({ op: 'create', agent: id, options: encodeValue(options), hooks });
    } catch (err) {
      if (err instanceof SubjectCommandError) {
        throw new CaseFailure(
          `createAgent(${describeOptions(options)}) threw ${err.wire.name}: ${err.wire.message}`,
        );
      }
      throw err;
    }
    return handle;
  }

  /** Creates an agent and reports whether the factory threw, for validation cases. */
  async tryAgent(
    options: Record<string, unknown>,
  ): Promise<{ ok: true; agent: AgentHandle } | { ok: false; error: WireError }> {
    const id = `c${this.seq}.a${this.agents.size + 1}`;
    const handle = new AgentHandle(this, id);
    this.agents.set(id, handle);
    try {
      await this.command({ op: 'create', agent: id, options: encodeValue(options) });
      return { ok: true, agent: handle };
    } catch (err) {
      this.agents.delete(id);
      if (err instanceof SubjectCommandError) return { ok: false, error: err.wire };
      throw err;
    }
  }

  /**
   * Resolves with the first truthy value of `check`, re-evaluated on every observation. Fails the
   * case if nothing satisfies it within `timeoutMs`; `what` says what was expected.
   */
  waitFor<T>(what: string, check: () => T | false | null | undefined, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(attempt);
      };
      const attempt = () => {
        let value: T | false | null | undefined;
        try {
          value = check();
        } catch (err) {
          finish();
          reject(err);
          return;
        }
        if (value) {
          finish();
          resolve(value);
        } else if (this.proc && !this.proc.alive) {
          finish();
          reject(
            new SubjectUnavailableError('exited', this.proc.deadReason ?? 'the subject process is gone'),
          );
        }
      };
      timer = setTimeout(() => {
        finish();
        reject(new CaseFailure(`expected ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(attempt);
      attempt();
    });
  }

  /** Lets time pass on purpose, to see that something does NOT happen. */
  async observeFor(ms: number): Promise<void> {
    this.note('harness', 'observe', { ms });
    await new Promise((r) => setTimeout(r, ms));
    if (this.proc && !this.proc.alive)
      throw new SubjectUnavailableError('exited', this.proc.deadReason ?? 'subject gone');
  }

  /** Records an observation for the report (`observed`). */
  observe(text: string): void {
    this.observations.push(text);
  }

  unsupported(reason: string): never {
    throw new Unsupported(reason);
  }

  skip(reason: string): never {
    throw new Skip(reason);
  }

  fail(message: string): never {
    throw new CaseFailure(message);
  }

  /** Runs the body, turning a blown budget into BudgetExceeded (and a fresh subject next time). */
  async withBudget(ms: number, body: () => Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const running = body();
    running.catch(() => {
      // if the budget won the race, a late rejection of the body is expected and irrelevant
    });
    const budget = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.restarted = true;
        this.session.restart(`case ${this.spec.id} exceeded its budget`);
        reject(new BudgetExceeded(`the case did not finish within its ${ms} ms budget`));
      }, ms);
    });
    try {
      await Promise.race([running, budget]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops the case's origins and forgets its agents. Returns true when the subject was lost. */
  async cleanup(status: Status): Promise<boolean> {
    this.waiters.clear();
    const proc = this.proc;
    let lost = this.restarted || (proc !== null && !proc.alive);
    if (proc?.alive) {
      try {
        await proc.batch(
          [...this.agents.keys()].map((agent) => ({ op: 'forget', agent })),
          2000,
        );
      } catch {
        lost = true;
        this.session.restart(`cleanup after ${this.spec.id} failed`);
      }
    }
    await this.removeProxies();
    await Promise.all(this.origins.map((o) => o.stop()));
    this.note('harness', 'end', { status });
    return lost;
  }

  /** Deletes the case's proxies (best effort, bounded: a sleeping reset_peer can hold up a DELETE). */
  private async removeProxies(): Promise<void> {
    if (this.proxies.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const removals = Promise.all(
      this.proxies.map((p) =>
        p.remove().catch((err: Error) => this.note('harness', 'proxy-remove-failed', { error: err.message })),
      ),
    );
    await Promise.race([removals, new Promise<void>((r) => (timer = setTimeout(r, 2000)))]);
    clearTimeout(timer);
  }

  observedText(): string | null {
    return this.observations.length ? this.observations.join('; ') : null;
  }

  traceEntries(): TraceEntry[] {
    return this.trace;
  }
}

function describeOptions(options: Record<string, unknown>): string {
  const parts = Object.entries(options).map(
    ([k, v]) => `${k}: ${typeof v === 'string' ? `'${v}'` : String(v)}`,
  );
  return parts.length ? `{ ${parts.join(', ')} }` : '{}';
}
