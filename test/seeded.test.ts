/**
 * Every seeded-bug agent in test/agents/seeded/ breaks one documented rule and declares which
 * cases must catch it. Each of those cases must fail for the seeded agent, by a real observation,
 * and pass for the built-in `node` subject, so that the catch is not a false alarm.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ROOT, runCli, statuses } from './helpers/cli.ts';

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

const onlyArgs = (ids: string[]) => ids.flatMap((id) => ['--only', id]);

describe('seeded bugs are caught', { concurrency: 2 }, () => {
  let nodeVerdicts: Record<string, string> = {};

  before(async () => {
    const all = [...new Set(seeded.flatMap((s) => s.catches))];
    const r = await runCli(['node', ...onlyArgs(all)]);
    nodeVerdicts = statuses(r.report);
  });

  test('there are at least 10 seeded-bug agents', () => {
    assert.ok(seeded.length >= 10, `found ${seeded.length}`);
  });

  for (const s of seeded) {
    test(`${s.file} (${s.rule})`, async () => {
      for (const id of s.catches)
        assert.equal(nodeVerdicts[id], 'pass', `node must pass ${id}, the case that catches ${s.file}`);
      const r = await runCli([s.file, ...onlyArgs(s.catches)]);
      const got = statuses(r.report);
      for (const id of s.catches) {
        assert.equal(got[id], 'fail', `${id} must fail for ${s.file} (got ${got[id]}); output:\n${r.stdout}`);
      }
      assert.equal(r.code, r.report?.results.some((x) => x.level === 'must' && x.status === 'fail') ? 1 : 0);
    });
  }
});
