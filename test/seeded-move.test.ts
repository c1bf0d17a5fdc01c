/** scripts/seeded-move.ts: which folder a flat seeded agent goes to, and its imports one level deeper. */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { areaOfFlatName, deeperImports, planMoves } from '../scripts/seeded-move.ts';
import { tempDir } from './helpers/cli.ts';

test('the prefix names the area, in any case; anything else is no area', () => {
  assert.deepEqual(areaOfFlatName('keepalive-drops-hint.ts'), { area: 'keepAlive', slug: 'drops-hint.ts' });
  assert.deepEqual(areaOfFlatName('MAXSOCKETS-x.ts'), { area: 'maxSockets', slug: 'x.ts' });
  assert.deepEqual(areaOfFlatName('createconnection-y.mjs'), { area: 'createConnection', slug: 'y.mjs' });
  assert.equal(areaOfFlatName('cc-drops-timeout.ts'), null);
  assert.equal(areaOfFlatName('keepalive.ts'), null);
});

test('relative imports go one folder deeper; package imports stay', () => {
  const source = [
    "import http from 'node:http';",
    "import type { ProxyCapabilities } from '../../../harness/subject/proxy-contract.ts';",
    "import { helper } from './helper.ts';",
    "const lazy = await import('../../x.ts');",
  ].join('\n');
  assert.equal(
    deeperImports(source),
    [
      "import http from 'node:http';",
      "import type { ProxyCapabilities } from '../../../../harness/subject/proxy-contract.ts';",
      "import { helper } from '../helper.ts';",
      "const lazy = await import('../../../x.ts');",
    ].join('\n'),
  );
});

test('a plan moves flat agents only, and names the ones it cannot place', () => {
  const dir = tempDir('acp-seeded-move-');
  mkdirSync(join(dir, 'proxy'));
  writeFileSync(join(dir, 'proxy', 'taken.ts'), '');
  for (const f of ['https-new.ts', 'proxy-taken.ts', 'hint-stray.ts', 'README.md'])
    writeFileSync(join(dir, f), '');
  const { moves, problems } = planMoves(dir);
  assert.deepEqual(moves, [{ from: 'https-new.ts', to: join('https', 'new.ts') }]);
  assert.equal(problems.length, 2);
  assert.match(problems.join('\n'), /hint-stray\.ts: its name starts with no case area/);
  assert.match(problems.join('\n'), /proxy-taken\.ts: proxy\/taken\.ts exists already/);
  assert.equal(readFileSync(join(dir, 'proxy', 'taken.ts'), 'utf8'), '');
});
