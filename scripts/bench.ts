/**
 * npm run bench: runs the full suite against the built-in `node` subject and prints the wall time,
 * the number of cases, the sum of the cases' own durations, the longest case and the CPU the run
 * cost (targets on 2 cores: the full suite ≤ 5 s wall for the 84 cases of the first areas, ≤ 15 s
 * for the whole suite, and ≤ 4× its longest case). A script, not a test: timings are reported, never
 * asserted in the test suite. Then the 7-implementation matrix (`compare`, target ≤ 60 s wall)
 * and the fault proxy's overhead; `--no-matrix` skips the matrix. Exits 1 with one `bench: FAILED`
 * line when the run measured nothing sound: no report, exit 2 (anything but 0 or 1), an incomplete
 * report, a case in `error` or `timeout` (judge-runs.ts), or a matrix that did not exit 0.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { runCli, tempDir } from '../test/helpers/cli.ts';
import { failureLine, judgeRuns } from './judge-runs.ts';
import { MATRIX } from './matrix.ts';

const TARGET_MS = 15_000;
const LONGEST_FACTOR = 4;
const MATRIX_TARGET_MS = 60_000;

/**
 * CPU time of the finished children (the CLI, and through it the suite process and subject host),
 * from /proc/self/stat's cutime + cstime (clock ticks, 100 a second on Linux); null elsewhere.
 */
function childCpuMs(): number | null {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return null;
  }
}

const cpu0 = childCpuMs();
const t0 = performance.now();
const run = await runCli(['node'], { timeoutMs: 300_000 }).catch((err: unknown) => {
  console.error(`bench: FAILED, the suite run did not finish: ${(err as Error).message}`);
  process.exit(1);
});
const wall = performance.now() - t0;
const cpu1 = childCpuMs();
const results = run.report?.results ?? [];
const own = results.reduce((sum, r) => sum + r.durationMs, 0);
const slowest = [...results].sort((a, b) => b.durationMs - a.durationMs).slice(0, 5);

console.log(`suite against node ${run.report?.subject.runtime.version ?? '?'} on ${cpus().length} cores`);
console.log(`  wall time        ${(wall / 1000).toFixed(2)} s (target ≤ ${TARGET_MS / 1000} s)`);
console.log(`  cases            ${results.length}`);
console.log(`  sum of durations ${(own / 1000).toFixed(2)} s (parallelism ${(own / wall).toFixed(2)}×)`);
console.log(`  slowest          ${slowest.map((r) => `${r.id} ${r.durationMs} ms`).join(', ')}`);
const longest = slowest[0]?.durationMs ?? 0;
if (longest > 0)
  console.log(
    `  wall / longest   ${(wall / longest).toFixed(1)}× (target ≤ ${LONGEST_FACTOR}×: cases overlap instead of queueing)`,
  );
if (cpu0 !== null && cpu1 !== null)
  console.log(`  CPU              ${((cpu1 - cpu0) / 1000).toFixed(2)} s (all processes)`);
console.log(`  verdicts         ${JSON.stringify(run.report?.summary.byStatus ?? {})}`);
if (wall > TARGET_MS) console.log(`  over target by ${((wall - TARGET_MS) / 1000).toFixed(2)} s`);
// a broken run measured nothing: no report, exit 2, incomplete, a case in error or timeout
const failed = failureLine('bench', { ...judgeRuns([run]), unstable: [] });
if (failed) {
  console.error(failed);
  process.exitCode = 1;
}

if (!process.argv.includes('--no-matrix')) {
  const m0 = performance.now();
  const matrix = await runCli(['compare', ...MATRIX, '--reporter', 'json'], {
    timeoutMs: 600_000,
    cwd: tempDir('acp-bench-'),
  });
  const matrixWall = performance.now() - m0;
  const runs = [...matrix.stderr.matchAll(/^compare: (.+?): \d+ cases.*\((\d+\.\d) s\)/gm)];
  console.log(`matrix of ${MATRIX.length} implementations (compare, default --concurrency)`);
  console.log(
    `  wall time        ${(matrixWall / 1000).toFixed(2)} s (target ≤ ${MATRIX_TARGET_MS / 1000} s)${matrix.code === 0 ? '' : ` — exit ${matrix.code}`}`,
  );
  console.log(`  runs             ${runs.map((r) => `${r[1]} ${r[2]} s`).join(', ')}`);
  if (matrixWall > MATRIX_TARGET_MS)
    console.log(`  over target by ${((matrixWall - MATRIX_TARGET_MS) / 1000).toFixed(2)} s`);
  if (matrix.code !== 0) {
    console.error(
      `bench: FAILED, the matrix (compare) exited with ${matrix.code}: ${matrix.stderr.trim().split('\n').at(-1)}`,
    );
    process.exitCode = 1;
  }
}

try {
  const { benchToxiproxy } = await import('../fixtures/toxiproxy/bench.ts');
  const b = await benchToxiproxy();
  console.log('fault proxy (embedded Toxiproxy) vs direct loopback');
  console.log(
    `  per request   median ${b.directMedianMs.toFixed(3)} ms direct, +${b.overheadMedianMs.toFixed(3)} ms through the proxy; p99 ${b.directP99Ms.toFixed(3)} ms direct, +${b.overheadP99Ms.toFixed(3)} ms`,
  );
  console.log(
    `  10 MB body    ${b.directMbps.toFixed(0)} Mbit/s direct, ${b.proxiedMbps.toFixed(0)} Mbit/s through the proxy`,
  );
} catch (err) {
  if ((err as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw err;
}
