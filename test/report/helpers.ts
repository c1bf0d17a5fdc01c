/** The hand-written fixture reports of the reporter tests, and the hostile strings they carry. */
import { readFileSync } from 'node:fs';
import type { CaseResult, Report } from '../../harness/parent/report/types.ts';

/**
 * `timeline`: real traces, trimmed (no headers, no bodies): `maxSockets/limit-per-origin` failing on
 * test/agents/seeded/maxSockets/ignored.ts (then maxsockets-ignored.ts), and `maxSockets/queue-beyond-limit` as node passed
 * it under --trace, with the harness's `issue` entries added by hand (the context does not note
 * them yet).
 */
export type FixtureName = 'hostile' | 'node22' | 'timeline';

/** A fresh copy each call: tests may mutate it. */
export function fixture(name: FixtureName): Report {
  return JSON.parse(
    readFileSync(new URL(`./fixtures/${name}.report.json`, import.meta.url), 'utf8'),
  ) as Report;
}

export function result(report: Report, id: string): CaseResult {
  const r = report.results.find((c) => c.id === id);
  if (!r) throw new Error(`no case ${id} in the fixture`);
  return r;
}

/** Strings of the `hostile` fixture that must come out as text, never as markup. */
export const HOSTILE = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(2)>',
  '"quotes"',
  '| pipes |',
  ']]>',
  '&amp;',
  '<i>hostile</i>|agent.ts',
] as const;
