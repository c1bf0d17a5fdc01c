/**
 * One check run, shared by the check command and `compare`: subject + runtime → plan → preflight →
 * run → the canonical report, written to `<out>/report.json`. Rendering it is the caller's job.
 *
 * `prepareCheck` resolves everything that can be a usage error (subject, selection, runtime) without
 * running anything, so `compare` can reject a bad argument before it spends time on the others.
 */

import { resolve } from 'node:path';
import type { RunConfig } from '../shared/config.ts';
import type { ContainerLane, ContainerStarted } from '../shared/container-lane.ts';
import { EXIT_PROBE_FILE, HOST_FILE } from '../shared/subject-process.ts';
import type { CaseVerdict } from '../shared/verdict.ts';
import { buildReport } from './build-report.ts';
import { containersInfo, prepareLane } from './container-setup.ts';
import { UsageError } from './errors.ts';
import { catchSignals, interrupted, onInterrupt } from './interrupt.ts';
import { makePlan, type Plan } from './plan.ts';
import { preflight } from './preflight.ts';
import { writeJsonReport } from './report/json.ts';
import { painter, plain, statusMark } from './report/terminal.ts';
import type { Report } from './report/types.ts';
import { runPlan } from './run.ts';
import { resolveRuntime } from './runtime/index.ts';
import { needsTypeScript } from './runtime/node.ts';
import type { RuntimeLauncher } from './runtime/types.ts';
import type { Shard } from './shard.ts';
import { installSubjectPackages, type ResolvedSubject, resolveSubject } from './subjects.ts';

export interface Io {
  out: NodeJS.WriteStream;
  err: NodeJS.WriteStream;
}

export interface CheckOptions {
  /** As the user gave it: `node`, `./myAgent.ts`. */
  subjectSpec: string;
  /** `node` (default), `node@22`, `bun`, `deno`, or an executable path. */
  runtime: string;
  only: string[];
  /** Where report.json goes; default `reports/<subject>[@<runtime>]/`. */
  out?: string;
  trace: boolean;
  concurrency: number;
  io: Io;
  /** `--toxiproxy-url`: an external Toxiproxy for the fault cases (RunConfig.toxiproxyUrl). */
  toxiproxyUrl?: string;
  /** A `[n/total]` line per case on stderr (default true; compare runs several checks at once). */
  progress?: boolean;
  /** `--protocol https`: the cases over TLS origins with https agents (RunConfig.protocol). */
  protocol?: 'http' | 'https';
  /** `--containers`: the container lane (the `servers` area against real servers). */
  containers?: boolean;
  /** `--toxiproxy container`: the Toxiproxy image to run (`--toxiproxy-image`). */
  toxiproxyImage?: string;
  /** `--shard i/n`: run only this shard of the selected cases (./shard.ts). */
  shard?: Shard;
}

export interface PreparedCheck {
  options: CheckOptions;
  subject: ResolvedSubject;
  plan: Plan;
  launcher: RuntimeLauncher;
  outDir: string;
  reproPrefix: string;
  /** The container lane, ready to start (images built); absent without one. */
  lane?: ContainerLane;
}

export interface CheckResult {
  report: Report;
  /** The report.json written. */
  file: string;
}

/** The check command's `--concurrency` default: cases run at once. */
export const CHECK_CONCURRENCY = 8;

/** `compare --concurrency` default: implementations run at the same time (see docs/compare.md). */
export const DEFAULT_IMPLEMENTATIONS_AT_ONCE = 2;

/** `--concurrency <n>` of both commands: a whole number ≥ 1. */
export function parseConcurrency(value: string): number {
  const concurrency = Number(value);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new UsageError('--concurrency takes a whole number ≥ 1');
  return concurrency;
}

/** `--protocol <p>` of both commands: http or https. */
export function parseProtocol(value: string): 'http' | 'https' {
  if (value !== 'http' && value !== 'https')
    throw new UsageError(`--protocol takes http or https (got ${value})`);
  return value;
}

/** A visible, readable folder name: no path, no leading dot, nothing a shell would quote. */
export function slug(name: string): string {
  return (
    name
      .replace(/\.[cm]?[jt]s$/, '')
      .replace(/[^A-Za-z0-9@._-]+/g, '-')
      .replace(/^[-.]+|-+$/g, '') || 'subject'
  );
}

/**
 * `reports/<subject>[@<runtime>]/`, relative to the working directory. A path subject is named by
 * its file (`./myAgent.ts` → `reports/myAgent/`, `../x/a.ts --runtime bun` → `reports/a@bun/`).
 */
export function defaultOutDir(subjectName: string, runtime: string): string {
  const file = subjectName.split(/[\\/]/).filter(Boolean).pop() ?? subjectName;
  return `reports/${slug(file)}${runtime === 'node' ? '' : `@${slug(runtime)}`}`;
}

/** Resolves the subject, the selection and the runtime (installing it if needed); runs nothing. */
export async function prepareCheck(options: CheckOptions): Promise<PreparedCheck> {
  const resolved = resolveSubject(options.subjectSpec);
  const plan = await makePlan(options.only, options.shard);
  const onInstall = (msg: string) => options.io.err.write(`${msg}\n`);
  let launcher = await resolveRuntime(options.runtime, {
    onInstall,
    typescript: needsTypeScript(resolved.module, resolved.builtin),
  });
  // under Node, a built-in is loaded as JavaScript (./runtime/host-code.ts)
  const subject = launcher.moduleFor
    ? { ...resolved, module: launcher.moduleFor(resolved.module) }
    : resolved;
  // a built-in at an npm version: its packages from the cache, and the exact version in its name
  if (resolved.packages) {
    const installed = await installSubjectPackages(resolved.packages, { onInstall });
    launcher = { ...launcher, env: { ...launcher.env, ...installed.env } };
    subject.name = `${resolved.packages.builtin}:${installed.version}`;
  }
  const outDir = resolve(
    options.out ??
      `${defaultOutDir(subject.name, options.runtime)}${options.protocol === 'https' ? '+https' : ''}`,
  );
  const lanes = `${options.containers ? ' --containers' : ''}${options.toxiproxyImage === undefined ? '' : ' --toxiproxy container'}`;
  const reproPrefix = `npx agent-conformance ${options.subjectSpec}${options.runtime === 'node' ? '' : ` --runtime ${options.runtime}`}${options.protocol === 'https' ? ' --protocol https' : ''}${lanes}`;
  const prepared: PreparedCheck = { options, subject, plan, launcher, outDir, reproPrefix };
  if (options.containers || options.toxiproxyImage !== undefined)
    prepared.lane = await prepareLane({
      servers: options.containers === true && plan.cases.some((c) => c.area === 'servers'),
      toxiproxyImage: options.toxiproxyImage ?? null,
      log: (line) => options.io.err.write(`${line}\n`),
    });
  return prepared;
}

/** Runs a prepared check and writes its report.json; never throws for a broken subject (`fatal`). */
export async function executeCheck(prepared: PreparedCheck): Promise<CheckResult> {
  const startedAt = new Date();
  const t0 = performance.now();

  const release = catchSignals();
  try {
    return await check(prepared, startedAt, t0);
  } finally {
    release();
  }
}

async function check(prepared: PreparedCheck, startedAt: Date, t0: number): Promise<CheckResult> {
  const { options, subject, plan, launcher, outDir, reproPrefix, lane } = prepared;
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
  let started: ContainerStarted[] = [];
  let incomplete: Report['incomplete'];
  // SIGINT/SIGTERM (./interrupt.ts): the suite process and the subject host stop, what was measured
  // is kept, and the cases that did not finish are listed (the caller exits 130 or 143).
  const stopped = interrupted();
  if (stopped && !fatal) {
    incomplete = { signal: stopped, unfinished: plan.cases.map((c) => c.id) };
  } else if (fatal) {
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
        args: launcher.argsFor(launcher.host ?? HOST_FILE),
        probeArgs: launcher.argsFor(launcher.exitProbe ?? EXIT_PROBE_FILE),
        env: launcher.env ?? {},
        cwd,
      },
      runtime,
      capabilities,
      only: options.only,
      trace: options.trace,
      reproPrefix,
      concurrency: options.concurrency,
    };
    if (options.toxiproxyUrl !== undefined) config.toxiproxyUrl = options.toxiproxyUrl;
    if (options.protocol === 'https') config.protocol = 'https';
    if (lane) config.containers = lane;
    const progress =
      options.progress === false
        ? { tick: () => {}, done: () => {} }
        : makeProgress(options.io, plan.cases.length);
    let forget = () => {};
    try {
      const outcome = await runPlan(plan, config, {
        onVerdict: progress.tick,
        abortWith: (abort) => {
          forget = onInterrupt(abort);
          if (interrupted()) abort();
        },
      });
      for (const [id, v] of outcome.verdicts) verdicts.set(id, v);
      started = outcome.containers;
      const sig = interrupted();
      if (outcome.unfinished && sig) incomplete = { signal: sig, unfinished: outcome.unfinished };
    } finally {
      forget();
      progress.done();
    }
  }

  const unfinished = new Set(incomplete?.unfinished ?? []);
  const report: Report = buildReport({
    cases: plan.cases.filter((c) => !unfinished.has(c.id)),
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
    only: options.only,
    reproPrefix,
    ...(lane ? { containers: containersInfo(lane, started) } : {}),
    ...(incomplete ? { incomplete } : {}),
    protocol: options.protocol ?? 'http',
    ...(options.shard ? { shard: options.shard } : {}),
  });
  const file = writeJsonReport(report, outDir);
  return { report, file };
}

/** prepare + execute: one subject, one runtime, one report.json. */
export async function runCheck(options: CheckOptions): Promise<CheckResult> {
  return executeCheck(await prepareCheck(options));
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
