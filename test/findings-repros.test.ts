/**
 * Every finding's standalone repro (docs/findings/<slug>.mjs) still shows what it says under the
 * pinned Node: exit 1 (the deviation showed) or, for a finding fixed in Node 24, exit 0; each within
 * 5 s and with nothing on stderr (an uncaught error would exit 1 too). Repros for Node 22 and 20,
 * Bun and Deno run with `node scripts/findings-repros.ts`.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { loadFindings, reproFile } from '../scripts/findings.ts';

const LIMIT_MS = 5000;

function run(file: string): Promise<{ code: number | null; ms: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [file], {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: LIMIT_MS * 2,
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('close', (code) => resolve({ code, ms: performance.now() - t0, out, err }));
  });
}

for (const f of loadFindings()) {
  const expected = f.repro?.expect.node;
  if (expected === undefined) continue;
  test(`repro ${f.slug} exits ${expected} under the pinned Node`, async () => {
    const r = await run(reproFile(f));
    // nothing on stderr: a crash also exits 1, and must not pass for the deviation
    assert.equal(r.err, '', `docs/findings/${f.slug}.mjs broke (exit ${r.code}):\n${r.err}`);
    assert.equal(r.code, expected, `docs/findings/${f.slug}.mjs printed:\n${r.out}`);
    assert.ok(r.ms < LIMIT_MS, `took ${Math.round(r.ms)} ms`);
    assert.match(r.out, /\S/, 'it prints its evidence');
  });
}
