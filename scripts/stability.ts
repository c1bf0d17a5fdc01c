/**
 * npm run stability [-- --runs 20] [--load] [--only <prefix>…] [--subject S] [--runtime R]: runs the
 * suite against `node` (or S, under R) many times in a row and shows that every run gives the same verdict for every case. With --load, two
 * busy loops keep both cores occupied during the runs. Exits 1 when any verdict differs, when a run
 * wrote no report, or when a case is missing from a run.
 */
import { fork } from 'node:child_process';
import { parseArgs } from 'node:util';
import { runCli, statuses } from '../test/helpers/cli.ts';

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

const seen = new Map<string, Map<string, number>>();
/** Problems that are not a differing verdict: a run without a report, a case missing from a run. */
const broken: string[] = [];
let t = 0;
try {
  for (let i = 1; i <= runs; i++) {
    const t0 = performance.now();
    const r = await runCli([values.subject, '--runtime', values.runtime, ...only], { timeoutMs: 300_000 });
    const ms = performance.now() - t0;
    t += ms;
    const v = statuses(r.report);
    if (!r.report) broken.push(`run ${i} wrote no report (exit ${r.code})`);
    else if (i > 1)
      for (const id of seen.keys()) if (!(id in v)) broken.push(`run ${i} has no verdict for ${id}`);
    for (const [id, status] of Object.entries(v)) {
      const counts = seen.get(id) ?? new Map<string, number>();
      counts.set(status, (counts.get(status) ?? 0) + 1);
      seen.set(id, counts);
    }
    const summary = r.report ? JSON.stringify(r.report.summary.byStatus) : `no report (exit ${r.code})`;
    console.log(`run ${String(i).padStart(2)}/${runs}  ${(ms / 1000).toFixed(1)} s  ${summary}`);
  }
} finally {
  for (const b of burners) b.kill();
}

// a case seen in some runs only is missing from the others
for (const [id, counts] of seen) {
  const n = [...counts.values()].reduce((a, b) => a + b, 0);
  if (n < runs && !broken.some((b) => b.endsWith(` ${id}`)))
    broken.push(`${id} is missing from ${runs - n} run(s)`);
}
const unstable = [...seen].filter(([, counts]) => counts.size > 1);
console.log(
  `\n${seen.size} cases × ${runs} runs${values.load ? ' with both cores loaded' : ''}, mean ${(t / runs / 1000).toFixed(1)} s per run`,
);
for (const b of broken) console.log(`BROKEN ${b}`);
if (broken.length > 0) process.exitCode = 1;
if (unstable.length === 0) {
  if (broken.length === 0) console.log('identical verdicts in every run');
} else {
  for (const [id, counts] of unstable)
    console.log(`UNSTABLE ${id}: ${[...counts].map(([s, n]) => `${s}×${n}`).join(' ')}`);
  process.exitCode = 1;
}
