/**
 * SIGINT and SIGTERM during a command: instead of dying on the spot, the CLI remembers the first
 * signal and aborts the runs under way (each stops its suite process and subject host and writes the
 * report of what was measured, marked incomplete); the command then exits 130 or 143. A second
 * signal aborts again, which kills what is left at once.
 */

let received: NodeJS.Signals | null = null;
const aborts = new Set<() => void>();
let holders = 0;

function onSignal(sig: NodeJS.Signals): void {
  received ??= sig;
  for (const abort of aborts) abort();
}

/** Catch SIGINT/SIGTERM until the returned function is called (nested holds are counted). */
export function catchSignals(): () => void {
  if (holders++ === 0) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--holders === 0) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  };
}

/** The first signal caught, if any. */
export function interrupted(): NodeJS.Signals | null {
  return received;
}

/** Calls `abort` on every signal caught from now on, until the returned function is called. */
export function onInterrupt(abort: () => void): () => void {
  aborts.add(abort);
  return () => aborts.delete(abort);
}
