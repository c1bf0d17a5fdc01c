/**
 * What a case's run sends from the suite process to the parent: one verdict per case, written as a
 * node:test diagnostic line (`DIAGNOSTIC_PREFIX` + JSON), so that it survives the process boundary.
 */
import type { TraceEntry } from './trace.ts';

/** How a case ended. `error` is the harness's or the environment's fault, never the subject's. */
export type Status = 'pass' | 'fail' | 'unsupported' | 'skip' | 'error' | 'timeout';
export const STATUSES: readonly Status[] = ['pass', 'fail', 'unsupported', 'skip', 'error', 'timeout'];

export interface CaseVerdict {
  id: string;
  status: Status;
  observed: string | null;
  /** An allowed variant the subject took (e.g. a retry on a new connection), graded, not failed. */
  variant?: string;
  message: string | null;
  durationMs: number;
  trace?: TraceEntry[];
}

export const DIAGNOSTIC_PREFIX = 'agent-conformance:';

export function verdictLine(verdict: CaseVerdict): string {
  return DIAGNOSTIC_PREFIX + JSON.stringify(verdict);
}

/** The verdict in a diagnostic line, or null for any other line. */
export function parseVerdictLine(line: string): CaseVerdict | null {
  return line.startsWith(DIAGNOSTIC_PREFIX)
    ? (JSON.parse(line.slice(DIAGNOSTIC_PREFIX.length)) as CaseVerdict)
    : null;
}
