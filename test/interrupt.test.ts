/**
 * Ctrl-C safe: SIGINT (or SIGTERM) in the middle of a run stops the suite process, the subject host
 * and the servers, writes the report of what was measured marked incomplete (the unfinished cases
 * listed), prints one line, and exits 130 (143). Linux only: the processes and their listening ports
 * are read from /proc.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Report } from '../harness/parent/report/types.ts';
import { BIN, ROOT, tempDir } from './helpers/cli.ts';
import { schemaErrors } from './helpers/schema.ts';

const linux = process.platform === 'linux' && existsSync('/proc/self/stat');

function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

/** Every live descendant of `root`. */
function descendants(root: number): number[] {
  const all = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
  const found: number[] = [];
  let frontier = [root];
  while (frontier.length) {
    const next = all.filter((pid) => frontier.includes(parentOf(pid) ?? -1));
    found.push(...next);
    frontier = next;
  }
  return found;
}

/** TCP ports these processes listen on. */
function listeningPorts(pids: number[]): number[] {
  const inodes = new Set<string>();
  for (const pid of pids) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        const link = readlinkSync(`/proc/${pid}/fd/${fd}`, { encoding: 'utf8' });
        const m = /^socket:\[(\d+)\]$/.exec(link);
        if (m) inodes.add(m[1]!);
      }
    } catch {
      // gone, or not ours to read
    }
  }
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[3] === '0A' && inodes.has(f[9] ?? '')) ports.push(Number.parseInt(f[1]!.split(':')[1]!, 16));
    }
  }
  return ports;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').charAt(0) !== 'Z';
  } catch {
    return false;
  }
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}

async function interruptMidRun(signal: 'SIGINT' | 'SIGTERM') {
  const out = tempDir('acp-interrupt-');
  const child = spawn(
    process.execPath,
    [BIN, 'node', '--only', 'faults', '--only', 'timeout', '--only', 'keepAlive', '--out', out],
    { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c;
  });
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  // Mid-run: some verdicts are in, the subject host and the servers are up.
  await new Promise<void>((resolve) => {
    child.stderr.on('data', (c: Buffer) => {
      stderr += c;
      if (/^\[3\/\d+\]/m.test(stderr)) resolve();
    });
  });
  const pids = descendants(child.pid!);
  const ports = listeningPorts(pids);
  child.kill(signal);
  const code = await closed;
  await sleep(200);
  return { code, stderr, stdout, out, pids, ports };
}

describe('interrupted runs', { skip: !linux && 'needs /proc', concurrency: 1 }, () => {
  test('SIGINT mid-run: incomplete report, one line, exit 130, nothing left behind', async () => {
    const r = await interruptMidRun('SIGINT');
    assert.equal(r.code, 130, r.stderr);
    assert.ok(r.pids.length >= 2, `a suite process and a subject host were running (${r.pids.length})`);
    assert.ok(r.ports.length >= 1, 'servers were listening');
    const report = JSON.parse(readFileSync(join(r.out, 'report.json'), 'utf8')) as Report;
    assert.equal(schemaErrors(report), null);
    assert.equal(report.incomplete?.signal, 'SIGINT');
    const unfinished = report.incomplete?.unfinished ?? [];
    assert.ok(report.results.length >= 3, 'what was measured is kept');
    assert.ok(unfinished.length > 0, 'the unfinished cases are listed');
    for (const id of unfinished) assert.ok(!report.results.some((x) => x.id === id), id);
    assert.equal(report.summary.total, report.results.length);
    const lines = r.stderr
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('agent-conformance:'));
    assert.equal(lines.length, 1, r.stderr);
    assert.match(
      lines[0]!,
      new RegExp(
        `^agent-conformance: interrupted by SIGINT: ${report.results.length} of ${report.results.length + unfinished.length} cases finished, ${unfinished.length} did not; incomplete report written to .*report\\.json$`,
      ),
    );
    assert.match(r.stdout, /^INCOMPLETE: interrupted by SIGINT; \d+ case\(s\) did not finish: /m);
    for (const pid of r.pids) assert.ok(!alive(pid), `process ${pid} is gone`);
    for (const port of r.ports) assert.ok(await refused(port), `port ${port} is closed`);
  });

  test('SIGTERM mid-run: exit 143, incomplete report', async () => {
    const r = await interruptMidRun('SIGTERM');
    assert.equal(r.code, 143, r.stderr);
    const report = JSON.parse(readFileSync(join(r.out, 'report.json'), 'utf8')) as Report;
    assert.equal(report.incomplete?.signal, 'SIGTERM');
    for (const pid of r.pids) assert.ok(!alive(pid), `process ${pid} is gone`);
  });
});
