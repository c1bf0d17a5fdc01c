/**
 * Runs one case body: waits for its turn (cases overlap freely, except one that must run alone),
 * checks its capabilities, enforces its budget, classifies what it threw, cleans up, and returns the
 * verdict. A case during which its subject process was lost (it exited, crashed or stopped
 * answering, whoever's step caused it) gets no verdict from its body: what the body saw of a dying
 * subject proves nothing, and a body may have let the loss pass as an allowed failure. Cases share
 * one subject process, so evidence that belongs to the whole process — the subject was lost, an error
 * escaped to its top level — cannot be pinned on one case while others ran beside it: such a case is
 * run again alone, and that run's verdict is the verdict. Alone, a lost subject is `error` (`timeout`
 * when it stopped answering), whatever the body concluded.
 */
import type { CaseSpec } from '../shared/case-spec.ts';
import type { CaseVerdict, Status } from '../shared/verdict.ts';
import type { CaseBody } from './case-context.ts';
import { classify } from './case-outcome.ts';
import { CaseRun, type SubjectLoss } from './context.ts';
import { session } from './session.ts';

interface Ticket {
  alone: boolean;
  /** Another case ran at some moment while this one held the gate. */
  overlapped: boolean;
  grant: () => void;
}

/** Shared (any number of cases) or exclusive (one case alone) admission, first come first served. */
class Gate {
  private readonly active = new Set<Ticket>();
  private readonly queue: Ticket[] = [];

  async enter(alone: boolean): Promise<Ticket> {
    const ticket: Ticket = { alone, overlapped: false, grant: () => {} };
    const granted = new Promise<void>((resolve) => {
      ticket.grant = resolve;
    });
    this.queue.push(ticket);
    this.pump();
    await granted;
    return ticket;
  }

  leave(ticket: Ticket): void {
    this.active.delete(ticket);
    this.pump();
  }

  private pump(): void {
    for (let head = this.queue[0]; head; head = this.queue[0]) {
      const exclusive = [...this.active].some((t) => t.alone);
      if (exclusive || (head.alone && this.active.size > 0)) return;
      this.queue.shift();
      if (this.active.size > 0) {
        head.overlapped = true;
        for (const t of this.active) t.overlapped = true;
      }
      this.active.add(head);
      head.grant();
    }
  }
}

const gate = new Gate();

interface Attempt {
  verdict: CaseVerdict;
  /** The verdict rests on process-wide evidence while other cases ran: run it again alone. */
  ambiguous: boolean;
  lost: boolean;
}

async function attempt(
  spec: CaseSpec,
  body: CaseBody,
  budget: number,
  keepTrace: boolean,
  alone: boolean,
): Promise<Attempt> {
  const ticket = await gate.enter(alone);
  try {
    const s = session();
    const run = new CaseRun(spec, s);
    let status: Status = 'pass';
    let message: string | null = null;
    let loss: SubjectLoss | null = null;
    const missing = (spec.requires ?? []).filter((cap) => s.capabilities[cap] === false);
    if (missing.length > 0) {
      status = 'unsupported';
      message = `the subject lacks: ${missing.join(', ')}`;
    } else {
      const blocked = s.blockedReason();
      if (blocked) {
        status = 'error';
        message = blocked;
      } else {
        try {
          await run.withBudget(budget, () => body(run));
        } catch (err) {
          ({ status, message } = classify(err));
        }
        loss = await run.cleanup(status);
      }
    }
    if (loss && status !== 'error' && status !== 'timeout') {
      const said = `${status}${message ? `: ${message}` : ''}`;
      status = loss.hung ? 'timeout' : 'error';
      message = `the subject was lost during the case (${loss.reason}); its verdict (${said}) does not count`;
    }
    const lost = loss !== null;
    const verdict: CaseVerdict = {
      id: spec.id,
      status,
      observed: run.observedText(),
      message,
      durationMs: Math.round(run.now()),
    };
    const variant = run.variantText();
    if (variant) verdict.variant = variant;
    if (keepTrace || (status !== 'pass' && status !== 'unsupported')) verdict.trace = run.traceEntries();
    const processWide = lost || (status === 'fail' && run.uncaught.length > 0);
    return { verdict, ambiguous: processWide && ticket.overlapped, lost };
  } finally {
    gate.leave(ticket);
  }
}

export async function runCase(
  spec: CaseSpec,
  body: CaseBody,
  budget: number,
  keepTrace: boolean,
): Promise<CaseVerdict> {
  let result = await attempt(spec, body, budget, keepTrace, spec.alone === true);
  if (result.ambiguous) {
    const first = result.verdict;
    result = await attempt(spec, body, budget, keepTrace, true);
    result.verdict.trace?.unshift({
      t: 0,
      source: 'harness',
      event: 'run-again-alone',
      detail: { first: first.status, message: first.message },
    });
  }
  const { verdict, lost } = result;
  session().record(verdict.status, lost, verdict.message);
  return verdict;
}
