/**
 * The harness side of the subject host: starts the host in a child process, sends commands, matches
 * replies, and turns a crash or a hang of the subject into typed errors instead of taking the
 * harness down.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';
import { codeFile } from './paths.ts';
import {
  type Command,
  type EventMessage,
  HOST_FAULT_CODES,
  type HostMessage,
  type Json,
  MESSAGE_PREFIX,
  type Outcome,
  UNSUPPORTED_CODE,
  type WireError,
} from './protocol.ts';

export const HOST_FILE = codeFile('harness/subject/host');
/** The one-shot subject process of `ctx.exitProbe` (harness/subject/exit-probe.ts). */
export const EXIT_PROBE_FILE = codeFile('harness/subject/exit-probe');

/** How to start a program under a runtime (see harness/runtime). */
export interface Launcher {
  name: string;
  version: string;
  executable: string;
  argsFor(file: string, args?: string[]): string[];
  env?: Record<string, string>;
  /** The host program to run, when not HOST_FILE (Node runs a JavaScript host: harness/parent/runtime). */
  host?: string;
}

/**
 * A command was refused: an answer, not a breakdown. Either subject code threw (`byHost` false: the
 * subject's error, whatever its code), or the host refused it itself (`byHost`): then a reserved
 * code means what it says (UNSUPPORTED_CODE, HOST_FAULT_CODES).
 */
export class SubjectCommandError extends Error {
  readonly wire: WireError;
  readonly code: string | null;
  readonly byHost: boolean;
  constructor(op: string, wire: WireError) {
    super(`${op}: ${wire.name}${wire.code ? ` [${wire.code}]` : ''}: ${wire.message}`);
    this.name = 'SubjectCommandError';
    this.wire = wire;
    this.code = wire.code;
    this.byHost = wire.host === true;
  }

  /** The host refused an operation the subject cannot do: `unsupported`. */
  get unsupported(): boolean {
    return this.byHost && this.code === UNSUPPORTED_CODE;
  }

  /** The host's own bookkeeping failed: the harness's fault (`error`), not the subject's. */
  get hostFault(): boolean {
    return this.byHost && this.code !== null && HOST_FAULT_CODES.includes(this.code);
  }
}

/** The subject process is gone or stuck: whatever was asked of it has no answer. */
export class SubjectUnavailableError extends Error {
  readonly kind: 'exited' | 'hung' | 'spawn';
  constructor(kind: 'exited' | 'hung' | 'spawn', message: string) {
    super(message);
    this.name = 'SubjectUnavailableError';
    this.kind = kind;
  }
}

interface Pending {
  op: string;
  resolve: (value: Json) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

const STDERR_TAIL = 2000;

export class SubjectProcess extends EventEmitter<{ event: [EventMessage]; exit: [string] }> {
  readonly child: ChildProcess;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private stderr = '';
  /** Why the process is no longer usable, once it is not. */
  deadReason: string | null = null;
  /**
   * How it was lost: it exited or crashed (`exited`), or the harness killed it because it stopped
   * answering (`hung`: a command, a case's budget or its clean-up ran out of time).
   */
  lostAs: 'exited' | 'hung' | null = null;

  private constructor(child: ChildProcess) {
    super();
    // every case running at the same time listens for events and for the exit
    this.setMaxListeners(0);
    this.child = child;
    const out = createInterface({ input: child.stdout! });
    out.on('line', (line) => this.onLine(line));
    child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-STDERR_TAIL);
    });
    child.on('error', (err) => this.die(`the subject host could not run: ${err.message}`));
    child.on('exit', (code, signal) => {
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      this.die(`the subject process ${how}${this.stderrHint()}`);
    });
    child.stdin!.on('error', () => {
      // EPIPE after the child died; 'exit' reports it
    });
  }

  static start(launcher: Launcher, options: { cwd?: string } = {}): SubjectProcess {
    const child = spawn(launcher.executable, launcher.argsFor(launcher.host ?? HOST_FILE), {
      stdio: ['pipe', 'pipe', 'pipe'],
      cwd: options.cwd ?? process.cwd(),
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...launcher.env },
    });
    return new SubjectProcess(child);
  }

  get alive(): boolean {
    return this.deadReason === null;
  }

  private stderrHint(): string {
    const lines = this.stderr.trim().split('\n').filter(Boolean);
    const last = lines.at(-1);
    return last ? ` (stderr: ${last.slice(0, 300)})` : '';
  }

  private onLine(line: string): void {
    if (!line.startsWith(MESSAGE_PREFIX)) return;
    let message: HostMessage;
    try {
      message = JSON.parse(line.slice(MESSAGE_PREFIX.length)) as HostMessage;
    } catch {
      return;
    }
    if (message.type === 'event') {
      this.emit('event', message);
      return;
    }
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    clearTimeout(pending.timer);
    if (message.ok) pending.resolve(message.value);
    else pending.reject(new SubjectCommandError(pending.op, message.error));
  }

  private die(reason: string, as: 'exited' | 'hung' = 'exited'): void {
    if (this.deadReason) return;
    this.deadReason = reason;
    this.lostAs = as;
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      clearTimeout(p.timer);
      p.reject(new SubjectUnavailableError(as, reason));
    }
    this.emit('exit', reason);
  }

  /** Sends one command; rejects with SubjectUnavailableError when no reply comes in `timeoutMs`. */
  call(command: Command, timeoutMs = 4000): Promise<Json> {
    if (this.deadReason) return Promise.reject(new SubjectUnavailableError('exited', this.deadReason));
    const id = this.nextId++;
    return new Promise<Json>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        const reason = `the subject did not answer "${command.op}" within ${timeoutMs} ms (hung?)`;
        reject(new SubjectUnavailableError('hung', reason));
        this.kill(reason, 'hung');
      }, timeoutMs);
      this.pending.set(id, { op: command.op, resolve, reject, timer });
      this.child.stdin!.write(`${JSON.stringify({ ...command, id })}\n`);
    });
  }

  /** Runs several commands in one tick of the subject; each has its own outcome. */
  async batch(commands: Command[], timeoutMs = 4000): Promise<Outcome[]> {
    return (await this.call({ op: 'batch', commands }, timeoutMs)) as unknown as Outcome[];
  }

  /** Stops the process; `hung` when it is killed because it stopped answering. */
  kill(reason = 'stopped by the harness', as: 'exited' | 'hung' = 'exited'): void {
    if (!this.deadReason) this.die(reason, as);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}
