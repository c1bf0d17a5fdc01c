/**
 * An agent living in the subject process, behind the `AgentHandle` a case sees (./case-context.ts):
 * requests through it, its `'free'` events, spied calls, and its bookkeeping (`snapshot`) as
 * secondary evidence.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathFor } from '../../fixtures/origin/behaviour.ts';
import {
  type AgentSnapshot,
  type Command,
  decodeValue,
  type EventMessage,
  encodeValue,
  type Json,
  type RequestAction,
  type SocketInfo,
} from '../shared/protocol.ts';
import { SubjectCommandError } from '../shared/subject-process.ts';
import type { AgentHandle, RequestHandle, RequestOptions, Snapshot } from './case-context.ts';
import { Unsupported } from './case-outcome.ts';
import { type Channel, SubjectRequest } from './request.ts';

function total(map: Record<string, SocketInfo[] | number>, name?: string): number {
  const count = (v: SocketInfo[] | number | undefined) => (typeof v === 'number' ? v : (v?.length ?? 0));
  if (name !== undefined) return count(map[name]);
  return Object.values(map).reduce<number>((sum, v) => sum + count(v), 0);
}

/**
 * `--protocol https`: an https agent's pool key is the http name followed by its TLS fields, of which
 * the run's test CA (a PEM) comes first. Cut there, so the core areas see the http part of the name.
 */
export function httpPartOf(name: string): string {
  const at = name.indexOf(':-----BEGIN');
  return at === -1 ? name : name.slice(0, at);
}

function projectKeys<T>(map: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [httpPartOf(k), v]));
}

function toSnapshot(raw: AgentSnapshot, httpNames = false): Snapshot {
  if (httpNames) {
    raw = {
      ...raw,
      sockets: projectKeys(raw.sockets),
      freeSockets: projectKeys(raw.freeSockets),
      requests: projectKeys(raw.requests),
    };
  }
  return {
    ...raw,
    fields: decodeValue(raw.fields as Json) as Record<string, unknown>,
    options: raw.options ? (decodeValue(raw.options as Json) as Record<string, unknown>) : null,
    active: (name?: string) => total(raw.sockets, name),
    free: (name?: string) => total(raw.freeSockets, name),
    queued: (name?: string) => total(raw.requests, name),
  };
}

/**
 * The host refusing an operation the subject cannot do (UNSUPPORTED_CODE, raised by the host itself)
 * means `unsupported`; the same code thrown by subject code is the subject's error.
 */
export function unsupportedOr(err: unknown): unknown {
  if (err instanceof SubjectCommandError && err.unsupported) return new Unsupported(err.wire.message);
  return err;
}

/** The `AgentHandle` of ./case-context.ts, and the routing of the host's events for the agent. */
export class SubjectAgent implements AgentHandle {
  readonly id: string;
  readonly frees: { localPort: number | null; t: number }[] = [];
  readonly calls: Record<string, number> = {};
  /** Calls of the `createConnection` hook: the options each got (primitive fields), and when. */
  readonly connects: { options: Record<string, unknown>; t: number }[] = [];
  readonly keylogs: { localPort: number | null; line: string; t: number }[] = [];
  private readonly channel: Channel;
  private nextRequest = 1;
  /**
   * `--protocol https` only: the test CA every request trusts. Pool keys and getName() results are
   * then reported by their http part (httpPartOf), so the core areas' names still apply.
   */
  private readonly trust: string | null;

  constructor(channel: Channel, id: string, trust: string | null = null) {
    this.channel = channel;
    this.id = id;
    this.trust = trust;
  }

  /** Internal: the case routes the host's events for this agent here. */
  onEvent(event: EventMessage, t: number): void {
    if (event.ev === 'stalling') this.onStalling?.();
    if (event.ev === 'free') this.frees.push({ localPort: event.localPort, t });
    if (event.ev === 'call') this.calls[event.method] = (this.calls[event.method] ?? 0) + 1;
    if (event.ev === 'keylog') this.keylogs.push({ localPort: event.localPort, line: event.line, t });
    if (event.ev === 'createConnection')
      this.connects.push({ options: decodeValue(event.options as Json) as Record<string, unknown>, t });
  }

  private prepare(options: RequestOptions): { handle: SubjectRequest; command: Command } {
    const { origin, behaviour, path, via, ...rest } = options;
    const id = `${this.id}.r${this.nextRequest++}`;
    const handle = new SubjectRequest(this.channel, id, origin, via ?? null);
    this.channel.registerRequest(handle);
    // an https origin: trust its CA unless the case says otherwise; through a fault proxy (TCP
    // level), TLS still runs end to end
    const secure = origin.tls !== null && origin.tls !== undefined;
    const target = via ? (secure ? via.url.replace(/^http:/, 'https:') : via.url) : origin.url;
    const spec = { ...rest, origin: target, path: pathFor(behaviour, path) };
    if (secure) spec.tls = { ...(origin.ca === undefined ? {} : { ca: origin.ca }), ...rest.tls };
    this.channel.note('harness', 'issue', { req: id, origin: origin.label, path: spec.path });
    return { handle, command: { op: 'request', agent: this.id, req: id, spec } };
  }

  /** Issues one request. */
  async request(options: RequestOptions): Promise<RequestHandle> {
    const { handle, command } = this.prepare(options);
    await this.channel.command(command);
    return handle;
  }

  /**
   * Issues several requests in one tick of the subject, optionally followed by a snapshot taken in
   * that same tick (before any socket can connect). The snapshot is null when the subject has no
   * agent state (capability `agentState`): use it as secondary evidence only, under `if (snapshot)`.
   * `first`: actions on earlier requests done in that same tick, before the requests.
   */
  async issue(
    list: RequestOptions[],
    opts: { snapshot?: boolean; first?: [RequestHandle, RequestAction][] } = {},
  ): Promise<{ requests: RequestHandle[]; snapshot: Snapshot | null }> {
    const prepared = list.map((o) => this.prepare(o));
    const acts: Command[] = (opts.first ?? []).map(([r, action]) => ({ op: 'action', req: r.id, action }));
    const commands: Command[] = [...acts, ...prepared.map((p) => p.command)];
    if (opts.snapshot && this.channel.capabilities.agentState !== false)
      commands.push({ op: 'snapshot', agent: this.id });
    const outcomes = await this.channel.batch(commands);
    outcomes.forEach((o, i) => {
      if (!o.ok) throw unsupportedOr(new SubjectCommandError(commands[i]?.op ?? 'batch', o.error));
    });
    const last = outcomes.at(-1);
    const snapshot =
      commands.at(-1)?.op === 'snapshot' && last?.ok
        ? toSnapshot(last.value as unknown as AgentSnapshot, this.trust !== null)
        : null;
    return { requests: prepared.map((p) => p.handle), snapshot };
  }

  /** Set while `issueAfterStall` waits for the subject to report its stall. */
  private onStalling: (() => void) | null = null;

  /**
   * Stalls the subject's event loop (a busy wait: no I/O, no timer runs), runs `during` while it is
   * stalled, then issues `list` in the very turn the stall ends: whatever `during` made a server
   * write is in the kernel's buffers, unread, when the requests go out. Throws a harness error (the
   * case is `error`) when the stall could not be set up: the subject did not report it while it
   * lasted, or it ran out (`maxMs`) before `during` was done.
   */
  async issueAfterStall(
    list: RequestOptions[],
    during: () => Promise<void>,
    maxMs = 1000,
  ): Promise<{ requests: RequestHandle[]; stalledMs: number }> {
    const dir = await mkdtemp(join(tmpdir(), 'agent-conformance-stall-'));
    const flag = join(dir, 'go');
    const prepared = list.map((o) => this.prepare(o));
    const commands: Command[] = [
      { op: 'stall', agent: this.id, until: flag, maxMs },
      ...prepared.map((p) => p.command),
    ];
    const stalling = new Promise<'stalling'>((resolve) => {
      this.onStalling = () => resolve('stalling');
    });
    const sent = this.channel.batch(commands);
    // whatever happens below, the batch is awaited once the stall is over (never left unhandled)
    const over = sent.then(
      () => undefined,
      () => undefined,
    );
    try {
      const first = await Promise.race([stalling, sent]);
      if (first !== 'stalling')
        throw new Error(
          'harness: the subject did not report its stall while it lasted (its stdout is held back while its event loop is blocked)',
        );
      await during();
    } finally {
      this.onStalling = null;
      // ends the stall (at once, or it already ran out), then cleans up once the subject answered
      await writeFile(flag, '');
      await over;
      await rm(dir, { recursive: true, force: true });
    }
    const outcomes = await sent;
    outcomes.forEach((o, i) => {
      if (!o.ok) throw unsupportedOr(new SubjectCommandError(commands[i]?.op ?? 'batch', o.error));
    });
    const head = outcomes[0];
    const stall = (head?.ok ? head.value : null) as { seen: boolean; ms: number } | null;
    this.channel.note('harness', 'stall', { agent: this.id, ...(stall ?? {}) });
    if (!stall?.seen)
      throw new Error(
        `harness: the subject's stall ran out after ${stall?.ms ?? maxMs} ms, before the case's step during it was done`,
      );
    return { requests: prepared.map((p) => p.handle), stalledMs: stall.ms };
  }

  /** The agent's state; `unsupported` for a subject without it (capability `agentState`). */
  async snapshot(): Promise<Snapshot> {
    if (this.channel.capabilities.agentState === false)
      throw new Unsupported('the subject has no agent state to snapshot (capability agentState)');
    return toSnapshot(
      (await this.channel.command({ op: 'snapshot', agent: this.id })) as unknown as AgentSnapshot,
      this.trust !== null,
    );
  }

  /** The agent's state, or null for a subject without it: for secondary evidence. */
  async optionalSnapshot(): Promise<Snapshot | null> {
    return this.channel.capabilities.agentState === false ? null : this.snapshot();
  }

  /** `agent.getName(options)`; `unsupported` for a subject without it (capability `getName`). */
  async getName(options: Record<string, unknown>): Promise<unknown> {
    if (this.channel.capabilities.getName === false)
      throw new Unsupported('the subject has no getName() (capability getName)');
    if (this.trust !== null) {
      const name = decodeValue(
        await this.channel.command({
          op: 'getName',
          agent: this.id,
          options: encodeValue({ ca: this.trust, ...options }),
        }),
      );
      return typeof name === 'string' ? httpPartOf(name) : name;
    }
    return decodeValue(
      await this.channel.command({ op: 'getName', agent: this.id, options: encodeValue(options) }),
    );
  }

  async destroy(): Promise<void> {
    await this.channel.command({ op: 'destroy', agent: this.id });
  }
}
