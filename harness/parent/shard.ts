/**
 * `--shard i/n`: the selected cases (in catalog order) are dealt round-robin to n shards, so that
 * each area is spread over all of them; shard i runs the cases k (0-based) with k mod n = i − 1.
 * The report (selection.shard) and the compare matrix (shard) record it; `agent-conformance merge`
 * joins the n results (./commands/merge.ts).
 */
import { UsageError } from './errors.ts';

export interface Shard {
  /** 1-based. */
  index: number;
  total: number;
}

export function parseShard(value: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = m ? Number(m[1]) : Number.NaN;
  const total = m ? Number(m[2]) : Number.NaN;
  if (!m || total < 1 || index < 1 || index > total)
    throw new UsageError(`--shard takes i/n with 1 ≤ i ≤ n, e.g. 2/4 (got ${value})`);
  return { index, total };
}

/** The items of shard `shard` (round-robin over the given order). */
export function inShard<T>(items: readonly T[], shard: Shard | undefined): T[] {
  if (!shard) return [...items];
  return items.filter((_, k) => k % shard.total === shard.index - 1);
}

export function shardLabel(shard: Shard): string {
  return `${shard.index}/${shard.total}`;
}
