/**
 * Bad input (the subject of issue 16): a working agent whose destroy() makes its process exit 5 ms
 * later. Every case's clean-up destroys its agents, so the process goes down under whichever cases
 * run at that moment, in the middle of their steps.
 */
import http from 'node:http';

class ExitsAfterDestroy extends http.Agent {
  override destroy(): void {
    super.destroy();
    setTimeout(() => process.exit(7), 5);
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new ExitsAfterDestroy(options);
}
