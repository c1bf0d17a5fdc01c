/**
 * `agent-conformance bisect`: over an ordered list of versions (Node releases, or a built-in's npm
 * versions), find the first version whose verdict differs from the verdict at the start of the
 * range, running as few versions as a binary search needs.
 *
 * The search itself (`bisect`) knows nothing of runtimes or npm: it is given the versions and a
 * `run(version)` that yields the statuses of the selected cases there (or says the version cannot be
 * run here). The CLI side (./commands/bisect.ts) supplies the real runner and the version lists.
 *
 * A verdict is the statuses of the selected cases, in order. A version whose run is `error` or
 * `timeout` on a case, or that cannot be run at all, is untestable: it is skipped (as `git bisect
 * skip`), and the report names it. The answer is never a guess:
 * - `same`: the endpoints agree (a change and its undoing inside the range would not be seen, and
 *   the report says so);
 * - `changed`: the last version with the start's verdict and the first with another, adjacent in
 *   the list once untestable versions are set aside;
 * - `flips`: the versions tried show more than one change (the first differing version's verdict
 *   is not the end's, or a re-run of a boundary version gave another verdict);
 * - `untestable`: an endpoint, or every version between the two sides, could not be run.
 */
import type { Status } from './report/types.ts';

export interface CaseOutcome {
  id: string;
  status: Status;
  /** The line that tells why: the failure message, else what was observed. */
  line: string | null;
  /** A command that runs this case alone at this version. */
  repro: string;
}

/** One version tried: its cases' outcomes, or why it could not be run. */
export type Trial = { version: string; cases: CaseOutcome[] } | { version: string; untestable: string };

export type BisectRunner = (version: string) => Promise<Trial>;

export interface BisectResult {
  kind: 'same' | 'changed' | 'flips' | 'untestable';
  /** The versions of the range, in order. */
  range: string[];
  /** Every run made, in the order made (a boundary re-run appears twice). */
  trials: Trial[];
  /** `changed`: the last version with the start's verdict, and the first with another. */
  last?: Trial & { cases: CaseOutcome[] };
  first?: Trial & { cases: CaseOutcome[] };
  /** One line saying what was found. */
  summary: string;
}

type Tested = Trial & { cases: CaseOutcome[] };

function isTested(t: Trial): t is Tested {
  return 'cases' in t;
}

/** The statuses of the cases, e.g. `pass` or `pass,fail`: what "the verdict" compares. */
export function verdictKey(t: Tested): string {
  return t.cases.map((c) => c.status).join(',');
}

/** `error`/`timeout` on any case: the harness lost the subject there; the version tells nothing. */
function lostReason(t: Tested): string | null {
  const lost = t.cases.find((c) => c.status === 'error' || c.status === 'timeout');
  return lost ? `${lost.id} was ${lost.status}${lost.line ? `: ${lost.line}` : ''}` : null;
}

export interface BisectOptions {
  /** Run the two boundary versions once more and call a differing re-run a flip (default true). */
  confirm?: boolean;
  /** A line per run (progress on stderr). */
  log?: (line: string) => void;
}

export async function bisect(
  range: readonly string[],
  run: BisectRunner,
  options: BisectOptions = {},
): Promise<BisectResult> {
  if (range.length < 2) throw new Error('bisect needs at least two versions');
  const trials: Trial[] = [];
  const known = new Map<number, Trial>();
  const tryAt = async (i: number): Promise<Trial> => {
    const seen = known.get(i);
    if (seen) return seen;
    const raw = await run(range[i]!);
    const lost = isTested(raw) ? lostReason(raw) : null;
    const t: Trial = lost ? { version: raw.version, untestable: lost } : raw;
    trials.push(t);
    known.set(i, t);
    options.log?.(`bisect: ${range[i]} → ${isTested(t) ? verdictKey(t) : `untestable (${t.untestable})`}`);
    return t;
  };
  const result = (kind: BisectResult['kind'], summary: string, extra: Partial<BisectResult> = {}) => ({
    kind,
    range: [...range],
    trials,
    summary,
    ...extra,
  });

  const start = await tryAt(0);
  if (!isTested(start))
    return result('untestable', `the start of the range, ${range[0]}, could not be run: ${start.untestable}`);
  const end = await tryAt(range.length - 1);
  if (!isTested(end))
    return result('untestable', `the end of the range, ${range.at(-1)}, could not be run: ${end.untestable}`);
  const startKey = verdictKey(start);
  if (verdictKey(end) === startKey)
    return result(
      'same',
      `${range[0]} and ${range.at(-1)} agree (${startKey}): no change to find (a change undone inside the range would not show)`,
    );

  // Invariant: lo has the start's verdict, hi another; untestable versions between them are skipped.
  let lo = 0;
  let hi = range.length - 1;
  const skipped = new Set<number>();
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    // The untried version nearest the middle, alternating sides (mid, mid+1, mid-1, …).
    let pick: number | null = null;
    for (let d = 0; d < hi - lo && pick === null; d++) {
      for (const i of d === 0 ? [mid] : [mid + d, mid - d]) {
        if (i > lo && i < hi && !skipped.has(i)) {
          pick = i;
          break;
        }
      }
    }
    if (pick === null) {
      const between = range.slice(lo + 1, hi).join(', ');
      return result(
        'untestable',
        `the verdict changed between ${range[lo]} and ${range[hi]}, but ${between} could not be run here`,
      );
    }
    const t = await tryAt(pick);
    if (!isTested(t)) skipped.add(pick);
    else if (verdictKey(t) === startKey) lo = pick;
    else hi = pick;
  }

  const last = known.get(lo) as Tested;
  const first = known.get(hi) as Tested;
  // Verdicts of the versions tried, in version order: more than one change means it flips.
  const ordered = [...known.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, t]) => t)
    .filter(isTested);
  let changes = 0;
  for (let i = 1; i < ordered.length; i++)
    if (verdictKey(ordered[i]!) !== verdictKey(ordered[i - 1]!)) changes++;
  const seq = () => ordered.map((t) => `${t.version} ${verdictKey(t)}`).join(', ');
  if (changes > 1)
    return result(
      'flips',
      `the verdict changes more than once on the versions tried (${seq()}): no single release to name`,
    );
  if (options.confirm !== false) {
    const again = async (i: number): Promise<Trial> => {
      const t = await run(range[i]!);
      trials.push(t);
      options.log?.(
        `bisect: ${range[i]} again → ${isTested(t) ? verdictKey(t) : `untestable (${t.untestable})`}`,
      );
      return t;
    };
    const lastAgain = await again(lo);
    const firstAgain = await again(hi);
    const differs = (a: Tested, b: Trial) => !isTested(b) || verdictKey(b) !== verdictKey(a);
    if (differs(last, lastAgain) || differs(first, firstAgain)) {
      const which = differs(last, lastAgain) ? last : first;
      const rerun = differs(last, lastAgain) ? lastAgain : firstAgain;
      return result(
        'flips',
        `${which.version} gave ${verdictKey(which)}, then ${isTested(rerun) ? verdictKey(rerun) : 'untestable'} when run again: the verdict is not stable there, so no release is named`,
      );
    }
  }
  const skippedNote = skipped.size
    ? ` (${[...skipped].map((i) => range[i]).join(', ')} could not be run and were skipped)`
    : '';
  return result(
    'changed',
    `${startKey} up to ${last.version}, ${verdictKey(first)} from ${first.version}${skippedNote}`,
    { last, first },
  );
}

/** The versions from `from` to `to` (both included) of an ordered list; a bound may be a prefix. */
export function selectRange(versions: readonly string[], from: string, to: string): string[] {
  const matches = (v: string, bound: string) => v === bound || v.startsWith(`${bound}.`);
  const startAt = versions.findIndex((v) => matches(v, from));
  let endAt = -1;
  for (let i = versions.length - 1; i >= 0; i--)
    if (matches(versions[i]!, to)) {
      endAt = i;
      break;
    }
  if (startAt === -1) throw new RangeError(`no version ${from} in the list`);
  if (endAt === -1) throw new RangeError(`no version ${to} in the list`);
  if (endAt <= startAt) throw new RangeError(`--from ${from} is not older than --to ${to}`);
  return versions.slice(startAt, endAt + 1);
}

/** What a bisect found, for the terminal: a headline, then each side with its lines and repros. */
export function renderBisect(r: BisectResult, label: (version: string) => string): string {
  const lines = [
    `bisect over ${label(r.range[0]!)} … ${label(r.range.at(-1)!)} (${r.range.length} versions, ${r.trials.length} runs): ${r.kind}`,
    `  ${r.summary}`,
  ];
  const side = (title: string, t: Tested) => {
    lines.push(`  ${title}: ${label(t.version)}`);
    for (const c of t.cases) {
      lines.push(`    ${c.id}: ${c.status}${c.line ? ` — ${c.line}` : ''}`);
      lines.push(`      repro: ${c.repro}`);
    }
  };
  if (r.kind === 'changed' && r.last && r.first) {
    side(`last ${verdictKey(r.last)}`, r.last);
    side(`first ${verdictKey(r.first)}`, r.first);
  } else {
    const tested = new Map(r.trials.filter(isTested).map((t) => [t.version, t]));
    for (const t of tested.values()) side(`tried ${verdictKey(t)}`, t);
  }
  for (const t of r.trials)
    if (!isTested(t)) lines.push(`  untestable: ${label(t.version)}: ${t.untestable}`);
  return `${lines.join('\n')}\n`;
}
