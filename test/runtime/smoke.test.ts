/**
 * The CLI end to end with the subject under Bun and Deno (installed on demand from the npm
 * registry): a smoke subset across areas. Each run must produce a report that validates, run the
 * host under the named runtime, and give verdicts (pass or fail), never a harness `error` or
 * `timeout`. Where Bun and Deno agree with Node (they ship ports of Node's _http_agent.js), the
 * verdicts equal the built-in subject's under the pinned Node.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { runCli, statuses } from '../helpers/cli.ts';
import { schemaErrors } from '../helpers/schema.ts';
import { INSTALL_TIMEOUT } from './helpers.ts';

const SMOKE = [
  'maxSockets/limit-per-origin',
  'maxSockets/queue-fifo',
  'maxTotalSockets/limit-across-origins',
  'maxFreeSockets',
  'scheduling/lifo',
  'timeout/free-destroyed',
  'keepAlive/reuse',
  'getName/format',
  'lifecycle/destroy-closes-free',
];
const only = SMOKE.flatMap((id) => ['--only', id]);

describe('the smoke subset under Bun and Deno', { concurrency: 1, timeout: INSTALL_TIMEOUT }, () => {
  let node: Record<string, string> = {};

  before(async () => {
    const r = await runCli(['node', ...only]);
    assert.ok(r.report, r.stderr);
    node = statuses(r.report);
    assert.ok(Object.keys(node).length >= SMOKE.length, `smoke ids resolved to ${Object.keys(node)}`);
  });

  for (const runtime of ['bun', 'deno']) {
    test(`node --runtime ${runtime}`, { timeout: INSTALL_TIMEOUT }, async () => {
      const r = await runCli(['node', '--runtime', runtime, ...only], { timeoutMs: INSTALL_TIMEOUT });
      assert.ok(r.report, `no report (exit ${r.code}): ${r.stderr}`);
      assert.equal(schemaErrors(r.report), null);
      assert.equal(r.report.subject.runtime.name, runtime);
      assert.ok([0, 1].includes(r.code ?? -1), `exit ${r.code}: ${r.stderr}`);
      const harnessProblems = r.report.results.filter((x) => x.status === 'error' || x.status === 'timeout');
      assert.deepEqual(
        harnessProblems.map((x) => `${x.id}: ${x.message}`),
        [],
        'no case may end in error or timeout',
      );
      assert.deepEqual(statuses(r.report), node);
    });
  }
});
