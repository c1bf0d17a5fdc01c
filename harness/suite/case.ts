/**
 * A case is data plus a body. `defineCase` records the data (for `--list` and the report) and,
 * when the case is selected for a run, registers the body as a node:test test named by the case id.
 * The runner (./runner.ts) turns the body's outcome into a verdict, which travels to the parent as a
 * node:test diagnostic line. Listing loads nothing but the definitions.
 */
import { test } from 'node:test';
import { isCapability } from '../shared/capabilities.ts';
import { AREAS, areaOf, type CaseSpec, DEFAULT_BUDGET_MS, DOC_SOURCES } from '../shared/case-spec.ts';
import { isListing, readRunConfig, selected } from '../shared/config.ts';
import { verdictLine } from '../shared/verdict.ts';
import type { CaseBody } from './case-context.ts';

/** Every case defined so far in this process (all of them when listing). */
export const catalog: CaseSpec[] = [];

/**
 * node:test's own timeout is only a backstop: the runner enforces the budget itself, from the moment
 * the case may start (a case can wait for a case that runs alone).
 */
const BACKSTOP_MS = 60_000;

function validate(spec: CaseSpec): void {
  const area = areaOf(spec.id);
  if (!(AREAS as readonly string[]).includes(area) || !/^[A-Za-z]+\/[a-z0-9-]+$/.test(spec.id)) {
    throw new Error(`case id "${spec.id}" must be <area>/<slug> with a known area and a lower-case slug`);
  }
  if (catalog.some((c) => c.id === spec.id)) throw new Error(`duplicate case id "${spec.id}"`);
  if (!DOC_SOURCES.some((source) => spec.doc.url.startsWith(source)))
    throw new Error(`case ${spec.id}: doc url must start with one of ${DOC_SOURCES.join(', ')}`);
  // the type already says so; this keeps a JavaScript-written suite honest too
  for (const cap of spec.requires ?? [])
    if (!isCapability(cap)) throw new Error(`case ${spec.id}: unknown capability "${cap}"`);
}

export function defineCase(spec: CaseSpec, body: CaseBody): void {
  validate(spec);
  catalog.push(spec);
  if (isListing()) return;
  const config = readRunConfig();
  if (!config || !selected(spec.id, config.only)) return;
  const budget = spec.budgetMs ?? DEFAULT_BUDGET_MS;
  test(spec.id, { timeout: budget + BACKSTOP_MS }, async (t) => {
    const { runCase } = await import('./runner.ts');
    const verdict = await runCase(spec, body, budget, config.trace);
    t.diagnostic(verdictLine(verdict));
    if (verdict.status === 'unsupported' || verdict.status === 'skip')
      t.skip(verdict.message ?? verdict.status);
    else if (verdict.status !== 'pass') throw new Error(`${verdict.status}: ${verdict.message ?? ''}`);
  });
}
