/**
 * Seeded bug: a proxy agent (Node's own, `proxyEnv`) that probes the proxy with one connection
 * before it opens more, and forgets the requests waiting on the probe when the probe fails. Its
 * first connection is the probe; every other connection waits until the probe has served a response
 * (then they all go ahead). When the probe fails instead (the proxy refused or reset it, or closed
 * the tunnel under its request), the waiting requests are dropped: no socket, no error, for ever,
 * and so is every later one (the class of TooTallNate/proxy-agents#427: requests queued behind a
 * failed proxy connection are stranded).
 */
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import type { ProxyCapabilities, ProxySubjectOptions } from '../../../../harness/subject/proxy-contract.ts';

export const seeded = {
  catches: [
    'proxy/refused-queued-settle',
    'proxy/refused-queued-settle-https',
    'proxy/reset-queued-settle',
    'proxy/reset-queued-settle-https',
    'proxy/tunnel-closed-queued-settle',
  ],
  rule: 'every request settles through a proxy: a failed connection does not strand the requests behind it',
};

type Callback = (err?: Error | null, socket?: Duplex) => void;
type CreateConnection = (this: http.Agent, options: unknown, cb?: Callback) => Duplex | null | undefined;

function strandsAfterFailedProbe<T extends http.Agent>(agent: T): T {
  const self = agent as unknown as { createConnection: CreateConnection };
  const original = self.createConnection;
  let probe: 'none' | 'pending' | 'good' | 'failed' = 'none';
  const waiting: (() => void)[] = [];
  agent.on('free', () => {
    if (probe !== 'pending') return;
    probe = 'good';
    for (const go of waiting.splice(0)) go();
  });
  self.createConnection = function gated(options, cb) {
    if (probe === 'good') return original.call(this, options, cb);
    // The bug: after a failed probe, and for those waiting on it, never a socket and never an error.
    if (probe === 'failed') return undefined;
    if (probe === 'pending') {
      waiting.push(() => {
        const socket = original.call(this, options, cb);
        if (socket) cb?.(null, socket);
      });
      return undefined;
    }
    probe = 'pending';
    const failed = () => {
      if (probe !== 'pending') return;
      probe = 'failed';
      waiting.length = 0;
    };
    const socket = original.call(this, options, (err, s) => {
      if (err) failed();
      else s?.once('close', failed);
      cb?.(err, s);
    });
    socket?.once('close', failed);
    return socket;
  };
  return agent;
}

export function createProxyAgent({ agentOptions, proxy, protocol }: ProxySubjectOptions): http.Agent {
  return protocol === 'https:'
    ? strandsAfterFailedProbe(new https.Agent({ ...agentOptions, proxyEnv: { HTTPS_PROXY: proxy.url } }))
    : strandsAfterFailedProbe(new http.Agent({ ...agentOptions, proxyEnv: { HTTP_PROXY: proxy.url } }));
}

export const proxyCapabilities: ProxyCapabilities = {
  noProxy: false,
  env: false,
  modes: { 'http:': 'absolute-form', 'https:': 'connect' },
};
