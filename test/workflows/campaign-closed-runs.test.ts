/**
 * A server run that closes without reporting (terminated mid-install), with the real activities against
 * the OVH simulator on the dev server: the campaign notices it by its run ID, records the server
 * `run_closed` (counted against the failure budget) and ends, whether the run was started by the current
 * campaign run or carried across continue-as-new (noticed by a cancel, a periodic check, or released by an
 * operator).
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  campaignProgressQuery,
  cancelCampaignSignal,
  releaseServerUpdate,
  setConcurrencyUpdate,
} from '../../src/shared/campaign-messages';
import type { CampaignSettings } from '../../src/shared/campaign-types';
import { isPendingTaskStatus } from '../../src/ovh/schemas';
import { serverWorkflowId } from '../../src/shared/workflow-ids';
import { createTestWorker, devServerPerFile, uniqueTaskQueue } from '../helpers/temporal';
import { waitFor, waitForValue } from '../helpers/wait-for';
import { startCampaign, type CampaignHandle } from './helpers/campaign-driver';
import { simSettings, simulatorPerTest, type SimulatedOvh } from './helpers/simulated-ovh';

/** Simulated seconds per real second: an install (9 to 13 simulated minutes) takes 18 to 26 s. */
const SPEED = 30;
const POLL = { minMs: 250, maxMs: 500 };
/**
 * The first server's install never ends, so its run is still installing whenever the test terminates it,
 * however long a loaded runner takes to get there.
 */
const HANGS_FIRST = { 0: ['never_ends'] };

let env: TestWorkflowEnvironment;
devServerPerFile((connected) => (env = connected));

const openSimulator = simulatorPerTest();

function closedRunMessage(serviceName: string, runId: string, how: string): string {
  return `The server's workflow run ${serverWorkflowId(serviceName)} (run ${runId}) closed without reporting an outcome (${how}): it was terminated, reset or timed out, so the server may be mid-install or in any state. Check it in the OVH control panel, then retry it or put it back by hand.`;
}

/** Terminates the server's run once OVH received its install POST; returns the run's ID. */
async function terminateMidInstall(sim: SimulatedOvh, serviceName: string): Promise<string> {
  await waitFor(() => sim.installPosts(serviceName) === 1, { what: `the install POST of ${serviceName}` });
  const run = env.client.workflow.getHandle(serverWorkflowId(serviceName));
  const { runId } = await run.describe();
  await run.terminate('An operator ended the run by hand.');
  return runId;
}

/**
 * A campaign whose first run continues as new once its first server's run started: the run is past its
 * (tiny) event threshold then, and an update wakes it up to notice.
 */
async function carriedCampaign(sim: SimulatedOvh, taskQueue: string, settings: CampaignSettings) {
  const campaign = await startCampaign(env, taskQueue, sim.servers, { ...settings, continueAsNewAfterEvents: 10 });
  const first = env.client.workflow.getHandle(serverWorkflowId(sim.servers[0]!.serviceName));
  await waitFor(async () => (await first.describe().catch(() => undefined))?.status.name === 'RUNNING', {
    what: 'the first server run started',
  });
  // Each update wakes the run to look at its history length, which grows with the update's own events: the
  // run continues as new at the first wake past the threshold.
  await waitForValue(
    async () => {
      await campaign.executeUpdate(setConcurrencyUpdate, { args: [1] });
      return campaign.query(campaignProgressQuery);
    },
    (p) => p.run >= 2,
    { what: `${campaign.workflowId}: the second run`, everyMs: 250, show: (p) => ({ ...p, servers: undefined }) },
  );
  return campaign;
}

function rowsOf(report: Awaited<ReturnType<CampaignHandle['result']>>) {
  return report.servers.map(({ serviceName, state, outcome, failureType, message }) => ({
    serviceName,
    state,
    outcome,
    failureType,
    message,
  }));
}

describe('server runs that close without reporting', () => {
  it('records a server whose run is terminated mid-install run_closed at once, and halts on the failure budget', async () => {
    const sim = await openSimulator({ count: 2, speed: SPEED, faults: HANGS_FIRST });
    const [first, second] = sim.servers.map((s) => s.serviceName) as [string, string];
    const taskQueue = uniqueTaskQueue('terminated-run');
    const worker = await createTestWorker(env, { taskQueue, activities: sim.activities });
    const settings = simSettings(taskQueue, SPEED, {
      poll: POLL,
      maxParallel: { count: 1 },
      failureBudget: { count: 0 },
    });
    const { report, runId } = await worker.runUntil(async () => {
      const campaign = await startCampaign(env, taskQueue, sim.servers, settings);
      const terminated = await terminateMidInstall(sim, first);
      return { report: await campaign.result(), runId: terminated };
    });

    expect(report.finalState).toBe('halted');
    expect(report.reason).toBe('The failure budget is exceeded: 1 server failed, 0 allowed. No new server starts.');
    expect(rowsOf(report)).toEqual([
      {
        serviceName: first,
        state: 'finished',
        outcome: 'run_closed',
        failureType: 'RunClosed',
        message: closedRunMessage(first, runId, 'seen when it closed'),
      },
      { serviceName: second, state: 'not_started', outcome: undefined, failureType: undefined, message: undefined },
    ]);
    expect(report.totals).toMatchObject({ byOutcome: { run_closed: 1 }, failures: 1 });
    // Nothing rolled the server back: its install runs on at OVH, for the person the report calls.
    expect(isPendingTaskStatus(sim.sim.state.server(first)?.deployment?.status ?? 'none')).toBe(true);
  }, 120_000);

  it('after continue-as-new, a cancel finds the terminated run closed, records it run_closed and the campaign ends cancelled with its report', async () => {
    const sim = await openSimulator({ count: 1, speed: SPEED, faults: HANGS_FIRST });
    const [server] = sim.servers.map((s) => s.serviceName) as [string];
    const taskQueue = uniqueTaskQueue('carried-terminated-run');
    const worker = await createTestWorker(env, { taskQueue, activities: sim.activities });
    const settings = simSettings(taskQueue, SPEED, { poll: POLL });
    const { report, runId } = await worker.runUntil(async () => {
      const campaign = await carriedCampaign(sim, taskQueue, settings);
      const terminated = await terminateMidInstall(sim, server);
      await campaign.signal(cancelCampaignSignal);
      return { report: await campaign.result(), runId: terminated };
    });

    expect(report.finalState).toBe('cancelled');
    expect(report.runs).toBeGreaterThan(1);
    expect(rowsOf(report)).toEqual([
      {
        serviceName: server,
        state: 'finished',
        outcome: 'run_closed',
        failureType: 'RunClosed',
        message: closedRunMessage(server, runId, 'seen when the campaign cancelled it'),
      },
    ]);
    expect(report.totals).toMatchObject({ byOutcome: { run_closed: 1 }, failures: 1 });
  }, 120_000);

  it('releases a server whose terminated run was carried across continue-as-new, and the campaign goes on to the end', async () => {
    const sim = await openSimulator({ count: 2, speed: SPEED, faults: HANGS_FIRST });
    const [released, next] = sim.servers.map((s) => s.serviceName) as [string, string];
    const taskQueue = uniqueTaskQueue('released-run');
    const worker = await createTestWorker(env, { taskQueue, activities: sim.activities });
    const settings = simSettings(taskQueue, SPEED, {
      poll: POLL,
      maxParallel: { count: 1 },
      failureBudget: { count: 1 },
    });
    const { report, runId, answer } = await worker.runUntil(async () => {
      const campaign = await carriedCampaign(sim, taskQueue, settings);
      const terminated = await terminateMidInstall(sim, released);
      const releasedAs = await campaign.executeUpdate(releaseServerUpdate, { args: [released] });
      return { report: await campaign.result(), runId: terminated, answer: releasedAs };
    });

    expect(answer).toBe('run_closed');
    expect(report.finalState).toBe('done');
    expect(rowsOf(report)).toEqual([
      {
        serviceName: released,
        state: 'finished',
        outcome: 'run_closed',
        failureType: 'RunClosed',
        message: closedRunMessage(released, runId, 'an operator released it'),
      },
      { serviceName: next, state: 'finished', outcome: 'done', failureType: undefined, message: undefined },
    ]);
    expect(report.totals).toMatchObject({ byOutcome: { run_closed: 1, done: 1 }, failures: 1 });
  }, 120_000);

  it('notices a terminated run carried across continue-as-new by its periodic check, and the campaign ends', async () => {
    const sim = await openSimulator({ count: 1, speed: SPEED, faults: HANGS_FIRST });
    const [server] = sim.servers.map((s) => s.serviceName) as [string];
    const taskQueue = uniqueTaskQueue('checked-run');
    const worker = await createTestWorker(env, { taskQueue, activities: sim.activities });
    const settings = simSettings(taskQueue, SPEED, { poll: POLL, runCheckEveryMs: 1000 });
    const { report, runId } = await worker.runUntil(async () => {
      const campaign = await carriedCampaign(sim, taskQueue, settings);
      const terminated = await terminateMidInstall(sim, server);
      return { report: await campaign.result(), runId: terminated };
    });

    expect(report.finalState).toBe('halted');
    expect(rowsOf(report)).toEqual([
      {
        serviceName: server,
        state: 'finished',
        outcome: 'run_closed',
        failureType: 'RunClosed',
        message: closedRunMessage(server, runId, 'a periodic check found it closed'),
      },
    ]);
    expect(report.totals).toMatchObject({ byOutcome: { run_closed: 1 }, failures: 1 });
  }, 120_000);
});
