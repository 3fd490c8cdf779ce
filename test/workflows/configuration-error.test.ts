/**
 * A campaign reference the worker cannot resolve at a server's start: its own outcome, with nothing sent to
 * OVH, on the dev server with the real activities against the simulator.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { reimageServerWorkflow } from '../../src/workflows';
import { serverWorkflowId } from '../../src/shared/workflow-ids';
import { createTestWorker, devServerPerFile, uniqueTaskQueue } from '../helpers/temporal';
import { simSettings, simulatorPerTest } from './helpers/simulated-ovh';

const SPEED = 2000;

let env: TestWorkflowEnvironment;
devServerPerFile((connected) => (env = connected));
const openSimulator = simulatorPerTest();

async function runServer(sshKey: string) {
  const sim = await openSimulator({ count: 1, speed: SPEED });
  const sn = sim.servers[0]!.serviceName;
  const taskQueue = uniqueTaskQueue('config-error');
  const worker = await createTestWorker(env, { taskQueue, activities: sim.activities });
  const settings = simSettings(taskQueue, SPEED, { configDrive: { sshKey } });
  const result = await worker.runUntil(
    env.client.workflow.execute(reimageServerWorkflow, {
      workflowId: serverWorkflowId(sn),
      taskQueue,
      args: [{ campaignId: 'manual', serviceName: sn, attempt: 1, settings }],
    }),
  );
  return { result, sim, sn };
}

it('ends a server whose SSH key reference the worker lacks as configuration_error, without a write to OVH', async () => {
  const { result, sim, sn } = await runServer('${REIMAGE_VAR_DEPLOY_SSH_KEYY}');

  expect(result).toMatchObject({
    outcome: 'configuration_error',
    failureType: 'ConfigurationError',
    message:
      "configDrive.sshKey references ${REIMAGE_VAR_DEPLOY_SSH_KEYY}, which is not set in the worker's environment; set REIMAGE_VAR_DEPLOY_SSH_KEYY on every worker (or remove the reference).",
  });
  expect(sim.installPosts(sn)).toBe(0);
  expect(sim.sim.state.requests().filter((entry) => entry.method !== 'GET')).toEqual([]);
});

it('ends a server whose SSH key reads a variable the worker does not grant as configuration_error, without a write', async () => {
  const { result, sim, sn } = await runServer('${DEPLOY_SSH_KEY}');

  expect(result).toMatchObject({
    outcome: 'configuration_error',
    failureType: 'NotAllowed',
    message:
      'configDrive.sshKey refers to ${DEPLOY_SSH_KEY}, which this worker does not give to campaigns: the worker gives a campaign only REIMAGE_VAR_* variables and those REIMAGE_CAMPAIGN_VARS lists; set the value on the worker as REIMAGE_VAR_<NAME> (or list a variable of yours in REIMAGE_CAMPAIGN_VARS) and refer to that.',
  });
  expect(sim.installPosts(sn)).toBe(0);
  expect(sim.sim.state.requests().filter((entry) => entry.method !== 'GET')).toEqual([]);
});
