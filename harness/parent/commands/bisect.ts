/**
 * agent-conformance bisect [subject] --only <id>… --from <version> --to <version>
 *                          [--over node|package] [--runtime R] [--out DIR] [--json FILE] [--no-confirm]
 *
 * Over Node releases (`--over node`, the default: the subject runs under `node@<version>`, each
 * release installed into the cache on first use) or over a built-in's npm versions (`--over
 * package`: `undici:<version>` under `--runtime`), finds the first version whose verdict on the
 * selected cases differs from the verdict at `--from` (../bisect.ts), running only the versions a
 * binary search needs. Each run is the check command's own, its report kept in
 * `<out>/<subject>@<version>/report.json`.
 *
 * Exit codes: 0 an answer (the endpoints agree, the release where it changed, or "it flips");
 * 2 a usage error, or versions that could not be run where the answer needed them.
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type BisectResult, bisect, renderBisect, selectRange, type Trial } from '../bisect.ts';
import { SetupError, UsageError } from '../errors.ts';
import {
  CHECK_CONCURRENCY,
  executeCheck,
  type Io,
  parseConcurrency,
  prepareCheck,
  slug,
} from '../pipeline.ts';
import { makePlan } from '../plan.ts';
import { writeOutputFile } from '../report/output.ts';
import { nodePackage } from '../runtime/node.ts';
import { BUILTIN_PACKAGES, BUILTIN_SUBJECTS } from '../subjects.ts';
import { listVersions, type ViewVersions } from '../versions.ts';

const USAGE = `usage: agent-conformance bisect [subject] --only <id>… --from <version> --to <version> [options]

  Finds the first version whose verdict on the selected cases differs from the verdict at --from
  (binary search: only the versions it needs are installed and run), and prints the last version
  with the old verdict and the first with the new one, each case's fail/observed line and a repro.

  [subject]              node (default), a built-in, or a module path
  --only <id>            the case (or area, prefix*) to bisect; repeatable; required
  --from <v>, --to <v>   the range, both included: an exact version or a prefix (20 = the first 20.x
                         for --from, the last for --to)
  --over <what>          node (default): Node releases (npm's ${nodePackage()} versions), the
                         subject under node@<version> · package: the built-in's npm versions
                         (<subject>:<version>) under --runtime
  --runtime <R>          the runtime for --over package (default node)
  --out <dir>            where each version's report goes (default reports/bisect/)
  --json <file>          also write the result as JSON
  --no-confirm           do not run the two boundary versions a second time
  --refresh              fetch the version list from npm even if the cached one is fresh
  --concurrency <n>      cases run at once within a version's run (default ${CHECK_CONCURRENCY})

exit codes: 0 an answer (the endpoints agree, the release where it changed, or "it flips back and
  forth") · 2 usage error, or the versions the answer needs could not be run`;

/** The npm package whose versions a built-in subject is bisected over (`--over package`): the last
 * of its packages (proxy-agents: https-proxy-agent, released in step with http-proxy-agent). */
export function bisectPackage(subject: string): string | undefined {
  return BUILTIN_PACKAGES[subject]?.packages.at(-1);
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        only: { type: 'string', multiple: true, default: [] },
        from: { type: 'string' },
        to: { type: 'string' },
        over: { type: 'string', default: 'node' },
        runtime: { type: 'string', default: 'node' },
        out: { type: 'string' },
        json: { type: 'string' },
        'no-confirm': { type: 'boolean', default: false },
        refresh: { type: 'boolean', default: false },
        concurrency: { type: 'string', default: String(CHECK_CONCURRENCY) },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError(`bisect: ${(err as Error).message}`);
  }
}

export interface BisectPlan {
  subject: string;
  over: 'node' | 'package';
  /** The npm package whose versions are bisected. */
  pkg: string;
  /** `(version) → [subjectSpec, runtime]` of the check run at that version. */
  at: (version: string) => { subjectSpec: string; runtime: string };
  label: (version: string) => string;
}

export function bisectPlan(subject: string, over: string, runtime: string): BisectPlan {
  if (over === 'node') {
    if (runtime !== 'node')
      throw new UsageError('bisect: --runtime is for --over package (--over node sets it)');
    return {
      subject,
      over,
      pkg: nodePackage(),
      at: (v) => ({ subjectSpec: subject, runtime: `node@${v}` }),
      label: (v) => `node ${v}`,
    };
  }
  if (over === 'package') {
    const pkg = bisectPackage(subject);
    if (!pkg)
      throw new UsageError(
        `bisect: --over package needs a built-in with an npm package (${Object.keys(BUILTIN_PACKAGES).join(', ')}), not ${subject}`,
      );
    return {
      subject,
      over,
      pkg,
      at: (v) => ({ subjectSpec: `${subject}:${v}`, runtime }),
      label: (v) => `${subject} ${v}`,
    };
  }
  throw new UsageError(`bisect: --over takes node or package (got ${over})`);
}

/** The check run at one version, as a trial: a version that cannot be run here is untestable. */
export function checkRunner(
  plan: BisectPlan,
  opts: { only: string[]; outDir: string; concurrency: number; io: Io },
): (version: string) => Promise<Trial> {
  return async (version) => {
    const { subjectSpec, runtime } = plan.at(version);
    let prepared: Awaited<ReturnType<typeof prepareCheck>>;
    try {
      prepared = await prepareCheck({
        subjectSpec,
        runtime,
        only: opts.only,
        out: join(opts.outDir, slug(`${plan.subject}@${version}`)),
        trace: false,
        concurrency: opts.concurrency,
        io: opts.io,
        progress: false,
      });
    } catch (err) {
      // A release this build cannot host (too old for the subject host), or a subject version it
      // cannot load: the version tells nothing, so it is skipped. A failed download is not.
      if (err instanceof UsageError) return { version, untestable: err.message };
      if (err instanceof SetupError && err.code !== 'ERR_RUNTIME_INSTALL')
        return { version, untestable: err.message };
      throw err;
    }
    const { report } = await executeCheck(prepared);
    if (report.fatal) return { version, untestable: report.fatal.message };
    return {
      version,
      cases: report.results.map((r) => ({
        id: r.id,
        status: r.status,
        line: (r.status === 'pass' ? r.observed : (r.message ?? r.observed)) ?? null,
        repro: r.repro,
      })),
    };
  };
}

export async function bisectCommand(
  argv: string[],
  io: Io,
  deps: { view?: ViewVersions; runner?: (plan: BisectPlan) => (v: string) => Promise<Trial> } = {},
): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.help) {
    io.out.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length > 1)
    throw new UsageError(`bisect: one subject at a time (got ${positionals.join(' ')})`);
  if (values.only.length === 0) throw new UsageError('bisect: name the case(s) with --only <id>');
  if (values.from === undefined || values.to === undefined)
    throw new UsageError('bisect: give the range with --from <version> and --to <version>');
  const bad = [values.from, values.to].find((v) => !/^\d+(\.\d+){0,2}$/.test(v));
  if (bad !== undefined) throw new UsageError(`bisect: bad version "${bad}" (use e.g. 22, 22.5 or 22.5.1)`);
  const subject = positionals[0] ?? 'node';
  if (values.over === 'package' && !Object.hasOwn(BUILTIN_SUBJECTS, subject) && !bisectPackage(subject))
    throw new UsageError(`bisect: unknown built-in ${subject}`);
  const plan = bisectPlan(subject, values.over, values.runtime);
  await makePlan(values.only); // an unknown case is a usage error, not an untestable version
  const concurrency = parseConcurrency(values.concurrency);
  const list = await listVersions(plan.pkg, {
    mustHave: [values.from, values.to],
    refresh: values.refresh,
    ...(deps.view ? { view: deps.view } : {}),
  });
  let range: string[];
  try {
    range = selectRange(list.versions, values.from, values.to);
  } catch (err) {
    throw new UsageError(
      `bisect: ${(err as Error).message} (${plan.pkg}, ${list.versions.length} stable versions)`,
    );
  }
  const outDir = resolve(values.out ?? 'reports/bisect');
  const run = deps.runner
    ? deps.runner(plan)
    : checkRunner(plan, { only: values.only, outDir, concurrency, io });
  const t0 = performance.now();
  io.err.write(`bisect: ${range.length} versions of ${plan.pkg}, ${range[0]} … ${range.at(-1)}\n`);
  const result: BisectResult = await bisect(range, run, {
    confirm: !values['no-confirm'],
    log: (line) => io.err.write(`${line}\n`),
  });
  const seconds = (performance.now() - t0) / 1000;
  io.out.write(renderBisect(result, plan.label));
  io.err.write(`bisect: ${result.trials.length} runs in ${seconds.toFixed(1)} s\n`);
  if (values.json !== undefined)
    writeOutputFile(
      resolve(values.json),
      `${JSON.stringify({ subject, over: plan.over, pkg: plan.pkg, only: values.only, seconds, ...result }, null, 2)}\n`,
    );
  return result.kind === 'untestable' ? 2 : 0;
}
