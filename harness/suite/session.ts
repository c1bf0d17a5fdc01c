/**
 * One subject host per suite process, started on first use and started again after a crash or a
 * hang, so that one broken case does not take the following ones with it. After three cases in a
 * row lost the subject, the rest are not attempted (each would wait out its budget for nothing).
 */

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { proxyCa } from '../../fixtures/origin/certs.ts';
import type { Capabilities } from '../shared/capabilities.ts';
import { type RunConfig, readRunConfig } from '../shared/config.ts';
import { SubjectProcess, SubjectUnavailableError } from '../shared/subject-process.ts';
import type { Status } from '../shared/verdict.ts';
import { FaultProxyService } from './fault-proxy.ts';
import { ContainerService } from './session-containers.ts';

const GIVE_UP_AFTER = 3;

let extraCaFile: Promise<string> | null = null;

/**
 * Whether the run may select a `proxy` case (the area whose cases start TLS forward proxies): the
 * proxy CA costs a certificate generation (the first one in a process takes most of a second), which
 * a run of other cases does not pay.
 */
function mayUseTlsProxy(only: readonly string[]): boolean {
  return (
    only.length === 0 ||
    only.some((sel) => sel.startsWith('proxy') || 'proxy/'.startsWith(sel.replace(/\*$/, '')))
  );
}

/**
 * A PEM file for the subject process's NODE_EXTRA_CA_CERTS: the CA of the TLS forward proxies
 * (`ctx.forwardProxy({ tls: true })`), after the file the environment already names, if any. Node's
 * built-in proxy support checks an `https://` proxy against the default CAs only (no CA option), as
 * Node's own tests do with NODE_EXTRA_CA_CERTS; origins are signed by another CA, so their trust is
 * unchanged. One file per suite process, removed when it exits.
 */
function subjectExtraCa(already: string | undefined): Promise<string> {
  extraCaFile ??= (async () => {
    const own = already && existsSync(already) ? readFileSync(already, 'utf8') : '';
    const dir = mkdtempSync(join(tmpdir(), 'agent-conformance-ca-'));
    const file = join(dir, 'extra-ca.pem');
    writeFileSync(file, `${own.trimEnd()}${own ? '\n' : ''}${(await proxyCa()).cert}`);
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    return file;
  })();
  return extraCaFile;
}

export class Session {
  readonly config: RunConfig;
  /** The fault proxy (`ctx.faultProxy()`): external with `--toxiproxy-url`, else embedded, started on first use. */
  readonly faults: FaultProxyService;
  /** `--containers` / `--toxiproxy container`: the run's containers, started once, shared by cases. */
  readonly containers: ContainerService;
  private proc: SubjectProcess | null = null;
  private starting: Promise<SubjectProcess> | null = null;
  private lostInARow = 0;
  private lastLoss = '';

  constructor(config: RunConfig) {
    this.config = config;
    this.containers = new ContainerService(config.containers, (started) =>
      process.send?.({ kind: 'container', started }),
    );
    this.faults = new FaultProxyService(
      config.toxiproxyUrl,
      config.containers?.toxiproxy ? () => this.containers.toxiproxyUrl() : undefined,
    );
  }

  get capabilities(): Capabilities {
    return this.config.capabilities;
  }

  /** The live subject process, (re)started and loaded if needed. */
  async subject(): Promise<SubjectProcess> {
    if (this.proc?.alive) return this.proc;
    this.starting ??= this.start().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  private async start(): Promise<SubjectProcess> {
    const { host, subject } = this.config;
    const extraCa = mayUseTlsProxy(this.config.only)
      ? await subjectExtraCa(host.env.NODE_EXTRA_CA_CERTS ?? process.env.NODE_EXTRA_CA_CERTS)
      : null;
    const proc = SubjectProcess.start(
      {
        name: this.config.runtime.name,
        version: this.config.runtime.version,
        executable: host.executable,
        argsFor: () => host.args,
        env: extraCa ? { ...host.env, NODE_EXTRA_CA_CERTS: extraCa } : host.env,
      },
      { cwd: host.cwd },
    );
    try {
      await proc.call({ op: 'hello' }, 15_000);
      await proc.call({ op: 'load', module: subject.module }, 15_000);
      // only a loaded subject is handed out: cases that ask meanwhile wait for `starting`
      this.proc = proc;
    } catch (err) {
      proc.kill();
      if (err instanceof SubjectUnavailableError) throw err;
      throw new SubjectUnavailableError(
        'spawn',
        `the subject could not be loaded: ${(err as Error).message}`,
      );
    }
    return proc;
  }

  /** Kills the subject (after a hang or a blown budget); the next case starts a fresh one. */
  restart(reason: string): void {
    this.proc?.kill(reason, 'hung');
    this.proc = null;
  }

  /**
   * Stops the subject on purpose after a case that changed process-wide state (an `alone` case, so
   * no other case holds it); not a loss: the next case starts a fresh process.
   */
  retire(reason: string): void {
    this.proc?.kill(reason, 'exited');
    this.proc = null;
  }

  /** Counts cases that lost the subject in a row. */
  record(status: Status, subjectLost: boolean, message: string | null): void {
    if ((status === 'error' || status === 'timeout') && subjectLost) {
      this.lostInARow++;
      this.lastLoss = message ?? status;
    } else {
      this.lostInARow = 0;
    }
  }

  blockedReason(): string | null {
    if (this.lostInARow < GIVE_UP_AFTER) return null;
    return `not attempted: the subject was lost in ${GIVE_UP_AFTER} cases in a row (last: ${this.lastLoss})`;
  }

  async close(): Promise<void> {
    const starting = this.starting?.catch(() => null);
    (this.proc ?? (await starting))?.kill('run finished');
    await this.faults.close();
    await this.containers.close();
  }
}

let current: Session | null = null;

/** Stops the subject host of this suite process, if one was started. */
export async function closeSession(): Promise<void> {
  await current?.close();
  current = null;
}

export function session(): Session {
  if (!current) {
    const config = readRunConfig();
    if (!config) throw new Error('no run configuration: suites are run by the agent-conformance harness');
    current = new Session(config);
  }
  return current;
}
