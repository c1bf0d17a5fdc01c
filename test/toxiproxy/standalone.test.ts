/** `runStandalone` and `stop()`: the banner, loopback-only flags, and a clean exit with nothing left running. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Latency } from 'toxiproxy-node-client';
import { Toxiproxy } from 'toxiproxy-node-client';
import { runStandalone } from '../../fixtures/toxiproxy/main.ts';
import { connect, echoServer, portOf, within } from './helpers.ts';

const T = { timeout: 10_000 };
const MAIN = fileURLToPath(new URL('../../fixtures/toxiproxy/main.ts', import.meta.url));

test('runStandalone prints one line and serves the API until stopped', T, async () => {
  const lines: string[] = [];
  const h = await runStandalone(['--port', '0', '--host', 'localhost'], (l) => lines.push(l));
  try {
    assert.equal(lines.length, 1);
    assert.equal(lines[0], `toxiproxy (embedded, API 2.12.0) listening on http://127.0.0.1:${h.port}`);
    assert.equal(await new Toxiproxy(h.url).getVersion(), '{"version": "2.12.0"}\n');
  } finally {
    await h.stop();
  }
  await h.stopped;
  await assert.rejects(fetch(`${h.url}/version`));
});

test('runStandalone refuses a non-loopback host and unknown flags', T, async () => {
  await assert.rejects(
    runStandalone(['--host', '0.0.0.0', '--port', '0'], () => {}),
    /loopback/,
  );
  await assert.rejects(
    runStandalone(['--bogus'], () => {}),
    /unknown argument/,
  );
  await assert.rejects(
    runStandalone(['-port', 'x'], () => {}),
    /invalid port/,
  );
});

test(
  'SIGTERM stops a standalone server with live connections and toxics; the process exits by itself',
  T,
  async (t) => {
    const script = `import { runStandalone } from ${JSON.stringify(MAIN)}; await runStandalone(process.argv.slice(1));`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, '--', '-port=0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    t.after(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const line = await within(
      new Promise<string>((resolve) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) resolve(out.trim());
        });
      }),
      5000,
      'banner',
    );
    const m = /^toxiproxy \(embedded, API 2\.12\.0\) listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
    assert.ok(m, line);
    const client = new Toxiproxy(m[1]!);
    const proxy = await client.createProxy({
      name: 'p',
      listen: '127.0.0.1:0',
      upstream: `127.0.0.1:${await echoServer(t)}`,
    });
    await proxy.addToxic<Latency>({
      name: 'slow',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 60_000, jitter: 0 },
    });
    const c = await connect(t, portOf(proxy.listen));
    c.socket.write('held by a 60 s latency timer');
    await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGTERM');
    assert.equal(await within(exited, 3000, 'child exit after SIGTERM'), 0);
    await within(c.closed, 1000, 'proxied connection closed');
  },
);
