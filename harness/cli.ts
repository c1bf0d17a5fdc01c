/**
 * agent-conformance <subject> [--runtime R] [--only <id>…] [--out DIR] [--list] [--trace]
 *
 * The pipeline, top to bottom: arguments → plan → subject preflight → run → results → reporters.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CaseVerdict } from './case.ts';
import type { RunConfig } from './config.ts';
import { loadCatalog, makePlan } from './plan.ts';
import { preflight } from './preflight.ts';
import { writeJsonReport } from './report/json.ts';
import { painter, plain, renderTerminal, statusMark } from './report/terminal.ts';
import type { Report } from './report/types.ts';
import { buildReport, exitCodeFor, SUITE } from './results.ts';
import { runPlan } from './run.ts';
import { resolveRuntime } from './runtime/index.ts';
import { HOST_FILE } from './subject/process.ts';
import { resolveSubject } from './subjects.ts';

const USAGE = `usage: agent-conformance <subject> [options]
       agent-conformance --list

  <subject>              node | agentkeepalive | path to a module exporting createAgent(options)
  --runtime <R>          node (default) | node@22 | bun | deno | path to an executable
  --only <id>            run only this case id, area, or prefix ending in * (repeatable)
  --out <dir>            where report.json goes (default: reports/<subject>/)
  --trace                keep a wire transcript for every case (failures always keep one)
  --concurrency <n>      suite files run at once (default 3)
  --list                 list the cases and exit
  -h, --help             this text
  -v, --version          print the version

exit codes: 0 every must case passed · 1 a must case failed · 2 usage, harness or subject error`;

export class UsageError extends Error {
  code = 'ERR_USAGE';
}

interface Io {
  out: NodeJS.WriteStream;
  err: NodeJS.WriteStream;
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        runtime: { type: 'string', default: 'node' },
        only: { type: 'string', multiple: true, default: [] },
        out: { type: 'string' },
        list: { type: 'boolean', default: false },
        trace: { type: 'boolean', default: false },
        concurrency: { type: 'string', default: '3' },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

async function list(io: Io): Promise<number> {
  const cases = await loadCatalog();
  for (const c of cases) io.out.write(`${c.id.padEnd(48)} ${c.level.padEnd(6)} ${c.title}\n`);
  io.out.write(`${cases.length} cases\n`);
  return 0;
}

function slug(name: string): string {
  return (
    name
      .replace(/\.[cm]?[jt]s$/, '')
      .replace(/[^A-Za-z0-9@._-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'subject'
  );
}

export async function main(
  argv: string[],
  io: Io = { out: process.stdout, err: process.stderr },
): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.help) {
    io.out.write(`${USAGE}\n`);
    return 0;
  }
  if (values.version) {
    io.out.write(`${SUITE.version}\n`);
    return 0;
  }
  if (values.list) return list(io);
  if (positionals.length !== 1)
    throw new UsageError(
      positionals.length ? `one subject at a time (got ${positionals.join(' ')})` : 'no subject given',
    );
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new UsageError('--concurrency takes a whole number ≥ 1');

  const subjectSpec = positionals[0]!;
  const subject = resolveSubject(subjectSpec);
  const plan = await makePlan(values.only);
  const launcher = await resolveRuntime(values.runtime, {
    onInstall: (msg) => io.err.write(`${msg}\n`),
  });
  const outDir = resolve(
    values.out ??
      `reports/${slug(subject.name)}${values.runtime === 'node' ? '' : `@${slug(values.runtime)}`}`,
  );
  const reproPrefix = `npx agent-conformance ${subjectSpec}${values.runtime === 'node' ? '' : ` --runtime ${values.runtime}`}`;
  const startedAt = new Date();
  const t0 = performance.now();
  const cwd = process.cwd();

  let fatal: string | null = null;
  let runtime: { name: string; version: string } = { name: launcher.name, version: launcher.version };
  let capabilities: Record<string, boolean> = {};
  try {
    const info = await preflight(launcher, subject.module, cwd);
    runtime = info.runtime;
    capabilities = info.capabilities;
  } catch (err) {
    fatal = (err as Error).message;
  }

  const verdicts = new Map<string, CaseVerdict>();
  if (fatal) {
    for (const c of plan.cases) {
      verdicts.set(c.id, {
        id: c.id,
        status: 'error',
        observed: null,
        message: `not run: ${fatal}`,
        durationMs: 0,
      });
    }
  } else {
    const config: RunConfig = {
      subject: { name: subject.name, module: subject.module },
      host: {
        executable: launcher.executable,
        args: launcher.argsFor(HOST_FILE),
        env: launcher.env ?? {},
        cwd,
      },
      runtime,
      capabilities,
      only: values.only,
      trace: values.trace,
      reproPrefix,
    };
    const progress = makeProgress(io, plan.cases.length);
    const outcome = await runPlan(plan, config, { concurrency, onVerdict: progress.tick });
    progress.done();
    for (const [id, v] of outcome.verdicts) verdicts.set(id, v);
  }

  const report: Report = buildReport({
    cases: plan.cases,
    verdicts,
    subject: {
      name: subject.name,
      module: subject.builtin ? `builtin:${subject.name}` : subject.module,
      runtime,
      capabilities,
    },
    startedAt,
    durationMs: performance.now() - t0,
    fatal,
    only: values.only,
    reproPrefix,
  });
  const file = writeJsonReport(report, outDir);
  io.out.write(renderTerminal(report, io.out.isTTY ? painter(io.out) : plain));
  io.out.write(`report: ${file}\n`);
  if (fatal) io.err.write(`agent-conformance: ${fatal}\n`);
  return exitCodeFor(report);
}

function makeProgress(io: Io, total: number): { tick: (v: CaseVerdict) => void; done: () => void } {
  let n = 0;
  const tty = io.err.isTTY === true;
  const paint = tty ? painter(io.err) : plain;
  return {
    tick: (v) => {
      n++;
      const line = `[${n}/${total}] ${statusMark(v.status, paint)} ${v.id}`;
      if (tty) io.err.write(`\r\x1b[2K${line}`);
      else io.err.write(`${line}\n`);
    },
    done: () => {
      if (tty) io.err.write('\r\x1b[2K');
    },
  };
}
