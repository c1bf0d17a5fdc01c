/**
 * Before any case runs: start the subject host once, load the module, create an agent with `{}`.
 * Every way a subject can be unusable (missing export, factory that throws or returns a non-agent,
 * import error, crash, hang) surfaces here as one line, so the run can stop with exit code 2.
 */

import type { Json } from '../shared/protocol.ts';
import { type Launcher, SubjectCommandError, SubjectProcess } from '../shared/subject-process.ts';
import { SetupError } from './errors.ts';

export interface SubjectInfo {
  runtime: { name: string; version: string };
  capabilities: Record<string, boolean>;
  exportName: string;
}

export async function preflight(launcher: Launcher, module: string, cwd: string): Promise<SubjectInfo> {
  const proc = SubjectProcess.start(launcher, { cwd });
  try {
    await proc.call({ op: 'hello' }, 20_000);
    const loaded = (await proc.call({ op: 'load', module }, 20_000)) as {
      exportName: string;
      capabilities: Record<string, boolean>;
      runtime: { name: string; version: string };
    } & { [k: string]: Json };
    return { runtime: loaded.runtime, capabilities: loaded.capabilities, exportName: loaded.exportName };
  } catch (err) {
    if (err instanceof SubjectCommandError) throw new SetupError(err.wire.message, 'ERR_SUBJECT');
    throw new SetupError((err as Error).message, 'ERR_SUBJECT');
  } finally {
    proc.kill('preflight done');
  }
}
