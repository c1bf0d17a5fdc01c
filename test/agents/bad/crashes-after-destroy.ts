/**
 * Bad input: an agent that works until destroy() is called on one that has sent a request (a case's
 * clean-up does that), and then takes its process down under whichever case comes next: that case's
 * first request (ACP_TEST_CRASH_AT=destroy: its first destroy()) is never handled, and 5 ms later
 * the process exits with code 5 (ACP_TEST_CRASH_HOW=hang: it blocks forever instead). One case's step
 * breaks the subject; another case loses it in the middle of a wait.
 */
import http, { type ClientRequest } from 'node:http';

const AT = process.env.ACP_TEST_CRASH_AT === 'destroy' ? 'destroy' : 'request';
const HANG = process.env.ACP_TEST_CRASH_HOW === 'hang';

/** Set by the first destroy() of an agent that was used: the process is broken from then on. */
let broken = false;

function crash(): void {
  setTimeout(() => {
    if (HANG)
      for (;;) {
        // never returns: the subject process stops answering
      }
    process.exit(5);
  }, 5);
}

/** `addRequest` exists at runtime but not in @types/node. */
interface AddRequest {
  addRequest(req: ClientRequest, options: http.ClientRequestArgs): void;
}

class BreaksOnDestroy extends http.Agent {
  private used = false;

  addRequest(req: ClientRequest, options: http.ClientRequestArgs): void {
    if (broken && AT === 'request') {
      crash();
      return;
    }
    this.used = true;
    (http.Agent.prototype as unknown as AddRequest).addRequest.call(this, req, options);
  }

  override destroy(): void {
    if (broken && AT === 'destroy') {
      crash();
      return;
    }
    if (this.used) broken = true;
    super.destroy();
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new BreaksOnDestroy(options);
}
