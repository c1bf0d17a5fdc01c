/**
 * The errors the CLI turns into one line on stderr and exit code 2 (decided in `exitCodeOf` of
 * ./exit-codes.ts, used by bin/agent-conformance.mjs): a bad argument or input given by the user (`UsageError`), and a run
 * that cannot start for a reason outside the arguments (`SetupError`: a runtime that cannot be
 * installed, a subject that cannot be loaded, a port already in use). Every command throws these two
 * and no other; anything else that escapes is an internal error, printed with its stack.
 */

/** The user must change the command line or an input file. */
export class UsageError extends Error {
  override name = 'UsageError';
  readonly code = 'ERR_USAGE';
  constructor(message: string) {
    super(oneLine(message));
  }
}

/** The environment broke before anything could be measured (install, load, listen). */
export class SetupError extends Error {
  override name = 'SetupError';
  /** What broke, for scripts and tests: `ERR_RUNTIME_INSTALL`, `ERR_SUBJECT`, `ERR_LISTEN`… */
  readonly code: string;
  constructor(message: string, code = 'ERR_SETUP') {
    super(oneLine(message));
    this.code = code;
  }
}

export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** Installing a runtime from the npm registry failed (offline, unknown version, broken package…). */
export function installError(message: string): SetupError {
  return new SetupError(message, 'ERR_RUNTIME_INSTALL');
}
