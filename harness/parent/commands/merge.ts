/**
 * agent-conformance merge <report.json | compare.json>… [--out DIR]
 *
 * Joins the results of `--shard i/n` runs: n check reports (same subject, runtime, suite version
 * and selection) into one report.json, or n compare matrices (same implementations) into one
 * compare.json. Every shard 1…n must be given exactly once and no case may be in two of them;
 * anything else is one line and exit 2. The merged result has no `shard`: it is the whole run.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Matrix, MatrixArea } from '../compare-matrix.ts';
import { UsageError } from '../errors.ts';
import type { Io } from '../pipeline.ts';
import { loadCatalog } from '../plan.ts';
import { writeJsonReport } from '../report/json.ts';
import { writeOutputFile } from '../report/output.ts';
import { emptyCounts, type Report, summarize } from '../report/types.ts';

const USAGE = `usage: agent-conformance merge <report.json | compare.json>… [--out DIR]

  Joins the reports (or compare matrices) of the n runs of --shard 1/n … n/n into one: report.json
  (or compare.json) in --out (default reports/merged/). Each shard must be given once, all of the
  same run; an overlapping or missing shard is an error.

exit codes: 0 merged · 2 usage error (a file that is not a shard, a shard missing or given twice)`;

type Shard = { index: number; total: number };
type Input =
  | { file: string; kind: 'report'; value: Report }
  | { file: string; kind: 'matrix'; value: Matrix };

function read(file: string): Input {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`merge: ${file}: not readable JSON (${(err as Error).message.split('\n')[0]})`);
  }
  const v = value as Record<string, unknown>;
  if (v && Array.isArray(v.results) && typeof v.subject === 'object')
    return { file, kind: 'report', value: v as unknown as Report };
  if (v && Array.isArray(v.implementations) && Array.isArray(v.rows))
    return { file, kind: 'matrix', value: v as unknown as Matrix };
  throw new UsageError(`merge: ${file}: neither an agent-conformance report.json nor a compare.json`);
}

function shardOf(input: Input): Shard {
  const shard = input.kind === 'report' ? input.value.selection?.shard : input.value.shard;
  if (!shard) throw new UsageError(`merge: ${input.file} is not a shard (it was not run with --shard i/n)`);
  return shard;
}

/** Every shard 1…n exactly once, all of the same n; no case in two shards. */
export function checkShards(inputs: readonly Input[], ids: (input: Input) => readonly string[]): void {
  const shards = inputs.map(shardOf);
  const total = shards[0]!.total;
  const other = shards.findIndex((s) => s.total !== total);
  if (other !== -1)
    throw new UsageError(
      `merge: ${inputs[other]!.file} is shard ${shards[other]!.index}/${shards[other]!.total}, the others are of ${total}`,
    );
  const byIndex = new Map<number, string>();
  shards.forEach((s, i) => {
    const seen = byIndex.get(s.index);
    if (seen !== undefined)
      throw new UsageError(`merge: shard ${s.index}/${total} is given twice (${seen}, ${inputs[i]!.file})`);
    byIndex.set(s.index, inputs[i]!.file);
  });
  const missing = Array.from({ length: total }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length)
    throw new UsageError(`merge: shard ${missing.map((i) => `${i}/${total}`).join(', ')} missing`);
  const owner = new Map<string, string>();
  for (const input of inputs)
    for (const id of ids(input)) {
      const seen = owner.get(id);
      if (seen !== undefined)
        throw new UsageError(`merge: case ${id} is in two shards (${seen}, ${input.file})`);
      owner.set(id, input.file);
    }
}

function same(inputs: readonly Input[], what: string, key: (input: Input) => string): void {
  const first = key(inputs[0]!);
  const odd = inputs.find((i) => key(i) !== first);
  if (odd) throw new UsageError(`merge: ${odd.file} is of another run (${what}: ${key(odd)}, not ${first})`);
}

/** Catalog order for case ids (unknown ids last, in the order given). */
async function orderOf(): Promise<(id: string) => number> {
  const index = new Map((await loadCatalog()).map((c, i) => [c.id, i]));
  return (id) => index.get(id) ?? Number.MAX_SAFE_INTEGER;
}

export async function mergeReports(reports: readonly Report[]): Promise<Report> {
  const order = await orderOf();
  const results = reports.flatMap((r) => r.results).sort((a, b) => order(a.id) - order(b.id));
  const first = reports[0]!;
  const { shard: _shard, ...selection } = first.selection;
  const fatal = reports.find((r) => r.fatal)?.fatal ?? null;
  const merged: Report = {
    ...first,
    startedAt: reports.map((r) => r.startedAt).sort()[0]!,
    durationMs: Math.max(...reports.map((r) => r.durationMs)),
    fatal,
    selection,
    summary: summarize(results),
    results,
  };
  const unfinished = reports.flatMap((r) => r.incomplete?.unfinished ?? []);
  const signal = reports.find((r) => r.incomplete)?.incomplete?.signal;
  if (signal) merged.incomplete = { signal, unfinished };
  else delete merged.incomplete;
  return merged;
}

export async function mergeMatrices(matrices: readonly Matrix[]): Promise<Matrix> {
  const order = await orderOf();
  const first = matrices[0]!;
  const rows = matrices.flatMap((m) => m.rows);
  const areaOrder = [...new Set(rows.sort((a, b) => order(a.id) - order(b.id)).map((r) => r.area))];
  rows.sort((a, b) => areaOrder.indexOf(a.area) - areaOrder.indexOf(b.area) || order(a.id) - order(b.id));
  const n = first.implementations.length;
  const areas = areaOrder.map((area): MatrixArea => {
    const inArea = rows.filter((r) => r.area === area);
    return {
      area,
      cases: inArea.length,
      passed: Array.from({ length: n }, (_, i) => inArea.filter((r) => r.cells[i] === 'pass').length),
      present: Array.from({ length: n }, (_, i) => inArea.filter((r) => r.cells[i] != null).length),
    };
  });
  const implementations = first.implementations.map((impl, i) => {
    const byStatus = emptyCounts();
    for (const r of rows) {
      const cell = r.cells[i];
      if (cell) byStatus[cell]++;
    }
    const fatal = matrices.map((m) => m.implementations[i]?.fatal).find(Boolean) ?? null;
    const startedAt = matrices.map((m) => m.implementations[i]!.startedAt).sort()[0]!;
    return { ...impl, byStatus, fatal, startedAt };
  });
  const warnings = [...new Set(matrices.flatMap((m) => m.warnings))];
  return { implementations, rows, areas, warnings };
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    });
  } catch (err) {
    throw new UsageError(`merge: ${(err as Error).message}`);
  }
}

/** Joins shard files; returns what was written. Throws UsageError on anything but a full set. */
export async function mergeFiles(
  files: readonly string[],
  outDir: string,
): Promise<{ file: string; kind: Input['kind'] }> {
  if (files.length === 0)
    throw new UsageError('merge: give the shard files (report.json or compare.json of each shard)');
  const inputs = files.map((f) => read(resolve(f)));
  same(inputs, 'kind', (i) => i.kind);
  if (inputs[0]!.kind === 'report') {
    const reports = inputs as Extract<Input, { kind: 'report' }>[];
    checkShards(reports, (i) => (i as (typeof reports)[number]).value.results.map((r) => r.id));
    same(
      reports,
      'subject',
      (i) =>
        `${(i as (typeof reports)[number]).value.subject.name}@${(i as (typeof reports)[number]).value.subject.runtime.name} ${(i as (typeof reports)[number]).value.subject.runtime.version}`,
    );
    same(reports, 'suite', (i) => (i as (typeof reports)[number]).value.suite.version);
    same(reports, 'selection', (i) => {
      const s = (i as (typeof reports)[number]).value.selection;
      return `${s.only.join(' ') || 'all'} ${s.protocol ?? 'http'}`;
    });
    const merged = await mergeReports(reports.map((r) => r.value));
    return { file: writeJsonReport(merged, outDir), kind: 'report' };
  }
  const matrices = inputs as Extract<Input, { kind: 'matrix' }>[];
  checkShards(matrices, (i) => (i as (typeof matrices)[number]).value.rows.map((r) => r.id));
  same(matrices, 'implementations', (i) =>
    (i as (typeof matrices)[number]).value.implementations.map((x) => x.name).join(', '),
  );
  const merged = await mergeMatrices(matrices.map((m) => m.value));
  const file = resolve(outDir, 'compare.json');
  writeOutputFile(file, `${JSON.stringify(merged, null, 2)}\n`);
  return { file, kind: 'matrix' };
}

export async function mergeCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.help) {
    io.out.write(`${USAGE}\n`);
    return 0;
  }
  const { file, kind } = await mergeFiles(positionals, resolve(values.out ?? 'reports/merged'));
  io.out.write(`merged ${positionals.length} shards: ${kind === 'report' ? 'report' : 'matrix'}: ${file}\n`);
  return 0;
}
