/**
 * Waiting on the fixtures' records in the project's own tests: every fixture (origin, forward proxy)
 * emits 'change' after each observation, so a condition is re-checked then, never on a timer.
 */
import type { EventEmitter } from 'node:events';

/** Resolves once `check` holds, re-checking on every 'change' of `fixtures`; rejects after `ms`. */
export function whenChanged(check: () => boolean, fixtures: EventEmitter[], ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      clearTimeout(timer);
      for (const f of fixtures) f.off('change', test);
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => done(new Error('condition not met in time')), ms);
    const test = () => {
      if (check()) done();
    };
    for (const f of fixtures) f.on('change', test);
    test();
  });
}
