/**
 * `ctx.mayFail` lets a case failure pass and nothing else: a lost subject, a host fault, a harness
 * error, `unsupported` and `skip` end the case with their own status.
 */

import { AssertionError } from 'node:assert';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SubjectCommandError, SubjectUnavailableError } from '../harness/shared/subject-process.ts';
import { CaseFailure, Skip, Unsupported } from '../harness/suite/case-outcome.ts';
import { CaseRun } from '../harness/suite/context.ts';
import type { Session } from '../harness/suite/session.ts';

const run = new CaseRun(
  {
    id: 'lifecycle/x',
    title: 'x',
    level: 'must',
    doc: { url: 'https://nodejs.org/api/http.html', quote: 'x' },
    expected: 'x',
  },
  {} as Session,
);

test('a case failure passes: {ok: false} with what failed', async () => {
  assert.deepEqual(await run.mayFail(Promise.resolve(7)), { ok: true, value: 7 });
  const ranOut = await run.mayFail(Promise.reject(new CaseFailure('waited 10 ms for x: it did not happen')));
  assert.deepEqual(ranOut, { ok: false, message: 'waited 10 ms for x: it did not happen', code: null });
  const asserted = await run.mayFail(
    Promise.reject(new AssertionError({ actual: 1, expected: 2, operator: 'strictEqual' })),
  );
  assert.equal(asserted.ok, false);
  const threw = await run.mayFail(
    Promise.reject(
      new SubjectCommandError('request', { name: 'TypeError', code: 'ERR_INVALID_PROTOCOL', message: 'no' }),
    ),
  );
  assert.deepEqual(threw, {
    ok: false,
    message: 'the subject threw: request: TypeError [ERR_INVALID_PROTOCOL]: no',
    code: 'ERR_INVALID_PROTOCOL',
  });
  // a subject's error with a reserved code is still the subject's
  const reserved = await run.mayFail(
    Promise.reject(
      new SubjectCommandError('getName', { name: 'Error', code: 'ERR_UNKNOWN_AGENT', message: 'x' }),
    ),
  );
  assert.equal(reserved.ok, false);
});

test('everything else is rethrown', async () => {
  const rethrown = [
    new SubjectUnavailableError('exited', 'the subject process exited with code 5'),
    new SubjectUnavailableError('hung', 'the subject did not answer'),
    new SubjectCommandError('snapshot', {
      name: 'HostError',
      code: 'ERR_UNKNOWN_AGENT',
      message: 'x',
      host: true,
    }),
    new SubjectCommandError('snapshot', {
      name: 'HostError',
      code: 'ERR_SUBJECT_UNSUPPORTED',
      message: 'x',
      host: true,
    }),
    new Unsupported('no'),
    new Skip('no'),
    new TypeError('a harness bug'),
  ];
  for (const err of rethrown) await assert.rejects(run.mayFail(Promise.reject(err)), (e) => e === err);
});
