import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { workerHealthWorkflow } from '../../src/workflows';
import { createTestWorker, devServerPerFile, startTimeSkippingServer, uniqueTaskQueue } from '../helpers/temporal';

describe('test harness', () => {
  let env: TestWorkflowEnvironment;
  devServerPerFile((ready) => (env = ready));

  it('runs a bundled workflow of the project on the shared dev server', async () => {
    const taskQueue = uniqueTaskQueue('smoke');
    const worker = await createTestWorker(env, { taskQueue });
    const result = await worker.runUntil(
      env.client.workflow.execute(workerHealthWorkflow, { taskQueue, workflowId: `smoke-${taskQueue}` }),
    );
    expect(result).toEqual({ ok: true, taskQueue, workflowType: 'workerHealthWorkflow' });
    const described = await env.client.workflow.getHandle(`smoke-${taskQueue}`).describe();
    expect(described.status.name).toBe('COMPLETED');
  });
});

// The health workflow starts no child workflow: the one kind the time-skipping server runs reliably.
describe('time-skipping harness', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await startTimeSkippingServer();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('runs a bundled workflow of the project on the time-skipping test server', async () => {
    const taskQueue = uniqueTaskQueue('smoke-ts');
    const worker = await createTestWorker(env, { taskQueue });
    const result = await worker.runUntil(
      env.client.workflow.execute(workerHealthWorkflow, { taskQueue, workflowId: `smoke-${taskQueue}` }),
    );
    expect(result).toEqual({ ok: true, taskQueue, workflowType: 'workerHealthWorkflow' });
    expect(env.supportsTimeSkipping).toBe(true);
  });
});
