/**
 * Two campaigns naming the same server, with the real activities against the OVH simulator: the server's
 * workflow ID is its lock, and a campaign cancels only the server workflows it started itself, by run ID.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import type { CampaignReport, ServerReportRow } from '../../src/shared/campaign-report-types';
import { campaignWorkflowId, serverWorkflowId } from '../../src/shared/workflow-ids';
import { createTestWorker, devServerPerFile, uniqueTaskQueue } from '../helpers/temporal';
import { startCampaign, type CampaignHandle } from './helpers/campaign-driver';
import { waitFor, waitForValue } from '../helpers/wait-for';
import { simSettings, simulatedOvh, type SimulatedOvh } from './helpers/simulated-ovh';

let env: TestWorkflowEnvironment;
let ovh: SimulatedOvh | undefined;
devServerPerFile((connected) => (env = connected));
afterEach(async () => {
  await ovh?.close();
  ovh = undefined;
});

/** Simulator settings with real-time polls: at speed 1, A notices its install's end soon after the clock jumps. */
function settings(taskQueue: string, speed = 1) {
  return simSettings(taskQueue, speed, {
    poll: { minMs: 100, maxMs: 500 },
    deadlines: { installMs: 120_000, bootMs: 30_000, rollbackMs: 30_000 },
  });
}

const { WorkflowTaskFailedCause } = temporal.api.enums.v1;

/** The cause of the campaign's first failed workflow task, if any. */
async function failedTaskCause(handle: CampaignHandle): Promise<string | undefined> {
  const events = (await handle.fetchHistory()).events ?? [];
  // UnhandledCommand is the server asking for the task again because a new event arrived meanwhile.
  const failed = events.find(
    (event) =>
      event.workflowTaskFailedEventAttributes &&
      event.workflowTaskFailedEventAttributes.cause !==
        WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND,
  );
  return failed ? (failed.workflowTaskFailedEventAttributes?.failure?.message ?? 'no message') : undefined;
}

/**
 * The campaign's report. A failed workflow task fails the test with its cause at once: the campaign would
 * retry that task forever and never report.
 */
async function reportOf(handle: CampaignHandle): Promise<CampaignReport> {
  const report = handle.result();
  let settled = false;
  void report.then(
    () => (settled = true),
    () => (settled = true),
  );
  const cause = await waitForValue(
    async () => (settled ? undefined : failedTaskCause(handle)),
    (failure) => settled || failure !== undefined,
    { what: `${handle.workflowId} to report, or one of its workflow tasks to fail`, timeoutMs: 50_000, everyMs: 100 },
  );
  if (cause !== undefined) throw new Error(`A workflow task of ${handle.workflowId} failed: ${cause}`);
  return report;
}

/**
 * Starts a campaign whose cancellation is already requested when its first workflow task runs: that task
 * sends the start of its first server and handles the cancel, so the cancel comes before the confirmation.
 */
async function campaignCancelledAtStart(sim: SimulatedOvh, speed?: number): Promise<CampaignReport> {
  const taskQueue = uniqueTaskQueue('lock-b');
  const handle = await startCampaign(env, taskQueue, sim.servers, settings(taskQueue, speed));
  await handle.cancel();
  const worker = await createTestWorker(env, { taskQueue, activities: sim.activities });
  return worker.runUntil(reportOf(handle));
}

/** The history of the run that holds `serviceName`'s workflow ID now. */
async function serverHistory(serviceName: string) {
  return (await env.client.workflow.getHandle(serverWorkflowId(serviceName)).fetchHistory()).events ?? [];
}

/** Checks that the campaign ended cancelled by its workflow's cancellation; returns its one server's row. */
function onlyRowOfCancelled(report: CampaignReport): ServerReportRow {
  expect({ finalState: report.finalState, reason: report.reason, servers: report.servers.length }).toEqual({
    finalState: 'cancelled',
    reason: 'The campaign workflow was cancelled: servers in flight roll back to rescue.',
    servers: 1,
  });
  return report.servers[0]!;
}

describe('a campaign cancelled before its start of a server is confirmed', () => {
  it('leaves the install of the campaign holding the server untouched and skips the server as locked', async () => {
    // Speed 1: the install lasts simulated minutes, so A holds the lock until the test advances the clock.
    const sim = (ovh = await simulatedOvh({ count: 1, speed: 1 }));
    const sn = sim.servers[0]!.serviceName;
    const queueA = uniqueTaskQueue('lock-a');
    const workerA = await createTestWorker(env, { taskQueue: queueA, activities: sim.activities });
    const { a, b } = await workerA.runUntil(async () => {
      const handleA = await startCampaign(env, queueA, sim.servers, settings(queueA));
      await waitFor(async () => sim.installPosts(sn) === 1, { what: `one install POST for ${sn}` });
      const b = await campaignCancelledAtStart(sim);
      sim.sim.state.advance(3 * 3600);
      return { a: await handleA.result(), b };
    });
    expect(onlyRowOfCancelled(b)).toEqual({
      serviceName: sn,
      state: 'finished',
      outcome: 'skipped',
      failureType: 'ServerLocked',
      message: `The server is locked by reimage/${sn}: another campaign or a manual run is reimaging it, so this campaign did not touch it. Retry it once that workflow has ended.`,
      attempts: 1,
      deployments: 0,
      apiCalls: 0,
      serverDurationMs: 0,
    });
    expect(a.finalState).toBe('done');
    expect(a.servers.map((row) => [row.serviceName, row.outcome, row.deployments])).toEqual([[sn, 'done', 1]]);
    expect((await serverHistory(sn)).filter((e) => e.workflowExecutionCancelRequestedEventAttributes)).toEqual([]);
    expect(sim.installPosts(sn)).toBe(1);
    expect(sim.running(sn)).toBe('disk');
  });

  it('cancels the server workflow it started by run ID once the start is confirmed', async () => {
    const sim = (ovh = await simulatedOvh({ count: 1, speed: 2000 }));
    const sn = sim.servers[0]!.serviceName;
    const report = await campaignCancelledAtStart(sim, 2000);
    expect(onlyRowOfCancelled(report)).toMatchObject({
      serviceName: sn,
      outcome: 'cancelled',
      message: 'The reimage was cancelled (campaign cancel, window close or budget rollback).',
    });
    const { runId } = await env.client.workflow.getHandle(serverWorkflowId(sn)).describe();
    const campaign = await env.client.workflow.getHandle(campaignWorkflowId(report.campaignId)).fetchHistory();
    const cancels = (campaign.events ?? []).flatMap((e) => {
      const execution = e.requestCancelExternalWorkflowExecutionInitiatedEventAttributes?.workflowExecution;
      return execution ? [{ workflowId: execution.workflowId, runId: execution.runId }] : [];
    });
    expect(cancels).toEqual([{ workflowId: serverWorkflowId(sn), runId }]);
  });
});
