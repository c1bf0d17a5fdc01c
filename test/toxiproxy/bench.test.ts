import assert from 'node:assert/strict';
import { test } from 'node:test';
import { benchToxiproxy } from '../../fixtures/toxiproxy/bench.ts';

test('benchToxiproxy runs and reports finite numbers (small sizes)', { timeout: 15_000 }, async () => {
  const r = await benchToxiproxy({ requests: 30, bodyBytes: 1_000_000 });
  assert.deepEqual(Object.keys(r).sort(), [
    'directMbps',
    'directMedianMs',
    'directP99Ms',
    'overheadMedianMs',
    'overheadP99Ms',
    'proxiedMbps',
  ]);
  for (const [k, v] of Object.entries(r)) assert.ok(Number.isFinite(v), `${k} = ${v}`);
  assert.ok(r.directMedianMs > 0);
  assert.ok(r.proxiedMbps > 0 && r.directMbps > 0);
});
