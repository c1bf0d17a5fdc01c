/**
 * Runs the planned suite files in ONE suite process (harness/suite/main.ts, forked with the tsx
 * loader), whose node:test runs the selected cases up to `--concurrency` at a time, and gathers one
 * verdict per case from its messages. A case that produced none (node:test's backstop fired, its
 * file failed to load, the suite process died) still gets a verdict here.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { RUN_ENV, type RunConfig } from '../shared/config.ts';
import type { ContainerStarted } from '../shared/containers.ts';
import type { SuiteMessage } from '../shared/suite-messages.ts';
import type { CaseVerdict } from '../shared/verdict.ts';
import type { Plan } from './plan.ts';

export interface RunOutcome {
  verdicts: Map<string, CaseVerdict>;
  /** Containers the suite process started (`--containers`, `--toxiproxy container`). */
  containers: ContainerStarted[];
}

const TSX_LOADER = import.meta.resolve('tsx');
const SUITE_MAIN = fileURLToPath(new URL('../suite/main.ts', import.meta.url));
const STDERR_TAIL = 2000;
const FINISH_GRACE_MS = 1000;

export async function runPlan(
  plan: Plan,
  config: RunConfig,
  options: { onVerdict?: (verdict: CaseVerdict) => void },
): Promise<RunOutcome> {
  const verdicts = new Map<string, CaseVerdict>();
  const containers: ContainerStarted[] = [];
  // node:test reports a test's diagnostics before its failure: a failure without a verdict is only
  // provisional until the process ends.
  const provisional = new Map<string, CaseVerdict>();
  const planned = new Set(plan.cases.map((c) => c.id));
  let finishing: NodeJS.Timeout | undefined;
  const accept = (verdict: CaseVerdict) => {
    if (!planned.has(verdict.id) || verdicts.has(verdict.id)) return;
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
  const child = fork(SUITE_MAIN, plan.files, {
    execArgv: ['--import', TSX_LOADER],
    env,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
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
  return { verdicts, containers };
}
