/**
 * Expectation files: the known, accepted failures of one implementation, keyed by case id (Node's
 * WPT status files, wptrunner's metadata). CI compares a run to them and fails on anything
 * unexpected, an unexpected PASS included: a fixed bug must be noticed and its entry removed.
 *
 *   {
 *     "keepAlive/hint-parse": {
 *       "status": "fail",
 *       "reason": "the hint is ignored",
 *       "link": "https://github.com/nodejs/node/issues/12345",
 *       "when": { "runtime": "node", "version": ">=22 <25" }
 *     }
 *   }
 *
 * `status` is `fail`, `unsupported` or `skip`: `error` (the harness's fault) and `timeout` can't be
 * expected, they are always reported. `when` (optional) limits the entry to a runtime and a semver
 * range of its version.
 */

import { readFileSync } from 'node:fs';
import semver from 'semver';
import { selected } from '../shared/config.ts';
import { UsageError } from './errors.ts';
import type { Report, Status } from './report/types.ts';

export type ExpectedStatus = 'fail' | 'unsupported' | 'skip';
export const EXPECTED_STATUSES: readonly ExpectedStatus[] = ['fail', 'unsupported', 'skip'];

export interface ExpectationWhen {
  /** `node`, `bun`, `deno`: compared to `report.subject.runtime.name`. */
  runtime?: string;
  /** A semver range (`>=22 <25`) matched against `report.subject.runtime.version`. */
  version?: string;
}

export interface Expectation {
  status: ExpectedStatus;
  reason: string;
  link?: string;
  when?: ExpectationWhen;
}

export type Expectations = Record<string, Expectation>;

export type UnexpectedKind = 'unexpected-fail' | 'unexpected-pass' | 'unexpected-status';

export interface Unexpected {
  id: string;
  /** What the file expects for this run (`pass` when it has no applicable entry). */
  expected: Status;
  actual: Status;
  kind: UnexpectedKind;
}

export interface ExpectationComparison {
  unexpected: Unexpected[];
  /** Cases whose non-passing status matches their entry. */
  expectedFailures: string[];
  /** Entries for cases this run selected but did not produce (renamed or removed cases). */
  stale: string[];
}

const ID = /^[A-Za-z]+\/[a-z0-9-]+$/;
const ENTRY_KEYS = new Set(['status', 'reason', 'link', 'when']);
const WHEN_KEYS = new Set(['runtime', 'version']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function validateEntry(id: string, value: unknown, where: string): Expectation {
  const at = `${where}: ${JSON.stringify(id)}`;
  if (!ID.test(id)) throw new UsageError(`${at} is not a case id (<area>/<slug>)`);
  if (!isObject(value)) throw new UsageError(`${at} must be an object`);
  for (const key of Object.keys(value)) {
    if (!ENTRY_KEYS.has(key)) throw new UsageError(`${at} has an unknown key ${JSON.stringify(key)}`);
  }
  const { status, reason, link, when } = value;
  if (typeof status !== 'string' || !(EXPECTED_STATUSES as readonly string[]).includes(status)) {
    throw new UsageError(
      `${at}.status must be one of ${EXPECTED_STATUSES.join(', ')} (got ${JSON.stringify(status) ?? 'nothing'})`,
    );
  }
  if (typeof reason !== 'string') throw new UsageError(`${at}.reason must be a string`);
  const entry: Expectation = { status: status as ExpectedStatus, reason };
  if (link !== undefined) {
    let ok = false;
    if (typeof link === 'string') {
      try {
        ok = ['https:', 'http:'].includes(new URL(link).protocol);
      } catch {}
    }
    if (!ok) throw new UsageError(`${at}.link must be an http(s) URL`);
    entry.link = link as string;
  }
  if (when !== undefined) {
    if (!isObject(when)) throw new UsageError(`${at}.when must be an object`);
    for (const key of Object.keys(when)) {
      if (!WHEN_KEYS.has(key)) throw new UsageError(`${at}.when has an unknown key ${JSON.stringify(key)}`);
    }
    const w: ExpectationWhen = {};
    if (when.runtime !== undefined) {
      if (typeof when.runtime !== 'string' || when.runtime === '') {
        throw new UsageError(`${at}.when.runtime must be a runtime name`);
      }
      w.runtime = when.runtime;
    }
    if (when.version !== undefined) {
      if (typeof when.version !== 'string' || semver.validRange(when.version) === null) {
        throw new UsageError(
          `${at}.when.version must be a semver range (got ${JSON.stringify(when.version)})`,
        );
      }
      w.version = when.version;
    }
    entry.when = w;
  }
  return entry;
}

/** Parses and validates the text of an expectation file; `where` names it in errors. */
export function parseExpectations(text: string, where = 'expectations'): Expectations {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${where}: not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(data)) throw new UsageError(`${where}: must be a JSON object keyed by case id`);
  const out: Expectations = {};
  for (const [id, value] of Object.entries(data)) out[id] = validateEntry(id, value, where);
  return out;
}

export function loadExpectations(file: string): Expectations {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new UsageError(`${file}: cannot read the expectation file (${code})`);
  }
  return parseExpectations(text, file);
}

/** The runtime's version as semver (`24.1.0`, `v22.3.0`, `1.2`), or null. */
function runtimeVersion(version: string): string | null {
  return semver.valid(version) ?? semver.coerce(version)?.version ?? null;
}

/** Whether the entry's `when` matches this runtime (always, without `when`). */
export function applicable(exp: Expectation, runtime: { name: string; version: string }): boolean {
  const when = exp.when;
  if (!when) return true;
  if (when.runtime !== undefined && when.runtime !== runtime.name) return false;
  if (when.version !== undefined) {
    const version = runtimeVersion(runtime.version);
    if (version === null || !semver.satisfies(version, when.version, { includePrerelease: true }))
      return false;
  }
  return true;
}

function applicableEntry(expectations: Expectations, id: string, report: Report): Expectation | null {
  const e = Object.hasOwn(expectations, id) ? expectations[id] : undefined;
  return e && applicable(e, report.subject.runtime) ? e : null;
}

/** Entries for cases the run selected but did not produce; none for a fatal run (it measured nothing) or a shard. */
function staleIds(expectations: Expectations, report: Report): string[] {
  if (report.fatal) return [];
  // A shard ran part of the selection: the other cases are the other shards'.
  if (report.selection.shard) return [];
  const ran = new Set(report.results.map((r) => r.id));
  return Object.keys(expectations)
    .filter((id) => !ran.has(id) && selected(id, report.selection.only))
    .sort();
}

export function compareToExpectations(report: Report, expectations: Expectations): ExpectationComparison {
  const unexpected: Unexpected[] = [];
  const expectedFailures: string[] = [];
  for (const r of report.results) {
    const e = applicableEntry(expectations, r.id, report);
    const expected: Status = e ? e.status : 'pass';
    const miss = (kind: UnexpectedKind) => unexpected.push({ id: r.id, expected, actual: r.status, kind });
    switch (r.status) {
      case 'error':
      case 'timeout':
        miss('unexpected-status');
        break;
      case 'pass':
        if (e) miss('unexpected-pass');
        break;
      case 'fail':
        if (e?.status === 'fail') expectedFailures.push(r.id);
        else miss('unexpected-fail');
        break;
      case 'unsupported':
      case 'skip':
        // Not measured: fine without an entry, and it can't contradict one.
        if (e?.status === r.status) expectedFailures.push(r.id);
        break;
    }
  }
  return { unexpected, expectedFailures, stale: staleIds(expectations, report) };
}

function normalized(e: Expectation): Expectation {
  const out: Expectation = { status: e.status, reason: e.reason };
  if (e.link !== undefined) out.link = e.link;
  if (e.when !== undefined) {
    const when: ExpectationWhen = {};
    if (e.when.runtime !== undefined) when.runtime = e.when.runtime;
    if (e.when.version !== undefined) when.version = e.when.version;
    out.when = when;
  }
  return out;
}

function sortedById(e: Expectations): Expectations {
  const out: Expectations = {};
  for (const id of Object.keys(e).sort()) out[id] = normalized(e[id]!);
  return out;
}

/**
 * Rewrites the expectations from a run, changing only the entries that changed:
 * - a case that now passes loses its (applicable) entry;
 * - a failing case without an applicable entry gets `{ status: 'fail', reason: '' }`, keeping the
 *   reason and link of an entry that was there (one for another runtime loses its `when`, since
 *   the case now fails here too);
 * - `unsupported`/`skip` leave entries as they are (nothing was measured), `error`/`timeout` too
 *   (never expected: they stay reported);
 * - entries for cases the run selected but did not produce (stale) are removed;
 * everything else is kept as is, and the result is sorted by id.
 */
export function updateExpectations(existing: Expectations, report: Report): Expectations {
  const next: Expectations = { ...existing };
  for (const r of report.results) {
    const own = Object.hasOwn(existing, r.id) ? existing[r.id] : undefined;
    const e = own && applicable(own, report.subject.runtime) ? own : null;
    if (r.status === 'pass') {
      if (e) delete next[r.id];
    } else if (r.status === 'fail' && e?.status !== 'fail') {
      const entry: Expectation = { status: 'fail', reason: own?.reason ?? '' };
      if (own?.link !== undefined) entry.link = own.link;
      if (e?.when !== undefined) entry.when = e.when;
      next[r.id] = entry;
    }
  }
  for (const id of staleIds(existing, report)) delete next[id];
  return sortedById(next);
}

/** The file's text: sorted by id, 2-space JSON, a trailing newline (stable, small diffs). */
export function formatExpectations(e: Expectations): string {
  return `${JSON.stringify(sortedById(e), null, 2)}\n`;
}
