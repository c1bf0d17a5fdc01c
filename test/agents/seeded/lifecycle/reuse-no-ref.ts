/**
 * Seeded bug: the agent's reuseSocket only marks the request as reused and does not `ref()` the
 * pooled socket again: a process whose only outstanding request runs on a reused socket exits
 * before its response arrives.
 */
import http from 'node:http';
import type { Socket } from 'node:net';

export const seeded = {
  catches: ['lifecycle/pooled-socket-unref'],
  rule: 'a reused socket is ref()ed again: it keeps the process alive while its request is outstanding',
};

class ForgetsRef extends http.Agent {
  override reuseSocket(_socket: Socket, request: http.ClientRequest): void {
    (request as http.ClientRequest & { reusedSocket: boolean }).reusedSocket = true;
  }
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new ForgetsRef(options);
}
