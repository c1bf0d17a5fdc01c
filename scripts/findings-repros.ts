/**
 * Runs the findings' standalone repros (docs/findings/<slug>.mjs) under every runtime their entry
 * names (docs/findings/findings.json: `repro.expect`, runtime → exit code), and checks each exit code
 * and the 5 s limit. `npm test` runs the ones for the pinned Node (test/findings-repros.test.ts);
 * this script runs the others too: Node 22 and 20, Bun and Deno, installed into the cache on first
 * use like `--runtime`.
 *
 *   node scripts/findings-repros.ts                  every runtime
 *   node scripts/findings-repros.ts --runtime deno   one runtime (repeatable)
 *
 * Exit 0 when every repro gave its expected code in time with nothing on stderr, 1 otherwise.
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { resolveRuntime } from '../harness/parent/runtime/index.ts';
import { loadFindings, REPRO_RUNTIMES, type ReproRuntime, reproFile } from './findings.ts';

const LIMIT_MS = 5000;

async function executable(runtime: ReproRuntime): Promise<{ command: string; args: string[] }> {
  if (runtime === 'node') return { command: process.execPath, args: [] };
  const launcher = await resolveRuntime(runtime, { onInstall: (m) => process.stderr.write(`${m}\n`) });
  return { command: launcher.executable, args: launcher.name === 'deno' ? ['run', '-A'] : [] };
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { runtime: { type: 'string', multiple: true } } });
  const wanted = (values.runtime ?? REPRO_RUNTIMES) as ReproRuntime[];
  let failed = 0;
  for (const runtime of wanted) {
    const { command, args } = await executable(runtime);
    for (const f of loadFindings()) {
      const expected = f.repro?.expect[runtime];
      if (expected === undefined) continue;
      const t0 = performance.now();
      const r = spawnSync(command, [...args, reproFile(f)], { encoding: 'utf8', timeout: LIMIT_MS * 2 });
      const ms = Math.round(performance.now() - t0);
      // nothing on stderr: a crash exits 1 too, and must not pass for the deviation
      const ok = r.status === expected && ms < LIMIT_MS && r.stderr === '';
      if (!ok) failed++;
      const evidence = `${r.stdout}${r.stderr}`.trim().split('\n').slice(-2).join(' | ');
      process.stdout.write(
        `${ok ? 'ok  ' : 'FAIL'} ${runtime.padEnd(8)} ${f.slug}: exit ${r.status ?? r.signal} (expected ${expected}) in ${ms} ms — ${evidence}\n`,
      );
    }
  }
  process.exit(failed ? 1 : 0);
}
