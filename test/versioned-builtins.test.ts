/**
 * Built-ins at an npm version (`undici:7`) and the on-demand `npmcli-agent`: the syntax, the install
 * request (injected here: unit tests never download), and, where the cache already holds the
 * packages, `compare` of two undici releases and one npmcli-agent case (skipped otherwise).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { UsageError } from '../harness/parent/errors.ts';
import { packageDir } from '../harness/parent/runtime/install.ts';
import {
  BUILTIN_SUBJECTS,
  installSubjectPackages,
  NPMCLI_AGENT_VERSION,
  parseVersionedBuiltin,
  resolveSubject,
} from '../harness/parent/subjects.ts';
import { SUBJECT_PACKAGES_ENV } from '../harness/shared/protocol.ts';
import { runCli, statuses } from './helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'acp-versioned-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('<built-in>:<version> names a built-in at an npm version; a bare built-in is unchanged', () => {
  assert.deepEqual(parseVersionedBuiltin('undici:7'), { builtin: 'undici', version: '7' });
  assert.equal(parseVersionedBuiltin('nosuch:7'), null);
  assert.equal(parseVersionedBuiltin('undici'), null);
  const u = resolveSubject('undici:7.16.0');
  assert.equal(u.module, BUILTIN_SUBJECTS.undici);
  assert.deepEqual(u.packages, { builtin: 'undici', names: ['undici'], version: '7.16.0' });
  assert.deepEqual(resolveSubject('proxy-agents:7').packages?.names, [
    'http-proxy-agent',
    'https-proxy-agent',
  ]);
  assert.equal(resolveSubject('undici').packages, undefined, 'the dependency, no install');
  assert.deepEqual(resolveSubject('npmcli-agent').packages, {
    builtin: 'npmcli-agent',
    names: ['@npmcli/agent'],
    version: NPMCLI_AGENT_VERSION,
  });
});

test('a bad version, or a version of the runtime agent, is one usage line', () => {
  const usage = (spec: string, re: RegExp) =>
    assert.throws(
      () => resolveSubject(spec),
      (err: Error) => err instanceof UsageError && re.test(err.message) && !err.message.includes('\n'),
    );
  usage('undici:latest', /bad version "latest" in subject "undici:latest": use e\.g\. undici:7/);
  usage('undici:', /bad version ""/);
  usage('node:20', /runtime's own agent: pick its release with --runtime node@<version>/);
  usage('nosuch:1', /unknown subject "nosuch:1"/);
});

test('the install asks for every package of the built-in at that version, in the packages folder', async () => {
  const requests: { pkg: string; version: string; specs?: readonly string[]; folder?: string }[] = [];
  const installed = await installSubjectPackages(
    { builtin: 'proxy-agents', names: ['http-proxy-agent', 'https-proxy-agent'], version: '7' },
    {
      cacheDir: join(dir, 'cache'),
      install: async (req) => {
        requests.push({ pkg: req.pkg, version: req.version, specs: req.specs, folder: req.folder });
        const prefix = packageDir(req.pkg, req.version, req.cacheDir, req.folder);
        const pkg = join(prefix, 'node_modules', 'http-proxy-agent');
        mkdirSync(pkg, { recursive: true });
        writeFileSync(
          join(pkg, 'package.json'),
          JSON.stringify({ name: 'http-proxy-agent', version: '7.0.2' }),
        );
        assert.equal(await req.verify(prefix), '7.0.2');
        return prefix;
      },
    },
  );
  assert.deepEqual(requests, [
    {
      pkg: 'proxy-agents',
      version: '7',
      specs: ['http-proxy-agent@7', 'https-proxy-agent@7'],
      folder: 'packages',
    },
  ]);
  const prefix = join(dir, 'cache', 'packages', 'proxy-agents@7');
  assert.deepEqual(installed, { prefix, version: '7.0.2', env: { [SUBJECT_PACKAGES_ENV]: prefix } });
});

test('an install that holds no package is a setup error naming the folder to remove', async () => {
  const empty = join(dir, 'empty');
  mkdirSync(empty, { recursive: true });
  await assert.rejects(
    installSubjectPackages(
      { builtin: 'undici', names: ['undici'], version: '6' },
      { install: async () => empty },
    ),
    (err: Error & { code?: string }) =>
      err.code === 'ERR_RUNTIME_INSTALL' && err.message.includes(`remove ${empty} to reinstall it`),
  );
});

const UNDICI_OLD = '7';
const undiciOld = packageDir('undici', UNDICI_OLD, undefined, 'packages');
const installedUndici = (
  JSON.parse(
    readFileSync(join(import.meta.dirname, '..', 'node_modules', 'undici', 'package.json'), 'utf8'),
  ) as {
    version: string;
  }
).version;

test(`compare undici:${UNDICI_OLD} undici runs two releases side by side, each named by its version`, {
  skip: existsSync(undiciOld)
    ? false
    : `undici:${UNDICI_OLD} is not in the cache (${undiciOld}): run \`agent-conformance undici:${UNDICI_OLD}\` once (it downloads)`,
}, async () => {
  const out = join(dir, 'compare');
  const r = await runCli(
    ['compare', `undici:${UNDICI_OLD}`, 'undici', '--only', 'keepAlive/reuse', '--reporter', 'json'],
    { out, cwd: dir },
  );
  assert.equal(r.code, 0, r.stderr);
  const matrix = JSON.parse(readFileSync(join(out, 'compare.json'), 'utf8')) as {
    implementations: { name: string; subject: string }[];
  };
  const names = matrix.implementations.map((i) => i.subject);
  assert.equal(names.length, 2);
  assert.match(names[0]!, new RegExp(`^undici:${UNDICI_OLD}\\.\\d+\\.\\d+$`));
  assert.notEqual(names[0], `undici:${installedUndici}`, 'the older release ran, not the dependency');
  assert.equal(names[1], 'undici');
});

const npmcli = packageDir('npmcli-agent', NPMCLI_AGENT_VERSION, undefined, 'packages');
test('npmcli-agent runs from the cache at its pinned version', {
  skip: existsSync(npmcli)
    ? false
    : `npmcli-agent ${NPMCLI_AGENT_VERSION} is not in the cache (${npmcli}): run \`agent-conformance npmcli-agent\` once (it downloads)`,
}, async () => {
  const r = await runCli(['npmcli-agent', '--only', 'maxSockets/limit-per-origin'], {
    out: join(dir, 'npmcli'),
  });
  assert.ok(r.report, r.stderr);
  assert.equal(r.report.subject.name, `npmcli-agent:${NPMCLI_AGENT_VERSION}`);
  assert.deepEqual(statuses(r.report), { 'maxSockets/limit-per-origin': 'pass' });
});
