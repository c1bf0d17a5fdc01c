/**
 * npm run stability [-- --runs 20] [--load] [--only <prefix>…] [--subject S] [--runtime R]: runs the
 * suite against `node` (or S, under R) many times in a row and shows that every run gives the same verdict for every case. With --load, two
 * busy loops keep both cores occupied during the runs. Exits 1, with one `stability: FAILED` line,
 * when any verdict differs, when a run wrote no report, exited with 2 (or anything but 0 or 1) or
 * wrote an incomplete report, when a case is missing from a run, or when a case is `error` or
 * `timeout` in every run (judge-runs.ts).
 */
import { fork } from 'node:child_process';
import { parseArgs } from 'node:util';
import { runCli } from '../test/helpers/cli.ts';
import { failureLine, judgeRuns, type Run, runProblems } from './judge-runs.ts';

if (process.argv.includes('--burn')) {
  // A busy loop for --load: occupies one core until killed.
  for (;;) Math.sqrt(Math.random());
}

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--burn'),
  options: {
    runs: { type: 'string', default: '20' },
    load: { type: 'boolean', default: false },
    only: { type: 'string', multiple: true, default: [] },
    subject: { type: 'string', default: 'node' },
    runtime: { type: 'string', default: 'node' },
  },
});
const runs = Number(values.runs);
const only = values.only.flatMap((o) => ['--only', o]);

const burners = values.load
  ? Array.from({ length: 2 }, () => fork(new URL(import.meta.url), ['--burn'], { stdio: 'ignore' }))
  : [];

const done: Run[] = [];
let t = 0;
try {
  for (let i = 1; i <= runs; i++) {
    const t0 = performance.now();
    const r = await runCli([values.subject, '--runtime', values.runtime, ...only], {
      timeoutMs: 300_000,
    }).catch((err: unknown) => {
      console.log(`run ${i}: ${(err as Error).message}`);
      return { code: null, report: null };
    });
    const ms = performance.now() - t0;
    t += ms;
    done.push({ code: r.code, report: r.report });
    const problems = runProblems(r);
    const summary = r.report ? JSON.stringify(r.report.summary.byStatus) : '';
    console.log(
      `run ${String(i).padStart(2)}/${runs}  ${(ms / 1000).toFixed(1)} s  exit ${r.code}  ${summary}${problems.length > 0 ? `  BROKEN: ${problems.join(', ')}` : ''}`,
    );
  }
} finally {
  for (const b of burners) b.kill();
}

const judgement = judgeRuns(done);
console.log(
  `\n${judgement.cases} cases × ${runs} runs${values.load ? ' with both cores loaded' : ''}, mean ${(t / runs / 1000).toFixed(1)} s per run`,
);
for (const b of judgement.broken) console.log(`BROKEN ${b}`);
for (const u of judgement.unstable) console.log(`UNSTABLE ${u}`);
const failed = failureLine('stability', judgement);
if (failed) {
  console.error(failed);
  process.exitCode = 1;
} else console.log('identical verdicts in every run, none in error or timeout');
