/**
 * Moves seeded-bug agents left flat in test/agents/seeded/ into their area's folder:
 * `test/agents/seeded/<area>-<slug>.ts` → `test/agents/seeded/<Area>/<slug>.ts`, where `<area>` is a
 * case area in any case (`keepalive-`, `maxsockets-`, `https-`…) and `<Area>` its spelling in case
 * ids (`keepAlive`, `maxSockets`, `https`). The agent's relative imports gain one `../`.
 *
 *   node scripts/seeded-move.ts           move every flat agent (prints each move)
 *   node scripts/seeded-move.ts --check   move nothing; exit 1 when a flat agent is left
 *
 * A flat file whose name starts with no area, or whose target exists, is one line and exit 2,
 * before anything moves. test/seeded.test.ts fails while a flat agent is left.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AREAS } from '../harness/shared/case-spec.ts';

export const SEEDED_DIR = new URL('../test/agents/seeded/', import.meta.url);

/** An agent's module file (the seeded test loads these). */
export const AGENT_FILE = /\.(ts|mts|js|mjs|cjs)$/;

/** The area a flat file's name starts with (`keepalive-x.ts` → `keepAlive`), or null. */
export function areaOfFlatName(name: string): { area: string; slug: string } | null {
  const dash = name.indexOf('-');
  if (dash <= 0) return null;
  const prefix = name.slice(0, dash).toLowerCase();
  const area = AREAS.find((a) => a.toLowerCase() === prefix);
  return area ? { area, slug: name.slice(dash + 1) } : null;
}

/** The source with every relative import specifier one folder deeper. */
export function deeperImports(source: string): string {
  return source.replace(
    /(\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/)/g,
    (_m, lead, quote, rel) => (rel === './' ? `${lead}${quote}../` : `${lead}${quote}../${rel}`),
  );
}

/** The flat agents, each with where it goes; the problems that stop a move. */
export function planMoves(dir: string): { moves: { from: string; to: string }[]; problems: string[] } {
  const moves: { from: string; to: string }[] = [];
  const problems: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isFile() || !AGENT_FILE.test(entry.name)) continue;
    const target = areaOfFlatName(entry.name);
    if (!target) {
      problems.push(`${entry.name}: its name starts with no case area (${AREAS.join(', ')})`);
      continue;
    }
    const to = join(target.area, target.slug);
    if (existsSync(join(dir, to))) problems.push(`${entry.name}: ${to} exists already`);
    else moves.push({ from: entry.name, to });
  }
  return { moves, problems };
}

function main(args: string[]): number {
  const dir = SEEDED_DIR.pathname;
  const unknown = args.filter((a) => a !== '--check');
  if (unknown.length > 0) {
    console.error(
      `seeded-move: unknown argument ${unknown[0]} (usage: node scripts/seeded-move.ts [--check])`,
    );
    return 2;
  }
  const { moves, problems } = planMoves(dir);
  if (problems.length > 0) {
    for (const p of problems) console.error(`seeded-move: ${p}`);
    return 2;
  }
  if (args.includes('--check')) {
    for (const m of moves) console.log(`flat: ${m.from} → ${m.to}`);
    return moves.length > 0 ? 1 : 0;
  }
  for (const m of moves) {
    const from = join(dir, m.from);
    const to = join(dir, m.to);
    mkdirSync(join(to, '..'), { recursive: true });
    writeFileSync(from, deeperImports(readFileSync(from, 'utf8')));
    renameSync(from, to);
    console.log(`${m.from} → ${m.to}`);
  }
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = main(process.argv.slice(2));
