/**
 * Every entry of CAUGHT_ELSEWHERE (test/seeded-coverage.ts) is a claim that a built-in subject fails
 * a case: run each named subject on its cases and assert `fail` (a pass, an error or a skip fails
 * this test). The `servers/` cases run in the container lane (test/helpers/lane.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUILTIN_SUBJECTS } from '../harness/parent/subjects.ts';
import { assertCaught, testHereAndInLane } from './helpers/lane.ts';
import { CAUGHT_ELSEWHERE } from './seeded-coverage.ts';

const bySubject = new Map<string, string[]>();
for (const [id, { subjects }] of Object.entries(CAUGHT_ELSEWHERE))
  for (const s of subjects) bySubject.set(s, [...(bySubject.get(s) ?? []), id]);

test('every subject CAUGHT_ELSEWHERE names is a built-in subject', () => {
  assert.deepEqual(
    [...bySubject.keys()].filter((s) => !(s in BUILTIN_SUBJECTS)),
    [],
    'CAUGHT_ELSEWHERE names subjects this test cannot run',
  );
  assert.ok(bySubject.size > 0);
});

for (const [subject, ids] of bySubject)
  testHereAndInLane(
    ids,
    (some) => `${subject} fails ${some.join(', ')}`,
    (some) => assertCaught(subject, some),
  );
