/**
 * npm run history: the suite over every Node major line (the newest release of each), Bun and Deno,
 * and over the built-ins' package majors, as dense tables: docs/history.md and docs/history.html.
 * A verdict that changed inside a Node line (its oldest runnable release against its newest) names
 * the release where it changed, found with bisect (harness/parent/bisect.ts).
 * The columns are data (scripts/history-subjects.ts).
 *
 *   node scripts/history.ts [--lines 18,20,22,24] [--packages]      run, bisect, write the docs
 *   node scripts/history.ts --shard i/n --out DIR [--lines …]       only shard i of the matrix
 *                                                                   (DIR/compare.json; merge joins)
 *   node scripts/history.ts --from merged/compare.json [--lines …]  bisect and write from a matrix
 *   … --only <id> (repeatable): only these cases; --docs DIR: write there instead of docs/
 *   node scripts/history.ts --render docs/history.json               the docs again from the saved
 *                                                                   tables (nothing runs)
 *
 * A progress line per step on stderr; the measured time goes into docs/history.md.
 * Run it niced on a shared machine: `nice -n 10 npm run history`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type BisectResult, bisect, type Trial } from '../harness/parent/bisect.ts';
import { SUITE } from '../harness/parent/build-report.ts';
import { type BisectPlan, bisectPlan, checkRunner } from '../harness/parent/commands/bisect.ts';
import type { Matrix, MatrixRow } from '../harness/parent/compare-matrix.ts';
import { SetupError, UsageError } from '../harness/parent/errors.ts';
import { BASE_CSS, esc, inlineScript, page, STATUS_COLOR } from '../harness/parent/report/html.ts';
import { mdCode, mdText, STATUS_EMOJI } from '../harness/parent/report/markdown.ts';
import { STATUSES, type Status } from '../harness/parent/report/types.ts';
import { nodePackage } from '../harness/parent/runtime/node.ts';
import { parseShard } from '../harness/parent/shard.ts';
import { BUILTIN_PACKAGES } from '../harness/parent/subjects.ts';
import { listVersions } from '../harness/parent/versions.ts';
import { NODE_LINES, OLDEST_RUNNABLE, OTHER_RUNTIMES, PACKAGES } from './history-subjects.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const HISTORY_MD = join(ROOT, 'docs/history.md');
export const HISTORY_HTML = join(ROOT, 'docs/history.html');
const COMMAND = 'npm run history';
const PACKAGES_NOTE =
  "The built-ins' package majors (undici 6–8, agentkeepalive 3–4, …: scripts/history-subjects.ts) are a second table made with --packages, which needs the versioned built-ins (<subject>:<version>).";

/** A column of a history table. */
export interface HistoryColumn {
  /** Header: `18`, `22`, `bun`, `undici 6`. */
  name: string;
  /** What ran: `node 22.23.5`, `bun`, `undici 6.21.0`. */
  release: string;
  /** The compare argument. */
  arg: string;
  /** Node lines: the oldest release whose verdicts are compared with the newest's (null: none). */
  oldest: string | null;
}

/**
 * A verdict that changed, and what bisect found: inside a line (its oldest runnable release against
 * its newest), or since the previous column (the previous line's newest release against this one's).
 */
export interface LineChange {
  id: string;
  column: string;
  span: 'in-line' | 'since-previous';
  /** The versions compared: from (old verdict) to (new verdict). */
  fromVersion: string;
  toVersion: string;
  from: Status;
  to: Status;
  result: Pick<BisectResult, 'kind' | 'summary'> & { first?: string; last?: string; runs: number };
}

export interface HistoryTable {
  title: string;
  columns: HistoryColumn[];
  matrix: Matrix;
  changes: LineChange[];
}

const log = (line: string) => process.stderr.write(`history: ${line}\n`);

/** The Node columns: the newest release of each line (and its oldest runnable one, for changes). */
export function nodeColumns(
  versions: readonly string[],
  lines: readonly number[],
  floors: Readonly<Record<number, string>> = OLDEST_RUNNABLE,
): HistoryColumn[] {
  const columns: HistoryColumn[] = [];
  for (const line of lines) {
    const inLine = versions.filter((v) => v.startsWith(`${line}.`));
    const newest = inLine.at(-1);
    if (!newest) continue;
    const floor = floors[line];
    const oldest = floor ?? inLine[0]!;
    columns.push({
      name: String(line),
      release: `node ${newest}`,
      arg: `node@node@${newest}`,
      oldest: oldest === newest ? null : oldest,
    });
  }
  for (const rt of OTHER_RUNTIMES) columns.push({ name: rt, release: rt, arg: `node@${rt}`, oldest: null });
  return columns;
}

export async function packageColumns(): Promise<HistoryColumn[]> {
  const columns: HistoryColumn[] = [];
  for (const p of PACKAGES) {
    const { versions } = await listVersions(p.pkg);
    for (const major of p.majors) {
      const newest = versions.filter((v) => v.startsWith(`${major}.`)).at(-1);
      if (!newest) continue;
      // a built-in of several packages (proxy-agents: http- and https-proxy-agent) whose versions
      // differ: the major, so that npm takes the newest of that major of each
      const several = (BUILTIN_PACKAGES[p.subject]?.packages.length ?? 1) > 1;
      columns.push({
        name: `${p.subject} ${major}`,
        release: several ? `${p.subject} ${major}.x` : `${p.subject} ${newest}`,
        arg: `${p.subject}:${several ? major : newest}`,
        oldest: null,
      });
    }
  }
  return columns;
}

/** `compare` over the columns (plus each line's oldest release), one JSON matrix. */
function runMatrix(
  args: readonly string[],
  out: string,
  shard: string | undefined,
  only: readonly string[] = [],
): Matrix {
  const cli = join(ROOT, 'bin/agent-conformance.mjs');
  const argv = [
    cli,
    'compare',
    ...args,
    '--reporter',
    'json',
    '--out',
    out,
    ...(shard ? ['--shard', shard] : []),
    ...only.flatMap((o) => ['--only', o]),
  ];
  log(`agent-conformance compare ${args.join(' ')}${shard ? ` --shard ${shard}` : ''}`);
  const run = spawnSync(process.execPath, argv, { cwd: out, stdio: ['ignore', 'ignore', 'inherit'] });
  if (run.status !== 0) throw new Error(`compare exited with ${run.status ?? run.signal}`);
  return JSON.parse(readFileSync(join(out, 'compare.json'), 'utf8')) as Matrix;
}

/** The compare arguments for the columns: each column, then each line's oldest release. */
export function matrixArgs(columns: readonly HistoryColumn[]): string[] {
  return [
    ...columns.map((c) => c.arg),
    ...columns.flatMap((c) => (c.oldest ? [`node@node@${c.oldest}`] : [])),
  ];
}

/** The matrix column that ran `arg` (node@node@22.23.5 → runtime node 22.23.5). */
function columnIndex(m: Matrix, arg: string): number {
  const node = /^node@node@(.+)$/.exec(arg);
  const rt = /^node@(bun|deno)$/.exec(arg);
  const pkg = /^([^:]+):(.+)$/.exec(arg);
  return m.implementations.findIndex((impl) =>
    node
      ? impl.subject === 'node' && impl.runtime.name === 'node' && impl.runtime.version === node[1]
      : rt
        ? impl.subject === 'node' && impl.runtime.name === rt[1]
        : pkg
          ? // `undici:6.29.1` as named; `proxy-agents:7` is named by the version installed, `proxy-agents:7.0.2`
            impl.subject === arg || impl.subject === pkg[1] || impl.subject.startsWith(`${arg}.`)
          : false,
  );
}

const TESTED: ReadonlySet<Status> = new Set(['pass', 'fail', 'unsupported']);

/** The version pairs to bisect: each line's oldest → newest, and the previous line's newest → this one's. */
export function spans(
  columns: readonly HistoryColumn[],
): { column: string; span: LineChange['span']; from: string; to: string }[] {
  const out: { column: string; span: LineChange['span']; from: string; to: string }[] = [];
  let previous: string | null = null;
  for (const col of columns) {
    const m = /^node (.+)$/.exec(col.release);
    if (!m) continue;
    const newest = m[1]!;
    if (col.oldest) out.push({ column: col.name, span: 'in-line', from: col.oldest, to: newest });
    if (previous) out.push({ column: col.name, span: 'since-previous', from: previous, to: newest });
    previous = newest;
  }
  return out;
}

/**
 * Bisects each case whose verdict differs across a span (./spans). One check run per version serves
 * every case of the span (the versions the searches ask for are mostly shared); a version asked twice
 * by one search (the boundary re-run) runs again. A case already explained by the line's own change
 * (in-line) is not bisected again since the previous line.
 */
export async function lineChanges(
  m: Matrix,
  columns: readonly HistoryColumn[],
  runnerFor: (only: string[]) => (version: string) => Promise<Trial>,
  versions: readonly string[],
): Promise<LineChange[]> {
  const changes: LineChange[] = [];
  for (const sp of spans(columns)) {
    const toI = columnIndex(m, `node@node@${sp.to}`);
    const fromI = columnIndex(m, `node@node@${sp.from}`);
    if (toI === -1 || fromI === -1) continue;
    const differ = m.rows.filter((r) => {
      const a = r.cells[fromI];
      const b = r.cells[toI];
      if (sp.span === 'since-previous' && changes.some((c) => c.id === r.id && c.column === sp.column))
        return false;
      return a && b && a !== b && TESTED.has(a) && TESTED.has(b);
    });
    if (differ.length === 0) continue;
    const range = versions.slice(versions.indexOf(sp.from), versions.indexOf(sp.to) + 1);
    log(
      `node ${sp.column} (${sp.span}): ${differ.length} cases differ between ${sp.from} and ${sp.to}; bisecting ${range.length} releases`,
    );
    const base = runnerFor(differ.map((r) => r.id));
    const runs = new Map<string, Promise<Trial>[]>();
    for (const row of differ) {
      const asked = new Map<string, number>();
      const run = async (version: string): Promise<Trial> => {
        const k = asked.get(version) ?? 0;
        asked.set(version, k + 1);
        const list = runs.get(version) ?? [];
        runs.set(version, list);
        list[k] ??= base(version);
        const t = await list[k]!;
        if ('untestable' in t) return t;
        const mine = t.cases.filter((c) => c.id === row.id);
        return mine.length ? { version, cases: mine } : { version, untestable: `${row.id} not in the run` };
      };
      const r = await bisect(range, run);
      changes.push({
        id: row.id,
        column: sp.column,
        span: sp.span,
        fromVersion: sp.from,
        toVersion: sp.to,
        from: row.cells[fromI]!,
        to: row.cells[toI]!,
        result: {
          kind: r.kind,
          summary: r.summary,
          runs: r.trials.length,
          ...(r.first ? { first: r.first.version } : {}),
          ...(r.last ? { last: r.last.version } : {}),
        },
      });
      log(`  ${row.id}: ${r.kind}: ${r.summary}`);
    }
    log(`node ${sp.column} (${sp.span}): ${[...runs.values()].flat().length} check runs`);
  }
  return changes;
}

/** The matrix restricted to the table's columns (the oldest-of-line columns dropped). */
export function tableMatrix(
  m: Matrix,
  columns: readonly HistoryColumn[],
): { matrix: Matrix; columns: HistoryColumn[] } {
  const kept = columns.map((c) => ({ c, i: columnIndex(m, c.arg) })).filter((x) => x.i !== -1);
  const pick = <T>(xs: readonly T[]) => kept.map((x) => xs[x.i]!);
  const rows: MatrixRow[] = m.rows.map((r) => {
    const cells = pick(r.cells);
    return {
      ...r,
      cells,
      passedBy: cells.filter((c) => c === 'pass').length,
      different: new Set(cells).size > 1,
    };
  });
  return {
    matrix: {
      implementations: pick(m.implementations),
      rows,
      areas: m.areas.map((a) => ({ ...a, passed: pick(a.passed), present: pick(a.present) })),
      warnings: m.warnings,
    },
    columns: kept.map((x) => x.c),
  };
}

function changeOf(changes: readonly LineChange[], id: string, column: string): LineChange | undefined {
  return changes.find((c) => c.id === id && c.column === column);
}

function changeText(c: LineChange): string {
  const where = c.span === 'in-line' ? 'inside the line' : `since ${c.fromVersion}`;
  return c.result.kind === 'changed'
    ? `${c.from} → ${c.to} in ${c.result.first} (${c.result.last} was still ${c.from}; ${where})`
    : `${c.from} → ${c.to} ${where}, no single release (${c.result.kind}: ${c.result.summary})`;
}

export function renderHistoryMarkdown(
  tables: readonly HistoryTable[],
  meta: { seconds: number; date: string; notes: string[] },
): string {
  const out: string[] = [
    '# History',
    '',
    `Suite ${mdText(SUITE.name)} ${mdText(SUITE.version)}, generated by \`${COMMAND}\` (scripts/history.ts) on ${meta.date}`,
    `in ${(meta.seconds / 60).toFixed(1)} min (measured, the whole table with its bisects). The same tables as a`,
    'page with filters: [history.html](history.html). A column is the newest release of a Node line, or',
    'the current Bun and Deno. A cell marked “← X” got its verdict in release X, found with',
    '[`agent-conformance bisect`](bisect.md): inside its line (from the oldest release of the line the',
    'suite runs on to the newest) or since the previous column (from the newest release of that line).',
    'Legend: ✅ pass · ❌ fail · ⚪ unsupported (the release does not document the option) ·',
    '⏭️ skip · ⚠️ error · ⏱️ timeout.',
    '',
    ...meta.notes.flatMap((n) => [`> ${n}`, '']),
  ];
  for (const t of tables) {
    const { matrix: m, columns } = t;
    out.push(`## ${mdText(t.title)}`, '');
    out.push(
      `Columns: ${columns.map((c) => `**${mdText(c.name)}** ${mdText(c.release)}${c.oldest ? ` (changes from ${c.oldest})` : ''}`).join(' · ')}.`,
      '',
    );
    const header = `| case | ${columns.map((c) => mdText(c.name)).join(' | ')} |`;
    const rule = `| --- | ${columns.map(() => ':---:').join(' | ')} |`;
    for (const a of m.areas) {
      out.push(`### ${mdText(a.area)}`, '', header, rule);
      for (const r of m.rows.filter((x) => x.area === a.area)) {
        const cells = r.cells.map((s, i) => {
          const ch = changeOf(t.changes, r.id, columns[i]!.name);
          const mark = s ? STATUS_EMOJI[s] : '—';
          return ch?.result.kind === 'changed' ? `${mark} ← ${ch.result.first}` : ch ? `${mark} ↕` : mark;
        });
        out.push(`| ${mdCode(r.id, { inTable: true })} | ${cells.join(' | ')} |`);
      }
      out.push('');
    }
    if (t.changes.length) {
      const behaviour = (c: LineChange) => c.from !== 'unsupported' && c.to !== 'unsupported';
      const groups = [
        ['in-line', true, 'Behaviour changes inside a line (pass ↔ fail)'],
        ['since-previous', true, 'Behaviour changes since the previous line (pass ↔ fail)'],
        ['in-line', false, 'Options a release documented (unsupported → run), inside a line'],
        [
          'since-previous',
          false,
          'Options a release documented (unsupported → run), since the previous line',
        ],
      ] as const;
      for (const [span, real, heading] of groups) {
        const list = t.changes.filter((c) => c.span === span && behaviour(c) === real);
        if (!list.length) continue;
        out.push(`### ${heading}: ${list.length}, bisected`, '');
        for (const c of list)
          out.push(
            `- ${mdCode(c.id)}, Node ${mdText(c.column)}: ${mdText(changeText(c))} (${c.result.runs} versions asked)`,
          );
        out.push('');
      }
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

const CSS = `${BASE_CSS}
table.h { border-collapse: collapse; font-size: 12px; }
table.h th { font-weight: 600; padding: 2px 4px; position: sticky; top: 0; background: var(--bg, #fff); }
table.h td { padding: 1px 2px; }
td.id { font-family: ui-monospace, monospace; padding-right: 8px; white-space: nowrap; }
td.v span { display: inline-block; width: 18px; height: 14px; border-radius: 2px; vertical-align: middle; }
td.v span.changed { outline: 2px solid #000; outline-offset: -2px; }
td.v small { font-size: 9px; }
tr.area th { text-align: left; padding-top: 8px; }
${STATUSES.map((s) => `td.v span.s-${s} { background: ${STATUS_COLOR[s]}; }`).join('\n')}
.filters { margin: .5rem 0; }
`;

const SCRIPT = `(() => {
  const area = document.getElementById('area');
  const only = document.getElementById('only-changes');
  const apply = () => {
    for (const table of document.querySelectorAll('table.h')) {
      for (const tr of table.querySelectorAll('tr.case')) {
        const show = (area.value === '' || tr.dataset.area === area.value) && (!only.checked || tr.dataset.changed === '1');
        tr.hidden = !show;
      }
      for (const tr of table.querySelectorAll('tr.area')) {
        const any = [...table.querySelectorAll('tr.case')].some((c) => c.dataset.area === tr.dataset.area && !c.hidden);
        tr.hidden = !any;
      }
    }
  };
  area.addEventListener('change', apply);
  only.addEventListener('change', apply);
  apply();
})();`;

export function renderHistoryHtml(
  tables: readonly HistoryTable[],
  meta: { seconds: number; date: string; notes: string[] },
): string {
  const areas = [...new Set(tables.flatMap((t) => t.matrix.areas.map((a) => a.area)))];
  const body: string[] = [
    '<h1>agent-conformance: history</h1>',
    `<p class="muted">suite ${esc(SUITE.name)} ${esc(SUITE.version)} · generated by <code>${COMMAND}</code> on ${esc(meta.date)} in ${(meta.seconds / 60).toFixed(1)} min · <a href="history.md">history.md</a> · a framed cell got its verdict inside its line or since the previous column, in the release written beside it (hover for more)</p>`,
    ...meta.notes.map((n) => `<p class="muted">${esc(n)}</p>`),
    `<div class="filters"><label>area <select id="area"><option value="">all</option>${areas.map((a) => `<option>${esc(a)}</option>`).join('')}</select></label> <label><input type="checkbox" id="only-changes"> only changes</label> · ${STATUSES.map((s) => `<span style="display:inline-block;width:10px;height:10px;background:${STATUS_COLOR[s]}"></span> ${s}`).join(' ')}</div>`,
  ];
  for (const t of tables) {
    const { matrix: m, columns } = t;
    body.push(`<h2>${esc(t.title)}</h2>`, '<table class="h">');
    body.push(
      `<tr><th></th>${columns.map((c) => `<th title="${esc(c.release)}${c.oldest ? ` (changes from ${esc(c.oldest)})` : ''}">${esc(c.name)}</th>`).join('')}</tr>`,
    );
    for (const a of m.areas) {
      body.push(
        `<tr class="area" data-area="${esc(a.area)}"><th colspan="${columns.length + 1}">${esc(a.area)}</th></tr>`,
      );
      for (const r of m.rows.filter((x) => x.area === a.area)) {
        let changed = r.different;
        const cells = r.cells.map((s, i) => {
          const col = columns[i]!;
          const ch = changeOf(t.changes, r.id, col.name);
          if (ch) changed = true;
          const tip = `${r.id}: ${r.title} — ${col.release}: ${s ?? 'not run'}${ch ? ` (${changeText(ch)})` : ''}`;
          return `<td class="v"><span class="s-${s ?? 'none'}${ch ? ' changed' : ''}" title="${esc(tip)}"></span>${ch?.result.first ? `<small>${esc(ch.result.first)}</small>` : ''}</td>`;
        });
        body.push(
          `<tr class="case" data-id="${esc(r.id)}" data-area="${esc(a.area)}" data-changed="${changed ? '1' : '0'}"><td class="id" title="${esc(r.title)}">${esc(r.id)}</td>${cells.join('')}</tr>`,
        );
      }
    }
    body.push('</table>');
  }
  return page('agent-conformance history', body.join('\n'), inlineScript(SCRIPT), CSS);
}

function readJson<T>(file: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
}

function cliArgs() {
  try {
    return parseArgs({
      options: {
        lines: { type: 'string' },
        packages: { type: 'boolean', default: false },
        shard: { type: 'string' },
        out: { type: 'string' },
        from: { type: 'string' },
        'no-bisect': { type: 'boolean', default: false },
        render: { type: 'string' },
        only: { type: 'string', multiple: true, default: [] },
        docs: { type: 'string' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

async function main(): Promise<void> {
  const { values } = cliArgs();
  const docsDir = resolve(values.docs ?? join(ROOT, 'docs'));
  const mdFile = join(docsDir, 'history.md');
  const htmlFile = join(docsDir, 'history.html');
  if (values.render) {
    // docs/history.json as written by a run: the docs again, nothing run (the measured time kept)
    const saved = readJson<{
      tables: HistoryTable[];
      meta?: { seconds: number; date: string; notes: string[] };
      seconds?: number;
    }>(values.render);
    saved.meta ??= {
      seconds: saved.seconds ?? 0,
      date: new Date().toISOString().slice(0, 10),
      notes: saved.tables.length < 2 ? [PACKAGES_NOTE] : [],
    };
    writeFileSync(mdFile, renderHistoryMarkdown(saved.tables, saved.meta));
    writeFileSync(htmlFile, renderHistoryHtml(saved.tables, saved.meta));
    log(`wrote ${mdFile} and ${htmlFile} from ${values.render}`);
    return;
  }
  const t0 = performance.now();
  const lines = values.lines ? values.lines.split(',').map(Number) : NODE_LINES;
  if (lines.some((l) => !Number.isInteger(l) || l < 1))
    throw new UsageError(`--lines takes majors like 18,20,22 (got ${values.lines})`);
  if (values.shard !== undefined) parseShard(values.shard);
  const { versions } = await listVersions(nodePackage());
  const columns = nodeColumns(versions, lines);
  const args = matrixArgs(columns);
  let matrix: Matrix;
  if (values.from) {
    matrix = readJson<Matrix>(values.from);
  } else {
    const out = resolve(values.out ?? mkdtempSync(join(tmpdir(), 'acp-history-')));
    log(
      `step 1/3: the matrix, ${args.length} runs (${columns.map((c) => c.release).join(', ')}; oldest of lines: ${columns.flatMap((c) => (c.oldest ? [c.oldest] : [])).join(', ')})`,
    );
    matrix = runMatrix(args, out, values.shard, values.only);
    log(`matrix in ${((performance.now() - t0) / 1000).toFixed(1)} s → ${join(out, 'compare.json')}`);
    if (values.shard) return; // a shard job stops here; merge joins the shards, --from renders
  }
  const outDir = mkdtempSync(join(tmpdir(), 'acp-history-bisect-'));
  const runnerFor = (only: string[]) => {
    const plan: BisectPlan = bisectPlan('node', 'node', 'node');
    return checkRunner(plan, {
      only,
      outDir,
      concurrency: 4,
      io: { out: process.stderr, err: process.stderr },
    });
  };
  log('step 2/3: bisecting the changes inside each line');
  const changes = values['no-bisect'] ? [] : await lineChanges(matrix, columns, runnerFor, versions);
  const tables: HistoryTable[] = [];
  const node = tableMatrix(matrix, columns);
  tables.push({ title: 'Node lines, Bun and Deno', columns: node.columns, matrix: node.matrix, changes });
  const notes: string[] = [];
  if (values.packages) {
    log('step 2b: the packages table');
    const pcols = await packageColumns();
    const pout = mkdtempSync(join(tmpdir(), 'acp-history-packages-'));
    let pm: Matrix | null = null;
    try {
      pm = runMatrix(
        pcols.map((c) => c.arg),
        pout,
        undefined,
        values.only,
      );
    } catch (err) {
      // the Node table is measured already: say why the second table is missing, lose nothing
      log(`the packages table failed: ${(err as Error).message}`);
      notes.push(`The packages table could not be made in this run: ${(err as Error).message}.`);
    }
    if (pm) {
      const p = tableMatrix(pm, pcols);
      tables.push({
        title: 'Package majors of the built-ins',
        columns: p.columns,
        matrix: p.matrix,
        changes: [],
      });
    }
  } else {
    notes.push(PACKAGES_NOTE);
  }
  const seconds = (performance.now() - t0) / 1000;
  const meta = { seconds, date: new Date().toISOString().slice(0, 10), notes };
  log('step 3/3: writing the docs');
  mkdirSync(docsDir, { recursive: true });
  writeFileSync(mdFile, renderHistoryMarkdown(tables, meta));
  writeFileSync(htmlFile, renderHistoryHtml(tables, meta));
  writeFileSync(join(docsDir, 'history.json'), `${JSON.stringify({ tables, meta }, null, 2)}\n`);
  log(`wrote ${mdFile} and ${htmlFile} in ${(seconds / 60).toFixed(1)} min`);
}

if (import.meta.main) {
  try {
    await main();
  } catch (err) {
    // bad input, or a run that could not start: one line, exit 2
    if (!(err instanceof UsageError || err instanceof SetupError)) throw err;
    process.stderr.write(`history: ${err.message}\n`);
    process.exitCode = 2;
  }
}
