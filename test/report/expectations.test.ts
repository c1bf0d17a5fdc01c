/** Expectation files: validation, applicability, comparison to a run, and stable updates. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  applicable,
  compareToExpectations,
  type Expectations,
  formatExpectations,
  loadExpectations,
  parseExpectations,
  updateExpectations,
} from '../../harness/parent/expectation-file.ts';
import type { Report } from '../../harness/parent/report/types.ts';
import { fixture } from './helpers.ts';

const LINK = 'https://github.com/nodejs/node/issues/12345';
const node24 = { name: 'node', version: '24.21.0' };

function usage(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: Error & { code?: string }) => {
    assert.equal(e.code, 'ERR_USAGE');
    assert.doesNotMatch(e.message, /\n/);
    assert.match(e.message, pattern);
    return true;
  });
}

test('loadExpectations reads a valid file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acp-exp-'));
  const file = join(dir, 'expectations.json');
  const data = {
    'keepAlive/hint-parse': {
      status: 'fail',
      reason: 'ignores the hint',
      link: LINK,
      when: { runtime: 'node', version: '>=22 <25' },
    },
    'keepAlive/hint-buffer': { status: 'unsupported', reason: '' },
  };
  writeFileSync(file, JSON.stringify(data));
  assert.deepEqual(loadExpectations(file), data);
  usage(
    () => loadExpectations(join(dir, 'missing.json')),
    /missing\.json: cannot read the expectation file \(ENOENT\)/,
  );
});

test('parseExpectations rejects a bad shape with one-line ERR_USAGE errors', () => {
  usage(() => parseExpectations('{', 'x.json'), /^x\.json: not valid JSON/);
  usage(() => parseExpectations('[]', 'x.json'), /must be a JSON object keyed by case id/);
  usage(() => parseExpectations('{"nope": {"status": "fail", "reason": ""}}'), /"nope" is not a case id/);
  usage(() => parseExpectations('{"a/b": 1}'), /"a\/b" must be an object/);
  usage(
    () => parseExpectations('{"a/b": {"status": "pass", "reason": ""}}'),
    /status must be one of fail, unsupported, skip \(got "pass"\)/,
  );
  usage(() => parseExpectations('{"a/b": {"status": "timeout", "reason": ""}}'), /status must be one of/);
  usage(() => parseExpectations('{"a/b": {"status": "fail"}}'), /reason must be a string/);
  usage(() => parseExpectations('{"a/b": {"status": "fail", "reason": "", "bug": 1}}'), /unknown key "bug"/);
  usage(
    () => parseExpectations('{"a/b": {"status": "fail", "reason": "", "link": "javascript:x"}}'),
    /link must be an http\(s\) URL/,
  );
  usage(
    () => parseExpectations('{"a/b": {"status": "fail", "reason": "", "when": {"version": "soon"}}}'),
    /when\.version must be a semver range \(got "soon"\)/,
  );
  usage(
    () => parseExpectations('{"a/b": {"status": "fail", "reason": "", "when": {"os": "linux"}}}'),
    /when has an unknown key "os"/,
  );
  usage(
    () => parseExpectations('{"a/b": {"status": "fail", "reason": "", "when": {"runtime": ""}}}'),
    /when\.runtime must be a runtime name/,
  );
});

test('applicable: runtime name and semver range', () => {
  const e = (when?: { runtime?: string; version?: string }) => ({
    status: 'fail' as const,
    reason: '',
    ...(when ? { when } : {}),
  });
  assert.equal(applicable(e(), node24), true);
  assert.equal(applicable(e({ runtime: 'node' }), node24), true);
  assert.equal(applicable(e({ runtime: 'bun' }), node24), false);
  assert.equal(applicable(e({ runtime: 'node', version: '>=22 <25' }), node24), true);
  assert.equal(
    applicable(e({ runtime: 'node', version: '>=22 <25' }), { name: 'node', version: '25.0.0' }),
    false,
  );
  assert.equal(
    applicable(e({ runtime: 'node', version: '>=22 <25' }), { name: 'node', version: '21.9.9' }),
    false,
  );
  assert.equal(
    applicable(e({ version: '^24' }), { name: 'node', version: 'v24.1.0' }),
    true,
    'a v prefix is fine',
  );
  assert.equal(applicable(e({ version: '>=24' }), { name: 'node', version: '25.0.0-nightly20260101' }), true);
  assert.equal(applicable(e({ version: '>=1' }), { name: 'x', version: 'unknown' }), false);
});

// The hostile fixture: fail = connection-header-default, hint-parse, queue-served; error = per-request-wins;
// timeout = free-destroyed; unsupported = hint-buffer; skip = scheduling/lifo.
const report = fixture('hostile');

test('compareToExpectations: no file → every fail, error and timeout is unexpected; unsupported/skip are fine', () => {
  const c = compareToExpectations(report, {});
  assert.deepEqual(
    c.unexpected.map((u) => [u.id, u.expected, u.actual, u.kind]),
    [
      ['keepAlive/connection-header-default', 'pass', 'fail', 'unexpected-fail'],
      ['keepAlive/hint-parse', 'pass', 'fail', 'unexpected-fail'],
      ['timeout/free-destroyed', 'pass', 'timeout', 'unexpected-status'],
      ['timeout/per-request-wins', 'pass', 'error', 'unexpected-status'],
      ['maxSockets/queue-served', 'pass', 'fail', 'unexpected-fail'],
    ],
  );
  assert.deepEqual(c.expectedFailures, []);
  assert.deepEqual(c.stale, []);
});

test('compareToExpectations: expected failures, an unexpected pass, error/timeout always, stale entries', () => {
  const exp: Expectations = {
    'keepAlive/connection-header-default': { status: 'fail', reason: 'known' },
    'keepAlive/hint-parse': { status: 'fail', reason: 'only on bun', when: { runtime: 'bun' } },
    'keepAlive/reuse': { status: 'fail', reason: 'was broken', link: LINK },
    'keepAlive/hint-buffer': { status: 'unsupported', reason: 'no buffer option' },
    'timeout/free-destroyed': { status: 'fail', reason: 'hangs' },
    'maxSockets/queue-served': { status: 'unsupported', reason: 'was unsupported' },
    'scheduling/fifo': { status: 'fail', reason: 'case renamed' },
  };
  const c = compareToExpectations(report, exp);
  assert.deepEqual(
    c.unexpected.map((u) => [u.id, u.expected, u.actual, u.kind]),
    [
      ['keepAlive/reuse', 'fail', 'pass', 'unexpected-pass'],
      ['keepAlive/hint-parse', 'pass', 'fail', 'unexpected-fail'],
      ['timeout/free-destroyed', 'fail', 'timeout', 'unexpected-status'],
      ['timeout/per-request-wins', 'pass', 'error', 'unexpected-status'],
      ['maxSockets/queue-served', 'unsupported', 'fail', 'unexpected-fail'],
    ],
  );
  assert.deepEqual(c.expectedFailures, ['keepAlive/connection-header-default', 'keepAlive/hint-buffer']);
  assert.deepEqual(c.stale, ['scheduling/fifo']);
});

test('stale: only for cases the run selected, never for a fatal run', () => {
  const exp: Expectations = {
    'scheduling/fifo': { status: 'fail', reason: '' },
    'getName/default': { status: 'fail', reason: '' },
  };
  const only: Report = { ...report, selection: { only: ['scheduling'] } };
  assert.deepEqual(compareToExpectations(only, exp).stale, ['scheduling/fifo']);
  const fatal: Report = { ...report, fatal: { message: 'no subject' }, results: [] };
  assert.deepEqual(compareToExpectations(fatal, exp).stale, []);
});

test('updateExpectations: only changed entries change; the result has no unexpected fail or pass', () => {
  const existing: Expectations = {
    'keepAlive/reuse': { status: 'fail', reason: 'was broken', link: LINK },
    'keepAlive/connection-header-default': {
      status: 'fail',
      reason: 'known',
      link: LINK,
      when: { runtime: 'node', version: '>=24' },
    },
    'keepAlive/hint-parse': { status: 'fail', reason: 'bun only', link: LINK, when: { runtime: 'bun' } },
    'keepAlive/hint-buffer': { status: 'unsupported', reason: 'no buffer option' },
    'maxSockets/queue-served': { status: 'unsupported', reason: 'was unsupported' },
    'timeout/free-destroyed': { status: 'fail', reason: 'hangs' },
    'scheduling/fifo': { status: 'fail', reason: 'case renamed' },
    'lifecycle/free-event': { status: 'fail', reason: 'fails on bun', when: { runtime: 'bun' } },
  };
  const next = updateExpectations(existing, report);
  assert.deepEqual(next, {
    // unchanged: still failing as expected
    'keepAlive/connection-header-default': existing['keepAlive/connection-header-default'],
    // unsupported now as before: untouched
    'keepAlive/hint-buffer': existing['keepAlive/hint-buffer'],
    // fails here too: the entry stays, widened to every runtime
    'keepAlive/hint-parse': { status: 'fail', reason: 'bun only', link: LINK },
    // passes on bun's entry's other runtime: untouched (not applicable here)
    'lifecycle/free-event': existing['lifecycle/free-event'],
    // was unsupported, now fails: fail, reason kept
    'maxSockets/queue-served': { status: 'fail', reason: 'was unsupported' },
    // a timeout is never expected, and the entry is left alone
    'timeout/free-destroyed': existing['timeout/free-destroyed'],
  });
  // keepAlive/reuse passes now → removed; scheduling/fifo no longer exists → removed.
  assert.deepEqual(Object.keys(next), [...Object.keys(next)].sort(), 'sorted by id');
  const after = compareToExpectations(report, next);
  assert.deepEqual(
    after.unexpected.map((u) => u.kind),
    ['unexpected-status', 'unexpected-status'],
    'only the timeout and the error remain',
  );
  assert.deepEqual(after.stale, []);
});

test('updateExpectations adds a new failure with an empty reason; running it again changes nothing', () => {
  const first = updateExpectations({}, report);
  assert.deepEqual(first, {
    'keepAlive/connection-header-default': { status: 'fail', reason: '' },
    'keepAlive/hint-parse': { status: 'fail', reason: '' },
    'maxSockets/queue-served': { status: 'fail', reason: '' },
  });
  assert.equal(formatExpectations(updateExpectations(first, report)), formatExpectations(first));
});

test('formatExpectations: sorted ids, fixed key order, 2-space JSON, trailing newline', () => {
  const text = formatExpectations({
    'timeout/b': { when: { version: '>=1', runtime: 'node' }, reason: 'r', status: 'fail' } as never,
    'keepAlive/a': { link: LINK, reason: '', status: 'skip' } as never,
  });
  assert.equal(
    text,
    `{
  "keepAlive/a": {
    "status": "skip",
    "reason": "",
    "link": "${LINK}"
  },
  "timeout/b": {
    "status": "fail",
    "reason": "r",
    "when": {
      "runtime": "node",
      "version": ">=1"
    }
  }
}
`,
  );
  assert.deepEqual(parseExpectations(text), JSON.parse(text), 'what it writes, it reads');
});
