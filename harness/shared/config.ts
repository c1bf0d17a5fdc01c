/**
 * What the parent tells the suite process about the run, in one environment variable (RUN_ENV).
 */

import type { Capabilities } from './capabilities.ts';
import type { ContainerLane } from './container-lane.ts';

export const RUN_ENV = 'AGENT_CONFORMANCE_RUN';
export const LIST_ENV = 'AGENT_CONFORMANCE_LIST';

export interface RunConfig {
  subject: {
    /** As the user named it (`node`, `./myAgent.ts`). */
    name: string;
    /** Absolute path of the module the host loads. */
    module: string;
  };
  /** How to start the subject host: executable and argv, already resolved. */
  host: {
    executable: string;
    args: string[];
    /** argv of the one-shot exit-probe process (`ctx.exitProbe`), before its own arguments. */
    probeArgs: string[];
    env: Record<string, string>;
    cwd: string;
  };
  runtime: { name: string; version: string };
  capabilities: Capabilities;
  /** How many cases may run at the same time (`--concurrency`). */
  concurrency: number;
  /** Case id prefixes; empty = all. */
  only: string[];
  /** Keep a transcript for every case, not only for failures. */
  trace: boolean;
  /** How the repro command names the subject and runtime. */
  reproPrefix: string;
  /** `--toxiproxy-url`: an external Toxiproxy for the fault cases; absent = one embedded per suite process. */
  toxiproxyUrl?: string;
  /**
   * `--protocol https`: `ctx.origin()` starts TLS origins, `ctx.agent()` makes https agents
   * (`createHttpsAgent`) and requests trust the run's test CA. Absent = `http`.
   */
  protocol?: 'http' | 'https';
  /** `--containers` / `--toxiproxy container`: images prepared by the parent (harness/parent/container-setup.ts). */
  containers?: ContainerLane;
}

export function readRunConfig(): RunConfig | null {
  const raw = process.env[RUN_ENV];
  return raw ? (JSON.parse(raw) as RunConfig) : null;
}

export function isListing(): boolean {
  return process.env[LIST_ENV] === '1';
}

/**
 * A case is selected when nothing is given, or one selector names it: its id (`keepAlive/reuse`, which
 * does not also select `keepAlive/reuse-socket-called`), its area or any `/`-bounded prefix of its id
 * (`keepAlive`), or a raw prefix ending in `*` (`keepAlive/reuse*`).
 */
export function selected(id: string, only: readonly string[]): boolean {
  return (
    only.length === 0 ||
    only.some((sel) => {
      if (sel.endsWith('*')) return id.startsWith(sel.slice(0, -1));
      const bare = sel.replace(/\/+$/, '');
      return id === bare || id.startsWith(`${bare}/`);
    })
  );
}
