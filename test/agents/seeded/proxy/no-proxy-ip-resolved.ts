/**
 * Seeded bug: a proxy agent that matches NO_PROXY IP entries against the address the target host
 * resolves to, not against the host as written. With NO_PROXY `127.0.0.1`, every name that resolves
 * to loopback (a.test here) bypasses the proxy too.
 */
import type http from 'node:http';
import net from 'node:net';
import type { AgentConnectOpts } from 'agent-base';
import { HttpProxyAgent } from 'http-proxy-agent';
import type { ProxyCapabilities, ProxySubjectOptions } from '../../../../harness/subject/proxy-contract.ts';

export const seeded = {
  catches: ['proxy/no-proxy-ip'],
  rule: 'a NO_PROXY IP address matches a request to that address, not a host name resolving to it',
};

/** The ClientRequest internals a head rewrite touches (not in @types/node). */
interface RawRequest {
  path: string;
  _header: string | null;
  _implicitHeader(): void;
  outputData?: { data: string | Buffer }[];
}

function resolve(host: string, lookup: net.LookupFunction | undefined): Promise<string> {
  if (net.isIP(host) || !lookup) return Promise.resolve(host);
  return new Promise((done) => lookup(host, {}, (err, address) => done(err ? host : String(address))));
}

class ResolvesFirst extends HttpProxyAgent<string> {
  readonly entries: string[];

  constructor(proxy: string, noProxy: string, options: http.AgentOptions) {
    super(proxy, options);
    this.entries = noProxy
      .split(',')
      .map((e) => e.trim().toLowerCase())
      .filter(Boolean);
  }

  override async connect(
    req: Parameters<HttpProxyAgent<string>['connect']>[0],
    opts: AgentConnectOpts,
  ): Promise<net.Socket> {
    const host = String(opts.host ?? '').toLowerCase();
    const { lookup } = opts as { lookup?: net.LookupFunction };
    const address = await resolve(host, lookup);
    if (this.entries.some((e) => e === '*' || e === host || e === address)) {
      // direct: back to an origin-form path (addRequest made it absolute), head rendered again
      const raw = req as unknown as RawRequest;
      const url = new URL(raw.path);
      raw.path = url.pathname + url.search;
      const before = raw._header ?? '';
      raw._header = null;
      raw._implicitHeader();
      const first = raw.outputData?.[0];
      if (first && typeof first.data === 'string' && first.data.startsWith(before))
        first.data = (raw._header ?? '') + first.data.slice(before.length);
      return net.connect({ host, port: Number(opts.port), ...(lookup ? { lookup } : {}) });
    }
    return super.connect(req, opts);
  }
}

export function createProxyAgent({ agentOptions, proxy }: ProxySubjectOptions): http.Agent {
  return new ResolvesFirst(proxy.url, proxy.noProxy ?? '', agentOptions);
}

export const proxyCapabilities: ProxyCapabilities = {
  noProxy: true,
  env: false,
  modes: { 'http:': 'absolute-form', 'https:': 'connect' },
};
