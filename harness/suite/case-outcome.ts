/** Turns whatever a case body threw into a status and a message. */
import { AssertionError } from 'node:assert';
import { inspect } from 'node:util';
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

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

const EQUAL = new Set(['strictEqual', 'deepStrictEqual', 'equal', 'deepEqual', 'partialDeepStrictEqual']);
const NOT_EQUAL = new Set(['notStrictEqual', 'notDeepStrictEqual', 'notEqual', 'notDeepEqual']);

function shown(value: unknown): string {
  return inspect(value, { breakLength: Infinity, depth: 4, maxArrayLength: 20, maxStringLength: 200 });
}

/**
 * A failed assertion as one line that says what was observed: `<message>: got X, expected Y` for an
 * equality, `not so: <message> (got X)` for an inequality; an `ok()` message is kept as written.
 */
export function assertionText(err: AssertionError): string {
  const said = err.generatedMessage ? '' : (err.message.split('\n')[0] ?? '').trim();
  if (EQUAL.has(err.operator))
    return oneLine(`${said ? `${said}: ` : ''}got ${shown(err.actual)}, expected ${shown(err.expected)}`);
  if (NOT_EQUAL.has(err.operator))
    return oneLine(
      `not so: ${said || `a value other than ${shown(err.expected)}`} (got ${shown(err.actual)})`,
    );
  return oneLine(said || err.message);
}

export function classify(err: unknown): { status: Status; message: string } {
  if (err instanceof AssertionError) return { status: 'fail', message: assertionText(err) };
  if (err instanceof CaseFailure) return { status: 'fail', message: oneLine(err.message) };
  if (err instanceof Unsupported) return { status: 'unsupported', message: err.message };
  if (err instanceof Skip) return { status: 'skip', message: err.message };
  if (err instanceof BudgetExceeded) return { status: 'timeout', message: err.message };
  if (err instanceof EnvironmentError) return { status: 'error', message: oneLine(err.message) };
  if (err instanceof SubjectUnavailableError) {
    return { status: err.kind === 'hung' ? 'timeout' : 'error', message: oneLine(err.message) };
  }
  if (err instanceof SubjectCommandError) {
    if (err.hostFault) return { status: 'error', message: oneLine(err.message) };
    if (err.unsupported) return { status: 'unsupported', message: oneLine(err.wire.message) };
    return { status: 'fail', message: `the subject threw: ${oneLine(err.message)}` };
  }
  const e = err as Error;
  const where = e?.stack?.split('\n')[1]?.trim() ?? '';
  return { status: 'error', message: oneLine(`harness error: ${e?.message ?? String(err)} ${where}`) };
}
