/**
 * Old Node lines: which releases run the subject host (JavaScript, no loader) and which can also
 * register tsx for a TypeScript subject; and, where node@16.20.2 is in the cache, a small selection
 * run under it through the CLI (skipped otherwise: installing it is the environment's business).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { UsageError } from '../../harness/parent/errors.ts';
import { nodeHostCode } from '../../harness/parent/runtime/host-code.ts';
import { packageDir } from '../../harness/parent/runtime/install.ts';
import { nodeLauncher, nodePackage, nodeRunsHost, nodeRunsTsx } from '../../harness/parent/runtime/node.ts';
import { codeFile } from '../../harness/shared/paths.ts';
import { runCli, statuses } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'acp-old-node-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('the host runs from 16.0.0; tsx registers on 18.19+ of 18, 20.6+ of 20 and every 21+', () => {
  const table: [string, boolean, boolean][] = [
    // version, runs the host, runs tsx
    ['14.18.0', false, false],
    ['15.14.0', false, false],
    ['16.0.0', true, false],
    ['16.20.2', true, false],
    ['17.9.1', true, false],
    ['18.5.0', true, false],
    ['18.18.2', true, false],
    ['18.19.0', true, true],
    ['18.20.8', true, true],
    ['19.0.0', true, false],
    ['19.9.0', true, false],
    ['20.5.1', true, false],
    ['20.6.0', true, true],
    ['21.0.0', true, true],
    ['22.0.0', true, true],
    ['24.21.0', true, true],
  ];
  for (const [version, host, tsx] of table) {
    assert.equal(nodeRunsHost(version), host, `${version}: host`);
    assert.equal(nodeRunsTsx(version), tsx, `${version}: tsx`);
  }
});

test('the launcher states the real ranges in one line', () => {
  assert.throws(
    () => nodeLauncher('/x/node', '14.18.0', false),
    (err: Error) =>
      err instanceof UsageError &&
      /node 14\.18\.0 .*too old for the subject host: use Node 16\.0\.0/.test(err.message),
  );
  assert.throws(
    () => nodeLauncher('/x/node', '19.0.0', true),
    (err: Error) =>
      err instanceof UsageError &&
      /node 19\.0\.0 .*cannot run a TypeScript subject .*18\.19\.0–18\.x, 20\.6\.0–20\.x, 21 and later/.test(
        err.message,
      ) &&
      !err.message.includes('\n'),
  );
  const plain = nodeLauncher('/x/node', '19.0.0', false);
  assert.deepEqual(plain.argsFor('/x/host.mjs', ['a']), ['/x/host.mjs', 'a']);
  assert.match(plain.host ?? '', /host\.(m?js)$/);
  const ts = nodeLauncher('/x/node', '18.19.0', true);
  assert.equal(ts.argsFor('/x/host.mjs')[0], '--import');
});

test('the JavaScript host has a JavaScript twin of every built-in; other modules are unchanged', () => {
  const code = nodeHostCode();
  assert.ok(existsSync(code.host), code.host);
  for (const name of ['node', 'agentkeepalive', 'undici', 'hpagent', 'proxy-agents']) {
    const twin = code.moduleFor(codeFile(`harness/subject/builtins/${name}`));
    assert.match(twin, /\.m?js$/, name);
    assert.ok(existsSync(twin), twin);
  }
  assert.equal(
    code.moduleFor('/elsewhere/agent.ts'),
    '/elsewhere/agent.ts',
    'a user module is loaded as given',
  );
});

const NODE16 = '16.20.2';
const cached = existsSync(packageDir(nodePackage(), NODE16));
const skip = cached
  ? false
  : `node@${NODE16} is not in the cache (${packageDir(nodePackage(), NODE16)}): install it with \`npm install --prefix <that folder> ${nodePackage()}@${NODE16}\` or run \`agent-conformance node --runtime node@${NODE16}\` once`;

test(`node@${NODE16}: a small selection runs with no error; the hint it lacks is unsupported`, {
  skip,
}, async () => {
  const only = ['maxSockets/limit-per-origin', 'keepAlive/reuse', 'keepAlive/hint-parse', 'scheduling/lifo'];
  const r = await runCli(['node', '--runtime', `node@${NODE16}`, ...only.flatMap((o) => ['--only', o])], {
    out: join(dir, 'node16'),
  });
  assert.ok(r.report, r.stderr);
  assert.equal(r.report.subject.runtime.version, NODE16);
  assert.equal(r.report.subject.capabilities.keepAliveHint, false);
  const got = statuses(r.report);
  assert.equal(got['keepAlive/hint-parse'], 'unsupported');
  assert.equal(got['maxSockets/limit-per-origin'], 'pass');
  for (const [id, status] of Object.entries(got)) assert.notEqual(status, 'error', `${id}: ${r.stderr}`);
});

test(`node@${NODE16}: a JavaScript subject runs, a TypeScript one is refused in one line (exit 2)`, {
  skip,
}, async () => {
  const js = join(dir, 'plain-agent.mjs');
  writeFileSync(js, "import http from 'node:http';\nexport const createAgent = (o) => new http.Agent(o);\n");
  const ok = await runCli([js, '--runtime', `node@${NODE16}`, '--only', 'maxSockets/limit-per-origin'], {
    out: join(dir, 'js16'),
  });
  assert.ok(ok.report, ok.stderr);
  assert.deepEqual(statuses(ok.report), { 'maxSockets/limit-per-origin': 'pass' });

  const ts = join(dir, 'typed-agent.ts');
  writeFileSync(
    ts,
    "import http from 'node:http';\nexport const createAgent = (o: http.AgentOptions) => new http.Agent(o);\n",
  );
  const refused = await runCli([ts, '--runtime', `node@${NODE16}`, '--only', 'maxSockets'], {
    out: join(dir, 'ts16'),
  });
  assert.equal(refused.code, 2);
  assert.equal(refused.report, null);
  const lines = refused.stderr.trim().split('\n');
  assert.equal(lines.length, 1, refused.stderr);
  assert.match(lines[0]!, /cannot run a TypeScript subject/);
});
