/**
 * Lifecycle hooks in campaigns on the dev server, with the real activities against the OVH simulator: webhook
 * hooks to the load-balancer pool service and a recording receiver (HTTPS, test CA), and workflow hooks run by
 * the sample hook worker of examples/hooks/ on a task queue of its own. Each semantic of the hooks has its test:
 * the order around the wipe and the boot, once per attempt across replays, a refused beforeWipe, a failed
 * afterBoot, afterRollback and its recorded failure, and cancels during a hook and during the install.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createPoolActivities } from '../../examples/hooks/activities';
import { NOTIFY_EVENTS, type HooksSpec } from '../../src/domain/hooks';
import type { CampaignEvent } from '../../src/shared/campaign-events';
import type { CampaignReport } from '../../src/shared/campaign-report-types';
import type { CampaignSettings } from '../../src/shared/campaign-types';
import { approveNextWaveUpdate, retryServerUpdate, serverProgressQuery } from '../../src/shared/campaign-messages';
import { serverWorkflowId } from '../../src/shared/workflow-ids';
import { startHookReceiver, type HookReceiver } from '../../testkit/hook-receiver';
import { startLbPool, type LbPool } from '../../testkit/lb-pool';
import { testCa } from '../helpers/simulator';
import { createTestWorker, devServerPerFile, uniqueTaskQueue } from '../helpers/temporal';
import { waitFor } from '../helpers/wait-for';
import { startCampaign, type CampaignHandle } from './helpers/campaign-driver';
import { simSettings, simulatorPerTest, type SimulatedOvh } from './helpers/simulated-ovh';

/** An install of 9 to 13 simulated minutes lasts 0.3 to 0.4 s. */
const SPEED = 2000;
const SECRET = 'pool-signing-key';
const NOT_BACK =
  'The new OS is installed and booted (no rollback), but the server is not back in service: put it back by hand.';

let env: TestWorkflowEnvironment;
devServerPerFile((connected) => (env = connected));
const openSimulator = simulatorPerTest();

let receiver: HookReceiver;
let pool: LbPool;
let hookBundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  const ca = testCa();
  [receiver, pool, hookBundle] = await Promise.all([
    startHookReceiver(ca),
    startLbPool(ca, [], SECRET),
    bundleWorkflowCode({ workflowsPath: require.resolve('../../examples/hooks/workflows'), logger: quietBundler }),
  ]);
});
afterAll(() => Promise.all([receiver.close(), pool.close()]));
beforeEach(() => {
  receiver.deliveries.length = 0;
  receiver.answer(() => 200);
});

const quietBundler = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** A simulated fleet whose worker may call the receiver and the pool, with HOOK_SECRET in its environment. */
function fleet(count: number, options: { speed?: number; faults?: Record<number, string[]> } = {}) {
  return openSimulator({
    count,
    speed: options.speed ?? SPEED,
    ...(options.faults ? { faults: options.faults } : {}),
    deps: {
      env: { HOOK_SECRET: SECRET },
      grant: { names: ['HOOK_SECRET'], withheld: [] },
      hookHosts: [receiver.host, pool.host],
    },
  });
}

/** Every hook a webhook to the receiver: /lb (beforeWipe, `beforeWipeMs` to answer), /boot, /tickets. */
function receiverHooks(beforeWipeMs = 10_000): HooksSpec {
  return {
    beforeWipe: { kind: 'webhook', url: receiver.url('/lb'), timeoutMs: beforeWipeMs },
    afterBoot: { kind: 'webhook', url: receiver.url('/boot'), timeoutMs: 10_000 },
    afterRollback: { kind: 'webhook', url: receiver.url('/tickets'), timeoutMs: 10_000 },
  };
}

interface Run {
  campaignId: string;
  hookQueue: string;
  report: CampaignReport;
}

/**
 * Runs a campaign of `sim`'s servers with `hooks(hookQueue)`, the project's worker and the sample hook worker
 * (on `hookQueue`) both polling; `during` runs once the campaign started.
 */
async function runCampaign(
  sim: SimulatedOvh,
  hooks: (hookQueue: string) => HooksSpec,
  options: { settings?: Partial<CampaignSettings>; during?: (campaign: CampaignHandle) => Promise<void> } = {},
): Promise<Run> {
  const taskQueue = uniqueTaskQueue('hooks');
  const hookQueue = uniqueTaskQueue('k8s-ops');
  const worker = await createTestWorker(env, { taskQueue, activities: sim.activities });
  const hookWorker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: hookQueue,
    workflowBundle: hookBundle,
    activities: createPoolActivities(pool.url),
  });
  const settings = simSettings(taskQueue, SPEED, { hooks: hooks(hookQueue), ...options.settings });
  const report = await hookWorker.runUntil(
    worker.runUntil(async () => {
      const campaign = await startCampaign(env, taskQueue, sim.servers, settings);
      await options.during?.(campaign);
      return campaign.result();
    }),
  );
  return { campaignId: taskQueue, hookQueue, report };
}

/** Activities and child workflows a server workflow scheduled, in history order (local reads are markers). */
async function stepsOf(serviceName: string): Promise<string[]> {
  const history = await env.client.workflow.getHandle(serverWorkflowId(serviceName)).fetchHistory();
  return (history.events ?? []).flatMap((event) => {
    const activity = event.activityTaskScheduledEventAttributes?.activityType?.name;
    const child = event.startChildWorkflowExecutionInitiatedEventAttributes?.workflowType?.name;
    return activity ? [activity] : child ? [`child ${child}`] : [];
  });
}

/** The message an update was refused with. */
async function updateRefusal(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  return ((err as WorkflowUpdateFailedError).cause as Error).message;
}

/** OVH calls that change something (anything but a GET) made on `serviceName`. */
function writes(sim: SimulatedOvh, serviceName: string): string[] {
  return sim.sim.state
    .requests()
    .filter((entry) => entry.method !== 'GET' && entry.path.includes(`/${serviceName}`))
    .map((entry) => `${entry.method} ${entry.path}`);
}

function rows(report: CampaignReport) {
  return report.servers.map(({ serviceName, outcome, failureType, message, deployments }) => ({
    serviceName,
    outcome,
    failureType,
    message,
    deployments,
  }));
}

describe('lifecycle hooks in a campaign', () => {
  it('drains each server before its wipe and puts it back after its boot, each hook once per attempt across replays', async () => {
    const sim = await fleet(1);
    const names = sim.servers.map((s) => s.serviceName);
    for (const name of names) pool.members.add(name);
    const { campaignId, hookQueue, report } = await runCampaign(sim, (queue) => ({
      beforeWipe: { kind: 'webhook', url: `${pool.url}/hooks`, secret: '${HOOK_SECRET}', timeoutMs: 10_000 },
      afterBoot: { kind: 'workflow', workflowType: 'undrainNode', taskQueue: queue, timeoutMs: 60_000 },
    }));

    expect(report.finalState).toBe('done');
    expect(rows(report).map((row) => row.outcome)).toEqual(['done']);
    for (const name of names) {
      expect(await stepsOf(name)).toEqual([
        'callWebhookHook',
        'startDeployment',
        'waitForDeployment',
        'verifyBoot',
        'child undrainNode',
      ]);
      const child = await env.client.workflow.getHandle(`hook/${campaignId}/${name}/1/afterBoot`).describe();
      expect({ type: child.type, taskQueue: child.taskQueue, status: child.status.name }).toEqual({
        type: 'undrainNode',
        taskQueue: hookQueue,
        status: 'COMPLETED',
      });
    }
    // The pool checked each signature, took each server out once (one delivery each) and has both back.
    expect([...pool.drained].filter((name) => names.includes(name)).sort()).toEqual([...names].sort());
    expect(pool.deliveries.filter((id) => id.startsWith(`${campaignId}/`)).sort()).toEqual(
      names.map((name) => `${campaignId}/${name}/1/beforeWipe`).sort(),
    );
    expect(names.every((name) => pool.members.has(name))).toBe(true);
    // A worker without a cache (as after a crash) replays each server's whole history to answer a query: the
    // hooks recorded there are not called again.
    const fresh = await createTestWorker(env, {
      taskQueue: campaignId,
      activities: sim.activities,
      maxCachedWorkflows: 0,
    });
    const phases = await fresh.runUntil(
      Promise.all(
        names.map((name) => env.client.workflow.getHandle(serverWorkflowId(name)).query(serverProgressQuery)),
      ),
    );
    expect(phases.map((progress) => progress.result?.outcome)).toEqual(['done']);
    expect(pool.deliveries.filter((id) => id.startsWith(`${campaignId}/`))).toHaveLength(names.length);
  });

  it('leaves a server whose beforeWipe hook refuses untouched, as hook_failed against the failure budget', async () => {
    receiver.answer(() => ({ status: 403, body: 'drain refused: last healthy node' }));
    const sim = await fleet(2);
    const [first, second] = sim.servers.map((s) => s.serviceName) as [string, string];
    const { report } = await runCampaign(sim, () => receiverHooks(), {
      settings: { maxParallel: { count: 1 }, failureBudget: { count: 0 } },
    });

    expect(report.finalState).toBe('halted');
    expect(report.reason).toBe('The failure budget is exceeded: 1 server failed, 0 allowed. No new server starts.');
    expect(rows(report)).toEqual([
      {
        serviceName: first,
        outcome: 'hook_failed',
        failureType: 'HookFailed',
        message: `The beforeWipe hook (webhook) failed: POST ${receiver.url('/lb')} was refused with HTTP 403 ("drain refused: last healthy node"); a 4xx answer is not retried. The server was not touched.`,
        deployments: 0,
      },
      { serviceName: second, outcome: undefined, failureType: undefined, message: undefined, deployments: undefined },
    ]);
    expect(report.totals.failures).toBe(1);
    expect(writes(sim, first)).toEqual([]);
    expect(receiver.deliveries.map((d) => `${d.path} ${d.deliveryId}`)).toEqual([
      `/lb ${report.campaignId}/${first}/1/beforeWipe`,
    ]);
  });

  it('keeps the install of a server whose afterBoot hook fails, without rollback, reported not back in service', async () => {
    const sim = await fleet(1);
    const name = sim.servers[0]!.serviceName;
    pool.refuse.add(name);
    const { hookQueue, report } = await runCampaign(sim, (queue) => ({
      afterBoot: { kind: 'workflow', workflowType: 'undrainNode', taskQueue: queue, timeoutMs: 60_000 },
      afterRollback: { kind: 'webhook', url: receiver.url('/tickets'), timeoutMs: 10_000 },
    }));

    expect(rows(report)).toEqual([
      {
        serviceName: name,
        outcome: 'hook_failed',
        failureType: 'HookFailed',
        message: `The afterBoot hook (workflow undrainNode on task queue ${hookQueue}) failed: PUT ${pool.url}/members/${name} answered HTTP 409: ${name} failed the pool's health check. ${NOT_BACK}`,
        deployments: 1,
      },
    ]);
    expect(report.totals.failures).toBe(1);
    expect(sim.running(name)).toBe('disk');
    expect(writes(sim, name)).toEqual([`POST /1.0/dedicated/server/${name}/reinstall`]);
    expect(receiver.deliveries).toEqual([]);
  });

  it('runs afterRollback with the outcome after a rollback, and records its failure without changing the outcome', async () => {
    receiver.answer((_delivery, nth) => (nth === 0 ? 503 : { status: 422, body: 'no ticket queue for this rack' }));
    const sim = await fleet(1, { faults: { 0: ['download_fail'] } });
    const name = sim.servers[0]!.serviceName;
    const { campaignId, report } = await runCampaign(sim, () => ({
      afterBoot: { kind: 'webhook', url: receiver.url('/boot'), timeoutMs: 10_000 },
      afterRollback: { kind: 'webhook', url: receiver.url('/tickets'), timeoutMs: 10_000 },
    }));

    const tries = receiver.to('/tickets');
    expect(tries).toHaveLength(2);
    const payload = JSON.parse(tries[0]!.body) as { message: string };
    expect(payload).toEqual({
      event: 'afterRollback',
      deliveryId: `${campaignId}/${name}/1/afterRollback/1`,
      campaignId,
      server: { serviceName: name },
      attempt: 1,
      outcome: 'deploy_failed',
      message: expect.stringMatching(new RegExp(`^OVH reports that the deployment on ${name} failed at step`)),
    });
    expect(tries.map((d) => d.deliveryId)).toEqual(Array(2).fill(`${campaignId}/${name}/1/afterRollback/1`));
    expect(rows(report)).toEqual([
      {
        serviceName: name,
        outcome: 'deploy_failed',
        failureType: 'DeployFailed',
        message: `${payload.message} The afterRollback hook (webhook) failed: POST ${receiver.url('/tickets')} was refused with HTTP 422 ("no ticket queue for this rack"); a 4xx answer is not retried.`,
        deployments: 1,
      },
    ]);
    expect(sim.running(name)).toBe('rescue');
    expect(receiver.to('/boot')).toEqual([]);
  });

  it('stops at a cancel during beforeWipe: the request is abandoned, no other hook runs, the server is untouched', async () => {
    receiver.answer((delivery) => (delivery.path === '/lb' ? 'hang' : 200));
    const sim = await fleet(1);
    const name = sim.servers[0]!.serviceName;
    const { report } = await runCampaign(sim, () => receiverHooks(60_000), {
      during: async (campaign) => {
        await waitFor(() => receiver.to('/lb').length === 1, { what: 'the beforeWipe hook to be called' });
        await campaign.cancel();
      },
    });

    expect(report.finalState).toBe('cancelled');
    expect(rows(report).map(({ outcome, deployments }) => ({ outcome, deployments }))).toEqual([
      { outcome: 'cancelled', deployments: 0 },
    ]);
    await waitFor(() => receiver.to('/lb')[0]!.abandoned, { what: 'the beforeWipe request to be abandoned' });
    expect(receiver.deliveries.map((d) => d.path)).toEqual(['/lb']);
    expect(writes(sim, name)).toEqual([]);
  });

  it('after a cancel during the install, rolls back and runs afterRollback only', async () => {
    const speed = 200;
    const sim = await fleet(1, { speed });
    const name = sim.servers[0]!.serviceName;
    const { report } = await runCampaign(sim, () => receiverHooks(), {
      settings: { poll: { minMs: 100, maxMs: 500 } },
      during: async (campaign) => {
        await waitFor(() => sim.installPosts(name) === 1, { what: 'the install to start' });
        await campaign.cancel();
      },
    });

    expect(rows(report).map(({ outcome, deployments }) => ({ outcome, deployments }))).toEqual([
      { outcome: 'cancelled', deployments: 1 },
    ]);
    expect(receiver.deliveries.map((d) => d.path)).toEqual(['/lb', '/tickets']);
    expect(JSON.parse(receiver.to('/tickets')[0]!.body)).toMatchObject({
      event: 'afterRollback',
      outcome: 'cancelled',
    });
    expect(sim.running(name)).toBe('rescue');
  });

  it('with atClose rollback, ends a server whose window closes during afterBoot cancelled with its install kept, never wiped again in the next window', async () => {
    receiver.answer((delivery) => (delivery.path === '/boot' ? 'hang' : 200));
    const sim = await fleet(1);
    const name = sim.servers[0]!.serviceName;
    // The server fits the first window (its deadlines, 7 s, with 23 s to spare for the workers' start and the
    // admission); its afterBoot hook hangs past that window's close, and a second window opens 5 s later.
    const deadlines = { installMs: 5000, bootMs: 2000, rollbackMs: 10_000 };
    const opensAt = Date.now();
    const first = { startMs: opensAt, endMs: opensAt + 30_000 };
    const next = { startMs: first.endMs + 5000, endMs: first.endMs + 25_000 };
    // The afterBoot hook's own timeout (2 minutes) is far past the window's close.
    const hooks = (): HooksSpec => ({
      ...receiverHooks(),
      afterBoot: { kind: 'webhook', url: receiver.url('/boot'), timeoutMs: 120_000 },
    });
    const { report } = await runCampaign(sim, hooks, {
      settings: { deadlines, windows: { kind: 'absolute', windows: [first, next] }, atClose: 'rollback' },
    });

    expect(
      report.servers.map(({ outcome, message, attempts, deployments }) => ({
        outcome,
        message,
        attempts,
        deployments,
      })),
    ).toEqual([
      {
        outcome: 'cancelled',
        message: `The reimage was cancelled during the afterBoot hook. ${NOT_BACK}`,
        attempts: 1,
        deployments: 1,
      },
    ]);
    expect(report.finalState).toBe('done');
    // One beforeWipe, one afterBoot delivery (tried again while it hung), no rollback.
    expect(receiver.to('/lb')).toHaveLength(1);
    expect(new Set(receiver.to('/boot').map((d) => d.deliveryId)).size).toBe(1);
    expect(receiver.to('/tickets')).toEqual([]);
    expect(sim.installPosts(name)).toBe(1);
    expect(sim.running(name)).toBe('disk');
  });

  it('ends with its report when cancelled while the last notification is delivered, and refuses a retry meanwhile', async () => {
    receiver.answer(() => 'hang');
    const sim = await fleet(1);
    const name = sim.servers[0]!.serviceName;
    let refusal = '';
    const { campaignId, report } = await runCampaign(sim, () => ({}), {
      settings: {
        notify: [
          {
            webhook: { url: receiver.url('/events'), format: 'generic', timeoutMs: 3000 },
            events: ['campaign.finished'],
          },
        ],
      },
      during: async (campaign) => {
        await waitFor(() => receiver.to('/events').length === 1, { what: 'the campaign.finished notification' });
        refusal = await updateRefusal(campaign.executeUpdate(retryServerUpdate, { args: [name] }));
        await campaign.cancel();
      },
    });

    expect(refusal).toBe(
      `retryServer: campaign ${campaignId} has finished its rollout and only writes its report; start a new campaign for server "${name}".`,
    );
    expect(report.finalState).toBe('done');
    expect(report.servers.map(({ outcome, attempts }) => ({ outcome, attempts }))).toEqual([
      { outcome: 'done', attempts: 1 },
    ]);
    expect(report.failedNotifications).toEqual([
      {
        event: 'campaign.finished',
        target: 'notify[0]',
        message: expect.stringMatching(/ gave no 2xx answer before its timeout \(\d+ tr(y|ies), last: .+\)\.$/),
      },
    ]);
    expect(sim.installPosts(name)).toBe(1);
  });

  it('tells the notify targets about the campaign, and records a failed delivery in the report without failing it', async () => {
    receiver.answer((delivery, nth) =>
      delivery.path === '/slack' ? (nth === 0 ? 500 : { status: 404, body: 'no_service' }) : 200,
    );
    const sim = await fleet(3, { faults: { 2: ['download_fail'] } });
    const names = sim.servers.map((s) => s.serviceName);
    const { campaignId, report } = await runCampaign(sim, () => ({}), {
      settings: {
        waves: [{ count: 1 }, { count: 2 }],
        approval: 'afterCanary',
        failureBudget: { count: 1 },
        notify: [
          {
            webhook: { url: receiver.url('/events'), format: 'generic', timeoutMs: 10_000 },
            events: [...NOTIFY_EVENTS],
          },
          {
            webhook: { url: receiver.url('/slack'), format: 'slack', timeoutMs: 10_000 },
            events: ['campaign.finished'],
          },
        ],
      },
      during: async (campaign) => {
        await waitFor(() => receiver.to('/events').some((d) => d.event === 'campaign.awaiting_approval'), {
          what: 'the approval notification',
        });
        await campaign.executeUpdate(approveNextWaveUpdate);
      },
    });

    expect(report.finalState).toBe('done');
    const events = receiver.to('/events').map((d) => JSON.parse(d.body) as CampaignEvent);
    expect(
      events.map(({ event, deliveryId, wave, state, server }) => ({
        event,
        deliveryId,
        wave,
        state,
        server: server?.serviceName,
      })),
    ).toEqual([
      {
        event: 'campaign.started',
        deliveryId: `${campaignId}/notify/1/0`,
        wave: undefined,
        state: undefined,
        server: undefined,
      },
      { event: 'wave.finished', deliveryId: `${campaignId}/notify/2/0`, wave: 1, state: undefined, server: undefined },
      {
        event: 'campaign.awaiting_approval',
        deliveryId: `${campaignId}/notify/3/0`,
        wave: 2,
        state: undefined,
        server: undefined,
      },
      {
        event: 'server.failed',
        deliveryId: `${campaignId}/notify/4/0`,
        wave: undefined,
        state: undefined,
        server: names[2],
      },
      {
        event: 'campaign.finished',
        deliveryId: `${campaignId}/notify/5/0`,
        wave: undefined,
        state: 'done',
        server: undefined,
      },
    ]);
    expect(events[4]!.totals).toEqual({
      servers: 3,
      finished: 3,
      running: 0,
      pending: 0,
      failures: 1,
      failureBudget: 1,
      byOutcome: { done: 2, deploy_failed: 1 },
    });
    expect(receiver.to('/slack').map((d) => d.deliveryId)).toEqual(Array(2).fill(`${campaignId}/notify/5/1`));
    expect(report.failedNotifications).toEqual([
      {
        event: 'campaign.finished',
        target: 'notify[1]',
        message: `POST ${receiver.url('/slack')} was refused with HTTP 404 ("no_service"); a 4xx answer is not retried.`,
      },
    ]);
  });
});
