/**
 * A one-shot subject process, for the one thing the long-lived host cannot show: whether the
 * subject's pooled sockets let the process exit. It loads the subject module, makes one agent with
 * `createAgent(options)` (an http.Agent subject; a module without it is reported `unsupported`),
 * sends the given http: URLs through it one after another (each from a `setImmediate` after the
 * previous request's `'close'`, so the agent has pooled its socket), and then does nothing: no
 * timer, no stdin, nothing of its own keeps the event loop alive. The suite (harness/suite/context.ts,
 * `ctx.exitProbe`) watches its lines and its exit.
 *
 * A URL prefixed with `global:` is sent with no agent (`agent: undefined`: the runtime's global agent).
 *
 * argv: <module> <options JSON> <url>…   Lines on stdout: MESSAGE_PREFIX + a ProbeLine as JSON.
 * Runs under Node, Bun and Deno: `node:` builtins only.
 */
import http from 'node:http';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { MESSAGE_PREFIX } from '../shared/protocol.ts';

/** What the probe reports, one line each. `n` is the 1-based index of the URL. */
export type ProbeLine =
  | { ev: 'unsupported'; reason: string }
  | { ev: 'socket'; n: number; reusedSocket: boolean }
  | { ev: 'response'; n: number; status: number }
  | { ev: 'end'; n: number }
  | { ev: 'error'; n: number; code: string | null; message: string }
  | { ev: 'close'; n: number };

function say(line: ProbeLine): void {
  process.stdout.write(`${MESSAGE_PREFIX}${JSON.stringify(line)}\n`);
}

type Factory = (options: unknown) => unknown;

function factoryOf(mod: Record<string, unknown>): Factory | null {
  const def = mod.default as Record<string, unknown> | ((o: unknown) => unknown) | undefined;
  const candidate =
    mod.createAgent ??
    (def && typeof def === 'object' ? def.createAgent : undefined) ??
    (typeof def === 'function' ? def : undefined);
  if (typeof candidate !== 'function') return null;
  if (/^class[\s{]/.test(Function.prototype.toString.call(candidate))) {
    const Ctor = candidate as new (options: unknown) => unknown;
    return (options) => new Ctor(options);
  }
  return candidate as Factory;
}

function send(agent: http.Agent, urls: string[], n: number): void {
  const given = urls[n - 1];
  if (given === undefined) return;
  const global = given.startsWith('global:');
  const url = global ? given.slice('global:'.length) : given;
  const req = global ? http.get(url) : http.get(url, { agent });
  req.on('socket', () => say({ ev: 'socket', n, reusedSocket: req.reusedSocket === true }));
  req.on('response', (res) => {
    say({ ev: 'response', n, status: res.statusCode ?? 0 });
    res.on('end', () => say({ ev: 'end', n }));
    res.resume();
  });
  req.on('error', (err: NodeJS.ErrnoException) =>
    say({ ev: 'error', n, code: typeof err.code === 'string' ? err.code : null, message: err.message }),
  );
  req.on('close', () => {
    say({ ev: 'close', n });
    setImmediate(() => send(agent, urls, n + 1));
  });
}

const [modulePath, optionsJson, ...urls] = process.argv.slice(2);
const mod = (await import(pathToFileURL(modulePath ?? '').href)) as Record<string, unknown>;
const factory = factoryOf(mod);
if (!factory) {
  say({
    ev: 'unsupported',
    reason: 'the module exports no createAgent(options): only an http.Agent is probed',
  });
} else {
  const agent = factory(JSON.parse(optionsJson ?? '{}')) as http.Agent;
  send(agent, urls, 1);
}
