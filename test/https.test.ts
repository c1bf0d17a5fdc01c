/**
 * The https contract through the real CLI: `--protocol https` runs core cases over TLS and records the
 * protocol; a module with only `createAgent` gets the https cases `unsupported`; a module with only
 * `createHttpsAgent` runs them (and its http cases are `unsupported`).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runCli, statuses } from './helpers/cli.ts';
import { schemaErrors } from './helpers/schema.ts';

describe('https', { concurrency: 2 }, () => {
  test('--protocol takes http or https', async () => {
    const r = await runCli(['node', '--protocol', 'ftp'], { out: false });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--protocol takes http or https/);
  });

  test('--protocol https: core cases over TLS, the protocol in the report', async () => {
    const r = await runCli([
      'node',
      '--protocol',
      'https',
      '--only',
      'keepAlive/reuse',
      '--only',
      'getName/format',
      '--trace',
    ]);
    assert.ok(r.report, r.stderr);
    assert.equal(schemaErrors(r.report), null);
    assert.equal(r.report.selection.protocol, 'https');
    assert.deepEqual(statuses(r.report), { 'keepAlive/reuse': 'pass', 'getName/format': 'pass' });
    const trace = r.report.results.find((x) => x.id === 'keepAlive/reuse')?.trace ?? [];
    assert.ok(
      trace.some((e) => e.source === 'server' && e.detail.kind === 'secure' && e.detail.peer === 'A'),
      'the origin completed a TLS handshake',
    );
    assert.match(r.report.results[0]?.repro ?? '', /--protocol https/);
  });

  test('a module with only createAgent: https cases are unsupported', async () => {
    const r = await runCli(['test/agents/seeded/keepAlive/hint-ignored.ts', '--only', 'https/sni-host-name']);
    assert.ok(r.report, r.stderr);
    assert.equal(r.report.subject.capabilities.https, false);
    assert.deepEqual(statuses(r.report), { 'https/sni-host-name': 'unsupported' });
  });

  test('a module with only createHttpsAgent: https cases run, http ones are unsupported', async () => {
    const r = await runCli([
      'test/agents/seeded/https/sni-for-ip.ts',
      '--only',
      'https/sni-host-name',
      '--only',
      'keepAlive/reuse',
    ]);
    assert.ok(r.report, r.stderr);
    assert.equal(r.report.subject.capabilities.https, true);
    assert.deepEqual(statuses(r.report), { 'https/sni-host-name': 'pass', 'keepAlive/reuse': 'unsupported' });
  });
});
