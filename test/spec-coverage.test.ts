/**
 * The spec coverage map (suites/spec-coverage.ts) against the cases: every case id it names exists,
 * every suites/docs.ts entry is the `doc` of one of its sentences, each case is listed under the
 * sentence its own `doc` quotes, and docs/spec-coverage.md is what the map renders.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { loadCatalog } from '../harness/parent/plan.ts';
import { render, SPEC_COVERAGE_DOC } from '../scripts/spec-coverage.ts';
import { DOCS } from '../suites/docs.ts';
import { PENDING_CASES, SECTIONS, SENTENCES } from '../suites/spec-coverage.ts';

const names = new Map<object, string>(Object.entries(DOCS).map(([name, d]) => [d, name]));

test('every case id the map names exists (pending ids of the spec-cases branch aside)', async () => {
  const ids = new Set((await loadCatalog()).map((c) => c.id));
  const pending = new Set(PENDING_CASES);
  const missing = SENTENCES.flatMap((s) =>
    s.cases.filter((c) => !ids.has(c) && !pending.has(c)).map((c) => `${s.id}: ${c}`),
  );
  assert.deepEqual(missing, [], 'case ids in suites/spec-coverage.ts that no suite defines');
});

test('every pending id is one the map counts as covered somewhere', () => {
  const stale = PENDING_CASES.filter(
    (id) => !SENTENCES.some((s) => s.status === 'covered' && s.cases.includes(id)),
  );
  assert.deepEqual(stale, [], 'PENDING_CASES names ids no covered sentence lists');
});

test('every suites/docs.ts entry is the doc of exactly one sentence', () => {
  const count = new Map<string, number>();
  for (const s of SENTENCES) if (s.doc) count.set(s.doc, (count.get(s.doc) ?? 0) + 1);
  const absent = Object.keys(DOCS).filter((name) => !count.has(name));
  assert.deepEqual(absent, [], 'registry entries the map has no sentence for');
  const twice = [...count].filter(([, n]) => n > 1).map(([name]) => name);
  assert.deepEqual(twice, [], 'registry entries named by more than one sentence');
});

test("a case's doc is a sentence the map says the case covers", async () => {
  const wrong: string[] = [];
  for (const c of await loadCatalog()) {
    const name = names.get(c.doc);
    const sentence = SENTENCES.find((s) => s.doc === name);
    if (!sentence) wrong.push(`${c.id}: its doc ${name} has no sentence`);
    else if (!sentence.cases.includes(c.id)) wrong.push(`${c.id}: not listed under ${sentence.id} (${name})`);
  }
  assert.deepEqual(wrong, []);
});

test('sentence ids are unique, sections known, statuses match their cases', () => {
  const seen = new Set<string>();
  for (const s of SENTENCES) {
    assert.ok(!seen.has(s.id), `${s.id} twice`);
    seen.add(s.id);
    assert.ok((SECTIONS as readonly string[]).includes(s.section), `${s.id}: section ${s.section}`);
    if (s.status === 'not') assert.deepEqual(s.cases, [], `${s.id}: 'not' names no case`);
    else assert.ok(s.cases.length > 0, `${s.id}: '${s.status}' names its cases`);
    if (s.status === 'partly') assert.ok(s.note, `${s.id}: 'partly' says what is missing`);
  }
});

test('docs/spec-coverage.md is generated from the map', () => {
  const current = readFileSync(SPEC_COVERAGE_DOC, 'utf8');
  assert.ok(current === render(), 'docs/spec-coverage.md is out of date: run node scripts/spec-coverage.ts');
});
