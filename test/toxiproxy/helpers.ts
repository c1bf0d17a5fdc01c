/** Helpers for the toxiproxy fidelity tests: an embedded server + client, loopback upstreams, sockets. */

import net from 'node:net';
import type { TestContext } from 'node:test';
import { type Proxy as ClientProxy, Toxiproxy } from 'toxiproxy-node-client';
import { type StartedToxiproxy, startToxiproxy } from '../../fixtures/toxiproxy/server.ts';

export interface Env {
  tp: StartedToxiproxy;
  client: Toxiproxy;
}

/** An embedded server and a client for it, stopped when the test ends. */
export async function setup(t: TestContext): Promise<Env> {
  const tp = await startToxiproxy();
  t.after(() => tp.stop());
  return { tp, client: new Toxiproxy(tp.url) };
}

export const portOf = (listen: string): number => Number(listen.slice(listen.lastIndexOf(':') + 1));

/** A loopback TCP server; `onConn` handles each connection. Closed when the test ends. */
export async function tcpServer(
  t: TestContext,
  onConn: (s: net.Socket) => void,
  allowHalfOpen = false,
): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ noDelay: true, allowHalfOpen }, (s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
    onConn(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });
  return (server.address() as net.AddressInfo).port;
}

/** Echoes every byte back. */
export const echoServer = (t: TestContext): Promise<number> => tcpServer(t, (s) => s.pipe(s));

/** Sends `payload` as soon as a client connects; ends the connection afterwards when `end` is set. */
export const sendOnConnect = (t: TestContext, payload: Buffer, end = false): Promise<number> =>
  tcpServer(t, (s) => (end ? s.end(payload) : s.write(payload)));

export async function createProxy(env: Env, name: string, upstreamPort: number): Promise<ClientProxy> {
  return env.client.createProxy({ name, listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstreamPort}` });
}

export interface Observed {
  socket: net.Socket;
  connectedAt: number;
  chunks: { at: number; data: Buffer }[];
  /** Settles when the socket closes: the time, and the error code if it closed with one. */
  closed: Promise<{ at: number; code: string | undefined }>;
  bytes(): number;
  text(): string;
  /** Resolves when at least `n` bytes arrived in total. */
  waitBytes(n: number, timeoutMs?: number): Promise<number>;
}

/** Connects to `port` and records what arrives, and when. */
export function connect(t: TestContext, port: number): Promise<Observed> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
    t.after(() => {
      socket.destroy();
    });
    const chunks: Observed['chunks'] = [];
    let waiters: { n: number; resolve: (at: number) => void }[] = [];
    let code: string | undefined;
    const total = (): number => chunks.reduce((a, c) => a + c.data.length, 0);
    socket.on('data', (data: Buffer) => {
      const at = performance.now();
      chunks.push({ at, data });
      const n = total();
      waiters = waiters.filter((w) => {
        if (n < w.n) return true;
        w.resolve(at);
        return false;
      });
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      code = err.code;
    });
    const closed = new Promise<{ at: number; code: string | undefined }>((r) =>
      socket.once('close', () => r({ at: performance.now(), code })),
    );
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve({
        socket,
        connectedAt: performance.now(),
        chunks,
        closed,
        bytes: total,
        text: () => Buffer.concat(chunks.map((c) => c.data)).toString(),
        waitBytes: (n, timeoutMs = 2000) =>
          new Promise<number>((res, rej) => {
            if (total() >= n) {
              res(chunks[chunks.length - 1]!.at);
              return;
            }
            const timer = setTimeout(
              () => rej(new Error(`timed out waiting for ${n} bytes (got ${total()})`)),
              timeoutMs,
            );
            waiters.push({
              n,
              resolve: (at) => {
                clearTimeout(timer);
                res(at);
              },
            });
          }),
      });
    });
  });
}

/** Round trip of one byte through an echo path, in ms. */
export async function roundTrip(o: Observed, timeoutMs = 2000): Promise<number> {
  const start = performance.now();
  const want = o.bytes() + 1;
  o.socket.write('x');
  return (await o.waitBytes(want, timeoutMs)) - start;
}

/** Resolves with the error code of a connect attempt ('connected' if it succeeds). */
export function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

/** Rejects after `ms` unless `p` settles first. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
    }),
  ]);
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};
