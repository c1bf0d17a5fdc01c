/** The README stays true: its case list is the suites' own, and it names the commands CI runs. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { caseTable, replaceBlock } from '../scripts/readme-cases.ts';
import { ROOT } from './helpers/cli.ts';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

test('the README lists exactly the cases the suites define', async () => {
  assert.equal(replaceBlock(readme, await caseTable()), readme, 'run: node scripts/readme-cases.ts');
});

test('the README names the test command that .ci/run calls', () => {
  const ci = readFileSync(join(ROOT, '.ci/run'), 'utf8');
  assert.match(ci, /^npm test$/m);
  assert.match(readme, /npm test/);
  assert.match(readme, /npm run conformance -- node/);
});
