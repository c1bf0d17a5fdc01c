/**
 * Every seeded-bug agent in test/agents/seeded/<area>/ breaks one documented rule and declares which
 * cases must catch it. `<area>` is spelled as in case ids (`keepAlive`, `maxSockets`, `https`…) and
 * is the area of one of the cases it catches; a file left flat in test/agents/seeded/ fails here
 * (`node scripts/seeded-move.ts` moves `<area>-<slug>.ts` into its folder). Per case, the agents
 * that prove it are printed (the test's diagnostics). Each of those cases must fail for the seeded agent by a failed assertion about
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
import { applicable, loadExpectations } from '../harness/parent/expectation-file.ts';
import { AREAS } from '../harness/shared/case-spec.ts';
import { AGENT_FILE } from '../scripts/seeded-move.ts';
import { ROOT, runCli } from './helpers/cli.ts';
import { assertCaught, isLaneCase, LANE_TAG, laneUp } from './helpers/lane.ts';
import { CAUGHT_ELSEWHERE, UNCAUGHT_EXCEPTIONS } from './seeded-coverage.ts';

const DIR = join(ROOT, 'test/agents/seeded');

interface Seeded {
  file: string;
  catches: string[];
  rule: string;
}

/** Agents left flat in DIR (they belong in a folder by area). */
const flat = readdirSync(DIR, { withFileTypes: true })
  .filter((e) => e.isFile() && AGENT_FILE.test(e.name))
  .map((e) => e.name);

/** `<area>/<file>` of every agent in a folder. */
const files = readdirSync(DIR, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .flatMap((d) =>
    readdirSync(join(DIR, d.name))
      .filter((f) => AGENT_FILE.test(f))
      .map((f) => `${d.name}/${f}`),
  )
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

describe('seeded agents live in folders by area', () => {
  test('no agent is left flat in test/agents/seeded/', () => {
    assert.deepEqual(flat, [], 'move them with: node scripts/seeded-move.ts');
  });

  test("each folder is a case area, one of the areas of the agent's catches", () => {
    for (const s of seeded) {
      const folder = s.file.split('/').at(-2) ?? '';
      assert.ok((AREAS as readonly string[]).includes(folder), `${s.file}: ${folder} is no case area`);
      assert.ok(
        s.catches.some((id) => id.split('/')[0] === folder),
        `${s.file} catches no ${folder} case (${s.catches.join(', ')})`,
      );
    }
  });

  test('per case, the agents that prove it', (t) => {
    const byCase = new Map<string, string[]>();
    for (const s of seeded)
      for (const id of s.catches)
        byCase.set(id, [...(byCase.get(id) ?? []), s.file.replace('test/agents/seeded/', '')]);
    for (const [id, by] of Object.entries(CAUGHT_ELSEWHERE))
      byCase.set(id, [...(byCase.get(id) ?? []), `caught by ${by.subjects.join(', ')}`]);
    for (const id of [...byCase.keys()].sort()) t.diagnostic(`${id}: ${(byCase.get(id) ?? []).join(', ')}`);
    assert.ok(byCase.size > 0);
  });
});

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
