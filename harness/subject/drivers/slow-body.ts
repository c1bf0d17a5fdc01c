/**
 * A request body written slowly (`RequestSpec.slowBody`): `chunks` writes of `chunk` after the body,
 * one every `intervalMs`, then the end (unless the case ends the request itself). Both drivers use it,
 * on a ClientRequest or on the stream undici reads the body from.
 */
import type { SlowBody } from '../../shared/protocol.ts';

interface Writable {
  write(chunk: string): unknown;
  end(): unknown;
  readonly destroyed: boolean;
}

/** Writes the chunks of `slow` to `out` on the subject's timers, then ends it when `end` is set. */
export function writeSlowly(out: Writable, slow: SlowBody, end: boolean): void {
  let left = slow.chunks;
  const next = () => {
    if (out.destroyed) return;
    if (left === 0) {
      if (end) out.end();
      return;
    }
    left--;
    out.write(slow.chunk);
    setTimeout(next, slow.intervalMs);
  };
  setTimeout(next, slow.intervalMs);
}
