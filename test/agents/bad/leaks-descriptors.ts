/**
 * Bad input: a working agent whose first request leaks 250 file descriptors in its process, never
 * closed (like sockets an agent forgot). Under a limit on open files that leaves room for a case's
 * connections but not for the leak, the case's own requests then fail with EMFILE: the subject's
 * doing, so the case fails (it is not skipped as if the machine were too small).
 */
import { openSync } from 'node:fs';
import http, { type ClientRequest } from 'node:http';

const LEAKED = 250;
let leaked = false;

/** `addRequest` exists at runtime but not in @types/node. */
interface AddRequest {
  addRequest(req: ClientRequest, options: http.ClientRequestArgs): void;
}

class LeakingAgent extends http.Agent {
  addRequest(req: ClientRequest, options: http.ClientRequestArgs): void {
    if (!leaked) {
      leaked = true;
      for (let i = 0; i < LEAKED; i++) openSync('/dev/null', 'r');
    }
    (http.Agent.prototype as unknown as AddRequest).addRequest.call(this, req, options);
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new LeakingAgent(options);
}
