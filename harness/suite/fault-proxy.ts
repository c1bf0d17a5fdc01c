/**
 * The fault proxy a suite process drives: an external Toxiproxy named by `--toxiproxy-url`, or else
 * ONE embedded server (fixtures/toxiproxy) started in this process on first use and stopped when the
 * session closes. Every proxy and every fault goes through toxiproxy-node-client, whichever server
 * is behind it, so the same cases run against a real Toxiproxy unchanged.
 */
import { type Proxy as ClientProxy, type Toxic, type ToxicType, Toxiproxy } from 'toxiproxy-node-client';
import type { Origin } from '../../fixtures/origin/server.ts';
import { type StartedToxiproxy, startToxiproxy } from '../../fixtures/toxiproxy/server.ts';
import type { FaultProxy, ToxicOptions } from './case-context.ts';
import { EnvironmentError } from './case-outcome.ts';

/** How long the first API call to an external Toxiproxy may take before it counts as unreachable. */
const PROBE_MS = 2000;

/** The Toxiproxy could not be reached or used: the harness's environment, never the subject. */
export class ToxiproxyUnavailable extends EnvironmentError {
  override name = 'ToxiproxyUnavailable';
}

function reason(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  const cause = e?.cause?.code ?? e?.cause?.message;
  return `${e?.message ?? String(err)}${cause ? ` (${cause})` : ''}`;
}

/** One per suite process (owned by the session). */
export class FaultProxyService {
  /** `--toxiproxy-url`, or null for the embedded server. */
  readonly external: string | null;
  private embedded: StartedToxiproxy | null = null;
  private ready: Promise<Toxiproxy> | null = null;
  private closed = false;

  /** `--toxiproxy container`: starts the container (once) and gives its API URL. */
  private readonly container: (() => Promise<string>) | null;

  constructor(external?: string, container?: () => Promise<string>) {
    this.external = external ?? null;
    this.container = container ?? null;
  }

  /** What to name in messages. */
  describe(): string {
    if (this.external) return `the Toxiproxy at ${this.external}`;
    return this.container ? 'the Toxiproxy container' : 'the embedded Toxiproxy';
  }

  /** The client, connected on first use; a failure is remembered (every later case errors at once). */
  client(): Promise<Toxiproxy> {
    this.ready ??= this.connect();
    return this.ready;
  }

  private async connect(): Promise<Toxiproxy> {
    if (this.closed) throw new ToxiproxyUnavailable('the session is closed');
    if (this.external === null && this.container !== null) {
      let url: string;
      try {
        url = await this.container();
      } catch (err) {
        throw new ToxiproxyUnavailable(`the Toxiproxy container did not start: ${reason(err)}`);
      }
      return new Toxiproxy(url);
    }
    if (this.external === null) {
      try {
        this.embedded = await startToxiproxy();
      } catch (err) {
        throw new ToxiproxyUnavailable(`the embedded Toxiproxy did not start: ${reason(err)}`);
      }
      return new Toxiproxy(this.embedded.url);
    }
    const client = new Toxiproxy(this.external);
    let timer: NodeJS.Timeout | undefined;
    try {
      const version = await Promise.race([
        client.getVersion(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_MS} ms`)), PROBE_MS);
        }),
      ]);
      if (!/"version"/.test(version)) throw new Error(`GET /version answered ${JSON.stringify(version)}`);
    } catch (err) {
      throw new ToxiproxyUnavailable(`the Toxiproxy at ${this.external} is unreachable: ${reason(err)}`);
    } finally {
      clearTimeout(timer);
    }
    return client;
  }

  /** Stops the embedded server, if one was started (an external one is left alone). */
  async close(): Promise<void> {
    this.closed = true;
    const embedded = this.embedded;
    this.embedded = null;
    await embedded?.stop();
  }
}

type Note = (event: string, detail?: Record<string, unknown>) => void;

/**
 * The `FaultProxy` of ./case-context.ts (a proxy in front of one origin, for one case), and its
 * removal at the end of the case.
 */
export class ToxiproxyFaultProxy implements FaultProxy {
  readonly name: string;
  readonly origin: Origin;
  /** `http://127.0.0.1:<port>`: where requests sent `via` this proxy go. */
  readonly url: string;
  readonly port: number;
  /** The toxiproxy-node-client proxy (replaced by `enable()`/`disable()`, which return a fresh one). */
  client: ClientProxy;
  private readonly toxics = new Map<string, Toxic<unknown>>();
  private readonly note: Note;
  private removed = false;

  constructor(client: ClientProxy, origin: Origin, note: Note) {
    this.client = client;
    this.name = client.name;
    this.origin = origin;
    this.note = note;
    const listen = client.listen;
    this.port = Number(listen.slice(listen.lastIndexOf(':') + 1));
    this.url = `http://127.0.0.1:${this.port}`;
  }

  /** Adds a toxic (it applies at once to the open connections and to every later one). */
  async addToxic<T>(type: ToxicType, attributes: T, options: ToxicOptions = {}): Promise<Toxic<T>> {
    const stream = options.stream ?? 'downstream';
    const name = options.name ?? `${type}_${stream}`;
    const toxic = await this.client.addToxic<T>({
      name,
      type,
      stream,
      toxicity: options.toxicity ?? 1,
      attributes,
    });
    this.toxics.set(name, toxic as Toxic<unknown>);
    this.note('toxic-added', { proxy: this.name, toxic: name, type, stream, attributes });
    return toxic;
  }

  async removeToxic(name: string): Promise<void> {
    const toxic = this.toxics.get(name) ?? (await this.client.getToxic(name));
    await toxic.remove();
    this.toxics.delete(name);
    this.note('toxic-removed', { proxy: this.name, toxic: name });
  }

  /** Toxiproxy's "down": closes the listener (new connects are refused), then every open connection. */
  async disable(): Promise<void> {
    await this.setEnabled(false);
  }

  /** Listens again on the same address. */
  async enable(): Promise<void> {
    await this.setEnabled(true);
  }

  private async setEnabled(enabled: boolean): Promise<void> {
    // the resolved listen address: sending 127.0.0.1:0 again would move the proxy to a new port
    this.client = await this.client.update({
      enabled,
      listen: `127.0.0.1:${this.port}`,
      upstream: this.client.upstream,
    });
    this.note(enabled ? 'proxy-enabled' : 'proxy-disabled', { proxy: this.name });
  }

  /** Deletes the proxy (closing its connections); called by the case cleanup. */
  async remove(): Promise<void> {
    if (this.removed) return;
    this.removed = true;
    await this.client.remove();
  }
}

let proxySeq = 0;

/** Creates a proxy for `origin` on a free loopback port, named uniquely across processes and cases. */
export async function createFaultProxy(
  service: FaultProxyService,
  origin: Origin,
  caseSeq: number,
  note: Note,
): Promise<ToxiproxyFaultProxy> {
  const client = await service.client();
  const name = `agent-conformance-${process.pid}-c${caseSeq}-p${++proxySeq}`;
  let created: ClientProxy;
  try {
    created = await client.createProxy({
      name,
      listen: '127.0.0.1:0',
      upstream: `127.0.0.1:${origin.port}`,
    });
  } catch (err) {
    throw new ToxiproxyUnavailable(`${service.describe()} could not create proxy ${name}: ${reason(err)}`);
  }
  note('proxy-created', { proxy: name, listen: created.listen, upstream: created.upstream });
  return new ToxiproxyFaultProxy(created, origin, note);
}
