import assert from 'node:assert/strict';
import { test } from 'node:test';
import { selected } from '../harness/shared/config.ts';

test('--only selects a case id exactly, an area, or a prefix ending in *', () => {
  assert.equal(selected('keepAlive/reuse', []), true);
  assert.equal(selected('keepAlive/reuse', ['keepAlive/reuse']), true);
  assert.equal(selected('keepAlive/reuse-socket-called', ['keepAlive/reuse']), false);
  assert.equal(selected('keepAlive/reuse-socket-called', ['keepAlive']), true);
  assert.equal(selected('keepAlive/reuse-socket-called', ['keepAlive/']), true);
  assert.equal(selected('keepAliveX/a', ['keepAlive']), false);
  assert.equal(selected('keepAlive/reuse-socket-called', ['keepAlive/reuse*']), true);
  assert.equal(selected('timeout/a', ['maxSockets', 'timeout']), true);
});
