import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { reimageServerWorkflow } from '../../src/workflows';
import { serverProgressQuery } from '../../src/shared/campaign-messages';
import type { CampaignSettings, ServerResult } from '../../src/shared/campaign-types';
import { serverWorkflowId } from '../../src/shared/workflow-ids';
import { installProgress } from '../../src/cli/install-steps';
import { createTestWorker, devServerPerFile, uniqueTaskQueue } from '../helpers/temporal';
import { startCampaign, waitForProgress } from './helpers/campaign-driver';
import { waitFor, waitForValue } from '../helpers/wait-for';
import { serverCalls } from '../helpers/server-calls';
import { simSettings, simulatorPerTest, type SimulatedOvh } from './helpers/simulated-ovh';
import { writeTestLog } from '../helpers/test-log';

let env: TestWorkflowEnvironment;
devServerPerFile((connected) => (env = connected));

const openSimulator = simulatorPerTest();

/** Starts reimageServerWorkflow alone (campaign "manual") on `sn`. */
function startServer(sn: string, taskQueue: string, settings: CampaignSettings) {
  return env.client.workflow.start(reimageServerWorkflow, {
    workflowId: serverWorkflowId(sn),
    taskQueue,
    args: [{ campaignId: 'manual', serviceName: sn, attempt: 1, settings }],
  });
}

/** One simulated server at `speed`, a worker on a fresh task queue, and the simulator settings. */
async function oneServer(speed: number) {
  const ovh = await openSimulator({ count: 1, speed });
  const taskQueue = uniqueTaskQueue('flow');
  const sn = ovh.servers[0]!.serviceName;
  const worker = await createTestWorker(env, { taskQueue, activities: ovh.activities });
  return { sim: ovh, taskQueue, sn, worker, settings: simSettings(taskQueue, speed) };
}

/** Runs reimageServerWorkflow on the first simulated server with the simulator settings at `speed`. */
async function reimageFirstServer(sim: SimulatedOvh, speed: number, overrides: Partial<CampaignSettings> = {}) {
  const taskQueue = uniqueTaskQueue('flow');
  const sn = sim.servers[0]!.serviceName;
  const worker = await createTestWorker(env, { taskQueue, activities: sim.activities });
  const result = await worker.runUntil(
    env.client.workflow.execute(reimageServerWorkflow, {
      workflowId: serverWorkflowId(sn),
      taskQueue,
      args: [{ campaignId: 'manual', serviceName: sn, attempt: 1, settings: simSettings(taskQueue, speed, overrides) }],
    }),
  );
  return { sn, result };
}

/**
 * The result's phase spans follow each other from the server's start to its end without a gap, each phase's
 * total matches its duration, and their calls add up to the server's.
 */
function expectContiguousSpans(result: ServerResult): void {
  const spans = result.phases!;
  expect(spans[0]![1]).toBe(0);
  spans.slice(1).forEach(([, start], i) => expect(start).toBe(spans[i]![2]));
  expect(spans.at(-1)![2]).toBe(result.finishedAtMs - result.startedAtMs);
  const totals: Record<string, number> = {};
  for (const [phase, start, end] of spans) totals[phase] = (totals[phase] ?? 0) + end - start;
  expect(totals).toEqual(result.durations);
  expect(spans.reduce((sum, [, , , calls]) => sum + calls, 0)).toBe(result.apiCalls);
}

describe('the reimage flow with the real activities against the OVH simulator', () => {
  it('reimages a server in at most 60 history events for an 11-minute install', async () => {
    const { sim, taskQueue, sn, worker, settings } = await oneServer(2000);
    const handle = await worker.runUntil(async () => {
      const h = await startServer(sn, taskQueue, settings);
      await h.result();
      expect(await h.query(serverProgressQuery)).toMatchObject({ phase: 'finished', result: { outcome: 'done' } });
      return h;
    });
    const result = await handle.result();
    const events = (await handle.fetchHistory()).events?.length ?? 0;
    writeTestLog(`events per server history: ${events}`);
    expect(result).toMatchObject({ serviceName: sn, outcome: 'done', deployments: 1 });
    expect(result.apiCalls).toBeGreaterThan(5);
    expect(Object.keys(result.durations)).toEqual(['preflight', 'starting', 'installing', 'verifying']);
    expectContiguousSpans(result);
    expect(result.phases!.map(([phase]) => phase)).toEqual(['preflight', 'starting', 'installing', 'verifying']);
    expect(events).toBeLessThanOrEqual(60);
    expect(sim.installPosts(sn)).toBe(1);
    expect(sim.running(sn)).toBe('disk');
  });

  it('rolls a failed install back to rescue and reports OVH message', async () => {
    const speed = 2000;
    const ovh = await openSimulator({ count: 1, speed, faults: { 0: ['download_fail'] } });
    const { sn, result } = await reimageFirstServer(ovh, speed);
    expect(result).toMatchObject({ outcome: 'deploy_failed', failureType: 'DeployFailed' });
    expect(result.message).toMatch(/Could not download image/);
    expect(Object.keys(result.durations)).toContain('rolling_back');
    expect(ovh.running(sn)).toBe('rescue');
    expect(ovh.installPosts(sn)).toBe(1);
    // The rollback takes the rescue boot preflight read: the one boot list is preflight's (no boot check ran).
    expect(serverCalls(ovh.sim, sn).filter((call) => call === 'GET /dedicated/server/{serviceName}/boot')).toHaveLength(
      1,
    );
  });

  it('rolls a server whose new OS never answers its boot probe back to rescue as boot_failed', async () => {
    const speed = 2000;
    const ovh = await openSimulator({ count: 1, speed, faults: { 0: ['efi_boot_fail'] } });
    const probeUrl = `https://localhost:${ovh.sim.port}/_sim/probe/{serviceName}`;
    const { sn, result } = await reimageFirstServer(ovh, speed, {
      bootProbe: { type: 'http', url: probeUrl, timeoutMs: 1000 },
      deadlines: { installMs: 60_000, bootMs: 2_000, rollbackMs: 30_000 },
    });
    expect(result).toMatchObject({ outcome: 'boot_failed', failureType: 'BootFailed', deployments: 1 });
    expect(result.message).toMatch(
      new RegExp(
        `^${sn} boots from its disk but its OS did not answer GET https://localhost:${ovh.sim.port}/_sim/probe/${sn} by .+ \\(\\d+ attempts, last: HTTP 503\\)\\. Check efiBootloaderPath`,
      ),
    );
    expect(Object.keys(result.durations)).toEqual(['preflight', 'starting', 'installing', 'verifying', 'rolling_back']);
    expect(ovh.running(sn)).toBe('rescue');
    expect(ovh.installPosts(sn)).toBe(1);
  });

  it('redeploys once after a clean rollback when redeployAfterRollback allows it, and succeeds', async () => {
    const speed = 2000;
    const ovh = await openSimulator({ count: 1, speed });
    // The image download fails on the first install only (a transient fault of the image server).
    ovh.sim.state.injectFaults(`download_fail=${ovh.servers[0]!.serviceName}@1`);
    const { sn, result } = await reimageFirstServer(ovh, speed, { redeployAfterRollback: 1 });
    expect(result).toMatchObject({ outcome: 'done', deployments: 2 });
    expect(result).not.toHaveProperty('message');
    expect(Object.keys(result.durations)).toContain('rolling_back');
    expectContiguousSpans(result);
    expect(result.phases!.map(([phase]) => phase)).toEqual([
      ...['preflight', 'starting', 'installing', 'rolling_back'],
      ...['starting', 'installing', 'verifying'],
    ]);
    expect(ovh.installPosts(sn)).toBe(2);
    expect(ovh.running(sn)).toBe('disk');
    // Preflight's task list is the first start's checkpoint only; the second start lists the tasks itself.
    const installLists = ovh.sim.state
      .requests()
      .filter((entry) => entry.path.endsWith('/task?function=reinstallServer'));
    expect(installLists.map((entry) => entry.path.includes(`/${sn}/`))).toEqual([true, true]);
  });

  it('stops redeploying at redeployAfterRollback and leaves a server that keeps failing in rescue', async () => {
    const speed = 2000;
    const ovh = await openSimulator({ count: 1, speed, faults: { 0: ['download_fail'] } });
    const { sn, result } = await reimageFirstServer(ovh, speed, { redeployAfterRollback: 1 });
    expect(result).toMatchObject({ outcome: 'deploy_failed', failureType: 'DeployFailed', deployments: 2 });
    expect(result.message).toMatch(/Could not download image/);
    expect(ovh.installPosts(sn)).toBe(2);
    expect(ovh.running(sn)).toBe('rescue');
  });

  it('with poll.stepEvery, shows the install step i of N of a server that is installing', async () => {
    // Slow enough for the SDK's heartbeat throttling (0.8 x the 30 s heartbeat timeout) to deliver a beat.
    const { taskQueue, sn, worker, settings } = await oneServer(15);
    const step = await worker.runUntil(async () => {
      const handle = await startServer(sn, taskQueue, { ...settings, poll: { ...settings.poll, stepEvery: 1 } });
      const seen = await waitForValue(
        async () => (await installProgress(env.client, sn))?.step,
        (value): value is NonNullable<typeof value> => value !== undefined,
        { what: `the install step of ${sn} in its progress`, timeoutMs: 60_000, everyMs: 250 },
      );
      await handle.terminate('the test has seen what it needs');
      return seen;
    });
    expect(step).toEqual({ index: expect.any(Number), total: expect.any(Number), name: expect.any(String) });
    expect(step.index).toBeGreaterThanOrEqual(1);
    expect(step.index).toBeLessThanOrEqual(step.total);
  });

  it('records a server already being reimaged as locked, without a second install', async () => {
    const speed = 300;
    const ovh = await openSimulator({ count: 2, speed });
    const taskQueue = uniqueTaskQueue('flow');
    const [busy, free] = ovh.servers.map((s) => s.serviceName) as [string, string];
    const worker = await createTestWorker(env, { taskQueue, activities: ovh.activities });
    const settings = simSettings(taskQueue, speed);
    const report = await worker.runUntil(async () => {
      const first = await env.client.workflow.start(reimageServerWorkflow, {
        workflowId: serverWorkflowId(busy),
        taskQueue,
        args: [{ campaignId: 'manual', serviceName: busy, attempt: 1, settings }],
      });
      const campaign = await startCampaign(env, taskQueue, ovh.servers, settings);
      const out = await campaign.result();
      await first.result();
      return out;
    });
    expect(report.servers[0]).toEqual({
      serviceName: busy,
      state: 'finished',
      outcome: 'skipped',
      failureType: 'ServerLocked',
      message: `The server is locked by reimage/${busy}: another campaign or a manual run is reimaging it, so this campaign did not touch it. Retry it once that workflow has ended.`,
      attempts: 1,
      deployments: 0,
      apiCalls: 0,
      serverDurationMs: 0,
    });
    expect(report.servers[1]).toMatchObject({ serviceName: free, outcome: 'done' });
    expect(ovh.installPosts(busy)).toBe(1);
  });

  it('cancelling the campaign rolls back every in-flight server', async () => {
    const speed = 150;
    const ovh = await openSimulator({ count: 4, speed });
    const taskQueue = uniqueTaskQueue('flow');
    const worker = await createTestWorker(env, { taskQueue, activities: ovh.activities });
    const settings = simSettings(taskQueue, speed, { maxParallel: { count: 3 } });
    const report = await worker.runUntil(async () => {
      const campaign = await startCampaign(env, taskQueue, ovh.servers, settings);
      await waitForProgress(campaign, (p) => p.totals.running === 3);
      for (const s of ovh.servers.slice(0, 3)) {
        await waitFor(
          async () =>
            (await env.client.workflow.getHandle(serverWorkflowId(s.serviceName)).query(serverProgressQuery)).phase ===
            'installing',
          // Until its workflow has started, the query fails: not yet.
          { what: `${s.serviceName} to be installing`, ignoreErrors: true },
        );
      }
      await campaign.cancel();
      return campaign.result();
    });
    expect(report.finalState).toBe('cancelled');
    expect(report.reason).toBe('The campaign workflow was cancelled: servers in flight roll back to rescue.');
    expect(report.servers.map((s) => s.outcome ?? s.state)).toEqual([
      'cancelled',
      'cancelled',
      'cancelled',
      'not_started',
    ]);
    for (const s of ovh.servers.slice(0, 3)) {
      expect(ovh.running(s.serviceName)).toBe('rescue');
      expect(ovh.installPosts(s.serviceName)).toBe(1);
    }
    expect(ovh.installPosts(ovh.servers[3]!.serviceName)).toBe(0);
  });

  it('completes after the worker is stopped mid-install and restarted, with one install POST per server', async () => {
    const speed = 200;
    const ovh = await openSimulator({ count: 3, speed });
    const taskQueue = uniqueTaskQueue('flow');
    const settings = simSettings(taskQueue, speed, { maxParallel: { count: 3 } });
    const first = await createTestWorker(env, { taskQueue, activities: ovh.activities });
    const campaign = await first.runUntil(async () => {
      const h = await startCampaign(env, taskQueue, ovh.servers, settings);
      await waitForProgress(h, (p) => p.totals.running === 3);
      await waitFor(() => ovh.servers.every((s) => ovh.sim.state.server(s.serviceName)?.deployment !== null), {
        what: 'an install running on every server of the simulator',
      });
      return h;
    });
    const second = await createTestWorker(env, { taskQueue, activities: ovh.activities });
    const report = await second.runUntil(campaign.result());
    expect(report.finalState).toBe('done');
    expect(report.totals.byOutcome).toEqual({ done: 3 });
    for (const s of ovh.servers) expect(ovh.installPosts(s.serviceName)).toBe(1);
  });
});
