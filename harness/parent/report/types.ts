/**
 * The canonical report: every reporter (terminal, JSON, HTML, Markdown, JUnit, compare) is derived
 * from a value of this shape, and `reports/report.schema.json` describes it for other tools.
 */

/**
 * 2: a fixture's trace entries (`source: 'server'`) carry the fixture's wire event as their `detail`
 * (`event` is its kind, the fixture's label is `detail.peer`); in 1 the label was part of `event`
 * (`A:open`). Reports of version 1 still load (compare reads no trace); their fixture entries are
 * not drawn on a timeline.
 */
export const SCHEMA_VERSION = 2;

import type { DocRef, Level } from '../../shared/case-spec.ts';
import type { TraceEntry } from '../../shared/trace.ts';
import type { Status } from '../../shared/verdict.ts';

export { type DocRef, LEVELS, type Level } from '../../shared/case-spec.ts';
export type { NoteTraceEntry, ServerTraceEntry, TraceEntry, WireEvent } from '../../shared/trace.ts';
export { STATUSES, type Status } from '../../shared/verdict.ts';

export interface CaseResult {
  /** Stable id `<area>/<slug>`. */
  id: string;
  area: string;
  level: Level;
  status: Status;
  title: string;
  doc: DocRef;
  requires: string[];
  /** What the documentation demands, in words. */
  expected: string | null;
  /** What was seen on the wire (and, secondarily, in the agent's bookkeeping). */
  observed: string | null;
  /** An allowed variant the subject took (e.g. it retried on a new connection), checked and accepted. */
  variant?: string;
  /** Why the case did not pass (assertion message, unsupported capability, harness error). */
  message: string | null;
  durationMs: number;
  /** A command that runs this case alone. */
  repro: string;
  trace?: TraceEntry[];
}

export type StatusCounts = Record<Status, number>;

export interface Summary {
  total: number;
  byStatus: StatusCounts;
  byLevel: Record<Level, StatusCounts>;
}

export interface Report {
  schemaVersion: typeof SCHEMA_VERSION;
  suite: { name: string; version: string };
  subject: {
    /** `node`, `agentkeepalive`, or the module path as given. */
    name: string;
    /** Absolute path of the module, or `builtin:<name>`. */
    module: string;
    runtime: { name: string; version: string };
    /** Capabilities the subject declared or the host probed. */
    capabilities: Record<string, boolean>;
  };
  startedAt: string;
  durationMs: number;
  /** Set when the run could not measure anything (subject failed to load, …). */
  fatal: { message: string } | null;
  /** `--containers` / `--toxiproxy container`: the engine, the images and the server versions that ran. */
  containers?: ContainersInfo;
  /**
   * Present only when the run was interrupted (SIGINT, SIGTERM): the report holds the cases that
   * finished; `unfinished` lists the selected cases that did not, in plan order.
   */
  incomplete?: { signal: string; unfinished: string[] };
  /** The command line selection that produced this report. */
  selection: {
    only: string[];
    /** `--protocol`: `https` ran the cases over TLS origins with https agents (absent in old reports). */
    protocol?: 'http' | 'https';
    /** `--shard i/n`: the report holds only shard `index` of `total` (`agent-conformance merge` joins them). */
    shard?: { index: number; total: number };
  };
  summary: Summary;
  results: CaseResult[];
}

export interface ContainersInfo {
  /** `docker 20.10.24 via testcontainers 12.2.0`. */
  backend: string;
  /** Every image the run prepared; `version` as the server reported it once started (null: not started). */
  images: { kind: string; image: string; version: string | null }[];
  /** `--toxiproxy container`: the image asked for and the one that ran (our fault proxy when it stood in). */
  toxiproxy: { requested: string; image: string; standIn: boolean } | null;
}

export function emptyCounts(): StatusCounts {
  return { pass: 0, fail: 0, unsupported: 0, skip: 0, error: 0, timeout: 0 };
}

export function summarize(results: readonly CaseResult[]): Summary {
  const byStatus = emptyCounts();
  const byLevel: Record<Level, StatusCounts> = {
    must: emptyCounts(),
    should: emptyCounts(),
    info: emptyCounts(),
  };
  for (const r of results) {
    byStatus[r.status]++;
    byLevel[r.level][r.status]++;
  }
  return { total: results.length, byStatus, byLevel };
}
