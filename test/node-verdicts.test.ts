/**
 * Pins the built-in `node` subject's verdict on every case: a full run with the shipped expectations
 * exits 0, every case is pass unless expectations/node.json says otherwise for this release, and every case has a
 * verdict. A case hollowed into always-pass or always-fail breaks here.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { applicable, loadExpectations } from '../harness/parent/expectation-file.ts';
import { ROOT, runCli, statuses } from './helpers/cli.ts';

test('node: a full run gives the pinned verdict on every case', async () => {
  const expected = loadExpectations(join(ROOT, 'expectations/node.json'));
  const listed = (await runCli(['--list'], { out: false })).stdout
    .split('\n')
    .map((line) => /^(\S+\/\S+)\s+(?:must|should|info)\s/.exec(line)?.[1])
    .filter((id) => id !== undefined);
  const r = await runCli(['node', '--expectations', 'node']);
  const got = statuses(r.report);
  // entries for other releases (`when`: old Node lines) do not apply to the pinned Node
  const runtime = r.report?.subject.runtime ?? { name: 'node', version: process.versions.node };
  const pinned = (id: string) => {
    const e = expected[id];
    return e && applicable(e, runtime) ? e.status : 'pass';
  };
  const wrong = listed
    // the container lane's cases (scripts/ci-containers.sh runs them) are skip without --containers
    .map((id) => ({
      id,
      want: id.startsWith('servers/') ? 'skip' : pinned(id),
      got: got[id] ?? 'missing',
    }))
    .filter((x) => x.want !== x.got)
    .map((x) => `${x.id}: ${x.got}, pinned ${x.want}`);
  assert.deepEqual(wrong, [], `node's verdicts differ from the pinned ones:\n${wrong.join('\n')}`);
  assert.equal(r.code, 0, `exit code with --expectations node:\n${r.stdout.slice(-2000)}`);
});
