/**
 * No false alarms: agents that are correct by construction (a delegating subclass, a TypeScript
 * agent with an enum, a CommonJS module) get exactly the verdicts of the built-in `node` subject.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { runCli, statuses } from './helpers/cli.ts';
import { schemaErrors } from './helpers/schema.ts';

/** These agents make no proxy agents (no createProxyAgent): the proxy area is `unsupported` for them. */
const withoutProxy = (verdicts: Record<string, string>) =>
  Object.fromEntries(Object.entries(verdicts).filter(([id]) => !id.startsWith('proxy/')));

const CORRECT = [
  'test/agents/correct/reference-subclass.ts',
  'test/agents/correct/enum-agent.ts',
  'test/agents/correct/commonjs-agent.cjs',
];

describe('correct agents match node exactly', { concurrency: 1 }, () => {
  let node: Record<string, string> = {};

  before(async () => {
    const r = await runCli(['node']);
    assert.ok(r.report, r.stderr);
    assert.equal(schemaErrors(r.report), null);
    node = withoutProxy(statuses(r.report));
    assert.ok(Object.keys(node).length >= 45);
  });

  for (const file of CORRECT) {
    test(file, async () => {
      const r = await runCli([file]);
      assert.ok(r.report, r.stderr);
      assert.deepEqual(withoutProxy(statuses(r.report)), node);
    });
  }
});
