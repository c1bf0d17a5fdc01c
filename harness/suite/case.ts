/**
 * A case is data plus a body. `defineCase` records the data (for `--list` and the report) and
 * registers the body as a node:test test named by the case id. The body's outcome becomes a status:
 * a failed assertion or an unmet wait is `fail`; a missing capability `unsupported`; a subject that
 * crashed `error`; a subject that stopped answering, or a body over its budget, `timeout`; anything
 * else that broke is the harness's own `error`. The verdict travels to the harness as a node:test
 * diagnostic, so that it survives the process boundary.
 */
import { after, test } from 'node:test';
import type { DocRef, Level, Status, TraceEntry } from '../parent/report/types.ts';
import { isListing, readRunConfig, selected } from '../shared/config.ts';
import { CaseContext } from './context.ts';
import { closeSession, session } from './session.ts';
import { classify } from './verdict.ts';

export const DIAGNOSTIC_PREFIX = 'agent-conformance:';

export interface CaseSpec {
  /** `<area>/<slug>`: stable, never derived from measured values. */
  id: string;
  title: string;
  level: Level;
  doc: DocRef;
  /** Capabilities the subject must have; otherwise the case is `unsupported`. */
  requires?: string[];
  /** What the documentation demands, in words (shown beside what was observed). */
  expected: string;
  /** The body's budget; past it the case is `timeout`. */
  budgetMs?: number;
}

export interface CaseVerdict {
  id: string;
  status: Status;
  observed: string | null;
  message: string | null;
  durationMs: number;
  trace?: TraceEntry[];
}

export type CaseBody = (ctx: CaseContext) => Promise<void>;

/** Every case defined so far in this process (all of them when listing). */
export const catalog: CaseSpec[] = [];

const AREAS = new Set([
  'maxSockets',
  'maxTotalSockets',
  'maxFreeSockets',
  'scheduling',
  'timeout',
  'keepAlive',
  'getName',
  'lifecycle',
  'defaults',
  'faults',
]);

export const DEFAULT_BUDGET_MS = 6000;

let closerRegistered = false;

export function areaOf(id: string): string {
  return id.slice(0, id.indexOf('/'));
}

function validate(spec: CaseSpec): void {
  const area = areaOf(spec.id);
  if (!AREAS.has(area) || !/^[A-Za-z]+\/[a-z0-9-]+$/.test(spec.id)) {
    throw new Error(`case id "${spec.id}" must be <area>/<slug> with a known area and a lower-case slug`);
  }
  if (catalog.some((c) => c.id === spec.id)) throw new Error(`duplicate case id "${spec.id}"`);
  if (!spec.doc.url.startsWith('https://nodejs.org/api/'))
    throw new Error(`case ${spec.id}: doc url must be nodejs.org/api`);
}

export function defineCase(spec: CaseSpec, body: CaseBody): void {
  validate(spec);
  catalog.push(spec);
  if (isListing()) return;
  const config = readRunConfig();
  if (!config || !selected(spec.id, config.only)) return;
  if (!closerRegistered) {
    closerRegistered = true;
    after(() => closeSession());
  }
  const budget = spec.budgetMs ?? DEFAULT_BUDGET_MS;
  // node:test's own timeout is only a backstop: the case context enforces the budget itself.
  test(spec.id, { timeout: budget + 10_000 }, async (t) => {
    const verdict = await runCase(spec, body, budget, config.trace);
    t.diagnostic(DIAGNOSTIC_PREFIX + JSON.stringify(verdict));
    if (verdict.status === 'unsupported' || verdict.status === 'skip')
      t.skip(verdict.message ?? verdict.status);
    else if (verdict.status !== 'pass') throw new Error(`${verdict.status}: ${verdict.message ?? ''}`);
  });
}

async function runCase(
  spec: CaseSpec,
  body: CaseBody,
  budget: number,
  keepTrace: boolean,
): Promise<CaseVerdict> {
  const s = session();
  const ctx = new CaseContext(spec, s);
  let status: Status = 'pass';
  let message: string | null = null;
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
        await ctx.withBudget(budget, () => body(ctx));
      } catch (err) {
        ({ status, message } = classify(err));
      }
      const lost = await ctx.cleanup(status);
      s.record(status, lost, message);
    }
  }
  const verdict: CaseVerdict = {
    id: spec.id,
    status,
    observed: ctx.observedText(),
    message,
    durationMs: Math.round(ctx.now()),
  };
  if (keepTrace || (status !== 'pass' && status !== 'unsupported')) verdict.trace = ctx.traceEntries();
  return verdict;
}
