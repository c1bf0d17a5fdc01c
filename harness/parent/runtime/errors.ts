/** Errors of runtime resolution: one line each, with a `code` the CLI maps to an exit status. */

/** The `--runtime` spec (or the executable it names) cannot be used as given: the user must change it. */
export class RuntimeUsageError extends Error {
  readonly code = 'ERR_USAGE';
  constructor(message: string) {
    super(oneLine(message));
    this.name = 'RuntimeUsageError';
  }
}

/** Installing a runtime from the npm registry failed (offline, unknown version, broken package…). */
export class RuntimeInstallError extends Error {
  readonly code = 'ERR_RUNTIME_INSTALL';
  constructor(message: string) {
    super(oneLine(message));
    this.name = 'RuntimeInstallError';
  }
}

export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
