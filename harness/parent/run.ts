/**
 * Runs the planned suite files in ONE suite process (harness/suite/main.ts, forked with the tsx
 * loader in a clone; the package's built main.js needs none), whose node:test runs the selected cases up to `--concurrency` at a time, and gathers one
 * verdict per case from its messages. A case that produced none (node:test's backstop fired, its
 * file failed to load, the suite process died) still gets a verdict here.
 */
import { fork } from 'node:child_process';
import { RUN_ENV, type RunConfig } from '../shared/config.ts';
import type { ContainerStarted } from '../shared/container-lane.ts';
import { codeFile, FROM_SOURCES } from '../shared/paths.ts';
import type { SuiteMessage } from '../shared/suite-messages.ts';
import type { CaseVerdict } from '../shared/verdict.ts';
import { removeContainersOf } from './container-setup.ts';
import type { Plan } from './plan.ts';

export interface RunOutcome {
  verdicts: Map<string, CaseVerdict>;
  /** Containers the suite process started (`--containers`, `--toxiproxy container`). */
  containers: ContainerStarted[];
  /** Set when the run was aborted (SIGINT/SIGTERM): the planned cases that got no verdict, in plan order. */
  unfinished: string[] | null;
}

const SUITE_MAIN = codeFile('harness/suite/main');
const STDERR_TAIL = 2000;
const FINISH_GRACE_MS = 1000;
/** After an abort, how long the suite process and the subject host get to end before SIGKILL. */
const ABORT_GRACE_MS = 1000;
const CONTAINERS_GRACE_MS = 15_000;

export async function runPlan(
  plan: Plan,
  config: RunConfig,
  options: {
    onVerdict?: (verdict: CaseVerdict) => void;
    /** Receives the function that aborts the run (a second call kills what is left at once). */
    abortWith?: (abort: () => void) => void;
  },
): Promise<RunOutcome> {
  const verdicts = new Map<string, CaseVerdict>();
  const containers: ContainerStarted[] = [];
  // node:test reports a test's diagnostics before its failure: a failure without a verdict is only
  // provisional until the process ends.
  const provisional = new Map<string, CaseVerdict>();
  const planned = new Set(plan.cases.map((c) => c.id));
  let finishing: NodeJS.Timeout | undefined;
  let aborted = false;
  const accept = (verdict: CaseVerdict) => {
    if (aborted || !planned.has(verdict.id) || verdicts.has(verdict.id)) return;
    verdicts.set(verdict.id, verdict);
    options.onVerdict?.(verdict);
  };
  // Every planned case has its verdict: tell the suite process to close its session and end. A case
  // that only failed (node:test's backstop) may still send its verdict: give it a moment.
  const checkDone = () => {
    if (verdicts.size === planned.size) finish();
    else if ([...planned].every((id) => verdicts.has(id) || provisional.has(id)))
      finishing ??= setTimeout(finish, FINISH_GRACE_MS);
  };
  const finish = () => {
    clearTimeout(finishing);
    if (child.connected) child.send({ kind: 'finish' });
  };
  const env: NodeJS.ProcessEnv = { ...process.env, [RUN_ENV]: JSON.stringify(config) };
  // When the CLI itself runs under `node --test` (our own tests), node:test marks the environment.
  delete env.NODE_TEST_CONTEXT;
  // Its own process group (the subject host it starts joins it), so that an abort stops them all,
  // and a Ctrl-C at the terminal reaches only the CLI, which decides.
  const child = fork(SUITE_MAIN, plan.files, {
    execArgv: FROM_SOURCES ? ['--import', import.meta.resolve('tsx')] : [],
    env,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    detached: process.platform !== 'win32',
  });
  let killer: NodeJS.Timeout | undefined;
  const signalGroup = (sig: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      if (process.platform === 'win32') child.kill(sig);
      else process.kill(-child.pid, sig);
    } catch {
      // already gone
    }
  };
  const abort = () => {
    if (aborted) {
      signalGroup('SIGKILL');
      return;
    }
    aborted = true;
    clearTimeout(finishing);
    // The suite process ends at once (its servers with it), the subject host too; whatever
    // lingers is killed after the grace.
    signalGroup('SIGTERM');
    // containers take a few seconds to stop (the suite process stops them on SIGTERM)
    killer = setTimeout(
      () => signalGroup('SIGKILL'),
      config.containers ? CONTAINERS_GRACE_MS : ABORT_GRACE_MS,
    );
  };
  options.abortWith?.(abort);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL);
  });
  child.on('message', (raw) => {
    const message = raw as SuiteMessage;
    if (message.kind === 'verdict') {
      accept(message.verdict);
    } else if (message.kind === 'container') {
      containers.push(message.started);
    } else if (planned.has(message.name)) {
      // Unless its verdict came, only node:test's own backstop (or a crash) ended this case.
      provisional.set(message.name, {
        id: message.name,
        status: message.timedOut ? 'timeout' : 'error',
        observed: null,
        message: `harness: ${message.message}`,
        durationMs: message.durationMs,
      });
    } else if (message.file && message.nesting === 0) {
      // A whole suite file failed outside any case (a crash while loading).
      const reason = `the suite file failed: ${message.message}`;
      for (const c of plan.cases) {
        if (c.file === message.file && !verdicts.has(c.id)) {
          accept({ id: c.id, status: 'error', observed: null, message: reason, durationMs: 0 });
        }
      }
    }
    checkDone();
  });
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
    child.on('error', () => resolve({ code: null, signal: null }));
  });
  clearTimeout(finishing);
  // whatever the suite process could not stop itself (killed) goes now
  if (config.containers && child.pid !== undefined) await removeContainersOf(child.pid);
  if (aborted) {
    // Anything left in the group (a subject host that ignored SIGTERM) goes now.
    signalGroup('SIGKILL');
    clearTimeout(killer);
    return {
      verdicts,
      containers,
      unfinished: plan.cases.filter((c) => !verdicts.has(c.id)).map((c) => c.id),
    };
  }
  for (const verdict of provisional.values()) accept(verdict);
  // Anything still without a verdict never ran: say so rather than drop it.
  const last = stderr.trim().split('\n').at(-1)?.slice(0, 300) ?? '';
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  for (const c of plan.cases) {
    if (!verdicts.has(c.id)) {
      accept({
        id: c.id,
        status: 'error',
        observed: null,
        message: `the case produced no result (the suite process ${how}${last ? `: ${last}` : ''})`,
        durationMs: 0,
      });
    }
  }
  return { verdicts, containers, unfinished: null };
}
