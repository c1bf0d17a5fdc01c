/**
 * Every seeded-bug agent in test/agents/seeded/ breaks one documented rule and declares which
 * cases must catch it. Each of those cases must fail for the seeded agent by a failed assertion about
 * the documented behaviour (not because the subject threw), a caught `must` case makes the CLI exit
 * 1, and the built-in `node` subject is not known to fail it (test/node-verdicts.test.ts pins node's
 * verdict on every case), so that the catch is not a false alarm. And every `must` and `should` case
 * is caught by some seeded agent, or by a built-in subject named in ./seeded-coverage.ts (which
 * test/caught-elsewhere.test.ts runs on it). Catches in `servers/` run in the container lane
 * (test/helpers/lane.ts).
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { applicable, loadExpectations } from '../harness/parent/expectations.ts';
import { ROOT, runCli } from './helpers/cli.ts';
import { assertCaught, isLaneCase, LANE_TAG, laneUp } from './helpers/lane.ts';
import { CAUGHT_ELSEWHERE, UNCAUGHT_EXCEPTIONS } from './seeded-coverage.ts';

const DIR = join(ROOT, 'test/agents/seeded');

interface Seeded {
  file: string;
  catches: string[];
  rule: string;
}

const files = readdirSync(DIR)
  .filter((f) => /\.(ts|mts|js|mjs|cjs)$/.test(f))
  .sort();

const seeded: Seeded[] = await Promise.all(
  files.map(async (f) => {
    const mod = (await import(pathToFileURL(join(DIR, f)).href)) as {
      seeded?: { catches?: string[]; rule?: string };
    };
    assert.ok(mod.seeded?.catches?.length, `${f} declares export const seeded = { catches: [...] }`);
    return {
      file: join('test/agents/seeded', f),
      catches: mod.seeded.catches,
      rule: mod.seeded.rule ?? '',
    };
  }),
);

/** Every case with its level, from `--list`. */
async function listCases(): Promise<{ id: string; level: string }[]> {
  const r = await runCli(['--list'], { out: false });
  return r.stdout
    .split('\n')
    .map((line) => /^(\S+\/\S+)\s+(must|should|info)\s/.exec(line))
    .filter((m) => m !== null)
    .map((m) => ({ id: m[1] ?? '', level: m[2] ?? '' }));
}

// the seeded agents run on the pinned Node: entries for other releases (`when`) do not apply
const nodeEntries = loadExpectations(join(ROOT, 'expectations/node.json'));
const pinnedNode = { name: 'node', version: process.versions.node };
const nodeFails = (id: string): boolean => {
  const e = nodeEntries[id];
  return e !== undefined && e.status === 'fail' && applicable(e, pinnedNode);
};

describe('every must and should case is caught', () => {
  test('by a seeded agent, or by a runtime or package named in seeded-coverage.ts', async () => {
    const cases = await listCases();
    assert.ok(cases.length > 0, 'the case list is empty');
    const known = new Set(cases.map((c) => c.id));
    const caught = new Set([...seeded.flatMap((s) => s.catches), ...Object.keys(CAUGHT_ELSEWHERE)]);
    for (const s of seeded)
      for (const id of s.catches) assert.ok(known.has(id), `${s.file} catches ${id}, which is no case`);
    for (const id of [...Object.keys(CAUGHT_ELSEWHERE), ...Object.keys(UNCAUGHT_EXCEPTIONS)])
      assert.ok(known.has(id), `seeded-coverage.ts names ${id}, which is no case`);
    assert.ok(Object.keys(UNCAUGHT_EXCEPTIONS).length <= 5, 'at most 5 written exceptions');
    const missing = cases
      .filter((c) => c.level !== 'info' && !caught.has(c.id) && !(c.id in UNCAUGHT_EXCEPTIONS))
      .map((c) => `${c.level} ${c.id}`);
    assert.deepEqual(
      missing,
      [],
      `${missing.length} cases are caught by no seeded agent:\n${missing.join('\n')}`,
    );
  });
});

describe('seeded bugs are caught', { concurrency: 2 }, () => {
  test('there are at least 10 seeded-bug agents', () => {
    assert.ok(seeded.length >= 10, `found ${seeded.length}`);
  });

  for (const s of seeded) {
    const here = s.catches.filter((id) => !isLaneCase(id));
    const lane = s.catches.filter(isLaneCase);
    const notNodes = (ids: string[]) => {
      for (const id of ids)
        assert.ok(!nodeFails(id), `node is expected to fail ${id}: it cannot show that ${s.file} is caught`);
    };
    if (here.length > 0)
      test(`${s.file} (${s.rule})`, async () => {
        notNodes(here);
        const r = await assertCaught(s.file, here);
        const mustCaught = (r.report?.results ?? []).some((x) => here.includes(x.id) && x.level === 'must');
        assert.equal(r.code, mustCaught ? 1 : 0, `exit code (a caught must case exits 1): ${r.stderr}`);
      });
    // the servers cases need Docker: scripts/ci-containers.sh runs these in CI
    if (lane.length > 0)
      test(`${s.file} (${s.rule}) on ${lane.join(', ')} ${LANE_TAG}`, async (t) => {
        if (!laneUp(t)) return;
        notNodes(lane);
        await assertCaught(s.file, lane);
      });
  }
});
