/**
 * The house rules that keep the layout honest, read from the code's own static imports:
 * - no import cycle among the project's own files outside test/;
 * - no import from a lower layer to a higher one (LAYERS below);
 * - each process keeps to its side: the parent (harness/parent) never imports the suite process's
 *   code (harness/suite, suites/, fixtures/) or the subject host statically, the subject host
 *   imports only harness/shared and itself, and the suite side never imports the parent;
 * - `compare` over report files loads none of the suite process's code (what compare.ts reaches by
 *   static imports; the suite side is only ever loaded on demand);
 * - no case catches an error: a step a case lets fail goes through `ctx.mayFail`, which rethrows a
 *   lost subject, a host or a harness error (a `catch` would swallow those too).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { ROOT } from './helpers/cli.ts';

const SOURCE_DIRS = ['bin', 'harness', 'suites', 'fixtures', 'scripts'];

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...files(path));
    else if (/\.(ts|mts|mjs)$/.test(name)) out.push(path);
  }
  return out;
}

/** Static imports (`import … from './x.ts'`, `export … from`), not `await import(…)`. */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/gm)].map(
    (m) => m[1]!,
  );
  return specs.map((s) => resolve(dirname(file), s));
}

const graph = new Map<string, string[]>();
for (const dir of SOURCE_DIRS) for (const f of files(join(ROOT, dir))) graph.set(f, staticImports(f));

const rel = (f: string) => relative(ROOT, f);

function reachable(from: string): Set<string> {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length) {
    const f = stack.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    stack.push(...(graph.get(f) ?? []));
  }
  return seen;
}

test('no import cycle in the project code', () => {
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    path.push(f);
    for (const next of graph.get(f) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === 'open')
        cycles.push([...path.slice(path.indexOf(next)), next].map(rel).join(' → '));
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(f, 'done');
  };
  for (const f of graph.keys()) if (!state.has(f)) visit(f);
  assert.deepEqual(cycles, []);
});

test('each process keeps to its side', () => {
  const offences: string[] = [];
  const side = (f: string) => rel(f).split('/').slice(0, 2).join('/');
  for (const [f, imports] of graph) {
    const from = side(f);
    for (const to of imports.map(side)) {
      const bad =
        (from === 'harness/parent' &&
          (to === 'harness/suite' || to === 'harness/subject' || to.startsWith('suites'))) ||
        (from === 'harness/subject' && to !== 'harness/subject' && to !== 'harness/shared') ||
        (from === 'harness/suite' && to === 'harness/parent') ||
        (from === 'harness/shared' && to !== 'harness/shared');
      if (bad) offences.push(`${rel(f)} imports ${to}`);
    }
  }
  assert.deepEqual(offences, []);
});

/**
 * The layers, lowest first: a file imports only its own layer or lower ones. `harness/shared` (what
 * crosses a process boundary) is the floor; `fixtures/` (what cases run against) and the subject host
 * stand on it; the suite process and the parent's machinery on those; the suites and the package's
 * API above; the CLI (`harness/parent/cli.ts`, a layer over the API's `prepareRun`) above that; the
 * launcher and the scripts on top. Which side of a process may import which is the test above.
 */
const LAYERS: [RegExp, number][] = [
  [/^harness\/parent\/cli\.ts$/, 4],
  [/^harness\/shared\//, 0],
  [/^fixtures\//, 1],
  [/^harness\/subject\//, 1],
  [/^harness\/suite\//, 2],
  [/^harness\/parent\//, 2],
  [/^suites\//, 3],
  [/^harness\/api\//, 3],
  [/^(bin|scripts)\//, 5],
];

function layerOf(file: string): number | null {
  const path = rel(file);
  return LAYERS.find(([re]) => re.test(path))?.[1] ?? null;
}

test('no import from a lower layer to a higher one', () => {
  const offences: string[] = [];
  for (const [f, imports] of graph) {
    const from = layerOf(f);
    assert.notEqual(from, null, `${rel(f)} is in no layer`);
    for (const to of imports) {
      const layer = layerOf(to);
      if (layer !== null && from !== null && layer > from)
        offences.push(`${rel(f)} (layer ${from}) imports ${rel(to)} (layer ${layer})`);
    }
  }
  assert.deepEqual(offences, []);
});

test('compare over report files loads none of the suite side', () => {
  for (const entry of [
    'bin/agent-conformance.mjs',
    'harness/parent/cli.ts',
    'harness/parent/commands/compare.ts',
  ]) {
    const loaded = [...reachable(join(ROOT, entry))].map(rel);
    const suiteSide = loaded.filter((f) => /^(harness\/suite|harness\/subject|suites|fixtures)\//.test(f));
    assert.deepEqual(suiteSide, [], `${entry} loads the suite side`);
  }
});

test('the npm package ships the built code and the run-time fixtures but none of our own test agents or fixtures', async () => {
  const { execFileSync } = await import('node:child_process');
  // prepack builds dist/ (scripts/build.ts); here the build runs first, so that the listing is quiet.
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.ts')], { cwd: ROOT, stdio: 'ignore' });
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const [{ files: packed }] = JSON.parse(out) as [{ files: { path: string }[] }];
  const paths = packed.map((f) => f.path);
  assert.deepEqual(
    paths.filter((p) => p.startsWith('test/') || /seeded|correct-agent|bad\//.test(p)),
    [],
  );
  // JavaScript and declarations only: Node strips no types under node_modules.
  assert.deepEqual(
    paths.filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts')),
    [],
  );
  for (const needed of [
    'dist/fixtures/origin/server.js',
    'dist/fixtures/toxiproxy/server.js',
    'dist/harness/subject/host.js',
    'dist/harness/suite/main.js',
    'dist/suites/maxSockets.test.js',
    'dist/harness/api/index.d.ts',
    'dist/harness/api/subject.d.ts',
    'dist/harness/api/report.d.ts',
    'docker/build-base.sh',
    'docker/nginx/Dockerfile',
    'docker/toxiproxy/entry.mjs',
    'reports/report.schema.json',
    'expectations/node.json',
  ])
    assert.ok(paths.includes(needed), `${needed} is packed`);
});

/** Where suites/ would swallow a rejection: `.catch(`, `catch (…)` / `catch {`, a `.then(` handler. */
const SWALLOWING = /\.catch\(|\bcatch\s*[({]|\.then\(/g;

test('no case catches an error: a step that may fail goes through ctx.mayFail', () => {
  const found: string[] = [];
  for (const file of files(join(ROOT, 'suites'))) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (SWALLOWING.test(line)) found.push(`${rel(file)}:${i + 1}: ${line.trim()}`);
        SWALLOWING.lastIndex = 0;
      });
  }
  assert.deepEqual(found, []);
  // the pattern finds the three forms it is there for
  for (const form of [
    'p.catch(() => undefined);',
    '} catch {',
    '} catch (err) {',
    'p.then(() => true, () => false)',
  ])
    assert.match(form, new RegExp(SWALLOWING.source), form);
});

test('the pinned development Node never reaches users', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<
    string,
    Record<string, string> | undefined
  >;
  for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies'])
    assert.deepEqual(
      Object.keys(pkg[field] ?? {}).filter((n) => /^node-(linux|darwin|win)/.test(n)),
      [],
      `${field} holds no Node binary package`,
    );
});
