/**
 * Seeded bug (https): the agent never passes its connections' key material on as `'keylog'`.
 */
import https from 'node:https';

export const seeded = {
  catches: ['https/keylog-every-connection'],
  rule: "'keylog' is emitted for the key material of the agent's connections",
};

class NoKeylog extends https.Agent {
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'keylog') return false;
    return super.emit(event, ...args);
  }
}

export function createHttpsAgent(options?: https.AgentOptions): https.Agent {
  return new NoKeylog(options);
}
