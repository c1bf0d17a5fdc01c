/**
 * Seeded bug (the class of nodejs/node#62907): NO_PROXY `.a.test` matched as a plain string suffix
 * (`a.test`), so `bada.test` bypasses the proxy along with `sub.a.test`.
 */
import type http from 'node:http';
import net from 'node:net';
import type { AgentConnectOpts } from 'agent-base';
import { HttpProxyAgent } from 'http-proxy-agent';
import type { ProxyCapabilities, ProxySubjectOptions } from '../../../../harness/subject/proxy-contract.ts';

export const seeded = {
  catches: ['proxy/no-proxy-domain-suffix'],
  rule: 'a NO_PROXY `.domain` entry matches subdomains, not every name ending in the same letters',
};

/** The ClientRequest internals a head rewrite touches (not in @types/node). */
interface RawRequest {
  path: string;
  _header: string | null;
  _implicitHeader(): void;
  outputData?: { data: string | Buffer }[];
}

class LooseSuffix extends HttpProxyAgent<string> {
  readonly suffixes: string[];

  constructor(proxy: string, noProxy: string, options: http.AgentOptions) {
    super(proxy, options);
    this.suffixes = noProxy
      .split(',')
      .map((e) =>
        e
          .trim()
          .toLowerCase()
          .replace(/^\*?\./, ''),
      )
      .filter(Boolean);
  }

  override async connect(
    req: Parameters<HttpProxyAgent<string>['connect']>[0],
    opts: AgentConnectOpts,
  ): Promise<net.Socket> {
    const host = String(opts.host ?? '').toLowerCase();
    if (this.suffixes.some((s) => s === '*' || host.endsWith(s))) {
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
      const { lookup } = opts as { lookup?: net.LookupFunction };
      return net.connect({ host, port: Number(opts.port), ...(lookup ? { lookup } : {}) });
    }
    return super.connect(req, opts);
  }
}

export function createProxyAgent({ agentOptions, proxy }: ProxySubjectOptions): http.Agent {
  return new LooseSuffix(proxy.url, proxy.noProxy ?? '', agentOptions);
}

export const proxyCapabilities: ProxyCapabilities = {
  noProxy: true,
  env: false,
  modes: { 'http:': 'absolute-form', 'https:': 'connect' },
};
