/**
 * The run behind a case body (`CaseRun`: the runner's and the protocol's side, which no case sees;
 * the body's view of it, `CaseContext`, is in ./case-context.ts): origins on loopback that record
 * the wire, agents living in the subject process, requests whose events arrive as they happen, and
 * waits that re-check a condition on every observation instead of sleeping. Everything a case
 * starts is stopped by `cleanup`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { type ForwardProxy, startForwardProxy } from '../../fixtures/forward-proxy/server.ts';
import { pathFor } from '../../fixtures/origin/behaviour.ts';
import { proxyCert, testCa } from '../../fixtures/origin/certs.ts';
import { type OpenCounter, type Origin, startOrigin } from '../../fixtures/origin/server.ts';
import type { Capabilities } from '../shared/capabilities.ts';
import { areaOf, type CaseSpec } from '../shared/case-spec.ts';
import type { ServerKind } from '../shared/container-lane.ts';
import {
  type AgentHooks,
  type Command,
  type EventMessage,
  encodeValue,
  type Json,
  MESSAGE_PREFIX,
  type Outcome,
  type WireError,
} from '../shared/protocol.ts';
import {
  SubjectCommandError,
  type SubjectProcess,
  SubjectUnavailableError,
} from '../shared/subject-process.ts';
import {
  type NoteTraceEntry,
  TRACE_CAP,
  type TraceEntry,
  type WireEvent,
  wireEntry,
} from '../shared/trace.ts';
import type { Status } from '../shared/verdict.ts';
import { SubjectAgent, unsupportedOr } from './agent.ts';
import type {
  AgentHandle,
  CaseContext,
  ExitProbe,
  ExitProbeEvent,
  ExitProbeOptions,
  ExitProbeRequest,
  ForwardProxyCaseOptions,
  OriginSpec,
  ProxyAgentOptions,
  RealServer,
  StepOutcome,
} from './case-context.ts';
import { BudgetExceeded, CaseFailure, classify, Skip, Unsupported } from './case-outcome.ts';
import { createFaultProxy, type ToxiproxyFaultProxy } from './fault-proxy.ts';
import { ContainerServer } from './real-server.ts';
import type { Channel, SubjectRequest } from './request.ts';
import type { Session } from './session.ts';

/**
 * Areas `--protocol https` leaves alone: `proxy` decides per case whether the target is http: or
 * https: (and how the agent reaches it), `https` is over TLS whatever the flag says.
 */
const OWN_PROTOCOL_AREAS: readonly string[] = ['proxy', 'https'];

let caseSeq = 0;

/** How a case lost its subject process: it exited or crashed, or was killed for not answering. */
export interface SubjectLoss {
  reason: string;
  hung: boolean;
}

export class CaseRun implements CaseContext, Channel {
  readonly spec: CaseSpec;
  readonly wire: OpenCounter = { open: 0, peak: 0 };
  readonly uncaught: { name: string; code: string | null; message: string; t: number }[] = [];
  private readonly session: Session;
  private readonly t0 = performance.now();
  private readonly seq = ++caseSeq;
  private readonly origins: Origin[] = [];
  private readonly proxies: ToxiproxyFaultProxy[] = [];
  private readonly forwardProxies: ForwardProxy[] = [];
  private readonly agents = new Map<string, SubjectAgent>();
  private readonly requests = new Map<string, SubjectRequest>();
  private readonly observations: string[] = [];
  private readonly trace: TraceEntry[] = [];
  private readonly waiters = new Set<() => void>();
  private proc: SubjectProcess | null = null;
  private restarted = false;
  /** `globalProxy()` was called and not yet restored: cleanup restores it. */
  private globalProxySet = false;
  /**
   * `globalProxy()` was called: cleanup retires the subject process, so that a runtime whose restore
   * does not restore (Deno 2.9.6) leaves nothing behind for the next cases.
   */
  private changedProcess = false;
  /** One-shot subject processes of `exitProbe` still running: cleanup kills them. */
  private readonly probes = new Set<ChildProcess>();
  /** The subject process this case used was lost (exited, crashed, killed for not answering). */
  private lost: SubjectLoss | null = null;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(spec: CaseSpec, session: Session) {
    this.spec = spec;
    this.session = session;
  }

  now(): number {
    return performance.now() - this.t0;
  }

  get capabilities(): Capabilities {
    return this.session.capabilities;
  }

  get runtime(): { name: string; version: string } {
    return this.session.config.runtime;
  }

  note(source: NoteTraceEntry['source'], event: string, detail?: Record<string, unknown>): void {
    this.traced({ t: this.traceTime(), source, event, detail });
  }

  /** A fixture's wire event, appended to the trace as it was emitted (at `t`, else now). */
  private noteWire(event: WireEvent, t = this.traceTime()): void {
    this.traced(wireEntry(t, event));
  }

  private traceTime(): number {
    return Math.round(this.now() * 10) / 10;
  }

  private traced(entry: TraceEntry): void {
    if (this.trace.length < TRACE_CAP) this.trace.push(entry);
  }

  private changed(): void {
    for (const w of [...this.waiters]) w();
  }

  /** `--protocol https` applies to every area but those that choose their protocol per case. */
  get protocol(): 'http' | 'https' {
    if (OWN_PROTOCOL_AREAS.includes(areaOf(this.spec.id))) return 'http';
    return this.session.config.protocol ?? 'http';
  }

  async origin(spec: string | OriginSpec = {}): Promise<Origin> {
    const {
      label = String.fromCharCode(65 + this.origins.length),
      socketPath,
      tls = this.protocol === 'https' && !socketPath,
      ignoreRequestClose,
    } = typeof spec === 'string' ? { label: spec } : spec;
    const origin = await startOrigin({
      label,
      now: () => this.now(),
      shared: this.wire,
      tls,
      ...(ignoreRequestClose ? { ignoreRequestClose } : {}),
      ...(socketPath ? { socketPath } : {}),
    });
    this.origins.push(origin);
    origin.on('wire', (e) => this.noteWire(e));
    origin.on('change', () => this.changed());
    return origin;
  }

  /**
   * A fault proxy (a Toxiproxy proxy) in front of `origin` (listening on 127.0.0.1, deleted at the end of the case),
   * driven through toxiproxy-node-client: the embedded server, or `--toxiproxy-url`. An unreachable
   * Toxiproxy makes the case `error`, never `fail`.
   */
  async faultProxy(origin: Origin): Promise<ToxiproxyFaultProxy> {
    const proxy = await createFaultProxy(this.session.faults, origin, this.seq, (event, detail) =>
      this.note('harness', event, detail),
    );
    this.proxies.push(proxy);
    return proxy;
  }

  async forwardProxy(options: ForwardProxyCaseOptions = {}): Promise<ForwardProxy> {
    const label = options.label ?? (this.forwardProxies.length ? `P${this.forwardProxies.length + 1}` : 'P');
    const { tls, ...rest } = options;
    const proxy = await startForwardProxy({
      ...rest,
      label,
      now: () => this.now(),
      ...(tls ? { tls: await proxyCert() } : {}),
    });
    this.forwardProxies.push(proxy);
    proxy.on('wire', (e) => this.noteWire(e));
    proxy.on('change', () => this.changed());
    return proxy;
  }

  async proxyAgent(options: ProxyAgentOptions): Promise<AgentHandle> {
    const caps = this.capabilities;
    if (caps.proxy !== true) throw new Unsupported('the subject makes no proxy agents (capability proxy)');
    if (options.noProxy !== undefined && caps.proxyNoProxy !== true)
      throw new Unsupported('the subject has no NO_PROXY support (capability proxyNoProxy)');
    if (options.env !== undefined && caps.proxyEnv !== true)
      throw new Unsupported('the subject reads no proxy variables (capability proxyEnv)');
    const handle = this.newAgent();
    // https: targets: the agent trusts the test CA (subjects without per-request TLS options, undici,
    // take the origin's CA with the agent options only); a case's own `ca` wins
    const protocol = options.protocol ?? 'http:';
    const agentOptions =
      protocol === 'https:'
        ? { ca: (await testCa()).cert, ...options.agentOptions }
        : (options.agentOptions ?? {});
    const subjectOptions = {
      agentOptions,
      proxy: {
        url: options.proxy ?? '',
        ...(options.noProxy !== undefined ? { noProxy: options.noProxy } : {}),
        ...(options.env !== undefined ? { env: options.env } : {}),
      },
      protocol,
    };
    try {
      await this.command({ op: 'createProxy', agent: handle.id, options: encodeValue(subjectOptions) });
    } catch (err) {
      if (err instanceof SubjectCommandError && !err.hostFault) {
        throw new CaseFailure(`createProxy threw ${err.wire.name}: ${err.wire.message}`);
      }
      throw err;
    }
    return handle;
  }

  async globalProxy(env: Record<string, string>): Promise<() => Promise<void>> {
    if (this.capabilities.globalProxy !== true)
      throw new Unsupported(
        "the runtime's release does not document http.setGlobalProxyFromEnv() (capability globalProxy)",
      );
    if (this.spec.alone !== true)
      throw new Error(`${this.spec.id}: ctx.globalProxy() is process-wide: mark the case alone`);
    try {
      await this.command({ op: 'globalProxy', env });
    } catch (err) {
      if (err instanceof SubjectCommandError && !err.hostFault) {
        throw new CaseFailure(`http.setGlobalProxyFromEnv() threw ${err.wire.name}: ${err.wire.message}`);
      }
      throw err;
    }
    this.globalProxySet = true;
    this.changedProcess = true;
    return async () => {
      this.globalProxySet = false;
      await this.command({ op: 'globalProxy', env: null });
    };
  }

  async exitProbe(requests: ExitProbeRequest[], options: ExitProbeOptions): Promise<ExitProbe> {
    const { host, subject } = this.session.config;
    const urls = requests.map(
      (r) =>
        `${r.useAgent === 'global' ? 'global:' : ''}${r.origin.url}${pathFor(r.behaviour, r.path ?? '/')}`,
    );
    const args = [...host.probeArgs, subject.module, JSON.stringify(options.agentOptions), ...urls];
    const child = spawn(host.executable, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: host.cwd,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...host.env, ...options.env },
    });
    this.probes.add(child);
    child.once('exit', () => this.probes.delete(child));
    this.note('harness', 'exit-probe', { pid: child.pid ?? null, requests: urls.length });
    const events: ExitProbeEvent[] = [];
    let unsupported: string | null = null;
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    return new Promise<ExitProbe>((resolve, reject) => {
      let killer: NodeJS.Timeout | undefined;
      let over = false;
      const stop = (exitedAt: number | null, code: number | null) => {
        if (over) return;
        over = true;
        clearTimeout(deadline);
        clearTimeout(killer);
        if (exitedAt === null) child.kill('SIGKILL');
        this.note('harness', 'exit-probe-end', { exitedAt, code });
        this.changed();
        resolve({ unsupported, events, exitedAt, code, stderr });
      };
      const deadline = setTimeout(() => stop(null, null), options.deadlineMs);
      createInterface({ input: child.stdout }).on('line', (line) => {
        if (!line.startsWith(MESSAGE_PREFIX)) return;
        let msg:
          | (Omit<ExitProbeEvent, 't'> & { reason?: undefined })
          | { ev: 'unsupported'; reason: string; n?: undefined };
        try {
          msg = JSON.parse(line.slice(MESSAGE_PREFIX.length)) as typeof msg;
        } catch {
          return; // not one of the probe's lines
        }
        if (msg.ev === 'unsupported') {
          unsupported = msg.reason;
          return;
        }
        events.push({ ...msg, t: this.now() });
        this.note('client', `probe:${msg.ev}`, { n: msg.n });
        this.changed();
        if (msg.ev === 'close' && msg.n === urls.length) {
          clearTimeout(killer);
          killer = setTimeout(() => stop(null, null), options.exitWithinMs);
        }
      });
      child.once('exit', (code) => stop(this.now(), code));
      // the runtime could not be started at all: the harness's problem, not the subject's
      child.once('error', (err) => {
        if (over) return;
        over = true;
        clearTimeout(deadline);
        clearTimeout(killer);
        reject(new Error(`the probe process could not run: ${err.message}`));
      });
    });
  }

  async server(kind: ServerKind): Promise<RealServer> {
    // a real server's access log says when it logged a request (ms since the epoch): case time is
    // that less the epoch time of this case's start
    const server = new ContainerServer(await this.session.containers.server(kind), this.seq, (e, loggedAt) =>
      this.noteWire(e, Math.round((loggedAt - performance.timeOrigin - this.t0) * 10) / 10),
    );
    this.note('harness', 'server', { kind, url: server.url, version: server.version });
    return server;
  }

  /**
   * The subject process of this case. Once the case has lost one, it gets no other: its agents and
   * requests died with it, so whatever it asks next fails as the loss itself.
   */
  private async subject(): Promise<SubjectProcess> {
    if (this.lost) throw this.lossError(this.lost);
    const proc = await this.session.subject();
    if (this.lost) throw this.lossError(this.lost);
    if (proc !== this.proc) {
      this.proc = proc;
      const onEvent = (e: EventMessage) => this.onSubjectEvent(e);
      const onExit = (reason: string) => {
        this.lost ??= { reason, hung: proc.lostAs === 'hung' };
        this.note('harness', 'subject-exit', { reason });
        this.changed();
      };
      proc.on('event', onEvent);
      proc.on('exit', onExit);
      this.unsubscribe.push(() => {
        proc.off('event', onEvent);
        proc.off('exit', onExit);
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

  registerRequest(handle: SubjectRequest): void {
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

  async settle(): Promise<void> {
    await this.command({ op: 'hello' });
  }

  private newAgent(trust: string | null = null): SubjectAgent {
    const id = `c${this.seq}.a${this.agents.size + 1}`;
    const handle = new SubjectAgent(this, id, trust);
    this.agents.set(id, handle);
    return handle;
  }

  agent(options: Record<string, unknown> = {}, hooks?: AgentHooks): Promise<AgentHandle> {
    if (this.protocol !== 'https') return this.makeAgent(options, hooks, false);
    this.requireHttps();
    return this.makeAgent(options, hooks, true, true);
  }

  httpsAgent(options: Record<string, unknown> = {}, hooks?: AgentHooks): Promise<AgentHandle> {
    this.requireHttps();
    return this.makeAgent(options, hooks, true);
  }

  private requireHttps(): void {
    if (this.capabilities.https === false)
      throw new Unsupported('the subject makes no https agents (capability https)');
  }

  /** The `create` command; an https agent is told the test CA (for subjects without per-request TLS). */
  private async createCommand(
    id: string,
    options: Record<string, unknown>,
    hooks: AgentHooks | undefined,
    https: boolean,
  ): Promise<Command> {
    const command: Command = { op: 'create', agent: id, options: encodeValue(options) };
    if (hooks) command.hooks = hooks;
    if (https) {
      command.https = true;
      command.trust = (await testCa()).cert;
    }
    return command;
  }

  private async makeAgent(
    options: Record<string, unknown>,
    hooks: AgentHooks | undefined,
    https: boolean,
    httpNames = false,
  ): Promise<AgentHandle> {
    const handle = this.newAgent(httpNames ? (await testCa()).cert : null);
    try {
      await this.command(await this.createCommand(handle.id, options, hooks, https));
    } catch (err) {
      if (err instanceof SubjectCommandError && !err.hostFault) {
        throw new CaseFailure(
          `${https ? 'createHttpsAgent' : 'createAgent'}(${describeOptions(options)}) threw ${err.wire.name}: ${err.wire.message}`,
        );
      }
      throw err;
    }
    return handle;
  }

  async tryAgent(
    options: Record<string, unknown>,
  ): Promise<{ ok: true; agent: AgentHandle } | { ok: false; error: WireError }> {
    const https = this.protocol === 'https';
    if (https) this.requireHttps();
    const handle = this.newAgent(https ? (await testCa()).cert : null);
    try {
      await this.command(await this.createCommand(handle.id, options, undefined, https));
      return { ok: true, agent: handle };
    } catch (err) {
      this.agents.delete(handle.id);
      if (err instanceof SubjectCommandError && !err.hostFault) return { ok: false, error: err.wire };
      throw err;
    }
  }

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
        } else {
          const loss = this.currentLoss();
          if (loss) {
            finish();
            reject(this.lossError(loss));
          }
        }
      };
      timer = setTimeout(() => {
        finish();
        reject(new CaseFailure(`waited ${timeoutMs} ms for ${what}: it did not happen`));
      }, timeoutMs);
      this.waiters.add(attempt);
      attempt();
    });
  }

  async observeFor(ms: number): Promise<void> {
    this.note('harness', 'observe', { ms });
    await new Promise((r) => setTimeout(r, ms));
    const loss = this.currentLoss();
    if (loss) throw this.lossError(loss);
  }

  async mayFail<T>(step: Promise<T>): Promise<StepOutcome<T>> {
    try {
      return { ok: true, value: await step };
    } catch (err) {
      const { status, message } = classify(err);
      if (status !== 'fail') throw err;
      const code = err instanceof SubjectCommandError ? err.code : null;
      this.note('harness', 'step-failed', { message, code });
      return { ok: false, message, code };
    }
  }

  /** The loss of the subject process this case used, if it was lost (seen even before its exit event). */
  private currentLoss(): SubjectLoss | null {
    if (this.lost) return this.lost;
    const proc = this.proc;
    if (proc && !proc.alive)
      this.lost = { reason: proc.deadReason ?? 'the subject process is gone', hung: proc.lostAs === 'hung' };
    return this.lost;
  }

  private lossError(loss: SubjectLoss): SubjectUnavailableError {
    return new SubjectUnavailableError(loss.hung ? 'hung' : 'exited', loss.reason);
  }

  observe(text: string): void {
    this.observations.push(text);
  }

  private readonly variants: string[] = [];

  variant(text: string): void {
    this.variants.push(text);
  }

  variantText(): string | null {
    return this.variants.length ? this.variants.join('; ') : null;
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

  /**
   * Stops the case's origins and forgets its agents. Returns how the subject was lost, when it was at
   * any moment of the case (its body or this clean-up): the runner then does not trust the body's
   * verdict.
   */
  async cleanup(status: Status): Promise<SubjectLoss | null> {
    this.waiters.clear();
    const proc = this.proc;
    if (this.restarted) this.lost ??= { reason: `the case exceeded its budget`, hung: true };
    if (proc?.alive && !this.lost && this.globalProxySet) {
      this.globalProxySet = false;
      await proc.call({ op: 'globalProxy', env: null }, 2000).catch((err: Error) => {
        this.note('harness', 'global-proxy-restore-failed', { error: err.message });
      });
    }
    if (proc?.alive && !this.lost && this.agents.size > 0) {
      try {
        await proc.batch(
          [...this.agents.keys()].map((agent) => ({ op: 'forget', agent })),
          2000,
        );
      } catch (err) {
        // only a lost process rejects (a hung one was killed by the call's own timeout)
        this.lost ??= {
          reason: `cleanup failed: ${(err as Error).message}`,
          hung: !(err instanceof SubjectUnavailableError) || err.kind === 'hung',
        };
      }
    }
    const lost = this.currentLoss();
    if (this.changedProcess && proc?.alive && !lost)
      this.session.retire(`${this.spec.id} changed the process's global agents`);
    for (const child of this.probes) child.kill('SIGKILL');
    this.probes.clear();
    for (const off of this.unsubscribe) off();
    await this.removeProxies();
    await Promise.all(this.forwardProxies.map((p) => p.stop()));
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
