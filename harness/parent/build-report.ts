/** Joins the plan (what each case is) with the verdicts (how it went) into the canonical report. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../shared/paths.ts';
import type { CaseVerdict } from '../shared/verdict.ts';
import type { PlannedCase } from './plan.ts';
import {
  type CaseResult,
  type ContainersInfo,
  type Report,
  SCHEMA_VERSION,
  summarize,
} from './report/types.ts';

const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
};

export const SUITE = { name: pkg.name, version: pkg.version };

export interface ReportInput {
  cases: PlannedCase[];
  verdicts: Map<string, CaseVerdict>;
  subject: Report['subject'];
  startedAt: Date;
  durationMs: number;
  fatal: string | null;
  only: string[];
  reproPrefix: string;
  /** The container lane, when the run had one. */
  containers?: ContainersInfo;
  /** The run was interrupted: the cases it did not finish (left out of `cases`). */
  incomplete?: NonNullable<Report['incomplete']>;
  protocol?: 'http' | 'https';
  /** `--shard i/n`: the report holds only this shard of the selection. */
  shard?: { index: number; total: number };
}

export function toResult(c: PlannedCase, verdict: CaseVerdict | undefined, reproPrefix: string): CaseResult {
  const result: CaseResult = {
    id: c.id,
    area: c.area,
    level: c.level,
    status: verdict?.status ?? 'error',
    title: c.title,
    doc: c.doc,
    requires: c.requires ?? [],
    expected: c.expected,
    observed: verdict?.observed ?? null,
    message: verdict ? verdict.message : 'not run',
    durationMs: verdict?.durationMs ?? 0,
    repro: `${reproPrefix} --only ${c.id}`,
  };
  if (verdict?.variant) result.variant = verdict.variant;
  if (verdict?.trace) result.trace = verdict.trace;
  return result;
}

export function buildReport(input: ReportInput): Report {
  const results = input.cases.map((c) => toResult(c, input.verdicts.get(c.id), input.reproPrefix));
  const report: Report = {
    schemaVersion: SCHEMA_VERSION,
    suite: SUITE,
    subject: input.subject,
    startedAt: input.startedAt.toISOString(),
    durationMs: Math.round(input.durationMs),
    fatal: input.fatal ? { message: input.fatal } : null,
    ...(input.containers ? { containers: input.containers } : {}),
    selection: {
      only: input.only,
      protocol: input.protocol ?? 'http',
      ...(input.shard ? { shard: input.shard } : {}),
    },
    summary: summarize(results),
    results,
  };
  if (input.incomplete) report.incomplete = input.incomplete;
  return report;
}

/** The one line an interrupted run prints: what stopped it, what was kept, where. */
export function interruptedLine(report: Report, file: string): string {
  const { signal, unfinished } = report.incomplete ?? { signal: 'a signal', unfinished: [] };
  const total = report.results.length + unfinished.length;
  return `interrupted by ${signal}: ${report.results.length} of ${total} cases finished, ${unfinished.length} did not; incomplete report written to ${file}`;
}
