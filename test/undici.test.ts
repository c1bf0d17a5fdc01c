/**
 * The dispatcher subject kind and the built-in `undici` subject: the http.Agent → undici option
 * translation, the host's driver at the protocol level (events, refusals), and short CLI runs (`--only`)
 * whose statuses and report are checked.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { tsxLoaderUrl } from '../harness/parent/runtime/node.ts';
import { BUILTIN_SUBJECTS } from '../harness/parent/subjects.ts';
import { type EventMessage, UNSUPPORTED_CODE } from '../harness/shared/protocol.ts';
import { SubjectCommandError, SubjectProcess } from '../harness/shared/subject-process.ts';
import { toUndiciOptions } from '../harness/subject/builtins/undici.ts';
import { runCli, statuses } from './helpers/cli.ts';
import { schemaErrors } from './helpers/schema.ts';

describe('toUndiciOptions', () => {
  test('nothing given: undici keeps its own defaults', () => {
    assert.deepEqual(toUndiciOptions({}), {});
    assert.deepEqual(toUndiciOptions(), {});
  });

  test('keepAlive → pipelining 1 / 0', () => {
    assert.deepEqual(toUndiciOptions({ keepAlive: true }), { pipelining: 1 });
    assert.deepEqual(toUndiciOptions({ keepAlive: false }), { pipelining: 0 });
  });

  test('maxSockets → connections, Infinity → null (unlimited); invalid values left for undici to reject', () => {
    assert.deepEqual(toUndiciOptions({ maxSockets: 2 }), { connections: 2 });
    assert.deepEqual(toUndiciOptions({ maxSockets: Number.POSITIVE_INFINITY }), { connections: null });
    assert.deepEqual(toUndiciOptions({ maxSockets: 0 }), { connections: 0 });
  });

  test('timeout → keepAliveTimeout only (never headersTimeout/bodyTimeout); 0 → nothing', () => {
    assert.deepEqual(toUndiciOptions({ timeout: 300 }), { keepAliveTimeout: 300 });
    assert.deepEqual(toUndiciOptions({ timeout: 0 }), {});
  });

  test('agentKeepAliveTimeoutBuffer → keepAliveTimeoutThreshold', () => {
    assert.deepEqual(toUndiciOptions({ agentKeepAliveTimeoutBuffer: 600 }), {
      keepAliveTimeoutThreshold: 600,
    });
  });

  test('keepAliveMsecs → connect.keepAliveInitialDelay, only with keepAlive (ignored otherwise, as in Node)', () => {
    assert.deepEqual(toUndiciOptions({ keepAlive: true, keepAliveMsecs: 500 }), {
      pipelining: 1,
      connect: { keepAlive: true, keepAliveInitialDelay: 500 },
    });
    assert.deepEqual(toUndiciOptions({ keepAliveMsecs: 500 }), {});
  });

  test('options without a counterpart are not translated', () => {
    assert.deepEqual(toUndiciOptions({ maxTotalSockets: 2, maxFreeSockets: 1, scheduling: 'fifo' }), {});
  });
});

describe('the host drives a dispatcher subject', () => {
  let server: http.Server;
  let origin = '';
  let proc: SubjectProcess;
  const events: EventMessage[] = [];

  before(async () => {
    server = http.createServer((_req, res) => res.end('hello'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const loader = tsxLoaderUrl();
    proc = SubjectProcess.start({
      name: 'node',
      version: process.versions.node,
      executable: process.execPath,
      argsFor: (file) => ['--import', loader, file],
    });
    proc.on('event', (e) => events.push(e));
    await proc.call({ op: 'hello' }, 15_000);
  });

  after(async () => {
    proc.kill();
    await new Promise((r) => server.close(r));
  });

  const until = async (what: string, check: () => boolean) => {
    const t0 = Date.now();
    while (!check()) {
      if (Date.now() - t0 > 3000) assert.fail(`no ${what} within 3 s`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  test('load: kind dispatcher, the http.Agent-only capabilities false, the declared ones kept', async () => {
    const loaded = (await proc.call({ op: 'load', module: BUILTIN_SUBJECTS.undici ?? '' }, 15_000)) as {
      kind: string;
      exportName: string;
      capabilities: Record<string, boolean>;
    };
    assert.equal(loaded.kind, 'dispatcher');
    assert.equal(loaded.exportName, 'createDispatcher');
    for (const cap of ['agentState', 'getName', 'events', 'agentHooks', 'socketTimeout', 'maxTotalSockets'])
      assert.equal(loaded.capabilities[cap], false, cap);
    assert.equal(loaded.capabilities.agentKeepAliveTimeoutBuffer, true);
  });

  test('two sequential requests: socket (reusedSocket false, then true on the same port), response, end, close, derived free', async () => {
    await proc.call({ op: 'create', agent: 'a1', options: { keepAlive: true } });
    await proc.call({ op: 'request', agent: 'a1', req: 'r1', spec: { origin, path: '/one' } });
    await until('close of r1', () => events.some((e) => e.ev === 'close' && e.req === 'r1'));
    await until('free', () => events.some((e) => e.ev === 'free'));
    await proc.call({ op: 'request', agent: 'a1', req: 'r2', spec: { origin, path: '/two' } });
    await until('close of r2', () => events.some((e) => e.ev === 'close' && e.req === 'r2'));
    const of = (req: string) => events.filter((e) => 'req' in e && e.req === req).map((e) => e.ev);
    assert.deepEqual(of('r1'), ['socket', 'response', 'end', 'close']);
    assert.deepEqual(of('r2'), ['socket', 'response', 'end', 'close']);
    const sockets = events.filter((e) => e.ev === 'socket');
    assert.equal(sockets.length, 2);
    const [s1, s2] = sockets as Extract<EventMessage, { ev: 'socket' }>[];
    assert.equal(s1?.reusedSocket, false);
    assert.equal(s2?.reusedSocket, true);
    assert.equal(s1?.localPort, s2?.localPort);
    const free = events.find((e) => e.ev === 'free') as Extract<EventMessage, { ev: 'free' }>;
    assert.equal(free.derived, true);
    assert.equal(free.localPort, s1?.localPort);
    const end = events.find((e) => e.ev === 'end') as Extract<EventMessage, { ev: 'end' }>;
    assert.equal(end.body, 'hello');
  });

  test('snapshot, getName, agent hooks and per-request options without a counterpart are refused as unsupported', async () => {
    const refused = async (command: Parameters<SubjectProcess['call']>[0]) => {
      const err = await proc.call(command).then(
        () => null,
        (e: unknown) => e,
      );
      assert.ok(err instanceof SubjectCommandError, `${command.op} was not refused`);
      assert.equal(err.code, UNSUPPORTED_CODE);
    };
    await refused({ op: 'snapshot', agent: 'a1' });
    await refused({ op: 'getName', agent: 'a1', options: {} });
    await refused({ op: 'create', agent: 'a2', options: {}, hooks: { keepSocketAliveFalse: true } });
    await refused({ op: 'request', agent: 'a1', req: 'r3', spec: { origin, timeout: 100 } });
    await refused({ op: 'request', agent: 'a1', req: 'r4', spec: { origin, localAddress: '127.0.0.1' } });
    await refused({ op: 'request', agent: 'a1', req: 'r4b', spec: { origin, socketPath: '/nonexistent' } });
  });

  test('an error carries undici’s code; destroy closes the dispatcher', async () => {
    await proc.call({ op: 'destroy', agent: 'a1' });
    await until('the dispatcher to be destroyed', () => true);
    await new Promise((r) => setTimeout(r, 50));
    await proc.call({ op: 'request', agent: 'a1', req: 'r5', spec: { origin } });
    await until('an error for r5', () => events.some((e) => e.ev === 'error' && e.req === 'r5'));
    const err = events.find((e) => e.ev === 'error' && e.req === 'r5') as Extract<
      EventMessage,
      { ev: 'error' }
    >;
    assert.equal(err.code, 'UND_ERR_DESTROYED');
    await until('close of r5', () => events.some((e) => e.ev === 'close' && e.req === 'r5'));
  });
});

describe('undici through the CLI', { concurrency: 2 }, () => {
  test('a passing, an unsupported and a failing case; the report validates', async () => {
    const r = await runCli([
      'undici',
      '--only',
      'keepAlive/reuse',
      '--only',
      'getName/format',
      '--only',
      'keepAlive/hint-lowers-free-timeout',
    ]);
    assert.ok(r.report, r.stderr);
    assert.equal(schemaErrors(r.report), null);
    assert.deepEqual(statuses(r.report), {
      'keepAlive/reuse': 'pass',
      'getName/format': 'unsupported',
      'keepAlive/hint-lowers-free-timeout': 'fail',
    });
    // a must case failed: exit 1 (never 2: nothing broke)
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.report.subject.capabilities.agentState, false);
    const fail = r.report.results.find((x) => x.status === 'fail');
    // undici's default hint threshold is 2 s: a `timeout=2` hint means "do not keep the socket"
    assert.match(fail?.observed ?? '', /closed by client \d+ ms after the response/);
  });

  test('a user module exporting createDispatcher loads and runs', async () => {
    const r = await runCli([
      'test/agents/dispatcher/pool-agent.ts',
      '--only',
      'keepAlive/reuse',
      '--only',
      'maxSockets/limit-per-origin',
    ]);
    assert.ok(r.report, r.stderr);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(statuses(r.report), {
      'keepAlive/reuse': 'pass',
      'maxSockets/limit-per-origin': 'pass',
    });
  });

  test('a createDispatcher that returns no dispatcher → exit 2, one line', async () => {
    const r = await runCli(['test/agents/dispatcher/not-a-dispatcher.ts', '--only', 'keepAlive/reuse'], {
      out: false,
    });
    assert.equal(r.code, 2);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0] ?? '', /createDispatcher\(\) returned a value that has no dispatch\(\) method/);
  });
});
