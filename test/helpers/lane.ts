/**
 * The container lane's tests: the `servers/` cases need a Docker engine (`--containers`). A test that
 * runs them ends its name with LANE_TAG; `npm test` skips it where no engine runs (in CI, `npm test`
 * runs before the engine starts), and scripts/ci-containers.sh runs exactly these tests once the
 * engine is up (`--test-name-pattern`), where a skip is a failure of the lane.
 */
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { dockerAvailable } from '../../fixtures/containers/docker.ts';
import { type CliRun, runCli } from './cli.ts';

/** The end of every container-lane test's name (the lane selects them by it). */
export const LANE_TAG = '[container lane]';

/** The ids of the container lane's area. */
export const isLaneCase = (id: string): boolean => id.startsWith('servers/');

const availability = await dockerAvailable();

/** True when the lane's cases can run here; otherwise skips `t` and says why. */
export function laneUp(t: TestContext): boolean {
  if (availability.ok) return true;
  t.skip(`${availability.reason}; scripts/ci-containers.sh runs it`);
  return false;
}

/** `agent-conformance <subject> --only <id>…`, with `--containers` when a lane case is among `ids`. */
export function runOn(subject: string, ids: readonly string[]): Promise<CliRun> {
  const lane = ids.some(isLaneCase) ? ['--containers'] : [];
  return runCli([subject, ...lane, ...ids.flatMap((id) => ['--only', id])]);
}

/**
 * One test of `check` on the ids that run anywhere and one on the lane's ids, named `title(ids)` with
 * LANE_TAG at the end and skipped where no engine runs (scripts/ci-containers.sh runs it in CI).
 */
export function testHereAndInLane(
  ids: readonly string[],
  title: (ids: string[]) => string,
  check: (ids: string[]) => Promise<unknown>,
): void {
  const here = ids.filter((id) => !isLaneCase(id));
  const lane = ids.filter(isLaneCase);
  if (here.length > 0)
    test(title(here), async () => {
      await check(here);
    });
  if (lane.length > 0)
    test(`${title(lane)} ${LANE_TAG}`, async (t) => {
      if (laneUp(t)) await check(lane);
    });
}

/**
 * Runs `subject` on `ids` (with `--containers` for lane cases) and asserts that each one fails by a
 * failed assertion: `fail`, not `error`, not a pass, and not because the subject threw. Returns the run.
 */
export async function assertCaught(subject: string, ids: readonly string[]): Promise<CliRun> {
  const r = await runOn(subject, ids);
  assert.ok(r.report, `${subject} wrote no report (exit ${r.code}): ${r.stderr}`);
  const results = new Map(r.report.results.map((x) => [x.id, x]));
  for (const id of ids) {
    const got = results.get(id);
    assert.equal(
      got?.status,
      'fail',
      `${id} must fail for ${subject} (got ${got?.status}); output:\n${r.stdout}`,
    );
    assert.doesNotMatch(
      got?.message ?? '',
      /^the subject threw/,
      `${id} must catch ${subject} by a failed assertion, not because the subject threw`,
    );
  }
  return r;
}
