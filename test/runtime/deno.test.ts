import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DENO_VERSION, resolveRuntime } from '../../harness/parent/runtime/index.ts';
import { INSTALL_TIMEOUT, onlyJsonLine, PROBE, runWith, tempDir, USES_NPM_PACKAGE } from './helpers.ts';

const cwd = tempDir('deno');
after(() => rmSync(cwd, { recursive: true, force: true }));

test(`'deno' installs Deno ${DENO_VERSION} on demand and runs the probe`, {
  timeout: INSTALL_TIMEOUT,
}, async () => {
  const deno = await resolveRuntime('deno', { onInstall: (m) => assert.doesNotMatch(m, /\n/) });
  assert.equal(deno.name, 'deno');
  assert.equal(deno.version, DENO_VERSION);
  assert.equal(deno.env?.DENO_NO_UPDATE_CHECK, '1');
  const out = onlyJsonLine(await runWith(deno, PROBE, ['one', 'two words'], cwd));
  assert.deepEqual(out, {
    runtime: 'deno',
    version: DENO_VERSION,
    agentOk: true,
    enumOk: true,
    cjsOk: true,
    args: ['one', 'two words'],
  });
});

test('deno imports npm packages from the node_modules next to the imported file, from any cwd', {
  timeout: INSTALL_TIMEOUT,
}, async () => {
  const deno = await resolveRuntime(`deno@${DENO_VERSION}`);
  assert.deepEqual(onlyJsonLine(await runWith(deno, USES_NPM_PACKAGE, [], cwd)), { npmOk: true });
});

test('deno runs CommonJS .js, sloppy .js→.ts imports, and writes no deno.lock', {
  timeout: INSTALL_TIMEOUT,
}, async () => {
  const deno = await resolveRuntime('deno');
  const dir = tempDir('deno-project');
  try {
    writeFileSync(join(dir, 'package.json'), '{ "name": "user-project" }\n');
    writeFileSync(
      join(dir, 'legacy.js'),
      "const http = require('http');\nmodule.exports = { Agent: http.Agent };\n",
    );
    writeFileSync(join(dir, 'helper.ts'), 'export const two: number = 2;\n');
    writeFileSync(
      join(dir, 'main.ts'),
      [
        "import { createRequire } from 'node:module';",
        "import { two } from './helper.js';",
        'const legacy = createRequire(import.meta.url)("./legacy.js");',
        "const esm = await import('./legacy.js');",
        'console.log(JSON.stringify({ two, cjs: typeof legacy.Agent, esmDefault: typeof esm.default.Agent }));',
      ].join('\n'),
    );
    const out = onlyJsonLine(await runWith(deno, join(dir, 'main.ts'), [], dir));
    assert.deepEqual(out, { two: 2, cjs: 'function', esmDefault: 'function' });
    assert.deepEqual(readdirSync(dir).sort(), ['helper.ts', 'legacy.js', 'main.ts', 'package.json']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('deno runs a program that lives under node_modules (from a staged copy)', {
  timeout: INSTALL_TIMEOUT,
}, async () => {
  const dir = tempDir('deno-nm');
  try {
    const cacheDir = join(dir, 'cache');
    const deno = await resolveRuntime('deno');
    const staged = await resolveRuntime(deno.executable, { cacheDir });
    // as in the package: the host in harness/subject imports harness/shared
    const harness = join(dir, 'node_modules', 'agent-conformance', 'harness');
    const pkg = join(harness, 'subject');
    mkdirSync(pkg, { recursive: true });
    mkdirSync(join(harness, 'shared'), { recursive: true });
    writeFileSync(join(harness, 'shared', 'protocol.ts'), 'export const PREFIX: string = "ok";\n');
    writeFileSync(
      join(pkg, 'host.ts'),
      "import { PREFIX } from '../shared/protocol.ts';\nconst n: number = 1;\nconsole.log(JSON.stringify({ PREFIX, n }));\n",
    );
    const args = staged.argsFor(join(pkg, 'host.ts'));
    assert.ok(args.at(-1)!.startsWith(join(cacheDir, 'deno-staging')));
    assert.deepEqual(onlyJsonLine(await runWith(staged, join(pkg, 'host.ts'), [], dir)), {
      PREFIX: 'ok',
      n: 1,
    });
    // the same program again reuses the staged copy
    assert.equal(staged.argsFor(join(pkg, 'host.ts')).at(-1), args.at(-1));
    assert.ok(existsSync(args.at(-1)!));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a path to a deno executable is detected as deno', { timeout: INSTALL_TIMEOUT }, async () => {
  const installed = await resolveRuntime('deno');
  const deno = await resolveRuntime(installed.executable);
  assert.equal(deno.name, 'deno');
  assert.equal(deno.version, installed.version);
  assert.equal(onlyJsonLine(await runWith(deno, PROBE, [], cwd)).enumOk, true);
});
