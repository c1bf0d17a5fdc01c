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
      const got = withoutProxy(statuses(r.report));
      // a difference names what the case saw, so that a flake on a loaded machine can be read
      const differ = (r.report?.results ?? [])
        .filter((x) => x.id in node && got[x.id] !== node[x.id])
        .map(
          (x) =>
            `${x.id}: ${x.status} (node: ${node[x.id]}): ${x.message ?? ''} | observed: ${x.observed ?? ''}`,
        );
      assert.deepEqual(got, node, differ.join('\n'));
    });
  }
});
