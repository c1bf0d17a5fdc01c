/**
 * A real server (nginx, Apache httpd, HAProxy) as a case sees it: a request target like an origin
 * (`agent.request({ origin: server, path: server.path('a') })`), and the server's own access log,
 * narrowed to this case. The container is shared by every case of the run, so each case sends its
 * requests under its own path prefix and reads back only the entries under it.
 */
import { readFileSync } from 'node:fs';
import { type AccessEntry, accessEvent, parseAccessLog } from '../../fixtures/containers/access-log.ts';
import type { StartedServer } from '../../fixtures/containers/servers.ts';
import type { WireEvent } from '../../fixtures/wire/record.ts';
import type { ServerKind } from '../shared/container-lane.ts';
import type { RealServer } from './case-context.ts';
import { CaseFailure } from './case-outcome.ts';

export type { AccessEntry } from '../../fixtures/containers/access-log.ts';

/** The `RealServer` of ./case-context.ts: one container's server, narrowed to one case. */
export class ContainerServer implements RealServer {
  readonly kind: ServerKind;
  /** Names the server in the transcript (as an origin's label does). */
  readonly label: string;
  readonly url: string;
  readonly port: number;
  /** `nginx/1.22.1`, `Apache/2.4.62`, `HAProxy/2.6.12-1+deb12u1`. */
  readonly version: string;
  private readonly started: StartedServer;
  private readonly prefix: string;
  /** Traces an entry's wire event at the time the server logged it (ms since the epoch). */
  private readonly onWire: (event: WireEvent, loggedAt: number) => void;
  /** How many of this case's entries are traced already. */
  private traced = 0;

  constructor(
    started: StartedServer,
    caseSeq: number,
    onWire: (event: WireEvent, loggedAt: number) => void = () => {},
  ) {
    this.started = started;
    this.onWire = onWire;
    this.kind = started.kind;
    this.label = started.kind;
    this.url = started.url;
    this.port = started.port;
    this.version = started.version;
    this.prefix = `/c${caseSeq}-${process.pid}/`;
  }

  /** The path to request for `tag`: unique to this case. */
  path(tag: string): string {
    return `${this.prefix}${tag}`;
  }

  /**
   * This case's access-log entries so far, in the order the server wrote them. Each entry read for
   * the first time goes to the case's trace as a `request` wire event, at the time it was logged.
   */
  entries(): AccessEntry[] {
    const list = parseOwn(this.started, this.prefix);
    for (; this.traced < list.length; this.traced++) {
      const e = list[this.traced] as AccessEntry;
      this.onWire(accessEvent(this.label, e), e.time);
    }
    return list;
  }

  /** The entry of the request sent with `path(tag)`, waiting for the server to log it. */
  async entry(tag: string, timeoutMs = 3000): Promise<AccessEntry> {
    const path = this.path(tag);
    const found = await this.poll(() => this.entries().find((e) => e.path === path), timeoutMs);
    if (found === undefined)
      throw new CaseFailure(`${this.kind} logged no request for ${path} within ${timeoutMs} ms`);
    return found;
  }

  /** Waits until the server has logged at least `n` of this case's requests. */
  async logged(n: number, timeoutMs = 3000): Promise<AccessEntry[]> {
    const list = await this.poll(() => {
      const e = this.entries();
      return e.length >= n ? e : undefined;
    }, timeoutMs);
    if (list === undefined)
      throw new CaseFailure(
        `${this.kind} logged ${this.entries().length} of this case's requests within ${timeoutMs} ms, expected ${n}`,
      );
    return list;
  }

  private async poll<T>(check: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const v = check();
      if (v !== undefined || performance.now() >= deadline) return v;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

function parseOwn(started: StartedServer, prefix: string): AccessEntry[] {
  return parseAccessLog(started.kind, started.output()).filter((e) => e.path.startsWith(prefix));
}

/**
 * The servers' open connections as the kernel lists them (`/proc/net/tcp`): the containers share the
 * host's network, so every connection a server accepted shows there as an ESTABLISHED socket whose
 * local port is the server's. Sampled every `everyMs` until `stop()`, which gives, per sample, the
 * client ports connected to any of `servers`; the case narrows them to its own client ports.
 */
export function sampleConnections(
  servers: readonly RealServer[],
  everyMs = 2,
): { stop(): Promise<ConnectionSample[]> } {
  const ports = new Set(servers.map((s) => s.port));
  const samples: ConnectionSample[] = [];
  const take = () => {
    // synchronous: a few ms on a busy host, but a sample is one instant (cases that sample run alone)
    let text = '';
    try {
      text = readFileSync('/proc/net/tcp', 'utf8');
    } catch {
      // no /proc (not Linux): no samples, and the case says so
    }
    const t = performance.now();
    const clients: number[] = [];
    for (const line of text.split('\n').slice(1)) {
      const [, local, remote, state] = line.trim().split(/\s+/);
      if (state !== '01' || local === undefined || remote === undefined) continue;
      if (!ports.has(Number.parseInt(local.slice(local.indexOf(':') + 1), 16))) continue;
      clients.push(Number.parseInt(remote.slice(remote.indexOf(':') + 1), 16));
    }
    samples.push({ t, clients });
  };
  let running = true;
  const loop = (async () => {
    while (running) {
      take();
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return samples;
    },
  };
}

/** One sample of the kernel's table: when it was read (ms, `performance.now()`) and the client ports. */
export interface ConnectionSample {
  t: number;
  clients: number[];
}

/** The most of `clientPorts` connected at once in any one sample, however briefly (the raw peak). */
export function peakOf(samples: readonly ConnectionSample[], clientPorts: ReadonlySet<number>): number {
  return Math.max(0, ...samples.map((s) => s.clients.filter((p) => clientPorts.has(p)).length));
}

/**
 * The connections of `clientPorts` as the samples saw them: each from the first sample that lists it
 * to the last one before it disappears (`closedAt` null when it is in the last sample). A port that
 * disappears and comes back is a new connection. Feed them to `overlapPeak` (suites/wire.ts) to count
 * connections open at once with the same grace for a close/open overlap as the origin's records.
 */
export function sampledConnections(
  samples: readonly ConnectionSample[],
  clientPorts: ReadonlySet<number>,
): { port: number; openedAt: number; closedAt: number | null }[] {
  const done: { port: number; openedAt: number; closedAt: number | null }[] = [];
  const open = new Map<number, { port: number; openedAt: number; lastSeen: number }>();
  for (const { t, clients } of samples) {
    const now = new Set(clients.filter((p) => clientPorts.has(p)));
    for (const [port, c] of open)
      if (!now.has(port)) {
        done.push({ port, openedAt: c.openedAt, closedAt: c.lastSeen });
        open.delete(port);
      }
    for (const port of now) {
      const c = open.get(port);
      if (c) c.lastSeen = t;
      else open.set(port, { port, openedAt: t, lastSeen: t });
    }
  }
  for (const c of open.values()) done.push({ port: c.port, openedAt: c.openedAt, closedAt: null });
  return done;
}
