import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeValue, encodeValue, frame, MESSAGE_PREFIX } from '../harness/shared/protocol.ts';

test('values JSON cannot carry survive the protocol', () => {
  const value = {
    a: Number.POSITIVE_INFINITY,
    b: Number.NaN,
    c: undefined,
    d: [Number.NEGATIVE_INFINITY, 1, 'x', null],
    e: 10n,
  };
  const back = decodeValue(JSON.parse(JSON.stringify(encodeValue(value)))) as Record<string, unknown>;
  assert.equal(back.a, Number.POSITIVE_INFINITY);
  assert.ok(Number.isNaN(back.b));
  assert.ok('c' in back && back.c === undefined);
  assert.deepEqual(back.d, [Number.NEGATIVE_INFINITY, 1, 'x', null]);
  assert.equal(back.e, 10n);
});

test('a frame is one prefixed line, starting on a fresh line', () => {
  const f = frame({ type: 'reply', id: 1, ok: true, value: null });
  assert.ok(f.startsWith(`\n${MESSAGE_PREFIX}`));
  assert.ok(f.endsWith('\n'));
  assert.equal(f.trim().split('\n').length, 1);
});
