/**
 * Whether this machine lets a case hold many connections at once: the limit on open files is the
 * environment's, so a case that needs hundreds of sockets checks it BEFORE it acts and skips when
 * they cannot fit. During the case, EMFILE is then the subject's doing (sockets it leaked) and fails
 * the case like any other request error. Not a suite file (the plan loads `*.test.ts`).
 *
 * Both ends of every connection are file descriptors: the origin's in this (suite) process, the
 * client's in the subject process, which inherits this process's limit when it is spawned.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** Descriptors left over for everything else open meanwhile (other cases, the fault proxy, pipes). */
export const FD_MARGIN = 128;

/** The soft limit on open files of this process, or null where it cannot be read. */
export function openFileLimit(): number | null {
  if (existsSync('/proc/self/limits')) {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    if (soft === 'unlimited') return Number.POSITIVE_INFINITY;
    if (soft && /^\d+$/.test(soft)) return Number(soft);
  }
  if (process.platform === 'win32') return null;
  // the shell inherits this process's limit
  const out = spawnSync('/bin/sh', ['-c', 'ulimit -n'], { encoding: 'utf8' });
  const text = out.stdout?.trim() ?? '';
  if (text === 'unlimited') return Number.POSITIVE_INFINITY;
  return /^\d+$/.test(text) ? Number(text) : null;
}

/** Descriptors this process has open now (Linux), else 0. */
function openNow(): number {
  return existsSync('/proc/self/fd') ? readdirSync('/proc/self/fd').length : 0;
}

/**
 * Why `connections` more connections at once may not fit under this machine's limit on open files
 * (in this process and in the subject's, which has the same limit), or null when they fit.
 */
export function fdShortage(connections: number): string | null {
  const limit = openFileLimit();
  if (limit === null) return null;
  const free = limit - openNow();
  if (free >= connections + FD_MARGIN) return null;
  return `needs ${connections} connections at once (+${FD_MARGIN} spare descriptors); the open-file limit is ${limit} with ${free} free: raise ulimit -n`;
}
