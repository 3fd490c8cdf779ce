import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { reimageCampaignWorkflow } from '../../src/workflows';
import { campaignWorkflowId } from '../../src/shared/workflow-ids';
import { FailureType, ServerOutcome } from '../../src/shared/failure-types';
import type { CampaignSettings, ServerTarget } from '../../src/shared/campaign-types';
import { createTestWorker, devServerPerFile, uniqueTaskQueue } from '../helpers/temporal';
import { scriptedActivities, type ServerScript } from './helpers/scripted-activities';
import { testSettings } from './helpers/settings';

let env: TestWorkflowEnvironment;
devServerPerFile((connected) => (env = connected));

function fleet(prefix: string, n: number): ServerTarget[] {
  return Array.from({ length: n }, (_, i) => ({ serviceName: `${prefix}-${i + 1}.test` }));
}

async function withWorker<T>(
  taskQueue: string,
  scripts: Record<string, ServerScript>,
  defaults: ServerScript,
  fn: (w: Worker) => Promise<T>,
) {
  const activities = scriptedActivities(scripts, defaults);
  const worker = await createTestWorker(env, { taskQueue, activities });
  return { result: await worker.runUntil(fn(worker)), activities };
}

function startCampaign(id: string, servers: ServerTarget[], settings: CampaignSettings) {
  return env.client.workflow.start(reimageCampaignWorkflow, {
    workflowId: campaignWorkflowId(id),
    taskQueue: settings.taskQueue,
    args: [{ campaignId: id, servers, settings }],
  });
}

describe('reimageCampaignWorkflow (scripted activities)', () => {
  it('reimages every server and reports done with totals', async () => {
    const taskQueue = uniqueTaskQueue('camp');
    const servers = fleet(taskQueue, 6);
    const { result, activities } = await withWorker(taskQueue, {}, {}, async () => {
      const handle = await startCampaign(taskQueue, servers, testSettings(taskQueue, { maxParallel: { count: 2 } }));
      return handle.result();
    });
    expect(result.finalState).toBe('done');
    expect(result.totals.byOutcome).toEqual({ done: 6 });
    expect(result.totals.apiCalls).toBe(6 * (4 + 2 + 6 + 1));
    expect(result.servers.map((s) => s.outcome)).toEqual(Array(6).fill('done'));
    expect([...activities.installPosts.values()]).toEqual(Array(6).fill(1));
  });

  it('records a server whose preflight fails without touching it', async () => {
    const taskQueue = uniqueTaskQueue('camp');
    const servers = fleet(taskQueue, 2);
    const bad = servers[1]!.serviceName;
    const { result, activities } = await withWorker(taskQueue, { [bad]: { preflight: 'fail' } }, {}, async () =>
      (await startCampaign(taskQueue, servers, testSettings(taskQueue))).result(),
    );
    expect(result.finalState).toBe('done');
    expect(result.servers[1]).toMatchObject({
      outcome: 'preflight_failed',
      failureType: 'PreflightFailed',
      message: 'server_state: The server state is "error", not "ok".',
    });
    expect(activities.calls[bad]).toEqual(['preflight']);
  });

  it('rolls back a failed deployment and halts when the budget is exceeded', async () => {
    const taskQueue = uniqueTaskQueue('camp');
    const servers = fleet(taskQueue, 4);
    const { result, activities } = await withWorker(
      taskQueue,
      { [servers[0]!.serviceName]: { deploy: 'fail' } },
      {},
      async () =>
        (await startCampaign(taskQueue, servers, testSettings(taskQueue, { maxParallel: { count: 1 } }))).result(),
    );
    expect(result.finalState).toBe('halted');
    expect(result.reason).toBe('The failure budget is exceeded: 1 server failed, 0 allowed. No new server starts.');
    expect(result.servers[0]).toMatchObject({
      outcome: ServerOutcome.DeployFailed,
      failureType: FailureType.DeployFailed,
      message: 'Could not download image: 404 Not Found.',
    });
    expect(activities.calls[servers[0]!.serviceName]).toEqual(['preflight', 'start', 'wait', 'rollback']);
    expect(result.totals.notStarted).toBe(3);
  });

  it('ends a server whose redeploy is refused as locked with the failure that caused it, against the budget', async () => {
    const taskQueue = uniqueTaskQueue('camp');
    const servers = fleet(taskQueue, 2);
    const failing = servers[0]!.serviceName;
    const { result, activities } = await withWorker(
      taskQueue,
      { [failing]: { deployFailures: 1, redeployLocked: true } },
      {},
      async () => {
        const settings = testSettings(taskQueue, {
          maxParallel: { count: 1 },
          failureBudget: { count: 0 },
          redeployAfterRollback: 1,
        });
        return (await startCampaign(taskQueue, servers, settings)).result();
      },
    );
    expect(result.finalState).toBe('halted');
    expect(result.servers[0]).toMatchObject({
      outcome: ServerOutcome.DeployFailed,
      failureType: FailureType.DeployFailed,
      message: `Could not download image: 404 Not Found. The redeploy that followed the rollback was refused: ${failing} is locked by another OVH task or process.`,
      deployments: 2,
    });
    expect(result.totals.failures).toBe(1);
    expect(activities.calls[failing]).toEqual(['preflight', 'start', 'wait', 'rollback', 'start']);
  });
});
