/**
 * The containers of one suite process (owned by the session): the real servers of the `servers` area
 * and, with `--toxiproxy container`, the fault proxy. Each starts once, on first use (or in
 * `warmUp()` before the first case), is shared by every case, and is stopped when the session closes.
 * fixtures/containers stops them on SIGINT, SIGTERM and exit too, and sweeps what a killed process
 * left behind. The images were prepared by the parent (RunConfig.containers).
 */
import type { StartedContainer, StartedServer } from '../../fixtures/containers/index.ts';
import {
  type ContainerLane,
  type ContainerStarted,
  NO_LANE_REASON,
  SERVER_KINDS,
  type ServerKind,
} from '../shared/container-lane.ts';
import { EnvironmentError, Skip } from './case-outcome.ts';

export class ContainerUnavailable extends EnvironmentError {
  override name = 'ContainerUnavailable';
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n').find((l) => l.trim() !== '') ?? text;
}

export class ContainerService {
  readonly lane: ContainerLane | null;
  private readonly servers = new Map<ServerKind, Promise<StartedServer>>();
  private toxiproxyStart: Promise<StartedContainer> | null = null;
  private readonly started: StartedContainer[] = [];
  private readonly report: (c: ContainerStarted) => void;
  private closed = false;

  constructor(lane: ContainerLane | undefined, report: (c: ContainerStarted) => void) {
    this.lane = lane ?? null;
    this.report = report;
  }

  /** The server, started on first use; `skip` in a run without the lane, `error` if it cannot start. */
  server(kind: ServerKind): Promise<StartedServer> {
    if (this.lane?.servers == null) return Promise.reject(new Skip(NO_LANE_REASON));
    let p = this.servers.get(kind);
    if (p === undefined) {
      p = this.track(import('../../fixtures/containers/index.ts').then((m) => m.startServer(kind)));
      this.servers.set(kind, p);
    }
    return p.catch((err: unknown) => {
      throw new ContainerUnavailable(`${kind} did not start: ${firstLine(err)}`);
    });
  }

  /** `--toxiproxy container`: the API URL of the Toxiproxy container (started on first use). */
  async toxiproxyUrl(): Promise<string> {
    const tp = this.lane?.toxiproxy;
    if (!tp) throw new ContainerUnavailable('no Toxiproxy container in this run');
    this.toxiproxyStart ??= this.track(
      import('../../fixtures/containers/index.ts').then((m) =>
        tp.standIn ? m.startToxiproxyContainer() : m.startToxiproxyImage(tp.image),
      ),
    );
    return (await this.toxiproxyStart).url;
  }

  /** Starts the lane's servers before the first case, so no case spends its budget on a start. */
  async warmUp(): Promise<void> {
    if (this.lane?.servers == null) return;
    await Promise.all(SERVER_KINDS.map((k) => this.server(k).catch(() => {})));
  }

  private track<T extends StartedContainer>(p: Promise<T>): Promise<T> {
    return p.then(async (c) => {
      this.started.push(c);
      if (this.closed) await c.stop();
      else this.report({ kind: c.kind, image: c.image, version: c.version });
      return c;
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const pending = [...this.servers.values(), ...(this.toxiproxyStart ? [this.toxiproxyStart] : [])];
    await Promise.allSettled(pending);
    await Promise.allSettled(this.started.map((c) => c.stop()));
  }
}
