/**
 * Bad input: a working agent whose own errors carry codes the harness reserves for its host:
 * getName() throws one with code ERR_SUBJECT_UNSUPPORTED for any host but 127.0.0.1 (so requests to
 * the origins still work), destroy() one with code ERR_UNKNOWN_AGENT.
 * They are the subject's errors (`fail`), never `unsupported` nor a harness `error`.
 */
import http from 'node:http';

function coded(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

class ThrowsReservedCodes extends http.Agent {
  override getName(options?: http.ClientRequestArgs): string {
    if (options?.host !== '127.0.0.1')
      throw coded('ERR_SUBJECT_UNSUPPORTED', `cannot name host ${String(options?.host)}`);
    return super.getName(options);
  }

  override destroy(): void {
    super.destroy();
    throw coded('ERR_UNKNOWN_AGENT', 'destroy() lost track of its agent');
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new ThrowsReservedCodes(options);
}
