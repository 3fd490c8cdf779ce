/**
 * Every server failure reaches the campaign's failure budget, with the real activities against the OVH
 * simulator on the dev server: an installer that never finishes, with a redeploy allowed after the rollback,
 * ends its servers `timed_out` (never `skipped`) and halts the campaign on its budget.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTestWorker, devServerPerFile, uniqueTaskQueue } from '../helpers/temporal';
import { startCampaign } from './helpers/campaign-driver';
import { simSettings, simulatorPerTest } from './helpers/simulated-ovh';

/** Simulated seconds per real second. */
const SPEED = 60;
const POLL = { minMs: 250, maxMs: 500 };

let env: TestWorkflowEnvironment;
devServerPerFile((connected) => (env = connected));

const openSimulator = simulatorPerTest();

describe('failure accounting with the real activities against the OVH simulator', () => {
  it('halts on the failure budget when the installer hangs, counting the servers timed out and redeploying none over the live install', async () => {
    const sim = await openSimulator({
      count: 4,
      speed: SPEED,
      faults: { 0: ['never_ends'], 1: ['never_ends'], 2: ['never_ends'], 3: ['never_ends'] },
      followClock: true,
    });
    const names = sim.servers.map((s) => s.serviceName);
    const taskQueue = uniqueTaskQueue('hung-installer');
    const worker = await createTestWorker(env, { taskQueue, activities: sim.activities });
    const settings = simSettings(taskQueue, SPEED, {
      poll: POLL,
      // Simulated time (the activities follow the simulator's clock): the install deadline passes 4 minutes
      // into the install; the rollback waits for the running install for half its 8 minutes, then reboots
      // into rescue over it (1 to 3 minutes).
      deadlines: { installMs: 240_000, bootMs: 120_000, rollbackMs: 480_000 },
      maxParallel: { count: 1 },
      failureBudget: { count: 1 },
      redeployAfterRollback: 1,
    });
    const report = await worker.runUntil(async () => {
      const campaign = await startCampaign(env, taskQueue, sim.servers, settings);
      return campaign.result();
    });

    expect(report.finalState).toBe('halted');
    expect(report.reason).toBe('The failure budget is exceeded: 2 servers failed, 1 allowed. No new server starts.');
    const rows = report.servers.map(({ serviceName, state, outcome, failureType, deployments }) => ({
      serviceName,
      state,
      outcome,
      failureType,
      deployments,
    }));
    // One server at a time: the first failure is within the budget, so a second server starts; its failure
    // exceeds the budget, and the last two never start.
    expect(rows).toEqual([
      ...names.slice(0, 2).map((serviceName) => ({
        serviceName,
        state: 'finished',
        outcome: 'timed_out',
        failureType: 'TimedOut',
        deployments: 1,
      })),
      ...names.slice(2).map((serviceName) => ({
        serviceName,
        state: 'not_started',
        outcome: undefined,
        failureType: undefined,
        deployments: undefined,
      })),
    ]);
    for (const row of report.servers.slice(0, 2)) {
      expect(row.message).toMatch(
        new RegExp(
          `^The deployment on ${row.serviceName} did not finish by .+ OVH still runs the install task, so no redeploy was started over it; check the server once the task ends\\.$`,
        ),
      );
    }
    expect(report.totals).toMatchObject({ byOutcome: { timed_out: 2 }, failures: 2, failureBudget: 1 });
    // One install POST per server: the hung install is never posted over.
    expect(names.map((sn) => [sim.installPosts(sn), sim.running(sn)])).toEqual([
      [1, 'rescue'],
      [1, 'rescue'],
      [0, 'disk'],
      [0, 'disk'],
    ]);
  }, 120_000);
});
