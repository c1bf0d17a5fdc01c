import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BUN_VERSION, resolveRuntime } from '../../harness/parent/runtime/index.ts';
import { INSTALL_TIMEOUT, onlyJsonLine, PROBE, runWith, tempDir, USES_NPM_PACKAGE } from './helpers.ts';

const cwd = tempDir('bun');
after(() => rmSync(cwd, { recursive: true, force: true }));

test(`'bun' installs Bun ${BUN_VERSION} on demand and runs the probe`, {
  timeout: INSTALL_TIMEOUT,
}, async () => {
  const bun = await resolveRuntime('bun', { onInstall: (m) => assert.doesNotMatch(m, /\n/) });
  assert.equal(bun.name, 'bun');
  assert.equal(bun.version, BUN_VERSION);
  assert.match(bun.executable, /\/bin\/bun$/);
  const out = onlyJsonLine(await runWith(bun, PROBE, ['one', 'two words'], cwd));
  assert.deepEqual(out, {
    runtime: 'bun',
    version: BUN_VERSION,
    agentOk: true,
    enumOk: true,
    cjsOk: true,
    args: ['one', 'two words'],
  });
});

test('bun imports npm packages from the node_modules next to the imported file', {
  timeout: INSTALL_TIMEOUT,
}, async () => {
  const bun = await resolveRuntime(`bun@${BUN_VERSION}`);
  assert.deepEqual(onlyJsonLine(await runWith(bun, USES_NPM_PACKAGE, [], cwd)), { npmOk: true });
});

test('bun does not load a .env file from the cwd (Node does not)', { timeout: INSTALL_TIMEOUT }, async () => {
  const bun = await resolveRuntime('bun');
  const dir = tempDir('bun-env');
  try {
    writeFileSync(join(dir, '.env'), 'AC_PROBE_FROM_DOTENV=yes\n');
    const prog = join(dir, 'env.ts');
    writeFileSync(prog, 'console.log(JSON.stringify({ v: process.env.AC_PROBE_FROM_DOTENV ?? null }));\n');
    assert.deepEqual(onlyJsonLine(await runWith(bun, prog, [], dir)), { v: null });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a path to a bun executable is detected as bun', { timeout: INSTALL_TIMEOUT }, async () => {
  const installed = await resolveRuntime('bun');
  const bun = await resolveRuntime(installed.executable);
  assert.equal(bun.name, 'bun');
  assert.equal(bun.version, installed.version);
  assert.equal(onlyJsonLine(await runWith(bun, PROBE, [], cwd)).enumOk, true);
});
