/**
 * The campaign's two rollback options, with the real activities against the OVH simulator on the dev server:
 * `failurePolicy: rollback` (a failure past the budget rolls back every server in flight) and
 * `windows.atClose: rollback` (a server still installing when its window closes is rolled back, requeued and
 * redeployed in the next window). The simulator runs SPEED times faster than real time; its side door shows
 * what each machine runs and when its install is due to end.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { setConcurrencyUpdate } from '../../src/shared/campaign-messages';
import { createTestWorker, devServerPerFile, uniqueTaskQueue } from '../helpers/temporal';
import { startCampaign, waitForProgress } from './helpers/campaign-driver';
import { waitFor, waitForValue } from '../helpers/wait-for';
import { simSettings, simulatorPerTest, type SimulatedOvh } from './helpers/simulated-ovh';

/** Simulated seconds per real second: an install (9 to 13 simulated minutes) takes 9 to 13 s. */
const SPEED = 60;
/** Polls every 15 to 30 simulated seconds, so a server's end is seen within half a real second. */
const POLL = { minMs: 250, maxMs: 500 };
const CANCELLED = 'The reimage was cancelled (campaign cancel, window close or budget rollback).';

let env: TestWorkflowEnvironment;
devServerPerFile((connected) => (env = connected));

const openSimulator = simulatorPerTest();

/** What the simulator's side door shows of a machine: what it runs, its install POSTs, its last install's status. */
function machine(sim: SimulatedOvh, serviceName: string) {
  const view = sim.sim.state.server(serviceName);
  return { running: view?.running, installPosts: view?.installPosts, install: view?.deployment?.status ?? null };
}

/** Real times (epoch ms) at which OVH received the install POSTs of `serviceName`, oldest first. */
function installPostTimes(sim: SimulatedOvh, serviceName: string): number[] {
  return sim.sim.state
    .requests()
    .filter((r) => r.method === 'POST' && r.route === 'POST /dedicated/server/{serviceName}/reinstall')
    .filter((r) => r.path.includes(`/${serviceName}/`))
    .map((r) => Date.parse(r.at));
}

describe('campaign rollback options with the real activities against the OVH simulator', () => {
  it('with failurePolicy rollback, rolls every server in flight back to rescue once a failure exceeds the budget', async () => {
    const sim = await openSimulator({ count: 4, speed: SPEED, faults: { 0: ['download_fail'] } });
    const names = sim.servers.map((s) => s.serviceName);
    const failing = names[0]!;
    const taskQueue = uniqueTaskQueue('budget-rollback');
    const worker = await createTestWorker(env, { taskQueue, activities: sim.activities });
    const settings = simSettings(taskQueue, SPEED, {
      poll: POLL,
      maxParallel: { count: 1 },
      failureBudget: { count: 0 },
      failurePolicy: 'rollback',
    });
    const report = await worker.runUntil(async () => {
      const campaign = await startCampaign(env, taskQueue, sim.servers, settings);
      // The failing server starts alone (maxParallel 1). The side door tells when its install fails (its
      // download step); it reports after its rollback, a reboot into rescue of 1 to 3 simulated minutes.
      // Widening the concurrency to 3 starts two more servers 150 simulated seconds before that failure: they
      // are installing when the report exceeds the budget, whatever install durations (9 to 13 simulated
      // minutes) the simulator drew, and the fourth never starts.
      const failsAt = await waitForValue(
        () => sim.sim.state.server(failing)?.deployment?.expectedEnd,
        (end): end is string => end !== undefined && end !== null,
        { what: `the failing install of ${failing} to be planned` },
      );
      await waitFor(() => sim.sim.state.now() >= Date.parse(failsAt) - 150_000, {
        what: 'the simulated clock to reach 150 s before the failure',
      });
      expect(await campaign.executeUpdate(setConcurrencyUpdate, { args: [3] })).toBe(3);
      return campaign.result();
    });

    const failedTask = sim.sim.state.server(failing)?.taskIds[0];
    expect(report.finalState).toBe('halted');
    expect(report.reason).toBe('The failure budget is exceeded: 1 server failed, 0 allowed. No new server starts.');
    const rows = report.servers.map(({ serviceName, state, outcome, failureType, message, attempts, deployments }) => ({
      serviceName,
      state,
      outcome,
      failureType,
      message,
      attempts,
      deployments,
    }));
    expect(rows).toEqual([
      {
        serviceName: failing,
        state: 'finished',
        outcome: 'deploy_failed',
        failureType: 'DeployFailed',
        message: `OVH reports that the deployment on ${failing} failed at step 5/9 "Downloading OS image" (task ${failedTask}, customerError): Could not download image: 404 Not Found. Fix the image or the request, then retry the server.`,
        attempts: 1,
        deployments: 1,
      },
      ...names.slice(1, 3).map((serviceName) => ({
        serviceName,
        state: 'finished',
        outcome: 'cancelled',
        failureType: undefined,
        message: CANCELLED,
        attempts: 1,
        deployments: 1,
      })),
      {
        serviceName: names[3],
        state: 'not_started',
        outcome: undefined,
        failureType: undefined,
        message: undefined,
        attempts: 0,
        deployments: undefined,
      },
    ]);
    expect(report.totals).toEqual({
      servers: 4,
      pending: 0,
      running: 0,
      finished: 3,
      notStarted: 1,
      byOutcome: { deploy_failed: 1, cancelled: 2 },
      failures: 1,
      failureBudget: 0,
      apiCalls: expect.any(Number),
    });
    // No install is left running: the cancelled servers' installs ran to their end before the reboot into rescue.
    expect(names.map((sn) => machine(sim, sn))).toEqual([
      { running: 'rescue', installPosts: 1, install: 'customerError' },
      { running: 'rescue', installPosts: 1, install: 'done' },
      { running: 'rescue', installPosts: 1, install: 'done' },
      { running: 'disk', installPosts: 0, install: null },
    ]);
  }, 120_000);

  it('with atClose rollback, rolls a server still installing at the window close back to rescue and redeploys it in the next window', async () => {
    const sim = await openSimulator({ count: 2, speed: SPEED });
    const names = sim.servers.map((s) => s.serviceName);
    const drawn = sim.installDurationsMs();
    // The slower server's first install fails (its download step, at 40 to 50 % of the install), it reboots
    // into rescue (1 to 3 simulated minutes) and is redeployed at once: that second install runs at the close.
    const slowIndex = drawn[0]! >= drawn[1]! ? 0 : 1;
    const slow = names[slowIndex]!;
    const quick = names[1 - slowIndex]!;
    sim.sim.state.injectFaults(`download_fail=${slow}@1`);
    const taskQueue = uniqueTaskQueue('close-rollback');
    const worker = await createTestWorker(env, { taskQueue, activities: sim.activities });
    // Deadlines that hold every drawn install. Both servers are admitted as the first window opens (their
    // deadlines fit, with 2 s to spare for the admission), so it closes 3.5 s after the slower install's
    // duration. The slow server's redeploy has started by then (half an install, then the failure's
    // detection and the reboot: 4 simulated minutes at most) and still runs (it lasts a whole install).
    const deadlines = { installMs: Math.ceil(drawn[slowIndex]! / SPEED) + 500, bootMs: 1000, rollbackMs: 30_000 };
    const expectedMs = deadlines.installMs + deadlines.bootMs;
    const opensAt = Date.now();
    const first = { startMs: opensAt, endMs: opensAt + expectedMs + 2000 };
    // The rollback at the close waits for the running install to end (OVH cannot stop it), then reboots into
    // rescue: 12 s at most. The next window opens after that, so the requeued server is seen waiting in rescue.
    const next = { startMs: first.endMs + 15_000, endMs: first.endMs + 15_000 + expectedMs + 5000 };
    const settings = simSettings(taskQueue, SPEED, {
      poll: POLL,
      deadlines,
      maxParallel: { count: 2 },
      redeployAfterRollback: 1,
      windows: { kind: 'absolute', windows: [first, next] },
      atClose: 'rollback',
    });
    const { between, machinesBetween, report } = await worker.runUntil(async () => {
      const campaign = await startCampaign(env, taskQueue, sim.servers, settings);
      const requeued = await waitForProgress(
        campaign,
        (p) => p.servers[slowIndex]!.state === 'pending' && p.servers[slowIndex]!.attempts === 1,
        'the slow server requeued after its first attempt',
        next.startMs - Date.now(),
      );
      const machines = [quick, slow].map((sn) => machine(sim, sn));
      return { between: requeued, machinesBetween: machines, report: await campaign.result() };
    });

    // Between the windows: the quick server is done, the slow one waits in rescue for the next window.
    expect(between.status).toBe('outside_window');
    expect(between.window).toEqual({ configured: true, open: false, opensAtMs: next.startMs });
    expect(between.servers[1 - slowIndex]).toMatchObject({ serviceName: quick, state: 'finished', outcome: 'done' });
    expect(machinesBetween).toEqual([
      { running: 'disk', installPosts: 1, install: 'done' },
      { running: 'rescue', installPosts: 2, install: 'done' },
    ]);
    const [, redeployAt, nextWindowAt] = installPostTimes(sim, slow);
    expect(redeployAt).toBeLessThan(first.endMs);
    expect(nextWindowAt).toBeGreaterThanOrEqual(next.startMs);

    expect(report.finalState).toBe('done');
    expect(report).not.toHaveProperty('reason');
    expect(
      report.servers.map(({ serviceName, state, outcome, attempts, deployments }) => ({
        serviceName,
        state,
        outcome,
        attempts,
        deployments,
      })),
    ).toEqual(
      names.map((serviceName) => ({
        serviceName,
        state: 'finished',
        outcome: 'done',
        attempts: serviceName === slow ? 2 : 1,
        deployments: 1,
      })),
    );
    expect(report.totals).toEqual({
      servers: 2,
      pending: 0,
      running: 0,
      finished: 2,
      notStarted: 0,
      byOutcome: { done: 2 },
      failures: 0,
      failureBudget: 0,
      apiCalls: expect.any(Number),
    });
    expect([quick, slow].map((sn) => machine(sim, sn))).toEqual([
      { running: 'disk', installPosts: 1, install: 'done' },
      { running: 'disk', installPosts: 3, install: 'done' },
    ]);
  }, 150_000);
});
