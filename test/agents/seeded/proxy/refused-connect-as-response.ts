/**
 * Seeded bug (the class of https-proxy-agent, which replays a refused CONNECT as a response): a proxy
 * agent that hands the proxy's refusal of a CONNECT (403, 502…) to the caller as the response of the
 * https request, as if the origin had answered, instead of an error. Unlike https-proxy-agent it frees
 * the connection slot, so every request settles: only the kind of outcome is wrong.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { ProxyCapabilities, ProxySubjectOptions } from '../../../../harness/subject/proxy-contract.ts';

export const seeded = {
  catches: ['proxy/refused-connect-403-settles', 'proxy/refused-connect-502-settles'],
  rule: "a CONNECT the proxy refuses is an 'error' of the request, not a response from the origin",
};

/** `addRequest` exists at runtime but not in the agent's types. */
interface AddRequest {
  addRequest(req: http.ClientRequest, options: Record<string, unknown>): void;
}

/** A finished response with the proxy's status and no body. */
function replayed(status: number): http.IncomingMessage {
  const res = new http.IncomingMessage(new net.Socket());
  res.statusCode = status;
  res.statusMessage = http.STATUS_CODES[status] ?? '';
  res.headers = { 'content-length': '0' };
  res.push(null);
  return res;
}

/** The status of a refused CONNECT, from Node's ERR_PROXY_TUNNEL error. */
function refusedStatus(err: unknown): number | null {
  const e = err as { code?: unknown; statusCode?: unknown; message?: unknown };
  if (e?.code !== 'ERR_PROXY_TUNNEL') return null;
  if (typeof e.statusCode === 'number') return e.statusCode;
  const m = /HTTP\/1\.[01] (\d{3})/.exec(String(e.message));
  return m ? Number(m[1]) : null;
}

function replayRefusals(req: http.ClientRequest): void {
  const emit = req.emit;
  req.emit = function (this: http.ClientRequest, event: string | symbol, ...args: unknown[]): boolean {
    const status = event === 'error' ? refusedStatus(args[0]) : null;
    if (status !== null) return emit.call(this, 'response', replayed(status));
    return emit.call(this, event, ...args);
  } as typeof req.emit;
}

class RefusalAsResponse extends https.Agent {
  addRequest(req: http.ClientRequest, options: Record<string, unknown>): void {
    replayRefusals(req);
    (http.Agent.prototype as unknown as AddRequest).addRequest.call(this, req, options);
  }
}

export function createProxyAgent({ agentOptions, proxy, protocol }: ProxySubjectOptions): http.Agent {
  return protocol === 'https:'
    ? new RefusalAsResponse({ ...agentOptions, proxyEnv: { HTTPS_PROXY: proxy.url } })
    : new http.Agent({ ...agentOptions, proxyEnv: { HTTP_PROXY: proxy.url } });
}

export const proxyCapabilities: ProxyCapabilities = {
  noProxy: false,
  env: false,
  modes: { 'http:': 'absolute-form', 'https:': 'connect' },
};
