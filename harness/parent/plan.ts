/**
 * The plan: which cases exist (read from the suite files themselves, so the list can never drift
 * from what runs), which the user selected, and which suite files must run for them.
 */

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { areaOf, type CaseSpec, DEFAULT_BUDGET_MS } from '../shared/case-spec.ts';
import { LIST_ENV, selected } from '../shared/config.ts';
import { CODE_ROOT, EXT } from '../shared/paths.ts';
import { UsageError } from './errors.ts';
import { inShard, type Shard, shardLabel } from './shard.ts';

export const SUITES_DIR = join(CODE_ROOT, 'suites');

export interface PlannedCase extends CaseSpec {
  area: string;
  file: string;
}

export interface Plan {
  cases: PlannedCase[];
  files: string[];
}

export function suiteFiles(): string[] {
  return readdirSync(SUITES_DIR)
    .filter((f) => f.endsWith(`.test${EXT}`))
    .sort()
    .map((f) => join(SUITES_DIR, f));
}

let loaded: PlannedCase[] | null = null;

/** Every case of every suite, in file order, without running anything. */
export async function loadCatalog(): Promise<PlannedCase[]> {
  if (loaded) return loaded;
  const previous = process.env[LIST_ENV];
  process.env[LIST_ENV] = '1';
  const all: PlannedCase[] = [];
  // Loaded here, not at the top: only planning and listing need the suite side's case definitions.
  const { catalog } = await import('../suite/case.ts');
  try {
    for (const file of suiteFiles()) {
      const before = catalog.length;
      await import(pathToFileURL(file).href);
      for (const spec of catalog.slice(before)) all.push({ ...spec, area: areaOf(spec.id), file });
    }
  } finally {
    if (previous === undefined) delete process.env[LIST_ENV];
    else process.env[LIST_ENV] = previous;
  }
  loaded = all;
  return all;
}

export async function makePlan(only: readonly string[], shard?: Shard): Promise<Plan> {
  const all = await loadCatalog();
  const chosen = all.filter((c) => selected(c.id, only));
  if (chosen.length === 0) {
    throw new UsageError(
      `no case matches ${only.map((o) => `"${o}"`).join(', ')}: see --list for the case ids`,
    );
  }
  const cases = inShard(chosen, shard);
  if (cases.length === 0 && shard)
    throw new UsageError(
      `shard ${shardLabel(shard)} has no case: the selection has ${chosen.length} (use at most ${chosen.length} shards)`,
    );
  // The file with the case of the largest budget loads first: node:test starts cases in the order
  // they are registered, so the long ones (a case that idles for seconds on purpose) overlap the rest
  // instead of starting last and stretching the run.
  const budget = (file: string) =>
    Math.max(...cases.filter((c) => c.file === file).map((c) => c.budgetMs ?? DEFAULT_BUDGET_MS));
  const files = [...new Set(cases.map((c) => c.file))].sort((a, b) => budget(b) - budget(a));
  return { cases, files };
}
