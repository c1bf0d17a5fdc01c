/**
 * The built-in `node` subject's capabilities come from what its release documents (the "Added in"
 * history of `new Agent([options])`), never from a probe of the agent.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  documentedAgentOptions,
  documentedIn,
  globalAgentKeepAliveDocumented,
  globalProxyDocumented,
  proxyEnvDocumented,
} from '../harness/subject/builtins/node-release.ts';
import { runCli, statuses } from './helpers/cli.ts';

test('documentedIn reads Node YAML history: first release per line, later major lines included', () => {
  const lines = ['24.5.0', '22.21.0'];
  const cases: [string, boolean][] = [
    ['20.20.2', false],
    ['22.20.9', false],
    ['22.21.0', true],
    ['23.11.1', false],
    ['24.4.1', false],
    ['24.5.0', true],
    ['24.21.0', true],
    ['26.3.0', true],
    ['v24.5.1', true],
    ['not a version', false],
  ];
  for (const [version, expected] of cases) assert.equal(documentedIn(version, lines), expected, version);
});

test('Node 20 and 24.4.1 document none of the three options; 22.20 only the buffer; 24.7 all', () => {
  const none = {
    defaultPort: false,
    protocol: false,
    agentKeepAliveTimeoutBuffer: false,
    keepAliveHint: true,
    getNameWithoutOptions: true,
  };
  assert.deepEqual(documentedAgentOptions('20.20.2'), none);
  assert.deepEqual(documentedAgentOptions('24.4.1'), none);
  assert.deepEqual(documentedAgentOptions('22.20.0'), { ...none, agentKeepAliveTimeoutBuffer: true });
  assert.deepEqual(documentedAgentOptions('24.6.0'), {
    defaultPort: true,
    protocol: true,
    agentKeepAliveTimeoutBuffer: false,
    keepAliveHint: true,
    getNameWithoutOptions: true,
  });
  assert.deepEqual(documentedAgentOptions('24.7.0'), {
    defaultPort: true,
    protocol: true,
    agentKeepAliveTimeoutBuffer: true,
    keepAliveHint: true,
    getNameWithoutOptions: true,
  });
});

test('getName() without options: from 17.7.0 / 16.15.0 (nodejs/node#41906)', () => {
  assert.deepEqual(
    ['16.0.0', '16.14.2', '16.15.0', '16.20.2', '17.6.0', '17.7.0', '18.0.0'].map(
      (v) => documentedAgentOptions(v).getNameWithoutOptions,
    ),
    [false, false, true, true, false, true, true],
  );
});

test('the Keep-Alive hint: from 19.0.0 (nodejs/node#43522), not on 16.x or 18.x', () => {
  assert.deepEqual(
    ['16.0.0', '16.20.2', '18.5.0', '18.20.8', '19.0.0', '20.0.0', '26.3.0'].map(
      (v) => documentedAgentOptions(v).keepAliveHint,
    ),
    [false, false, false, false, true, true, true],
  );
});

test('proxyEnv: documented from 24.5.0 / 22.21.0', () => {
  assert.deepEqual(
    ['20.20.2', '22.20.0', '22.21.0', '24.4.1', '24.5.0', '26.3.0'].map((v) => proxyEnvDocumented(v)),
    [false, false, true, false, true, true],
  );
});

test('setGlobalProxyFromEnv (capability globalProxy): documented from 24.14.0 / 25.4.0', () => {
  assert.deepEqual(
    ['22.21.0', '24.13.1', '24.14.0', '24.21.0', '25.3.0', '25.4.0', '26.3.0'].map((v) =>
      globalProxyDocumented(v),
    ),
    [false, false, true, true, false, true, true],
  );
});

test('a kept-alive globalAgent (capability globalAgentKeepAlive): documented from 19.0.0', () => {
  assert.deepEqual(
    ['16.20.2', '18.20.8', '19.0.0', '20.0.0', '26.3.0'].map((v) => globalAgentKeepAliveDocumented(v)),
    [false, false, true, true, true],
  );
});

test('a module exporting proxyCapabilities = null makes no proxy agents: the proxy cases are unsupported', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'acp-null-proxy-'));
  const file = join(dir, 'null-proxy.mjs');
  writeFileSync(
    file,
    [
      "import http from 'node:http';",
      'export const createAgent = (o) => new http.Agent(o);',
      'export const createProxyAgent = ({ agentOptions }) => new http.Agent(agentOptions);',
      'export const proxyCapabilities = null;',
    ].join('\n'),
  );
  const r = await runCli([file, '--only', 'proxy/http-through-proxy', '--out', join(dir, 'out')]);
  assert.ok(r.report, r.stderr);
  assert.equal(r.report.subject.capabilities.proxy, false);
  assert.deepEqual(statuses(r.report), { 'proxy/http-through-proxy': 'unsupported' });
});
