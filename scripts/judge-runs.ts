/**
 * Whether runs of the CLI measured anything, for bench and stability: pure functions over the exit
 * code and the report, so that a test can call them on made-up runs. A run is broken when it wrote
 * no report, exited with anything but 0 (all pass) or 1 (some case failed: a result, not a breakage),
 * wrote an `incomplete` report or one without cases; a case is broken when it is `error` or `timeout`
 * in every run (a harness or environment failure no repetition can call "identical").
 */
import type { Report } from '../harness/parent/report/types.ts';

export interface Run {
  /** The CLI's exit code; null when it was killed. */
  code: number | null;
  report: Report | null;
}

/** Statuses no run may give a case every time: the harness or the machine broke, not the subject. */
const BROKEN_STATUSES = new Set(['error', 'timeout']);

/** What makes one run unusable, one phrase each (empty when it is sound). */
export function runProblems(run: Run): string[] {
  const problems: string[] = [];
  const exit = run.code === null ? 'killed' : `exit ${run.code}`;
  if (!run.report) problems.push(`wrote no report (${exit})`);
  else if (run.code !== 0 && run.code !== 1) problems.push(`${exit} (0 or 1 expected)`);
  if (run.report?.incomplete) {
    const { signal, unfinished } = run.report.incomplete;
    problems.push(`incomplete report (${signal}; ${unfinished.length} case(s) unfinished)`);
  }
  if (run.report?.fatal) problems.push(`fatal: ${run.report.fatal.message}`);
  if (run.report && run.report.results.length === 0) problems.push('a report without cases');
  return problems;
}

/** Verdicts of a report keyed by case id. */
export function verdicts(report: Report | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of report?.results ?? []) out[r.id] = r.status;
  return out;
}

export interface Judgement {
  /** Broken runs, cases missing from a run, cases `error`/`timeout` in every run. */
  broken: string[];
  /** Cases whose verdict differs between runs: `id: pass×19 fail×1`. */
  unstable: string[];
  /** Number of distinct cases seen. */
  cases: number;
}

/** Judges a series of runs of one selection: every run sound, every case present and stable. */
export function judgeRuns(runs: readonly Run[]): Judgement {
  const broken: string[] = [];
  const seen = new Map<string, Map<string, number>>();
  runs.forEach((run, i) => {
    for (const p of runProblems(run)) broken.push(`run ${i + 1} ${p}`);
    for (const [id, status] of Object.entries(verdicts(run.report))) {
      const counts = seen.get(id) ?? new Map<string, number>();
      counts.set(status, (counts.get(status) ?? 0) + 1);
      seen.set(id, counts);
    }
  });
  const reported = runs.filter((r) => r.report !== null).length;
  const unstable: string[] = [];
  for (const [id, counts] of seen) {
    const n = [...counts.values()].reduce((a, b) => a + b, 0);
    if (n < reported) broken.push(`${id} is missing from ${reported - n} run(s)`);
    if (counts.size > 1) unstable.push(`${id}: ${[...counts].map(([s, k]) => `${s}×${k}`).join(' ')}`);
    else {
      const [status] = [...counts.keys()];
      if (status !== undefined && BROKEN_STATUSES.has(status))
        broken.push(`${id} is ${status} in every run (${n})`);
    }
  }
  if (runs.length === 0) broken.push('no run');
  return { broken, unstable, cases: seen.size };
}

/** The one line a tool ends with when the runs are not sound or not stable; null when they are. */
export function failureLine(tool: string, j: Judgement): string | null {
  const all = [...j.broken, ...j.unstable.map((u) => `unstable ${u}`)];
  if (all.length === 0) return null;
  const shown = all.slice(0, 3).join('; ');
  return `${tool}: FAILED, ${all.length} problem(s): ${shown}${all.length > 3 ? '; …' : ''}`;
}
