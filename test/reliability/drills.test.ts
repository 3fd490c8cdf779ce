/**
 * The CI versions of the reliability drills (RELIABILITY.md): the same library as `npm run drill -- --quick`,
 * 30 servers each (6 for the worker kills, paced at OVH's 60 requests a minute), run side by side to keep
 * the file near three minutes on two cores (each worker kill costs up to a 30 s heartbeat timeout:
 * RELIABILITY.md, "Worker crash"). Each asserts the guarantees exactly: no violation, every server finished,
 * totals equal to the fleet, and the outcomes the injected image faults must produce (1 download failure and
 * 1 checksum mismatch: deploy_failed; 1 OS that never boots: boot_failed; every other server done).
 */
import { runDrill, type DrillName, type DrillOptions } from '../../testkit/drills/drills';
import type { DrillFigures } from '../../testkit/drills/verify';
import { testCaDir } from '../helpers/simulator';
import { devServerAddress } from '../helpers/temporal';

const QUICK_FLEET = 30;
const KILL_FLEET = 6;
/** The outcomes of a fleet of `servers`: the three faulty servers fail, the others are done. */
const outcomesOf = (servers: number) => ({ done: servers - 3, deploy_failed: 2, boot_failed: 1 });
/** The drills of this file: the storm runs twice, without and with OVH's transient 404s on fresh tasks. */
const RUNS: Record<string, [DrillName, Partial<DrillOptions>]> = {
  'worker-kill': ['worker-kill', {}],
  'dev-server-restart': ['dev-server-restart', {}],
  'fault-storm': ['fault-storm', { stormTask404Reads: 0 }],
  'fault-storm with task 404s': ['fault-storm', { stormTask404Reads: 2 }],
};
const results = new Map<string, PromiseSettledResult<DrillFigures>>();

beforeAll(async () => {
  const options = {
    baseEnv: process.env,
    quick: true,
    seed: 'ci',
    caDir: testCaDir(),
    temporalAddress: devServerAddress(),
  };
  const labels = Object.keys(RUNS);
  const settled = await Promise.allSettled(
    labels.map((label) => runDrill(RUNS[label]![0], { ...options, ...RUNS[label]![1] })),
  );
  labels.forEach((label, i) => results.set(label, settled[i]!));
}, 8 * 60_000);

/** The drill's figures, or its own error when it could not run at all. */
function figures(label: string): DrillFigures {
  const result = results.get(label);
  if (!result) throw new Error(`The ${label} drill did not run.`);
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}

function expectGuarantees(f: DrillFigures, fleet = QUICK_FLEET): void {
  expect(f.violations).toEqual([]);
  expect(f.servers).toBe(fleet);
  expect(f.finalState).toBe('done');
  expect(f.outcomes).toEqual(outcomesOf(fleet));
  expect(f.maxInstallPostsPerAttempt).toBe(1);
  expect(f.installPostsAccepted).toBe(f.deployments);
}

describe('reliability drills (quick)', () => {
  it('loses no server and repeats no install when the worker is SIGKILLed twice mid-campaign', () => {
    const f = figures('worker-kill');
    expectGuarantees(f, KILL_FLEET);
    expect(f.kills).toBe(2);
    expect(f.restarts).toBe(2);
  });

  it('never sends more than OVH_RATE_LIMIT in any minute across worker restarts', () => {
    const f = figures('worker-kill');
    expect(f.rateWindow.windowMs).toBe(60_000);
    expect(f.rateWindow.limit).toBe(60);
    expect(f.rateWindow.busiest).toBeLessThanOrEqual(60);
    expect(f.simulatorStatuses['429']).toBeUndefined();
  });

  it('finishes the campaign when the dev server is SIGKILLed and restarted on its SQLite file', () => {
    const f = figures('dev-server-restart');
    expectGuarantees(f);
    expect(f.devServerRestarts).toBe(1);
  });

  it('keeps every guarantee through 5xx, 429, dropped connections, task 500s and slow answers', () => {
    const f = figures('fault-storm');
    expectGuarantees(f);
    expect(f.simulatorStatuses['429']).toBeGreaterThan(0);
    expect(f.simulatorStatuses['500']).toBeGreaterThan(0);
  });

  // Fresh tasks' 404s are what could make a retried start post a second install, or a rollback end rollback_failed.
  it('keeps every guarantee when fresh tasks also answer 404 for their first two reads', () => {
    const f = figures('fault-storm with task 404s');
    expectGuarantees(f);
    expect(f.simulatorStatuses['404']).toBeGreaterThan(0);
  });
});
