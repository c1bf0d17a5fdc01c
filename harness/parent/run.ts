/**
 * Runs the planned suite files with node:test's `run()`, each file in its own process, and turns its
 * event stream into one verdict per case. Verdicts travel as diagnostics (see case.ts); a case that
 * produced none (its file crashed, node:test's backstop timeout fired) still gets a verdict here.
 */
import { run } from 'node:test';
import { RUN_ENV, type RunConfig } from '../shared/config.ts';
import { type CaseVerdict, DIAGNOSTIC_PREFIX } from '../suite/case.ts';
import type { Plan } from './plan.ts';

export interface RunOutcome {
  verdicts: Map<string, CaseVerdict>;
}

interface TestEventData {
  name?: string;
  file?: string;
  nesting?: number;
  message?: string;
  details?: { duration_ms?: number; error?: { message?: string; failureType?: string; cause?: unknown } };
}

const TSX_LOADER = import.meta.resolve('tsx');

function errorText(data: TestEventData): string {
  const err = data.details?.error;
  const cause = err?.cause as { message?: string } | string | undefined;
  const text = typeof cause === 'string' ? cause : (cause?.message ?? err?.message ?? 'unknown failure');
  return text.replace(/\s+/g, ' ').trim().slice(0, 500);
}

export async function runPlan(
  plan: Plan,
  config: RunConfig,
  options: { concurrency: number; onVerdict?: (verdict: CaseVerdict) => void },
): Promise<RunOutcome> {
  const verdicts = new Map<string, CaseVerdict>();
  // node:test reports a test's diagnostics after its pass/fail event: a failure without a verdict
  // is only provisional until the stream ends.
  const provisional = new Map<string, CaseVerdict>();
  const planned = new Set(plan.cases.map((c) => c.id));
  const stderrByFile = new Map<string, string>();
  const accept = (verdict: CaseVerdict) => {
    if (!planned.has(verdict.id) || verdicts.has(verdict.id)) return;
    verdicts.set(verdict.id, verdict);
    options.onVerdict?.(verdict);
  };
  process.env[RUN_ENV] = JSON.stringify(config);
  // When the CLI itself runs under `node --test` (our own tests), node:test marks the environment
  // and a nested run() would refuse to start the suite files. The suites are a separate run.
  delete process.env.NODE_TEST_CONTEXT;
  const stream = run({
    files: plan.files,
    concurrency: options.concurrency,
    isolation: 'process',
    execArgv: ['--import', TSX_LOADER],
  });
  for await (const event of stream) {
    const data = event.data as TestEventData;
    if (event.type === 'test:diagnostic' && data.message?.startsWith(DIAGNOSTIC_PREFIX)) {
      accept(JSON.parse(data.message.slice(DIAGNOSTIC_PREFIX.length)) as CaseVerdict);
    } else if (event.type === 'test:stderr' && data.file) {
      const text = (stderrByFile.get(data.file) ?? '') + String(data.message ?? '');
      stderrByFile.set(data.file, text.slice(-2000));
    } else if (
      event.type === 'test:fail' &&
      data.name &&
      planned.has(data.name) &&
      !verdicts.has(data.name)
    ) {
      // Unless its diagnostic follows, only node:test's own backstop (or a crash) ended this case.
      const failureType = data.details?.error?.failureType;
      provisional.set(data.name, {
        id: data.name,
        status: failureType === 'testTimeoutFailure' ? 'timeout' : 'error',
        observed: null,
        message: `harness: ${errorText(data)}`,
        durationMs: Math.round(data.details?.duration_ms ?? 0),
      });
    } else if (event.type === 'test:fail' && data.file && data.name === data.file) {
      // A whole suite file failed outside any case (a crash while loading, a killed process).
      const stderr = stderrByFile.get(data.file)?.trim().split('\n').at(-1) ?? '';
      const reason = `the suite process failed: ${errorText(data)}${stderr ? ` (${stderr.slice(0, 300)})` : ''}`;
      for (const c of plan.cases) {
        if (c.file === data.file && !verdicts.has(c.id)) {
          accept({ id: c.id, status: 'error', observed: null, message: reason, durationMs: 0 });
        }
      }
    }
  }
  for (const verdict of provisional.values()) accept(verdict);
  // Anything still without a verdict never ran: say so rather than drop it.
  for (const c of plan.cases) {
    if (!verdicts.has(c.id)) {
      accept({
        id: c.id,
        status: 'error',
        observed: null,
        message: 'the case produced no result (its suite process ended early)',
        durationMs: 0,
      });
    }
  }
  return { verdicts };
}
