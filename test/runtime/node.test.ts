import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, test } from 'node:test';
import { resolveRuntime } from '../../harness/parent/runtime/index.ts';
import { INSTALL_TIMEOUT, onlyJsonLine, PROBE, runWith, tempDir, USES_NPM_PACKAGE } from './helpers.ts';

const cwd = tempDir('node');
after(() => rmSync(cwd, { recursive: true, force: true }));

test("'node' is the harness's own Node and runs TypeScript with enums through tsx", async () => {
  const node = await resolveRuntime('node');
  assert.equal(node.name, 'node');
  assert.equal(node.executable, process.execPath);
  assert.equal(node.version, process.versions.node);
  const out = onlyJsonLine(await runWith(node, PROBE, ['one', 'two words'], cwd));
  assert.deepEqual(out, {
    runtime: 'node',
    version: process.versions.node,
    agentOk: true,
    enumOk: true,
    cjsOk: true,
    args: ['one', 'two words'],
  });
});

test('the tsx loader is an absolute file URL (works from any cwd)', async () => {
  const node = await resolveRuntime('node');
  const args = node.argsFor('/x/host.ts', ['a']);
  assert.equal(args[0], '--import');
  assert.match(args[1]!, /^file:\/\/\/.*\/tsx\/.*\.mjs$/);
  assert.deepEqual(args.slice(2), ['/x/host.ts', 'a']);
});

test('a path to a node executable is detected as node', async () => {
  const node = await resolveRuntime(process.execPath);
  assert.equal(node.name, 'node');
  assert.equal(node.version, process.versions.node);
  assert.equal(node.executable, process.execPath);
  assert.equal(onlyJsonLine(await runWith(node, PROBE, [], cwd)).enumOk, true);
});

test('node imports npm packages next to the imported file, from any cwd', async () => {
  const node = await resolveRuntime('node');
  assert.deepEqual(onlyJsonLine(await runWith(node, USES_NPM_PACKAGE, [], cwd)), { npmOk: true });
});

test('node@22 is installed from npm on demand and runs the probe', { timeout: INSTALL_TIMEOUT }, async () => {
  const messages: string[] = [];
  const node22 = await resolveRuntime('node@22', { onInstall: (m) => messages.push(m) });
  assert.equal(node22.name, 'node');
  assert.match(node22.version, /^22\.\d+\.\d+$/);
  assert.notEqual(node22.executable, process.execPath);
  for (const m of messages) assert.doesNotMatch(m, /\n/);
  const out = onlyJsonLine(await runWith(node22, PROBE, ['x'], cwd));
  assert.deepEqual(out, {
    runtime: 'node',
    version: node22.version,
    agentOk: true,
    enumOk: true,
    cjsOk: true,
    args: ['x'],
  });
  assert.deepEqual(onlyJsonLine(await runWith(node22, USES_NPM_PACKAGE, [], cwd)), { npmOk: true });
  // a second resolve reuses the cache: no install message
  const again: string[] = [];
  const reused = await resolveRuntime('node@22', { onInstall: (m) => again.push(m) });
  assert.equal(reused.executable, node22.executable);
  assert.deepEqual(again, []);
});
