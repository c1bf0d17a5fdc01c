/**
 * Seeded bug: every `'free'` reaches the user's listeners twice.
 */
import http from 'node:http';

export const seeded = {
  catches: ['lifecycle/free-event'],
  rule: "one 'free' event per released socket",
};

class FreeTwice extends http.Agent {
  private readonly own: ((...args: unknown[]) => void)[];

  constructor(options?: http.AgentOptions) {
    super(options);
    this.own = this.listeners('free') as ((...args: unknown[]) => void)[];
  }

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event !== 'free' || !this.own) return super.emit(event, ...args);
    for (const listener of this.listeners('free') as ((...a: unknown[]) => void)[]) {
      listener.apply(this, args);
      if (!this.own.includes(listener)) listener.apply(this, args);
    }
    return true;
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new FreeTwice(options);
}
