/** Turns whatever a case body threw into a status and a message. */
import { AssertionError } from 'node:assert';
import { SubjectCommandError, SubjectUnavailableError } from '../shared/subject-process.ts';
import type { Status } from '../shared/verdict.ts';

/** The subject did not do what the documentation says (a wait ran out, a check failed). */
export class CaseFailure extends Error {
  override name = 'CaseFailure';
}

/** The subject lacks something the case needs. */
export class Unsupported extends Error {
  override name = 'Unsupported';
}

/** The case cannot run here (environment, not subject). */
export class Skip extends Error {
  override name = 'Skip';
}

/** The harness's environment failed the case (e.g. the fault proxy is unreachable): `error`, never the subject's. */
export class EnvironmentError extends Error {
  override name = 'EnvironmentError';
}

/** The case body ran past its budget. */
export class BudgetExceeded extends Error {
  override name = 'BudgetExceeded';
}

/** Codes the host uses for its own bookkeeping errors (the harness's fault, not the subject's). */
const HOST_CODES = new Set(['ERR_UNKNOWN_AGENT', 'ERR_UNKNOWN_REQUEST', 'ERR_BAD_BATCH', 'ERR_NOT_LOADED']);

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export function classify(err: unknown): { status: Status; message: string } {
  if (err instanceof AssertionError || err instanceof CaseFailure)
    return { status: 'fail', message: oneLine(err.message) };
  if (err instanceof Unsupported) return { status: 'unsupported', message: err.message };
  if (err instanceof Skip) return { status: 'skip', message: err.message };
  if (err instanceof BudgetExceeded) return { status: 'timeout', message: err.message };
  if (err instanceof EnvironmentError) return { status: 'error', message: oneLine(err.message) };
  if (err instanceof SubjectUnavailableError) {
    return { status: err.kind === 'hung' ? 'timeout' : 'error', message: oneLine(err.message) };
  }
  if (err instanceof SubjectCommandError) {
    if (err.code && HOST_CODES.has(err.code)) return { status: 'error', message: oneLine(err.message) };
    return { status: 'fail', message: `the subject threw: ${oneLine(err.message)}` };
  }
  const e = err as Error;
  const where = e?.stack?.split('\n')[1]?.trim() ?? '';
  return { status: 'error', message: oneLine(`harness error: ${e?.message ?? String(err)} ${where}`) };
}
