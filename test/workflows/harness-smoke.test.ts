import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { workflowPollers } from '../../src/cli/plan-runner';
import { SEARCH_ATTRIBUTES } from '../../src/shared/search-attributes';
import { serverWorkflowId } from '../../src/shared/workflow-ids';
import { reimageServerWorkflow } from '../../src/workflows';
import { createTestWorker, devServerPerFile, startTimeSkippingServer, uniqueTaskQueue } from '../helpers/temporal';
import { waitForValue } from '../helpers/wait-for';
import { scriptedActivities } from './helpers/scripted-activities';
import { testSettings } from './helpers/settings';

/** Reimages one scripted server on a test worker of `env` and returns its result and the worker's identity. */
async function reimageOneServer(env: TestWorkflowEnvironment, taskQueue: string) {
  const serviceName = `${taskQueue}.example`;
  const worker = await createTestWorker(env, { taskQueue, activities: scriptedActivities() });
  const result = await worker.runUntil(
    env.client.workflow.execute(reimageServerWorkflow, {
      workflowId: serverWorkflowId(serviceName),
      taskQueue,
      args: [{ campaignId: 'manual', serviceName, attempt: 1, settings: testSettings(taskQueue) }],
    }),
  );
  return { result, serviceName, identity: worker.options.identity };
}

describe('test harness', () => {
  let env: TestWorkflowEnvironment;
  devServerPerFile((ready) => (env = ready));

  it('runs the bundled server workflow on a worker the CLI sees polling the shared dev server', async () => {
    const taskQueue = uniqueTaskQueue('smoke');
    const { result, serviceName, identity } = await reimageOneServer(env, taskQueue);

    expect(result).toMatchObject({ serviceName, outcome: 'done', deployments: 1 });
    // The check `reimage plan` and `reimage start` make before they run anything on the worker.
    const pollers = await waitForValue(
      () => workflowPollers(env.client, taskQueue),
      (identities) => identities.length > 0,
      { what: `a poller on task queue ${taskQueue}` },
    );
    expect(pollers).toEqual([identity]);
  });
});

// The server workflow starts no child workflow: the one kind the time-skipping server runs reliably.
describe('time-skipping harness', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await startTimeSkippingServer();
    // The server workflow sets the project's search attributes: the test server knows none of its own.
    const searchAttributes = Object.fromEntries(
      SEARCH_ATTRIBUTES.map(({ name }) => [name, temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD]),
    );
    await env.connection.operatorService.addSearchAttributes({ namespace: env.namespace, searchAttributes });
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('runs the bundled server workflow on the time-skipping test server', async () => {
    const { result, serviceName } = await reimageOneServer(env, uniqueTaskQueue('smoke-ts'));

    expect(result).toMatchObject({ serviceName, outcome: 'done', deployments: 1 });
    expect(env.supportsTimeSkipping).toBe(true);
  });
});
