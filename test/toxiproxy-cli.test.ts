/**
 * The CLI surface of the fault proxy: `agent-conformance toxiproxy` (the embedded server in the
 * foreground) and `--toxiproxy-url` (the faults cases driven through an external Toxiproxy, here
 * that very command, behind a recorder that counts the API calls it forwards).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Toxiproxy } from 'toxiproxy-node-client';
import { applicable, loadExpectations } from '../harness/parent/expectation-file.ts';
import { BIN, ROOT, runCli, statuses } from './helpers/cli.ts';

const READY = /^toxiproxy \(embedded, API 2\.12\.0\) listening on (http:\/\/127\.0\.0\.1:\d+)$/;

function assertOneLineError(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${stderr}`);
  assert.match(lines[0] ?? '', /^agent-conformance: /);
  assert.match(lines[0] ?? '', pattern);
}

/** Spawns `agent-conformance toxiproxy --port 0` and resolves with its URL once the ready line is out. */
async function standalone(): Promise<{ child: ChildProcess; url: string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [BIN, 'toxiproxy', '--port', '0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d;
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line within 15 s: ${out}${err}`)), 15_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d;
      const line = out.split('\n')[0] ?? '';
      const m = out.includes('\n') ? READY.exec(line) : null;
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      } else if (out.includes('\n')) {
        clearTimeout(timer);
        reject(new Error(`unexpected ready line: ${line}`));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before the ready line: ${err}`));
    });
  });
  return { child, url, exited };
}

/** A loopback HTTP front that forwards every API call to `target` and records `METHOD /path`. */
async function recorder(
  target: string,
): Promise<{ url: string; calls: string[]; close: () => Promise<void> }> {
  const calls: string[] = [];
  const server = http.createServer((req, res) => {
    calls.push(`${req.method} ${req.url}`);
    const upstream = http.request(
      `${target}${req.url}`,
      { method: req.method, headers: req.headers },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('agent-conformance toxiproxy', { concurrency: 1 }, () => {
  test('starts, prints one ready line, answers /version, exits 0 on SIGTERM', async (t) => {
    const { child, url, exited } = await standalone();
    t.after(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    assert.equal(await new Toxiproxy(url).getVersion(), '{"version": "2.12.0"}\n');
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });

  test('a bad flag or a non-loopback host → exit 2, one line', async () => {
    for (const [args, pattern] of [
      [['--bogus'], /toxiproxy: unknown argument: --bogus/],
      [['--host', '0.0.0.0'], /toxiproxy: only loopback/],
      [['--port', 'x'], /toxiproxy: invalid port/],
    ] as const) {
      const r = await runCli(['toxiproxy', ...args], { out: false, timeoutMs: 20_000 });
      assert.equal(r.code, 2, args.join(' '));
      assertOneLineError(r.stderr, pattern);
    }
  });
});

describe('--toxiproxy-url', { concurrency: 1 }, () => {
  test('drives every faults case through that Toxiproxy, with the verdicts of the embedded one', async (t) => {
    const { child, url, exited } = await standalone();
    t.after(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    const front = await recorder(url);
    t.after(() => front.close());

    const external = await runCli(['node', '--only', 'faults', '--toxiproxy-url', front.url]);
    const embedded = await runCli(['node', '--only', 'faults']);
    assert.ok(external.report && embedded.report, external.stderr + embedded.stderr);
    const verdicts = statuses(external.report);
    assert.ok(Object.keys(verdicts).length >= 12, 'every faults case ran');
    assert.deepEqual(verdicts, statuses(embedded.report), 'same verdicts as with the embedded Toxiproxy');
    // every faults case passes on the pinned Node, but those its expectation file records as failing
    const entries = loadExpectations(join(ROOT, 'expectations/node.json'));
    const pinned = { name: 'node', version: process.versions.node };
    for (const [id, status] of Object.entries(verdicts)) {
      const e = entries[id];
      const want = e && applicable(e, pinned) ? e.status : 'pass';
      assert.equal(status, want, `${id}: ${JSON.stringify(verdicts)}`);
    }

    const count = (re: RegExp) => front.calls.filter((c) => re.test(c)).length;
    const created = count(/^POST \/proxies$/);
    assert.ok(created >= 8, `the standalone created the cases' proxies (${created} POST /proxies)`);
    assert.equal(count(/^DELETE \/proxies\/[^/]+$/), created, 'and deleted each one at the end of its case');
    assert.ok(count(/^POST \/proxies\/[^/]+\/toxics$/) >= 6, 'the toxics were added through it');
    assert.deepEqual(await (await fetch(`${url}/proxies`)).json(), {}, 'nothing left behind');

    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });

  test('an unreachable Toxiproxy makes the proxy cases `error` naming the URL, never `fail`', async () => {
    const front = await recorder('http://127.0.0.1:9');
    const dead = front.url;
    await front.close();
    const r = await runCli(['node', '--only', 'faults/reused-reset', '--toxiproxy-url', dead]);
    assert.equal(r.code, 2);
    const result = r.report?.results.find((x) => x.id === 'faults/reused-reset');
    assert.equal(result?.status, 'error');
    assert.match(
      result?.message ?? '',
      new RegExp(`the Toxiproxy at ${dead.replace(/\./g, '\\.')} is unreachable`),
    );
  });

  test('a bad --toxiproxy-url → exit 2, one line', async () => {
    for (const [value, pattern] of [
      ['not a url', /--toxiproxy-url: not a URL/],
      ['https://127.0.0.1:8474', /only http:\/\//],
      ['http://192.0.2.1:8474', /must be on loopback/],
      ['http://127.0.0.1:8474/api?x=1', /give only http:\/\/host:port/],
    ] as const) {
      const r = await runCli(['node', '--only', 'faults', '--toxiproxy-url', value], { out: false });
      assert.equal(r.code, 2, value);
      assertOneLineError(r.stderr, pattern);
    }
  });
});
