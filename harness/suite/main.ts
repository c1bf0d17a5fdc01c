/**
 * The suite process. The parent (harness/parent/run.ts) forks it with the run configuration in
 * RUN_ENV and the suite files to load as arguments; node:test's `run()` loads them here, in this one
 * process (isolation 'none'), and runs their cases up to `concurrency` at a time, all against one
 * subject host (./session.ts). What the parent needs of node:test's events goes back over the IPC
 * channel as small plain messages (../shared/suite-messages.ts).
 */
import { run } from 'node:test';
import { readRunConfig } from '../shared/config.ts';
import type { SuiteMessage } from '../shared/suite-messages.ts';
import { parseVerdictLine } from '../shared/verdict.ts';
import { closeSession, session } from './session.ts';

interface TestEventData {
  name?: string;
  file?: string;
  nesting?: number;
  message?: string;
  details?: { duration_ms?: number; error?: { message?: string; failureType?: string; cause?: unknown } };
}

function errorText(data: TestEventData): string {
  const err = data.details?.error;
  const cause = err?.cause as { message?: string } | string | undefined;
  const text = typeof cause === 'string' ? cause : (cause?.message ?? err?.message ?? 'unknown failure');
  return text.replace(/\s+/g, ' ').trim().slice(0, 500);
}

function send(message: SuiteMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) {
      resolve();
      return;
    }
    process.send(message, () => resolve());
  });
}

const config = readRunConfig();
if (!config) {
  process.stderr.write('agent-conformance suite process: no run configuration\n');
  process.exit(2);
}
const files = process.argv.slice(2);
// node:test marks its own child processes; a suite process started from our own tests must not
// look like one, or run() refuses to start.
delete process.env.NODE_TEST_CONTEXT;

// The parent says when every case it planned has its verdict. node:test's run ends only once nothing
// is left on the event loop, so the session (subject host, fault proxy) and the channel close then.
let finishing = false;
process.on('message', (message: { kind?: string }) => {
  if (message.kind !== 'finish') return;
  finishing = true;
  void closeSession().finally(() => process.disconnect?.());
});
// The parent went away (interrupted, killed) before asking to finish: nobody waits for verdicts, so
// stop here rather than run on as an orphan, closing the session (subject host, fault proxy, containers).
process.on('disconnect', () => {
  if (finishing) return;
  void closeSession().finally(() => process.exit(1));
});

// The container lane's servers start before the first case, not inside a case's budget.
if (config.containers?.servers) await session().containers.warmUp();
const stream = run({ files, isolation: 'none', concurrency: config.concurrency });
const pending: Promise<void>[] = [];
for await (const event of stream) {
  const data = event.data as TestEventData;
  if (event.type === 'test:diagnostic' && data.message) {
    const verdict = parseVerdictLine(data.message);
    if (verdict) pending.push(send({ kind: 'verdict', verdict }));
  } else if (event.type === 'test:fail' && data.name) {
    pending.push(
      send({
        kind: 'fail',
        name: data.name,
        file: data.file ?? null,
        nesting: data.nesting ?? 0,
        timedOut: data.details?.error?.failureType === 'testTimeoutFailure',
        message: errorText(data),
        durationMs: Math.round(data.details?.duration_ms ?? 0),
      }),
    );
  }
}
await Promise.all(pending);
finishing = true;
await closeSession();
if (process.connected) process.disconnect();
