/**
 * What the suite process (harness/suite/main.ts) sends the parent (harness/parent/run.ts) over the
 * IPC channel: each case's verdict as it comes, and node:test's failures that carry no verdict (a
 * backstop timeout, a suite file that could not load).
 */
import type { ContainerStarted } from './container-lane.ts';
import type { CaseVerdict } from './verdict.ts';

export type SuiteMessage =
  | { kind: 'verdict'; verdict: CaseVerdict }
  /** The session started a container (`--containers`, `--toxiproxy container`). */
  | { kind: 'container'; started: ContainerStarted }
  | {
      kind: 'fail';
      /** A case id, or a suite file's path when the whole file failed. */
      name: string;
      file: string | null;
      nesting: number;
      /** node:test's own timeout (the backstop) ended it. */
      timedOut: boolean;
      message: string;
      durationMs: number;
    };
