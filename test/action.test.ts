/**
 * action.yml, the composite GitHub Action: its inputs are the issue's, its one step is bash, and its
 * work is one CLI command. The step's script runs here with a stub `npx` on PATH that prints the
 * arguments it got, so the command line each set of inputs makes is checked, quoting included.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { ROOT, tempDir } from './helpers/cli.ts';

interface Action {
  name: string;
  inputs: Record<string, { required?: boolean; default?: string }>;
  runs: { using: string; steps: { shell: string; run: string; env: Record<string, string> }[] };
}

const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as Action;

test('action.yml: a composite action with the issue inputs and one bash step', () => {
  assert.deepEqual(Object.keys(action.inputs).sort(), [
    'containers',
    'expectations',
    'only',
    'protocol',
    'runtime',
    'subject',
  ]);
  assert.equal(action.inputs.subject?.required, true);
  assert.equal(action.runs.using, 'composite');
  assert.equal(action.runs.steps.length, 1);
  assert.equal(action.runs.steps[0]?.shell, 'bash');
  assert.equal(action.runs.steps[0]?.run.match(/^\s*npx /gm)?.length, 1, 'one CLI command');
});

/** Runs the step's script with the inputs as the runner would set them; returns npx's argv. */
function argvFor(inputs: Record<string, string>): string[] {
  const step = action.runs.steps[0]!;
  const bin = tempDir('acp-action-');
  const npx = join(bin, 'npx');
  writeFileSync(npx, '#!/usr/bin/env bash\nprintf "%s\\n" "$@"\n');
  chmodSync(npx, 0o755);
  const env: NodeJS.ProcessEnv = { PATH: `${bin}:${process.env.PATH}` };
  for (const [name, expr] of Object.entries(step.env)) {
    const input = /inputs\.([a-z]+)/.exec(expr)?.[1] ?? '';
    env[name] = inputs[input] ?? action.inputs[input]?.default ?? '';
  }
  const out = execFileSync('bash', ['-c', step.run], { env, encoding: 'utf8' });
  return out.trimEnd().split('\n');
}

test('the defaults: the subject with terminal and github reporters', () => {
  assert.deepEqual(argvFor({ subject: './my agent.ts' }), [
    '--yes',
    'agent-conformance',
    './my agent.ts',
    '--runtime',
    'node',
    '--protocol',
    'http',
    '--reporter',
    'terminal',
    '--reporter',
    'github',
  ]);
});

test('every input: --only per word (no globbing), --expectations, --containers', () => {
  const argv = argvFor({
    subject: 'undici',
    runtime: 'bun',
    protocol: 'https',
    only: 'maxSockets\nkeepAlive/reuse*  servers',
    expectations: 'expectations.json',
    containers: 'true',
  });
  assert.deepEqual(argv.slice(2), [
    'undici',
    '--runtime',
    'bun',
    '--protocol',
    'https',
    '--reporter',
    'terminal',
    '--reporter',
    'github',
    '--only',
    'maxSockets',
    '--only',
    'keepAlive/reuse*',
    '--only',
    'servers',
    '--expectations',
    'expectations.json',
    '--containers',
  ]);
});
